/**
 * Retrieval over several wordings of one question: each is searched on its own and the rankings are fused per
 * page with reciprocal rank fusion, the question's own wording weighted above the model's alternatives, so a
 * page found by the question stays on top while pages only a synonym or a translation reaches can join.
 */
import type { SearchResult } from '@pagewise/shared';
import { rrfScore } from '../index/rrf.js';
import type { SearchIndex } from '../index/search-index.js';

/** Weight of each alternative wording against the query itself. */
export const ALTERNATIVE_WEIGHT = 0.7;

export async function searchWordings(
  index: SearchIndex,
  query: string,
  alternatives: string[],
  opts: { k: number; documentIds?: string[] },
): Promise<SearchResult[]> {
  if (alternatives.length === 0) return index.search(query, opts);
  const depth = Math.max(opts.k * 2, 10);
  const lists = await Promise.all([query, ...alternatives].map((q) => index.search(q, { k: depth, documentIds: opts.documentIds })));
  const fused = new Map<string, { score: number; best: SearchResult; bestRank: number }>();
  lists.forEach((list, i) => {
    const weight = i === 0 ? 1 : ALTERNATIVE_WEIGHT;
    list.forEach((hit, rank) => {
      const key = `${hit.documentId}:${hit.page}`;
      const entry = fused.get(key);
      const add = rrfScore(rank, weight);
      if (!entry) fused.set(key, { score: add, best: hit, bestRank: rank });
      else {
        entry.score += add;
        // Show the passage of the page that ranked best in any list.
        if (rank < entry.bestRank) Object.assign(entry, { best: hit, bestRank: rank });
      }
    });
  });
  return [...fused.values()]
    .sort((a, b) => b.score - a.score || a.best.chunkId - b.best.chunkId)
    .slice(0, opts.k)
    .map((e) => ({ ...e.best, score: e.score }));
}
