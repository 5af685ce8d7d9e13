import { z } from 'zod';
import { MAX_DOCUMENT_IDS_PER_REQUEST } from './limits.js';
import { ErrorCodeSchema } from './errors.js';

export const MAX_CHAT_MESSAGES = 100;
export const MAX_MESSAGE_CHARS = 8000;

export const ChatMessageSchema = z.object({
  role: z.enum(['user', 'assistant']),
  content: z.string().max(MAX_MESSAGE_CHARS * 4),
});
export type ChatMessage = z.infer<typeof ChatMessageSchema>;

export const ChatRequestSchema = z.object({
  /** The conversation so far, oldest first; the last message is the user's new question. */
  messages: z
    .array(ChatMessageSchema)
    .min(1)
    .max(MAX_CHAT_MESSAGES)
    .refine((m) => m[m.length - 1]?.role === 'user', 'the last message must be from the user')
    .refine((m) => (m[m.length - 1]?.content.trim().length ?? 0) > 0, 'the question is empty')
    .refine((m) => (m[m.length - 1]?.content.length ?? 0) <= MAX_MESSAGE_CHARS, `the question is longer than ${MAX_MESSAGE_CHARS} characters`),
  documentIds: z.array(z.string().min(1)).max(MAX_DOCUMENT_IDS_PER_REQUEST).optional(),
  /** Continue this conversation; a new one is created when absent. */
  conversationId: z.string().uuid().optional(),
  /**
   * Start a new conversation under this id (chosen by the client, so it can name the chat before the first event
   * arrives, e.g. in its URL). Not with `conversationId`; an id already in use is refused.
   */
  newConversationId: z.string().uuid().optional(),
  /**
   * Ask the conversation's last question again: the id of that question (from the `start` event). It and its
   * answer are replaced by this request's question and answer. Needs `conversationId`.
   */
  retryOf: z.string().uuid().optional(),
  /** Answer from this collection's documents; a new conversation belongs to it and keeps that scope. */
  collectionId: z.string().uuid().optional(),
});
export type ChatRequest = z.infer<typeof ChatRequestSchema>;

/** A passage given to the model, numbered as the model sees it. */
export const SourceSchema = z.object({
  n: z.number().int().min(1),
  chunkId: z.number().int(),
  documentId: z.string(),
  documentName: z.string(),
  page: z.number().int().min(1),
  pageLabel: z.string().nullable(),
  charStart: z.number().int(),
  charEnd: z.number().int(),
  text: z.string(),
});
export type Source = z.infer<typeof SourceSchema>;

/** A `[n]` marker in the answer, resolved by the server to its passage. */
export const CitationSchema = SourceSchema;
export type Citation = z.infer<typeof CitationSchema>;

export const UsageSchema = z.object({
  promptTokens: z.number().int().nullable(),
  completionTokens: z.number().int().nullable(),
  reasoningTokens: z.number().int().nullable(),
});
export type Usage = z.infer<typeof UsageSchema>;

export const CLAIM_VERDICTS = ['supported', 'partial', 'unsupported', 'uncited'] as const;
export const ClaimVerdictSchema = z.enum(CLAIM_VERDICTS);
export type ClaimVerdict = z.infer<typeof ClaimVerdictSchema>;

/** One claim (a sentence, or a clause of a list item) of an answer, checked against the passages it cites. */
export const VerifiedClaimSchema = z.object({
  index: z.number().int().min(0),
  text: z.string(),
  /** Offsets of the claim in the answer text. */
  start: z.number().int().min(0),
  end: z.number().int().min(0),
  /** The `[n]` markers of the claim. */
  citations: z.array(z.number().int().min(1)),
  verdict: ClaimVerdictSchema,
  /** The best supporting span: `charStart`/`charEnd` are offsets in the cited passage's (chunk's) text. */
  support: z
    .object({ citation: z.number().int().min(1), charStart: z.number().int().min(0), charEnd: z.number().int().min(0), quote: z.string() })
    .optional(),
});
export type VerifiedClaim = z.infer<typeof VerifiedClaimSchema>;

export const VerificationSchema = z.object({
  claims: z.array(VerifiedClaimSchema),
  counts: z.object({ supported: z.number().int(), partial: z.number().int(), unsupported: z.number().int(), uncited: z.number().int() }),
});
export type Verification = z.infer<typeof VerificationSchema>;

export const MESSAGE_STATUSES = ['complete', 'incomplete', 'error'] as const;
export const MessageStatusSchema = z.enum(MESSAGE_STATUSES);
export type MessageStatus = z.infer<typeof MessageStatusSchema>;

export const ANSWER_MODES = ['llm', 'extractive'] as const;

/**
 * Events of the `POST /api/chat` stream (`text/event-stream`; the SSE event name equals `type`, data is the JSON
 * event). Order: `start`, `sources`, then any number of `reasoning` / `answer` deltas, `citations`, `verification`
 * (when there is answer text), and one final `done` or `error`. `: ping` comment lines are heartbeats.
 */
export const ChatEventSchema = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('start'),
    conversationId: z.string(),
    userMessageId: z.string(),
    assistantMessageId: z.string(),
    /** The standalone query used for retrieval (the question itself, or its rewrite for a follow-up). */
    query: z.string(),
    /** Other wordings the model proposed (synonyms, a translation), searched alongside `query`. */
    expansions: z.array(z.string()).optional(),
    mode: z.enum(ANSWER_MODES),
    /** Ids of `documentIds` that no longer exist (deleted): only the others were searched. */
    missingDocumentIds: z.array(z.string()).optional(),
  }),
  z.object({ type: z.literal('sources'), sources: z.array(SourceSchema) }),
  z.object({ type: z.literal('reasoning'), delta: z.string() }),
  z.object({ type: z.literal('answer'), delta: z.string() }),
  z.object({ type: z.literal('citations'), citations: z.array(CitationSchema) }),
  /** Each claim of the answer checked against the passages it cites, sent once the answer has ended. */
  z.object({ type: z.literal('verification'), ...VerificationSchema.shape }),
  z.object({
    type: z.literal('done'),
    status: MessageStatusSchema,
    /** Why generation stopped: `stop`, `length`, `missing` (stream ended without a finish reason), … */
    finishReason: z.string().nullable(),
    usage: UsageSchema.nullable(),
    timings: z.object({
      /** Rewrite excluded: retrieval only. */
      retrievalMs: z.number(),
      /** The server's own work before the model is called: retrieval + prompt assembly (rewrite excluded). */
      overheadMs: z.number(),
      firstTokenMs: z.number().nullable(),
      totalMs: z.number(),
    }),
  }),
  z.object({ type: z.literal('error'), code: ErrorCodeSchema, message: z.string() }),
]);
export type ChatEvent = z.infer<typeof ChatEventSchema>;
export type ChatEventType = ChatEvent['type'];

export const StoredMessageSchema = z.object({
  id: z.string(),
  role: z.enum(['user', 'assistant']),
  content: z.string(),
  /** The model's reasoning, kept apart from the answer and never sent back to the model. */
  reasoning: z.string().nullable(),
  citations: z.array(CitationSchema),
  /** The claim check of an assistant answer (null for questions, and for answers stored before it existed). */
  verification: VerificationSchema.nullable(),
  status: MessageStatusSchema,
  error: z.object({ code: ErrorCodeSchema, message: z.string() }).nullable(),
  createdAt: z.string(),
});
export type StoredMessage = z.infer<typeof StoredMessageSchema>;

export const ConversationSummarySchema = z.object({
  id: z.string(),
  title: z.string(),
  createdAt: z.string(),
  updatedAt: z.string(),
  messages: z.number().int(),
  /** The documents the latest question was scoped to; null = the whole library. */
  documentIds: z.array(z.string()).nullable(),
  /** The collection the chat belongs to (its scope), if any. */
  collectionId: z.string().nullable().optional(),
});
export type ConversationSummary = z.infer<typeof ConversationSummarySchema>;

export const ConversationsListResponseSchema = z.object({ conversations: z.array(ConversationSummarySchema) });
export const ConversationResponseSchema = z.object({
  conversation: ConversationSummarySchema.extend({ messages: z.array(StoredMessageSchema) }),
});
export type ConversationResponse = z.infer<typeof ConversationResponseSchema>;
export const ConversationRenameSchema = z.object({ title: z.string().trim().min(1).max(200) });
