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
});
