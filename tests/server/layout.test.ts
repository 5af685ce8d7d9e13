/** layoutPage: pdf.js text items → page text in reading order, with spaces only where words are apart. */
import { describe, expect, it } from 'vitest';
import { layoutPage, type LayoutItem } from '../../server/src/ingest/layout.js';

const SIZE = 10;
/** A text item at (x, y) whose glyphs are half the font size wide. */
function item(str: string, x: number, y: number, opts: { size?: number; width?: number; hasEOL?: boolean } = {}): LayoutItem {
  const size = opts.size ?? SIZE;
  return { str, transform: [size, 0, 0, size, x, y], width: opts.width ?? str.length * size * 0.5, height: size, hasEOL: opts.hasEOL };
}

/** One item per glyph, each starting where the previous one ends (plus `gap`). */
function glyphs(text: string, x: number, y: number, gap = 0): LayoutItem[] {
  const out: LayoutItem[] = [];
  for (const ch of text) {
    out.push(item(ch, x, y));
    x += SIZE * 0.5 + gap;
  }
  return out;
}

describe('layoutPage', () => {
  it('returns an empty string for no items', () => {
    expect(layoutPage([])).toBe('');
    expect(layoutPage([item('', 0, 0, { hasEOL: true })])).toBe('');
  });

  it('never puts a space between the glyphs of one word', () => {
    expect(layoutPage(glyphs('Revenue', 72, 700))).toBe('Revenue');
    // Tight kerning (a small negative gap) is still one word.
    expect(layoutPage(glyphs('Revenue', 72, 700, -0.5))).toBe('Revenue');
  });

  it('puts one space where the gap says words are apart', () => {
    const words = [item('Total', 72, 700), item('net', 72 + 25 + 3, 700), item('sales', 72 + 25 + 3 + 15 + 3, 700)];
    expect(layoutPage(words)).toBe('Total net sales');
    // Items that carry their own spaces get no extra one.
    expect(layoutPage([item('Total ', 72, 700), item('net', 72 + 30 + 3, 700)])).toBe('Total net');
  });

  it('puts no space between CJK characters even when they are spaced out', () => {
    expect(layoutPage(glyphs('東京都の天気', 72, 700, 3))).toBe('東京都の天気');
  });

  it('keeps a superscript or slightly shifted item on its line', () => {
    expect(layoutPage([item('Note', 72, 700), item('1', 72 + 20, 703, { size: 6 })])).toBe('Note1');
  });

  it('starts a new line on a new baseline, and a paragraph on a larger gap', () => {
    const text = layoutPage([
      item('First line', 72, 700),
      item('second line', 72, 700 - 12),
      item('New paragraph', 72, 700 - 12 - 30),
    ]);
    expect(text).toBe('First line\nsecond line\n\nNew paragraph');
  });

  it('breaks the line after an item that ends one (hasEOL), even on the same baseline', () => {
    expect(layoutPage([item('Left', 72, 700, { hasEOL: true }), item('Right', 300, 700)])).toBe('Left\nRight');
  });

  it('starts a new line when text jumps back to the left on the same baseline (a second column)', () => {
    expect(layoutPage([item('Column two text', 300, 700), item('Column one', 72, 700)])).toBe('Column two text\nColumn one');
  });

  it('joins a word hyphenated across a line break', () => {
    expect(layoutPage([item('an inter-', 72, 700), item('national company', 72, 688)])).toBe('an international company');
  });

  it('keeps a dash before a capital or a number', () => {
    expect(layoutPage([item('pre-', 72, 700), item('COVID', 72, 688)])).toBe('pre-\nCOVID');
    expect(layoutPage([item('2022-', 72, 700), item('2023', 72, 688)])).toBe('2022-\n2023');
  });

  it('collapses runs of whitespace inside a line and skips items without a transform', () => {
    const broken = { str: 'ignored', transform: [1, 0], width: 10, height: 10 } as LayoutItem;
    expect(layoutPage([item('a    b', 72, 700), broken, item('c', 72 + 40, 700)])).toBe('a b c');
  });

  describe('accents drawn as glyphs of their own (TeX, OT1), with the positions pdf.js reported for them', () => {
    // Each case: the items of a real TeX page (tests/fixtures/tex), x and width as pdf.js gave them, 10 pt type.
    const nfc = (items: LayoutItem[]) => layoutPage(items).normalize('NFC');

    it('puts an accent that ends one item on the first letter of the next, which starts under it', () => {
      // "enth¨" ends at 237.02; its letter "a" starts the next item at 232.04, back under the accent.
      expect(nfc([item('Dieses Handbuch enth\u00a8', 133.77, 682.55, { width: 103.25 }), item('alt zus\u00a8', 232.04, 682.55, { width: 34.4 }), item('atzliche', 261.46, 682.55, { width: 40 })])).toBe(
        'Dieses Handbuch enthält zusätzliche',
      );
      // After a space, the accent belongs to the next word's first letter.
      expect(nfc([item('lesen Sie die \u00a8', 133.77, 670.6, { width: 112.03 }), item('Ubersicht', 239.57, 670.6, { width: 45 })])).toBe('lesen Sie die Übersicht');
    });

    it('puts an accent raised over a capital, an item of its own before its letter, on that letter', () => {
      expect(nfc([item('\u00a8', 135.94, 707.13, { size: 14.35, width: 8.07 }), item('Ubersicht', 133.77, 704.38, { size: 14.35, width: 68.15 })])).toBe('Übersicht');
      expect(nfc([item('dozwolone. ', 331.74, 681.84, { width: 103.68 }), item('\u00b4', 435.41, 684.36, { width: 4.98 }), item('Cwiczenie', 434.31, 681.84, { width: 43.17 })])).toBe(
        'dozwolone. Ćwiczenie',
      );
    });

    it('puts an accent on a dotless i as the letter i', () => {
      expect(nfc([item('R\u00b4', 408.27, 683.47, { width: 11.21 }), item('\u0131m, ', 415.61, 683.47, { width: 19.81 })])).toBe('Rím,');
    });

    it('puts a cedilla drawn after its capital on that capital, without the space pdf.js read into the pen’s move', () => {
      expect(nfc([item('efficace. C', 330.58, 645.97, { width: 82.99 }), item('\u00b8 a commence', 407.76, 645.97, { width: 60 })])).toBe('efficace. Ça commence');
      // After a small letter the space is the author's: Romanian "preţ mic".
      expect(nfc([item('pret', 100, 700, { width: 20 }), item('\u00b8 mic', 115.8, 700, { width: 20 })])).toBe('preţ mic');
    });

    it('joins a word hyphenated after a letter that got its accent back', () => {
      expect(nfc([item('die zus\u00a8', 72, 700, { width: 37 }), item('a-', 106.5, 700, { width: 8 }), item('tzliche Hinweise', 72, 688)])).toBe('die zusätzliche Hinweise');
    });

    it('reads an accent that is a combining mark the same way', () => {
      expect(nfc([item('enth\u0308', 133.77, 682.55, { width: 22 }), item('alt', 150.8, 682.55, { width: 13 })])).toBe('enthält');
    });

    it('leaves an accent that stands over no letter, and a combining mark already on its letter', () => {
      // The next item starts where this one ends: nothing lies under the accent.
      expect(layoutPage([item('le caract\u00e8re `', 56.69, 175.55, { width: 80 }), item('#', 140, 175.55, { width: 6 })])).toBe('le caractère ` #');
      expect(layoutPage([item('x^', 72, 700), item('2', 82, 700)])).toBe('x^2');
      expect(layoutPage([item('cafe\u0301', 72, 700, { width: 20 }), item('noir', 95, 700)])).toBe('cafe\u0301 noir');
    });
  });
});
