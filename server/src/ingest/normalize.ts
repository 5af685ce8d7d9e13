/**
 * Text hygiene before anything reaches SQLite, the embedder or a prompt (SECURITY.md P4): compatibility
 * normalisation (ligatures such as "ﬁ" → "fi"), no control characters but newline, no zero-width or bidi
 * controls, no lone surrogates, and tidy whitespace.
 */
const CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]/g;
const INVISIBLE = /[\u00ad\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff\ufff9-\ufffb]/g;

export function cleanText(text: string): string {
  return text
    .toWellFormed()
    .replace(/\ufffd/g, '')
    .normalize('NFKC')
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
