/**
 * One tokenizer for the lexical index and the built-in embedder, used for documents and queries alike, for
 * English, German and Chinese (and other CJK): case and diacritics folded, thousands separators removed from
 * numbers (so "81,797" matches "81797"), a light stemmer for English/German inflections, and CJK runs turned into
 * overlapping character bigrams (the standard analyzer approach: no dictionary needed, robust to segmentation).
 */

import { CJK_LETTER_RE, CJK_LETTERS } from '../cjk.js';

const CJK_RUN_RE = new RegExp(`[${CJK_LETTERS}]+|[^${CJK_LETTERS}]+`, 'gu');
/** A line break inside a CJK sentence is layout, not a word boundary. */
const CJK_LINE_BREAK_RE = new RegExp(`([${CJK_LETTERS}])\\s*\\n\\s*(?=[${CJK_LETTERS}])`, 'gu');
const WORD_RE = /[\p{L}\p{N}]+/gu;

const STOPWORDS = new Set(
  (
    // English
    'a an and are as at be been but by can could did do does for from had has have how i if in into is it its ' +
    'me my no not of on or our so such than that the their them then there these they this those to was we were ' +
    'what when where which while who whom why will with would you your ' +
    // German
    'aber als am an auch auf aus bei bin bis da dann das dass dem den der des die dies diese dieser dieses du ein eine ' +
    'einem einen einer eines er es für hat hatte ich ihr im in ist ja kann mit nach nicht noch nur ob oder sich sie ' +
    'sind so über um und uns unter vom von vor war waren was wenn wer wie wir wird wo zu zum zur ' +
    'welche welcher welches welchen welchem warum wieso man soll sollte sollen ohne lässt kann können muss ' +
    'müssen werden wurde wurden durch gibt einer mehr sehr schon bitte ueber'
  )
    .split(' ')
    // Compared with folded words: "für" is stored as "fur".
    .map((w) => foldText(w)),
);

/** Chinese question words and particles, as the bigrams the tokenizer makes of them. */
const CJK_STOP_BIGRAMS = new Set(['什么', '哪个', '哪些', '如何', '怎样', '怎么', '为什', '是否', '可以', '我们', '这个', '一个', '请问', '哪里', '多少']);

export function foldText(text: string): string {
  return text
    .normalize('NFKC')
    .toLowerCase()
    .replace(/ß/g, 'ss')
    .normalize('NFD')
    .replace(/\p{M}+/gu, '')
    .normalize('NFC');
}

/** Light, language-agnostic suffix stripping for English and German inflections. */
export function stem(word: string): string {
  if (word.length <= 3 || /\d/.test(word)) return word;
  let w = word;
  if (w.endsWith('ies') && w.length > 4) return w.slice(0, -3) + 'y';
  if (w.endsWith('ing') && w.length > 5) w = w.slice(0, -3);
  else if (w.endsWith('ed') && w.length > 4) w = w.slice(0, -2);
  else if (w.endsWith('ern') && w.length > 6) w = w.slice(0, -3);
  else if (w.endsWith('en') && w.length > 5) w = w.slice(0, -2);
  else if (w.endsWith('es') && w.length > 4) w = w.slice(0, -2);
  else if (w.endsWith('er') && w.length > 5) w = w.slice(0, -2);
  else if (w.endsWith('s') && !w.endsWith('ss') && w.length > 3) w = w.slice(0, -1);
  else if (w.endsWith('e') && w.length > 4) w = w.slice(0, -1);
  return w;
}

/** Whether a word (any case) is a stop word of the tokenizer. */
export function isStopword(word: string): boolean {
  return STOPWORDS.has(foldText(word));
}

export function isCjk(text: string): boolean {
  return CJK_LETTER_RE.test(text);
}

/** Tokens in order (with repeats): stemmed words and CJK bigrams. */
export function tokenize(text: string): string[] {
  const out: string[] = [];
  const folded = foldText(text)
    .replace(/(\d)[,.'’](?=\d{3}(?!\d))/g, '$1')
    .replace(/(\p{L})['’]s\b/gu, '$1')
    .replace(CJK_LINE_BREAK_RE, '$1');
  for (const m of folded.matchAll(WORD_RE)) {
    const word = m[0];
    if (!CJK_LETTER_RE.test(word)) {
      if (!STOPWORDS.has(word) && (word.length > 1 || /\d/.test(word))) out.push(stem(word));
      continue;
    }
    for (const part of word.matchAll(CJK_RUN_RE)) {
      const run = part[0];
      if (!CJK_LETTER_RE.test(run)) {
        if (!STOPWORDS.has(run)) out.push(stem(run));
        continue;
      }
      const chars = Array.from(run);
      if (chars.length === 1) out.push(chars[0]!);
      for (let i = 0; i + 1 < chars.length; i++) {
        const bigram = chars[i]! + chars[i + 1]!;
        if (!CJK_STOP_BIGRAMS.has(bigram)) out.push(bigram);
      }
    }
  }
  return out;
}
