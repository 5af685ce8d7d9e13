/**
 * The optional second check: one short non-streamed call to the utility model asks, for every claim the offline
 * check left `partial`, for the verbatim quote of its passage that supports it. A quote is accepted only if it
 * really occurs in the passage (whitespace aside) and holds the claim's figures; the claim then becomes
 * `supported` with the quote as its span. Any failure (timeout, error, an unusable reply) leaves the offline
 * verdicts as they were.
 */
import type { ChatModel, LlmMessage } from '../llm.js';
import { stripThink } from '../think.js';
import { extractFigures, figureIn, passageValues } from './numbers.js';
import { locateQuote } from './overlap.js';
import { plainClaim } from './split.js';
import type { CheckedClaim } from './index.js';

/** At most this many claims are sent in one call. */
export const MAX_MODEL_CLAIMS = 8;

const SYSTEM =
  'You check citations. For each numbered claim, copy from its passage the shortest exact sentence or phrase that supports it, character for character, without changing a word. If the passage does not support the claim, write NONE. Reply with one line per claim: the claim number, a colon, then the quote. Write nothing else.';

export function buildQuotePrompt(items: { k: number; claim: string; passages: { n: number; text: string }[] }[]): LlmMessage[] {
  const body = items
    .map((it) => `Claim ${it.k}: ${it.claim}\n${it.passages.map((p) => `Passage [${p.n}]:\n${p.text}`).join('\n')}`)
    .join('\n\n');
  return [
    { role: 'system', content: SYSTEM },
    { role: 'user', content: body },
  ];
}

/** `k: quote` lines of the reply (a cut-off last line dropped). */
export function parseQuotes(reply: string, truncated: boolean): Map<number, string> {
  const lines = stripThink(reply).split('\n');
  if (truncated) lines.pop();
  const out = new Map<number, string>();
  for (const line of lines) {
    const m = /^\s*(?:claim\s*)?(\d{1,2})\s*[:.)]\s*(.+?)\s*$/i.exec(line);
    if (!m) continue;
    const quote = m[2]!.replace(/^["'“”„«»]+|["'“”„«»]+$/g, '').trim();
    if (quote && !/^none\b/i.test(quote)) out.set(Number(m[1]), quote);
  }
  return out;
}

export async function confirmPartials(
  claims: CheckedClaim[],
  passageText: (n: number) => string,
  model: ChatModel,
  opts: { signal: AbortSignal; timeoutMs: number },
): Promise<CheckedClaim[]> {
  const partial = claims.filter((c) => c.verdict === 'partial').slice(0, MAX_MODEL_CLAIMS);
  if (partial.length === 0) return claims;
  const items = partial.map((c, i) => ({ k: i + 1, claim: plainClaim(c.text), passages: c.citations.map((n) => ({ n, text: passageText(n) })) }));
  const reply = await model.complete(buildQuotePrompt(items), {
    signal: AbortSignal.any([opts.signal, AbortSignal.timeout(opts.timeoutMs)]),
    maxTokens: 160 * partial.length,
  });
  const quotes = parseQuotes(reply.text, reply.truncated);
  const upgraded = new Map<number, CheckedClaim>();
  for (const it of items) {
    const quote = quotes.get(it.k);
    if (!quote) continue;
    const figures = extractFigures(it.claim);
    for (const p of it.passages) {
      const at = locateQuote(p.text, quote);
      if (!at) continue;
      const found = p.text.slice(at.start, at.end);
      if (!figures.every((f) => figureIn(f, passageValues(found)))) continue;
      const claim = partial[it.k - 1]!;
      upgraded.set(claim.index, {
        ...claim,
        verdict: 'supported',
        reason: `the model quoted passage ${p.n}`,
        support: { citation: p.n, charStart: at.start, charEnd: at.end, quote: found },
      });
      break;
    }
  }
  return claims.map((c) => upgraded.get(c.index) ?? c);
}
