/**
 * The OpenAI-compatible endpoint (`/v1`): what a chat-completions request may carry, and what Pagewise adds to
 * the answer (`sources`). Fields that every OpenAI client may send but that do not change a grounded answer
 * (`top_p`, `seed`, `user`, `metadata`, penalties, …) are accepted and ignored; fields Pagewise cannot honour
 * (`tools`, `n` > 1, …) are accepted by the schema so that the server can refuse them by name.
 */
import { z } from 'zod';
import { ClaimVerdictSchema } from './chat.js';

/** The model id of the whole library. Collections are to be `pagewise/<collection-slug>`. */
export const LIBRARY_MODEL_ID = 'pagewise';
/** Most messages in one request; only the most recent `MAX_CHAT_MESSAGES` of them are used. */
export const MAX_OPENAI_MESSAGES = 1000;

const nullish = <T extends z.ZodType>(t: T) => t.nullable().optional();

/** A content part: `{ type: 'text', text }` is read; any other type is refused by name. */
export const OpenAIContentPartSchema = z.looseObject({ type: z.string(), text: z.string().optional() });

export const OpenAIMessageSchema = z.looseObject({
  role: z.string(),
  content: nullish(z.union([z.string(), z.array(OpenAIContentPartSchema)])),
});
export type OpenAIMessage = z.infer<typeof OpenAIMessageSchema>;

export const OpenAIChatRequestSchema = z.looseObject({
  /** Selects the scope: `pagewise` is the whole library (see GET /v1/models). */
  model: z.string().min(1).max(200),
  messages: z.array(OpenAIMessageSchema).min(1).max(MAX_OPENAI_MESSAGES),
  stream: nullish(z.boolean()),
  stream_options: nullish(z.looseObject({ include_usage: nullish(z.boolean()) })),
  temperature: nullish(z.number().min(0).max(2)),
  max_tokens: nullish(z.number().int().min(1)),
  max_completion_tokens: nullish(z.number().int().min(1)),
  stop: nullish(z.union([z.string().min(1), z.array(z.string().min(1)).max(4)])),
  /** Keep the question and the answer as a Pagewise conversation (stateless otherwise). */
  store: nullish(z.boolean()),
  // Refused when they ask for what a grounded answer cannot give (checked by the server, by name).
  n: nullish(z.number().int().min(1)),
  tools: nullish(z.array(z.unknown())),
  functions: nullish(z.array(z.unknown())),
  tool_choice: z.unknown().optional(),
  function_call: z.unknown().optional(),
  logprobs: nullish(z.boolean()),
  top_logprobs: nullish(z.number().int().min(0)),
  response_format: nullish(z.looseObject({ type: z.string() })),
  modalities: nullish(z.array(z.string())),
  audio: z.unknown().optional(),
});
export type OpenAIChatRequest = z.infer<typeof OpenAIChatRequestSchema>;

/**
 * A passage the model was given, added to the completion (and to the last chunk of a stream) as `sources`, in
 * the order of `n`; `cited` marks those the answer cites.
 */
export const OpenAISourceSchema = z.object({
  /** The `[n]` marker that cites it. */
  n: z.number().int().min(1),
  cited: z.boolean(),
  /** The document's name, and its id for `GET /api/documents/:id/pages/:page`. */
  document: z.string(),
  document_id: z.string(),
  /** 1-based physical page, and the PDF's own label for it (the page number when it has none). */
  page: z.number().int().min(1),
  label: z.string(),
  /** The span of the page that supports the claim citing it when the claim check found one, else the whole passage. */
  quote: z.string(),
  /** The weakest verdict among the claims that cite it; null when no checked claim does (or it is not cited). */
  verdict: ClaimVerdictSchema.nullable(),
});
export type OpenAISource = z.infer<typeof OpenAISourceSchema>;

/** The error body on /v1, as OpenAI clients expect it. */
export const OpenAIErrorBodySchema = z.object({
  error: z.object({ message: z.string(), type: z.string(), code: z.string().nullable(), param: z.string().nullable() }),
});
export type OpenAIErrorBody = z.infer<typeof OpenAIErrorBodySchema>;
