/**
 * The relevance floor of `POST /api/search`: a nonsense query still has nearest neighbours, and its one real word
 * still matches somewhere, so ranking alone always fills the list. Two checks, both measured (README "Measured"):
 *
 * - The query must be one the library knows: at least two of its terms occur in some passage, or the terms that
 *   occur carry at least half of the query's weight (each term weighted by its inverse document frequency over all
 *   passages; a term no passage contains, a typo or nonsense, weighs as much as the rarest term can). "zzqxv
 *   nothing" fails it (one known term, 43 % of the weight); every question of the sec-10-q set passes.
 * - A passage must share at least one query term with its text or its document's context (name, title, opening
 *   text), or be nearly as close to the query as the closest passage is (cosine at least 90 % of the best), so
 *   a meaning match in another language still counts.
 */
import type { Db } from '../store/db.js';
import { tokenize } from './tokenize.js';

/** Known terms that make a query one the library knows, whatever their weight. */
const MIN_KNOWN_TERMS = 2;
/** Or the share of the query's weight its known terms must carry. */
const MIN_KNOWN_SHARE = 0.5;
/** A passage sharing no query term passes when its cosine is at least this share of the best passage's. */
const DENSE_SHARE = 0.9;

export interface RelevanceFloor {
  /** False when the library does not know the query: then nothing is relevant. */
  matched: boolean;
  passes(chunk: { id: number; document_id: string; text: string }): boolean;
}

const quote = (t: string) => `"${t.replace(/"/g, '""')}"`;

export function relevanceFloor(db: Db, query: string, dense: { chunkId: number; score: number }[]): RelevanceFloor {
  const terms = [...new Set(tokenize(query))];
  const n = (db.prepare('SELECT COUNT(*) AS n FROM chunks').get() as { n: number }).n;
  const df = db.prepare('SELECT COUNT(*) AS n FROM chunks_fts WHERE chunks_fts MATCH ?');
  let total = 0;
  let knownWeight = 0;
  let knownTerms = 0;
  for (const t of terms) {
    const d = (df.get(quote(t)) as { n: number }).n;
    const weight = Math.log(1 + (n - d + 0.5) / (d + 0.5));
    total += weight;
    if (d > 0) (knownWeight += weight), knownTerms++;
  }
  const matched = knownTerms >= MIN_KNOWN_TERMS || (total > 0 && knownWeight / total >= MIN_KNOWN_SHARE);

  const similarity = new Map(dense.map((h) => [h.chunkId, h.score]));
  const best = Math.max(0, ...dense.map((h) => h.score));
  const contexts = new Map<string, Set<string>>();
  const contextOf = (documentId: string): Set<string> => {
    let words = contexts.get(documentId);
    if (!words) {
      const row = db.prepare('SELECT context FROM documents WHERE id = ?').get(documentId) as { context: string | null } | undefined;
      contexts.set(documentId, (words = new Set(tokenize(row?.context ?? ''))));
    }
    return words;
  };
  return {
    matched,
    passes: (chunk) => {
      if (!matched) return false;
      if (best > 0 && (similarity.get(chunk.id) ?? 0) >= DENSE_SHARE * best) return true;
      const own = new Set(tokenize(chunk.text));
      const context = contextOf(chunk.document_id);
      return terms.some((t) => own.has(t) || context.has(t));
    },
  };
}
