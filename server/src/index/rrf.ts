/** Reciprocal rank fusion: the one constant and the one formula every fused ranking uses. */
export const RRF_K = 60;

/** What the hit at 0-based `rank` of one ranking adds to its fused score, that ranking weighted by `weight`. */
export function rrfScore(rank: number, weight = 1): number {
  return weight / (RRF_K + rank + 1);
}
