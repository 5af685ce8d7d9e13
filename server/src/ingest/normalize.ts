/**
 * Text hygiene before anything reaches SQLite, the embedder or a prompt (SECURITY.md P4): compatibility
 * normalisation (ligatures such as "ﬁ" → "fi"; a letter and its combining accent composed, "u" + U+0308 → "ü"),
 * no control characters but newline, no zero-width or bidi controls, no lone surrogates, and tidy whitespace.
 * An accent with no letter under it stays a visible accent: NFKC would make a spacing accent a space and a
 * combining mark ("¨" → " ̈"), which reads as a stray space; a combining mark after a space or at the start takes
 * its spacing form instead. (Accents that pdf.js reports apart from their letters are put back on them by
 * `layoutPage`.)
 */
const CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]/g;
const INVISIBLE = /[\u00ad\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff\ufff9-\ufffb]/g;
/** The spacing accents NFKC decomposes into a space and a combining mark: ¨ ¯ ´ ¸ ˘ ˙ ˚ ˛ ˜ ˝. */
const SPACING_ACCENTS = /([\u00a8\u00af\u00b4\u00b8\u02d8-\u02dd]+)/;
/** Spacing form of each combining accent that has one. */
const SPACING_FORM: Record<string, string> = {
  '\u0300': '`',
  '\u0301': '\u00b4',
  '\u0302': '\u02c6',
  '\u0303': '\u02dc',
  '\u0304': '\u00af',
  '\u0306': '\u02d8',
  '\u0307': '\u02d9',
  '\u0308': '\u00a8',
  '\u030a': '\u02da',
  '\u030b': '\u02dd',
  '\u030c': '\u02c7',
  '\u0327': '\u00b8',
  '\u0328': '\u02db',
};
const MARK_WITHOUT_LETTER = /(^|\s)([\u0300-\u036f])/gu;

/** NFKC everywhere but on spacing accents (the split keeps them at the odd indexes). */
function compatibilityForm(text: string): string {
  return text
    .split(SPACING_ACCENTS)
    .map((part, i) => (i % 2 === 1 ? part : part.normalize('NFKC')))
    .join('');
}

export function cleanText(text: string): string {
  return compatibilityForm(text.toWellFormed().replace(/\ufffd/g, ''))
    .replace(MARK_WITHOUT_LETTER, (_, before: string, mark: string) => before + (SPACING_FORM[mark] ?? mark))
    .replace(/\r\n?/g, '\n')
    .replace(/\t/g, ' ')
    .replace(CONTROL, '')
    .replace(INVISIBLE, '')
    .replace(/[ \u00a0\u2000-\u200a\u202f\u205f\u3000]+/g, ' ')
    .replace(/ *\n */g, '\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}

/** Display names come from the client: keep them short, printable and single-line. Never used as a path. */
export function cleanDisplayName(name: string, maxChars: number): string {
  const cleaned = name
    .toWellFormed()
    .replace(CONTROL, '')
    .replace(/[\u0000\n\r]/g, '')
    .replace(INVISIBLE, '')
    .trim();
  const base = cleaned.split(/[\\/]/).filter(Boolean).pop() ?? '';
  const chars = Array.from(base || 'document.pdf');
  return chars.length > maxChars ? chars.slice(0, maxChars - 1).join('') + '…' : chars.join('');
}
