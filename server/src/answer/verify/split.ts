/**
 * An answer split into claims: sentences of prose, list items (split further only where their sentences carry
 * their own markers), and clauses separated by `;` when each side is cited. Each claim keeps its offsets in the
 * answer and its `[n]` markers. Headings, introductions ending in ":", questions, pleasantries, statements that
 * the documents do not say, and fixed notes the server wrote itself are not claims.
 */
import { tokenize } from '../../index/tokenize.js';

export interface ClaimSpan {
  text: string;
  start: number;
  end: number;
  citations: number[];
}

const MARKER_RE = /\[(\d{1,3})\]/g;
const ABBREVIATIONS = new Set(
  'e.g i.e inc corp co ltd mr mrs ms dr st no nos vs etc fig approx u.s u.k jr sr ca bzw nr mio mrd tsd z.b d.h usw vgl ggf inkl'.split(' '),
);
const MONTH_AFTER_ORDINAL = /^\s*(?:jan|feb|m[aä]r|apr|ma[iy]|jun|jul|aug|sep|o[ck]t|nov|de[cz])/i;

/** A sentence that says the documents do not answer, rather than claiming something. */
export const NOT_FOUND_RE =
  /\b(?:(?:do(?:es)?|did)\s*(?:not|n['’]t)\s+(?:contain|mention|include|say|state|provide|specify|address|cover)|not (?:found|mentioned|stated|provided|specified|available) in|no (?:information|mention|details?|data) (?:about|on|regarding|in)|cannot (?:find|answer|determine)|unable to (?:find|determine))\b|keine (?:Angaben|Informationen)|nicht (?:enthalten|erwähnt|angegeben)|没有(?:提及|提到|相关|找到)|未(?:提及|提到|找到|说明)|无法(?:确定|回答|找到)/i;
const PLEASANTRY_RE = /^(?:let me know|i hope|hope this helps|feel free|sure|certainly|of course|gerne|ich hoffe)\b/i;

function sentenceEnds(text: string): number[] {
  const ends: number[] = [];
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if ('。！？'.includes(ch)) {
      ends.push(i + 1);
      continue;
    }
    if (!'.!?'.includes(ch)) continue;
    const next = text.slice(i + 1);
    if (!/^(?:\s|\[\d|$)/.test(next)) continue;
    if (ch === '.') {
      const word = /([\p{L}.]+)$/u.exec(text.slice(0, i))?.[1]?.toLowerCase() ?? '';
      if (ABBREVIATIONS.has(word) || /^\p{L}$/u.test(word)) continue;
      if (/\b\d{1,2}$/.test(text.slice(0, i)) && MONTH_AFTER_ORDINAL.test(next)) continue;
      if (/^\s*[a-zäöü\d]/.test(next)) continue;
    }
    ends.push(i + 1);
  }
  return ends;
}

/** Sentences of one unit, each with the markers that directly follow its end. */
function sentences(text: string, offset: number): { start: number; end: number }[] {
  const out: { start: number; end: number }[] = [];
  let from = 0;
  for (let end of [...sentenceEnds(text), text.length]) {
    const trailing = /^\s*(?:\[\d{1,3}\]\s*)+/.exec(text.slice(end));
    if (trailing) end += trailing[0].trimEnd().length;
    if (end <= from) continue;
    out.push({ start: offset + from, end: offset + end });
    from = end;
  }
  return out;
}

const markersOf = (s: string) => [...new Set([...s.matchAll(MARKER_RE)].map((m) => Number(m[1])))];

/** Clauses split at `;` when every clause carries its own marker. */
function clauses(answer: string, s: { start: number; end: number }): { start: number; end: number }[] {
  const text = answer.slice(s.start, s.end);
  const parts: { start: number; end: number }[] = [];
  let from = 0;
  for (const m of text.matchAll(/[;；]\s/g)) {
    parts.push({ start: s.start + from, end: s.start + m.index + 1 });
    from = m.index + m[0].length;
  }
  parts.push({ start: s.start + from, end: s.end });
  return parts.length > 1 && parts.every((p) => markersOf(answer.slice(p.start, p.end)).length) ? parts : [s];
}

/** Plain words of a claim: markers and markdown emphasis, code and link syntax removed. */
export function plainClaim(text: string): string {
  return text
    .replace(/\[(\d{1,3})\]/g, ' ')
    .replace(/\[([^\]]*)\]\([^)]*\)/g, '$1')
    .replace(/[*_`~]+/g, '')
    .replace(/\s+/g, ' ')
    .trim();
}

function isClaim(text: string, cited: boolean): boolean {
  const plain = plainClaim(text);
  if (!plain || NOT_FOUND_RE.test(plain)) return false;
  if (cited) return true;
  if (/[:：]$/.test(plain) || /[?？]$/.test(plain) || PLEASANTRY_RE.test(plain)) return false;
  return tokenize(plain).length >= 2 || /\d/.test(plain);
}

/** Units of the answer: list items and prose lines, outside code fences, headings and table rules. */
function units(answer: string, skip: string[]): { start: number; end: number; list: boolean }[] {
  const out: { start: number; end: number; list: boolean }[] = [];
  let pos = 0;
  let fenced = false;
  for (const line of answer.split('\n')) {
    const start = pos;
    pos += line.length + 1;
    if (/^\s*(```|~~~)/.test(line)) fenced = !fenced;
    const t = line.trim();
    if (fenced || !t || /^#{1,6}\s/.test(t) || /^\*\*[^*]+\*\*:?$/.test(t) || /^[|\s:-]+$/.test(t) || skip.some((s) => t === s.trim())) continue;
    const marker = /^\s*(?:>\s*)?(?:[-*+•]|\d{1,2}[.)])\s+|^\s*(?:>\s*)?/.exec(line)![0];
    // A bold label ("**Report.pdf, page 3**:") names what follows; it is not part of the claim.
    const label = /^\*\*[^*\n]{1,120}\*\*\s*[:：]\s*/.exec(line.slice(marker.length))?.[0] ?? '';
    out.push({ start: start + marker.length + label.length, end: start + line.trimEnd().length, list: /[-*+•\d]/.test(marker) });
  }
  return out;
}

export function splitClaims(answer: string, skip: string[] = []): ClaimSpan[] {
  const out: ClaimSpan[] = [];
  for (const u of units(answer, skip)) {
    let parts = sentences(answer.slice(u.start, u.end), u.start);
    // A list item cited only at its end is one claim.
    if (u.list && parts.slice(0, -1).every((p) => !markersOf(answer.slice(p.start, p.end)).length)) parts = [{ start: u.start, end: u.end }];
    for (const p of parts.flatMap((s) => clauses(answer, s))) {
      const lead = answer.slice(p.start, p.end).search(/\S/);
      const start = p.start + Math.max(0, lead);
      const end = start + answer.slice(start, p.end).trimEnd().length;
      const text = answer.slice(start, end);
      const citations = markersOf(text);
      if (isClaim(text, citations.length > 0)) out.push({ text, start, end, citations });
    }
  }
  return out;
}
