import { z } from 'zod';

export const HealthResponseSchema = z.object({
  ok: z.literal(true),
  version: z.string(),
  embedder: z.object({
    /** `loading` until the configured embedder has been resolved. */
    state: z.enum(['loading', 'ready']),
    id: z.string().nullable(),
    kind: z.enum(['local', 'openai', 'builtin']).nullable(),
    dimension: z.number().int().nullable(),
    /** Set when `auto` fell back to the built-in embedder: why the local model could not be used. */
    fallbackReason: z.string().nullable(),
  }),
  index: z.object({
    vectors: z.number().int(),
    state: z.enum(['ready', 'rebuilding']),
  }),
  chat: z.object({
    /** `extractive` when no model endpoint is configured. */
    mode: z.enum(['llm', 'extractive']),
    model: z.string().nullable(),
  }),
  /**
   * OCR of pages without text: `off` (OCR=off), `ready` (language data in place), `fetching` (being fetched), or
   * `unavailable` (could not be fetched: pages without text stay empty).
   */
  ocr: z.object({ state: z.enum(['off', 'ready', 'fetching', 'unavailable']), langs: z.string() }),
  documents: z.record(z.string(), z.number().int()),
});
export type HealthResponse = z.infer<typeof HealthResponseSchema>;
