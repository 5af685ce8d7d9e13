/** Text hygiene for page text (cleanText) and for client-supplied file names (cleanDisplayName). */
import { describe, expect, it } from 'vitest';
import { cleanDisplayName, cleanText } from '../../server/src/ingest/normalize.js';

describe('cleanText', () => {
  it('expands ligatures and compatibility forms (NFKC)', () => {
    expect(cleanText('ﬁnancial ﬂow ﬀ')).toBe('financial flow ff');
    expect(cleanText('ＡＢＣ１２３')).toBe('ABC123');
  });

  it('removes control characters but keeps newlines', () => {
    expect(cleanText('a\u0000b\u0007c\u001bd\u007fe\u0085f')).toBe('abcdef');
    expect(cleanText('line one\nline two')).toBe('line one\nline two');
  });

  it('removes zero-width, soft-hyphen and bidi control characters', () => {
    expect(cleanText('pass\u200bword')).toBe('password');
    expect(cleanText('co\u00adoperate')).toBe('cooperate');
    expect(cleanText('abc\u202edef\u202c\u2066x\u2069\ufeff')).toBe('abcdefx');
  });

  it('drops lone surrogates and replacement characters', () => {
    expect(cleanText('a\ud800b\udc00c\ufffdd')).toBe('abcd');
    expect(cleanText('emoji 😀 stays')).toBe('emoji 😀 stays');
  });

  it('tidies whitespace: tabs, no-break and ideographic spaces, CRLF, blank-line runs, ends', () => {
    expect(cleanText('  a\t\tb\u00a0\u00a0c\u3000d  ')).toBe('a b c d');
    expect(cleanText('a\r\nb\rc')).toBe('a\nb\nc');
    expect(cleanText('a   \n   b')).toBe('a\nb');
    expect(cleanText('a\n\n\n\n\nb')).toBe('a\n\nb');
  });

  it('composes a letter and its combining accent (NFC), and keeps an accent with no letter visible', () => {
    expect(cleanText('f\u0075\u0308r Cafe\u0301')).toBe('für Café');
    // NFKC alone would make a spacing accent a space and a combining mark: "»u« und » ̈«".
    expect(cleanText('»u« und »\u00a8«, ´ und ¸')).toBe('»u« und »\u00a8«, \u00b4 und \u00b8');
    // A combining mark with no letter before it takes its spacing form.
    expect(cleanText('le caractère \u0300 #')).toBe('le caractère ` #');
    expect(cleanText('\u0308 at the start')).toBe('\u00a8 at the start');
    for (const t of ['»\u00a8«', 'a \u0301 b', 'x\u00b4\u0301']) expect(cleanText(t)).toBe(cleanText(t).normalize('NFC'));
  });

  it('is idempotent', () => {
    const messy = ' ﬁ\u200b x \t\r\n\n\n\ny\u0000 \u00a8 \u0308 u\u0308 ';
    expect(cleanText(cleanText(messy))).toBe(cleanText(messy));
  });
});

describe('cleanDisplayName', () => {
  it('keeps only the last path segment of a name with separators', () => {
    expect(cleanDisplayName('../../x.pdf', 255)).toBe('x.pdf');
    expect(cleanDisplayName('..\\..\\windows\\evil.pdf', 255)).toBe('evil.pdf');
    expect(cleanDisplayName('/etc/passwd', 255)).toBe('passwd');
    expect(cleanDisplayName('C:\\Users\\me\\report.pdf', 255)).toBe('report.pdf');
  });

  it('removes NUL, newlines, control and bidi characters', () => {
    expect(cleanDisplayName('a\u0000b\nc\r.pdf', 255)).toBe('abc.pdf');
    expect(cleanDisplayName('invoice\u202efdp.exe', 255)).toBe('invoicefdp.exe');
  });

  it('falls back to a neutral name when nothing printable is left', () => {
    expect(cleanDisplayName('', 255)).toBe('document.pdf');
    expect(cleanDisplayName('///', 255)).toBe('document.pdf');
    expect(cleanDisplayName('\u200b\u0000', 255)).toBe('document.pdf');
  });

  it('caps the length in characters, never splitting a character', () => {
    const long = cleanDisplayName('a'.repeat(4096) + '.pdf', 255);
    expect(Array.from(long)).toHaveLength(255);
    expect(long.endsWith('…')).toBe(true);
    const emoji = cleanDisplayName('😀'.repeat(300), 10);
    expect(Array.from(emoji)).toEqual([...Array.from('😀'.repeat(9)), '…']);
    expect(emoji.isWellFormed()).toBe(true);
  });

  it('keeps markup in a name as plain text (escaping is the renderer’s job)', () => {
    expect(cleanDisplayName('<img src=x onerror=alert(1)>.pdf', 255)).toBe('<img src=x onerror=alert(1)>.pdf');
  });
});
