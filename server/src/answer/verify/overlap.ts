/**
 * Content-word overlap between a claim and passage text, on the index's own tokenizer (stemmed English and
 * German words without stop words, CJK bigrams), and the passage's segments (sentences, or lines of a table)
 * from which the supporting span is chosen.
 */
import { CJK_SCRIPT_RE } from '../../cjk.js';
import { tokenize } from '../../index/tokenize.js';

export interface Segment {
  start: number;
  end: number;
}

/** Scale words, currencies, units of count and month names: part of a figure, checked with it. */
const FIGURE_WORDS =
  /^(?:\d+|billion\w*|million\w*|thousand|trillion|milliard\w*|mio|mrd|tsd|bn|mn|percent|prozent|eur|euro|usd|dollar|cent|janu\w*|februar\w*|march|marz|april|may|mai|jun\w*|jul\w*|august|septemb\w*|octob\w*|oktob\w*|novemb\w*|decemb\w*|dezemb\w*)$|^[亿万千百美元人民币]+$|^.?[亿万元]$/;

/** Content tokens of a claim, figures and their words left out (they are checked as facts). */
export function contentTokens(text: string): string[] {
  return [...new Set(tokenize(text).filter((t) => !FIGURE_WORDS.test(t)))];
}

/** A claim word whose negated form ("unfavorable", "unverändert") stands in the text: an antonym by prefix. */
export function prefixAntonym(claimTokens: string[], text: string): string | null {
  const have = new Set(tokenize(text));
  for (const t of claimTokens) {
    if (t.length < 4 || CJK_SCRIPT_RE.test(t)) continue;
    for (const prefix of ['un', 'non', 'in', 'dis', 'nicht']) if (have.has(prefix + t)) return prefix + t;
    for (const prefix of ['un', 'non', 'in', 'dis']) if (t.startsWith(prefix) && have.has(t.slice(prefix.length))) return t.slice(prefix.length);
  }
  return null;
}

/** A claim token found in the passage: exactly (1), or as part of a compound or a longer derivation (0.8). */
function credit(token: string, have: Set<string>, list: string[]): number {
  if (have.has(token)) return 1;
  if (token.length < 4 || CJK_SCRIPT_RE.test(token)) return 0;
  const prefix = token.slice(0, 5);
  for (const p of list) {
    if (p.length < 4) continue;
    if (p.includes(token) || token.includes(p) || (prefix.length === 5 && p.startsWith(prefix))) return 0.8;
  }
  return 0;
}

/** Share of the claim's content tokens the passage text has (1 when the claim has none). */
export function coverage(claimTokens: string[], passageText: string): number {
  if (claimTokens.length === 0) return 1;
  const list = [...new Set(tokenize(passageText))];
  const have = new Set(list);
  let sum = 0;
  for (const t of claimTokens) sum += credit(t, have, list);
  return sum / claimTokens.length;
}

/** A table row ("Total net sales  81,797  82,959") or a row label ("Net sales:"). */
const isRow = (line: string) => /[:：]\s*$/.test(line.trim()) || ((line.match(/\d[\d,.]*/g)?.length ?? 0) >= 2 && /[\d)%]\s*$/.test(line));
const lineAt = (text: string, from: number) => text.slice(from, text.indexOf('\n', from) < 0 ? text.length : text.indexOf('\n', from));

/** Sentences of the passage; a long stretch without sentence ends (a table) is split into its lines. */
export function segments(text: string): Segment[] {
  const out: Segment[] = [];
  const push = (start: number, end: number) => {
    const lead = text.slice(start, end).search(/\S/);
    if (lead < 0) return;
    const s = start + lead;
    const e = s + text.slice(s, end).trimEnd().length;
    out.push({ start: s, end: e });
  };
  let from = 0;
  const ends = [...text.matchAll(/[.!?](?=\s+[^a-z\d\s])|[。！？]/g)].map((m) => m.index + 1);
  for (const end of [...ends, text.length]) {
    if (end <= from) continue;
    const long = end - from > 240;
    let s = from;
    for (const m of text.slice(from, end).matchAll(/\n/g)) {
      const at = from + m.index;
      // Lines of a table are segments of their own, and so are the lines of a long stretch without sentence ends.
      if (long || isRow(text.slice(s, at)) || isRow(lineAt(text, at + 1))) {
        push(s, at);
        s = at + 1;
      }
    }
    push(s, end);
    from = end;
  }
  return out;
}

/** Where `quote` occurs in `text`, any whitespace run matching any other; null when it does not (or is under 8 characters). */
export function locateQuote(text: string, quote: string): { start: number; end: number } | null {
  const words = quote.split(/\s+/).filter(Boolean);
  if (words.join(' ').length < 8) return null;
  const re = new RegExp(words.map((w) => w.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('\\s+'));
  const m = re.exec(text);
  return m ? { start: m.index, end: m.index + m[0].length } : null;
}
