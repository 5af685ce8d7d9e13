/**
 * One claim scored against the passages it cites, offline.
 * - Unsupported: a figure, code or quoted phrase of the claim is in none of its passages; the direction of a
 *   change contradicts the passage (its words, or "from A to B" against the claim's own figures); or neither
 *   facts nor words of the claim are in the passages.
 * - Supported: every hard fact is there and enough of the claim's content words are (fewer needed when figures
 *   confirm it), with no unmatched name and the same polarity (negated or not) as the supporting span.
 * - Partial: everything in between.
 * The supporting span is the run of one to three passage segments that holds most of the claim's figures and
 * words; with a semantic embedder, claim-to-segment similarity can lift a partial claim to supported.
 */
import type { ClaimVerdict } from '@pagewise/shared';
import { codesOf, figureDirection, namesOf, negated, quotesOf, squashed, wordDirection, type Direction } from './facts.js';
import { extractFigures, figureIn, passageValues, type Figure } from './numbers.js';
import { contentTokens, coverage, locateQuote, prefixAntonym, segments, type Segment } from './overlap.js';

export interface CitedPassage {
  n: number;
  text: string;
}

export interface ClaimScore {
  verdict: Exclude<ClaimVerdict, 'uncited'>;
  /** Why, in words ("the number 999,999,999 is not in passage 2"). */
  reason: string;
  support?: { citation: number; charStart: number; charEnd: number; quote: string };
}

/** Similarity of a claim to passage segments (a semantic embedder's cosine), when one is available. */
export type Similarity = (claim: string, segments: string[]) => Promise<number[]>;

export const THRESHOLDS = {
  /** Share of content words a claim without figures needs to be supported. */
  supported: 0.7,
  /** The same when all its figures were found. */
  supportedWithFigures: 0.4,
  /** Below this, a claim without figures is unsupported. */
  partial: 0.25,
  /** A sentence that says the opposite (a negation more or less) unsupports the claim when it covers this much of it. */
  contradiction: 0.6,
  semantic: 0.8,
};

interface Window {
  passage: CitedPassage;
  span: Segment;
  figures: number;
  cover: number;
  len: number;
}

const joinNs = (ps: CitedPassage[]) => ps.map((p) => p.n).join(', ');

function missingFact(plain: string, figures: Figure[], passages: CitedPassage[]): string | null {
  const values = passages.flatMap((p) => passageValues(p.text));
  const fig = figures.find((f) => !figureIn(f, values));
  const where = `passage${passages.length > 1 ? 's' : ''} ${joinNs(passages)}`;
  if (fig) return `the number ${fig.raw} is not in ${where}`;
  const all = squashed(passages.map((p) => p.text).join(' '));
  const code = codesOf(plain).find((c) => !all.includes(squashed(c)));
  if (code) return `${code} is not in ${where}`;
  const quote = quotesOf(plain).find((q) => !all.includes(squashed(q)));
  if (quote) return `“${quote}” is not in ${where}`;
  return null;
}

const rank = (w: Window) => w.figures * 10 + w.cover - 0.1 * (w.len - 1);

/** Every run of 1 to `maxLen` passage segments, scored by the claim's figures and words in it. */
function windows(tokens: string[], figures: Figure[], passages: CitedPassage[], maxLen: number): Window[] {
  const out: Window[] = [];
  for (const passage of passages) {
    const segs = segments(passage.text);
    for (let i = 0; i < segs.length; i++) {
      for (let len = 1; len <= maxLen && i + len <= segs.length; len++) {
        const span = { start: segs[i]!.start, end: segs[i + len - 1]!.end };
        const text = passage.text.slice(span.start, span.end);
        const values = passageValues(text);
        out.push({ passage, span, figures: figures.filter((f) => figureIn(f, values)).length, cover: coverage(tokens, text), len });
      }
    }
  }
  return out;
}

/** The best window: most figures, then most words (each extra segment must add a tenth of them), then the shortest. */
function best(ws: Window[]): Window | null {
  let top: Window | null = null;
  for (const w of ws) {
    const size = w.span.end - w.span.start;
    if (!top || rank(w) > rank(top) + 1e-9 || (Math.abs(rank(w) - rank(top)) <= 1e-9 && size < top.span.end - top.span.start)) top = w;
  }
  return top;
}

/** The direction of change the best-matching sentences state, when they agree on one. */
function statedDirection(ws: Window[], top: Window): Direction {
  const dirs = new Set(ws.filter((w) => Math.abs(rank(w) - rank(top)) <= 1e-9).map((w) => wordDirection(w.passage.text.slice(w.span.start, w.span.end))));
  dirs.delete(null);
  return dirs.size === 1 ? [...dirs][0]! : null;
}

function supportOf(w: Window): ClaimScore['support'] {
  return { citation: w.passage.n, charStart: w.span.start, charEnd: w.span.end, quote: w.passage.text.slice(w.span.start, w.span.end) };
}

/** A claim that quotes its passage word for word (an extractive answer's excerpt, possibly cut off with "…"). */
function verbatim(plain: string, passages: CitedPassage[]): ClaimScore | null {
  const quote = plain.replace(/\s*(?:…|\.\.\.)\s*$/, '');
  if (quote.length < 40) return null;
  for (const p of passages) {
    const at = locateQuote(p.text, quote);
    if (at) return { verdict: 'supported', reason: `quoted from passage ${p.n}`, support: { citation: p.n, charStart: at.start, charEnd: at.end, quote: p.text.slice(at.start, at.end) } };
  }
  return null;
}

export async function scoreClaim(plain: string, passages: CitedPassage[], similarity?: Similarity): Promise<ClaimScore> {
  const quoted = verbatim(plain, passages);
  if (quoted) return quoted;
  const figures = extractFigures(plain);
  const where = `passage${passages.length > 1 ? 's' : ''} ${joinNs(passages)}`;
  const missing = missingFact(plain, figures, passages);
  if (missing) return { verdict: 'unsupported', reason: missing };
  const tokens = contentTokens(plain);
  const cover = coverage(tokens, passages.map((p) => p.text).join('\n'));
  const w = best(windows(tokens, figures, passages, 3));
  if (!w) return { verdict: 'unsupported', reason: `${where} ${passages.length > 1 ? 'are' : 'is'} empty` };
  // Direction and negation belong to one sentence: read them in the single best segment.
  const singles = windows(tokens, figures, passages, 1);
  const one = best(singles)!;
  const spanText = one.passage.text.slice(one.span.start, one.span.end);
  const claimDir = wordDirection(plain);
  const passageDir = figureDirection(plain, figures) ?? statedDirection(singles, one);
  if (claimDir && passageDir && claimDir !== passageDir) {
    return { verdict: 'unsupported', reason: `passage ${w.passage.n} says the figure ${passageDir === 'up' ? 'rose' : 'fell'}` };
  }
  if (figures.length === 0 && cover < THRESHOLDS.partial) return { verdict: 'unsupported', reason: `${where} ${passages.length > 1 ? 'do' : 'does'} not say this` };

  const all = squashed(passages.map((p) => p.text).join(' '));
  const name = namesOf(plain).find((n) => !all.includes(squashed(n)));
  const polarity = negated(plain) !== negated(spanText) || prefixAntonym(tokens, spanText) !== null;
  if (polarity && one.cover >= THRESHOLDS.contradiction) {
    return { verdict: 'unsupported', reason: `passage ${one.passage.n} says the opposite`, support: supportOf(one) };
  }
  const needed = figures.length ? THRESHOLDS.supportedWithFigures : THRESHOLDS.supported;
  let verdict: ClaimScore['verdict'] = cover >= needed && !name && !polarity ? 'supported' : 'partial';
  if (verdict === 'partial' && !name && !polarity && similarity) {
    const segs = segments(w.passage.text).map((s) => w.passage.text.slice(s.start, s.end));
    const sims = await similarity(plain, segs).catch(() => []);
    if (Math.max(0, ...sims) >= THRESHOLDS.semantic) verdict = 'supported';
  }
  const reason =
    verdict === 'supported'
      ? `supported by passage ${w.passage.n}`
      : name
        ? `“${name}” is not in ${where}`
        : polarity
          ? `passage ${w.passage.n} says this with the opposite polarity`
          : `only part of this is in ${where}`;
  return { verdict, reason, support: supportOf(w) };
}
