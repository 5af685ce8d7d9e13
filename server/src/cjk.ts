/**
 * The CJK character ranges, for every rule that treats Chinese, Japanese and Korean text apart from Latin text.
 * Range strings for a regular expression's character class; build expressions with the `u` flag.
 */

/**
 * The letters of CJK words: Hiragana and Katakana, CJK ideographs (extension A, unified, compatibility) and
 * Hangul syllables. The tokenizer turns runs of these into bigrams, and each counts as about one model token.
 */
export const CJK_LETTERS = String.raw`\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uac00-\ud7af`;

/**
 * Everything written in a CJK script: the letters, plus radicals, CJK punctuation and symbols (。、「」),
 * Bopomofo, Hangul compatibility jamo, Kanbun, and halfwidth and fullwidth forms. Text of these is set without
 * spaces, so a line break between two of them is layout, not a word boundary.
 */
export const CJK_SCRIPT = String.raw`\u2e80-\u2fff\u3000-\u303f\u3100-\u31ff\uff00-\uffef` + CJK_LETTERS;

export const CJK_LETTER_RE = new RegExp(`[${CJK_LETTERS}]`, 'u');
export const CJK_SCRIPT_RE = new RegExp(`[${CJK_SCRIPT}]`, 'u');
