export type EmbedderKind = 'local' | 'openai' | 'builtin';

/** Turns text into unit-length vectors. One instance builds one index; its `id` is recorded with the index. */
export interface Embedder {
  /** Stable identity of the vector space: changes whenever vectors would not be comparable. */
  readonly id: string;
  readonly kind: EmbedderKind;
  readonly dimension: number;
  embedDocuments(texts: string[], signal?: AbortSignal): Promise<Float32Array[]>;
  embedQuery(text: string, signal?: AbortSignal): Promise<Float32Array>;
}

export function normalize(v: Float32Array): Float32Array {
  let sum = 0;
  for (let i = 0; i < v.length; i++) sum += v[i]! * v[i]!;
  const n = Math.sqrt(sum);
  if (n > 0) for (let i = 0; i < v.length; i++) v[i] = v[i]! / n;
  return v;
}

/** How much of the document context vector is mixed into each passage vector. */
export const CONTEXT_MIX = 0.35;

/**
 * A passage vector that also knows which document it is from: the passage embedding plus a smaller share of
 * the document-context embedding, renormalised. The context is embedded once per document, not per chunk.
 */
export function withContext(passage: Float32Array, context: Float32Array | null, mix = CONTEXT_MIX): Float32Array {
  if (!context) return passage;
  const out = new Float32Array(passage.length);
  for (let i = 0; i < passage.length; i++) out[i] = passage[i]! + mix * context[i]!;
  return normalize(out);
}
