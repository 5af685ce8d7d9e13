/**
 * How many of a question's content words are on its gold page: the measure behind "a paraphrase shares few
 * content words with its page" (tests/eval/questions/README.md). Content words are the tokens the lexical index
 * itself sees (server/src/index/tokenize.ts: stop words dropped, case and accents folded, light English/German
 * stemming, Chinese as character bigrams), so a shared token is exactly what BM25 can match on.
 */
import { tokenize } from '../../server/src/index/tokenize.js';

export interface Overlap {
  /** The question's distinct content tokens. */
  tokens: string[];
  /** Those that also occur on the page. */
  found: string[];
  /** found / tokens (0 for a question with no content token). */
  share: number;
}

export function contentOverlap(question: string, pageText: string): Overlap {
  const tokens = [...new Set(tokenize(question))];
  const page = new Set(tokenize(pageText));
  const found = tokens.filter((t) => page.has(t));
  return { tokens, found, share: tokens.length ? found.length / tokens.length : 0 };
}

/** The overlap with the gold page that shares the most: a question answered on several pages is judged by its closest one. */
export function bestOverlap(question: string, goldPages: string[]): Overlap {
  let best: Overlap | null = null;
  for (const text of goldPages) {
    const o = contentOverlap(question, text);
    if (!best || o.share > best.share) best = o;
  }
  return best ?? contentOverlap(question, '');
}

/** Quantile with linear interpolation between neighbouring values (q = 0.5 is the usual median). */
export function quantile(values: number[], q: number): number {
  if (values.length === 0) return Number.NaN;
  const s = [...values].sort((a, b) => a - b);
  const pos = (s.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return s[lo]! + (s[hi]! - s[lo]!) * (pos - lo);
}

export interface OverlapSummary {
  group: string;
  n: number;
  min: number;
  p25: number;
  median: number;
  p75: number;
  max: number;
}

export function summarizeOverlap(group: string, shares: number[]): OverlapSummary {
  return {
    group,
    n: shares.length,
    min: quantile(shares, 0),
    p25: quantile(shares, 0.25),
    median: quantile(shares, 0.5),
    p75: quantile(shares, 0.75),
    max: quantile(shares, 1),
  };
}
