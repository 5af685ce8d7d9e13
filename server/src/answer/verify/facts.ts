/**
 * Hard facts of a claim other than figures (codes, quoted phrases, names) and the two relations a claim can
 * turn around while keeping every word: the direction of a change (increased / decreased, including "from A to
 * B" read against the figures) and negation.
 */
import { foldText, isStopword } from '../../index/tokenize.js';
import { foldFigures, MONTHS, type Figure } from './numbers.js';

/** Text folded for substring search: case, width, diacritics; only letters and digits kept. */
export const squashed = (s: string) => foldText(s).replace(/[^\p{L}\p{N}]+/gu, '');

/** Codes: registration marks, model and part numbers, filing ids (letters and digits, at least four). */
export function codesOf(claim: string): string[] {
  const out: string[] = [];
  for (const m of claim.normalize('NFKC').matchAll(/[A-Za-z0-9]+(?:[-/][A-Za-z0-9]+)*/g)) {
    const t = m[0];
    if (/\p{L}/u.test(t) && /\d/.test(t) && t.replace(/[-/]/g, '').length >= 4 && !/^\d+[a-z]{1,3}$/i.test(t)) out.push(t);
  }
  return out;
}

/** Phrases the claim puts in quotation marks. */
export function quotesOf(claim: string): string[] {
  const out: string[] = [];
  for (const m of claim.matchAll(/["“„«「『]([^"“”„«»「」『』]{3,200})["”“»」』]/g)) {
    if (squashed(m[1]!).length >= 3) out.push(m[1]!.trim());
  }
  return out;
}

/** Capitalised words that are units, scales or currencies rather than names (checked with the figures). */
const NOT_NAMES = /^(?:mio|mrd|tsd|mn|bn|eur|euro|usd|dollars?|gbp|chf|jpy|cny|rmb|yen|yuan|prozent|percent)$/i;

/**
 * Capitalised words inside a sentence (not its first word): names of people, places, products, companies; in
 * German all nouns. Their absence from the passage is weaker evidence than a missing figure.
 */
export function namesOf(claim: string): string[] {
  const words = [...claim.normalize('NFKC').matchAll(/(?<![\p{L}\d])\p{Lu}[\p{L}'’]{2,}/gu)];
  return words
    .filter((m) => m.index > 0 && !/[.!?]\s*$/.test(claim.slice(0, m.index)))
    .map((m) => m[0].replace(/['’]s$/, ''))
    .filter((w) => !isStopword(w) && !NOT_NAMES.test(w) && MONTHS[foldText(w)] === undefined);
}

const UP = /\b(?:increas\w*|lengthen\w*|extend\w*|expand\w*|widen\w*|rose|rise[sn]?|rising|grew|grow(?:s|n|th|ing)?|higher|gain(?:s|ed)?|improv\w*|stieg\w*|steig\w*|gestiegen|anstieg|erh[oö]h\w*|verl[aä]nger\w*|wuchs|gewachsen|zugenommen|zunahme|h[oö]her\w*)\b|增长|增加|上升|提高|上涨/iu;
const DOWN = /\b(?:decreas\w*|shorten\w*|shrunk|shrink\w*|cut|narrow\w*|verkurz\w*|declin\w*|fell|fall(?:s|en|ing)?|drop(?:s|ped)?|lower|reduc\w*|shrank|sank|sinken|gesunken|r[uü]ckgang|verringer\w*|zur[uü]ckgegangen|niedriger\w*|gesenkt)\b|下降|减少|降低|下滑|下跌/iu;

export type Direction = 'up' | 'down' | null;

export function wordDirection(text: string): Direction {
  const up = UP.test(text);
  const down = DOWN.test(text);
  return up === down ? null : up ? 'up' : 'down';
}

/**
 * The direction the claim's own figures imply: "from A to B", "to B from A", "B, compared with A", "von A auf B",
 * "从A…到B". Null when the claim does not pair two figures that way.
 */
export function figureDirection(claim: string, all: Figure[]): Direction {
  // Years name periods ("from 2022 to 2023"), not amounts.
  const figures = all.filter((f) => f.scaled || !f.readings.every((r) => Number.isInteger(r.value) && r.value >= 1900 && r.value <= 2100));
  if (figures.length !== 2) return null;
  const t = foldFigures(claim);
  const [a, b] = figures as [Figure, Figure];
  const before = (f: Figure, re: RegExp) => re.test(t.slice(Math.max(0, f.index - 24), f.index));
  const FROM = /(?:\bfrom|\bvon|从|由)\s*[^\s\d]{0,6}\s*$/u;
  const TO = /(?:\bto|\bauf|到|至)\s*[^\s\d]{0,6}\s*$/u;
  const VS = /(?:compared (?:to|with)|versus|\bvs\.?|gegenuber|vorjahr:?|同比|相比)\s*[^\s\d]{0,12}\s*$/u;
  let oldF: Figure, newF: Figure;
  if (before(a, FROM) && before(b, TO)) [oldF, newF] = [a, b];
  else if ((before(a, TO) && before(b, FROM)) || before(b, VS)) [oldF, newF] = [b, a];
  else return null;
  const o = oldF.readings[0]!.value;
  const n = newF.readings[0]!.value;
  return n === o ? null : n > o ? 'up' : 'down';
}

const NEGATION = /\b(?:not|no|never|nor|none|without|n['’]t|nicht|kein\w*|nie|niemals|ohne)\b|[不没未无]/iu;

export function negated(text: string): boolean {
  return NEGATION.test(text);
}
