/**
 * Figures in text, normalised so that a claim's number can be looked up in a passage whatever the notation:
 * thousands separators ("81,797", German "81.797", "81 797"), decimal commas ("4,2"), full-width digits and
 * punctuation (NFKC), percent signs and words, and scale words ("$81.8 billion", "1,23 Mrd.", "818亿"). A number
 * with a scale word is compared with the passage's figures at every common scale, because a table "in millions"
 * rarely repeats its unit in the chunk that holds the row; the claim's own precision bounds the match, so
 * "$81.8 billion" matches 81,797 (millions) but "$82,995 million" does not match 82,959.
 */

export interface Figure {
  /**
   * The possible values (a lone "81.797" may be 81797 or 81.797), each with half a unit of its last written
   * digit times the scale: how far a rounded value may be from the truth.
   */
  readings: { value: number; tolerance: number }[];
  /** A scale word was written (billion, Mio., 亿, …). */
  scaled: boolean;
  scale: number;
  /** The figure as written, for explanations. */
  raw: string;
  index: number;
}

const SCALES: [RegExp, number][] = [
  [/^(?:trillion|tn|billionen)\b/i, 1e12],
  [/^(?:billion|bn|b|mrd\.?|milliarden?)(?![\p{L}])/iu, 1e9],
  [/^(?:million|mn|mio\.?|millionen|m)(?![\p{L}])/iu, 1e6],
  [/^(?:thousand|k|tsd\.?|tausend)(?![\p{L}])/iu, 1e3],
  [/^亿/u, 1e8],
  [/^万/u, 1e4],
  [/^千/u, 1e3],
  [/^百万/u, 1e6],
];

// Preceded by a Latin letter or a digit means part of a code ("M2") or of a larger figure; CJK may touch a number.
const NUMBER_RE = /(?<![a-z\d.,])(\d{1,3}(?:([,.'\u00a0\u202f])\d{3})(?:\2\d{3})*(?:[.,]\d+)?|\d+(?:[.,]\d+)?)(?!\d)/gu;

export const MONTHS: Record<string, number> = {
  january: 1, february: 2, march: 3, april: 4, may: 5, june: 6, july: 7, august: 8, september: 9, october: 10, november: 11, december: 12,
  januar: 1, februar: 2, marz: 3, juni: 6, juli: 7, oktober: 10, dezember: 12,
};
const NUMBER_WORDS: Record<string, number> = {
  one: 1, two: 2, three: 3, four: 4, five: 5, six: 6, seven: 7, eight: 8, nine: 9, ten: 10, eleven: 11, twelve: 12,
  eins: 1, zwei: 2, drei: 3, vier: 4, funf: 5, sechs: 6, sieben: 7, acht: 8, neun: 9, zehn: 10, elf: 11, zwolf: 12,
};

/** Case, width and diacritics folded; full-width digits and punctuation become ASCII. */
export function foldFigures(text: string): string {
  return text.normalize('NFKC').normalize('NFD').replace(/\p{M}+/gu, '').normalize('NFC').toLowerCase();
}

/** The readings of a written number: separators resolved in every way the notation allows. */
function readings(s: string): { value: number; decimals: number }[] {
  const compact = s.replace(/[' \u00a0\u202f]/g, '');
  const out: { value: number; decimals: number }[] = [];
  const push = (v: string) => {
    const n = Number(v);
    if (Number.isFinite(n) && !out.some((o) => o.value === n)) out.push({ value: n, decimals: v.includes('.') ? v.split('.')[1]!.length : 0 });
  };
  const commas = (compact.match(/,/g) ?? []).length;
  const dots = (compact.match(/\./g) ?? []).length;
  if (commas && dots) {
    // The later separator is the decimal one: 1,234.5 or 1.234,5.
    const dec = compact.lastIndexOf(',') > compact.lastIndexOf('.') ? ',' : '.';
    const thou = dec === ',' ? '.' : ',';
    push(compact.split(thou).join('').replace(dec, '.'));
  } else if (commas + dots === 0) {
    push(compact);
  } else {
    const sep = commas ? ',' : '.';
    const parts = compact.split(sep);
    const groups = parts.length > 2 || parts.slice(1).every((p) => p.length === 3);
    if (groups) push(parts.join(''));
    // "4,2" and "81.8" are decimals; "9,000" is nine thousand in either language; "5.432" may be either, but
    // never thousands after a leading zero ("0.375").
    if (parts.length === 2 && (!groups || sep === '.')) push(parts.join('.'));
    if (groups && parts[0] === '0') out.splice(0, 1);
  }
  return out;
}

function scaleAfter(text: string, from: number): number {
  const rest = text.slice(from).replace(/^\s{0,2}/, '');
  for (const [re, k] of SCALES) if (re.test(rest)) return k;
  return 1;
}

/** Every figure in `text` (citation markers and list numbering should be removed first). */
export function extractFigures(text: string): Figure[] {
  const t = foldFigures(text);
  const out: Figure[] = [];
  for (const m of t.matchAll(NUMBER_RE)) {
    const raw = m[1]!;
    const end = m.index + raw.length;
    // "Q3", "10-Q", "PA-22": parts of codes and names (checked as codes); "52-week" and "$1.2bn" are figures.
    const after = t.slice(end, end + 3);
    if (/[a-z]-$/.test(t.slice(Math.max(0, m.index - 2), m.index)) || /^-[a-z](?![a-z])/.test(after)) continue;
    if (/^[a-z]/.test(after) && !/^(?:bn|b|m|mn|k|mio|mrd|tsd)(?![a-z])/.test(t.slice(end))) continue;
    const scale = scaleAfter(t, end);
    const rs = readings(raw);
    if (!rs.length) continue;
    out.push({
      readings: rs.map((r) => ({ value: r.value * scale, tolerance: (0.5 * scale) / 10 ** r.decimals })),
      scaled: scale > 1,
      scale,
      raw: text.normalize('NFKC').slice(m.index, end).trim() || raw,
      index: m.index,
    });
  }
  return out;
}

/** Figures a passage states, including month names and small number words as the numbers they stand for. */
export function passageValues(text: string): number[] {
  const t = foldFigures(text);
  const values: number[] = [];
  for (const f of extractFigures(text)) {
    // Both "$18.0 billion" and the bare 18.0 it is written as.
    for (const r of f.readings) values.push(r.value, ...(f.scaled ? [r.value / f.scale] : []));
  }
  for (const m of t.matchAll(/\p{L}+/gu)) {
    const w = m[0]!;
    if (MONTHS[w] !== undefined) values.push(MONTHS[w]!);
    else if (NUMBER_WORDS[w] !== undefined) values.push(NUMBER_WORDS[w]!);
  }
  return values;
}

const PASSAGE_SCALES = [1, 1e3, 1e6, 1e9];

/**
 * Whether a claim's figure occurs among a passage's values. An unscaled figure must equal a value (any reading);
 * a scaled one may round a value written at any common scale, within the claim's precision.
 */
export function figureIn(f: Figure, values: number[]): boolean {
  const eps = 1e-9;
  for (const { value: v, tolerance } of f.readings) {
    for (const w of values) {
      if (!f.scaled) {
        if (Math.abs(v - w) <= eps * Math.max(1, Math.abs(v))) return true;
        continue;
      }
      for (const k of PASSAGE_SCALES) if (Math.abs(w * k - v) <= tolerance * (1 + 1e-9)) return true;
    }
  }
  return false;
}
