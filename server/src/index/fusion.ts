/**
 * Hybrid fusion: how the lexical ranking, the dense ranking and the document prior combine into one score per
 * passage. Pure, so that `npm run eval:tune` can replay stored candidates under other weights. The weights differ by
 * embedder kind: the built-in embedder matches words (much as the lexical side does), a real embedder matches
 * meanings and languages, so its ranking deserves more say, above all for passages in another language than the
 * question's, which the lexical side cannot see.
 */
import type { PageKind } from '../ingest/page-kind.js';
import type { EmbedderKind } from './embedders/types.js';
import { textLanguage, type TextLanguage } from './language.js';
import { rrfScore } from './rrf.js';

export interface FusionWeights {
  /** Weight of the dense ranking against the lexical one (1). */
  dense: number;
  /** Extra factor on the dense contribution of a passage written in another language than the question. */
  otherLanguage: number;
  /** A chunk's score is multiplied by (1 + docPrior × its document's normalised name-word score). */
  docPrior: number;
  /** Share of its score a passage of a contents or index page keeps (it repeats every heading it lists). */
  navigation: number;
}

/** What a search found before fusion: both rankings (best first), the document prior, and the rows they name. */
export interface Candidates<R extends FusionRow = FusionRow> {
  lexical: number[];
  dense: number[];
  prior: Map<string, number>;
  rows: Map<number, R>;
}

/** What fusion reads of a passage. */
export interface FusionRow {
  document_id: string;
  text: string;
  kind: PageKind | null;
}

/**
 * Chosen with `npm run eval:tune` on the question set (README, "Fusion tuned by embedder kind"). Dense weight
 * slightly below 1, so an exact keyword hit outranks an equally placed nearest neighbour. Prior 2: on sec-10-q with
 * the built-in embedder, filing hit@5 was 0.60 without it, 0.87 at 0.5, 0.93 at 1, 0.95 at 2; it keys on the
 * question's name-like words only. No other grid row gained both paraphrased and cross-lingual questions with the
 * small multilingual-e5, and lifting passages in another language lost more than it won, so all kinds share the
 * weights until a stronger embedder's numbers say otherwise.
 */
export const FUSION: Record<EmbedderKind, FusionWeights> = {
  builtin: { dense: 0.9, otherLanguage: 1, docPrior: 2, navigation: 0.9 },
  local: { dense: 0.9, otherLanguage: 1, docPrior: 2, navigation: 0.9 },
  openai: { dense: 0.9, otherLanguage: 1, docPrior: 2, navigation: 0.9 },
};

/** Fused scores, best first (ties by chunk id), for the chunks whose rows are known. */
export function fuse(c: Candidates, queryLanguage: TextLanguage, w: FusionWeights): [number, number][] {
  const fused = new Map<number, number>();
  c.lexical.forEach((id, rank) => fused.set(id, (fused.get(id) ?? 0) + rrfScore(rank)));
  c.dense.forEach((id, rank) => {
    const row = c.rows.get(id);
    const other = w.otherLanguage !== 1 && row !== undefined && textLanguage(row.text) !== queryLanguage;
    fused.set(id, (fused.get(id) ?? 0) + rrfScore(rank, w.dense * (other ? w.otherLanguage : 1)));
  });
  const out: [number, number][] = [];
  for (const [id, score] of fused) {
    const row = c.rows.get(id);
    if (!row) continue;
    const boost = 1 + w.docPrior * (c.prior.get(row.document_id) ?? 0);
    out.push([id, score * boost * (row.kind ? w.navigation : 1)]);
  }
  return out.sort((a, b) => b[1] - a[1] || a[0] - b[0]);
}
