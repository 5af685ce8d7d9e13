/**
 * How trustworthy a page's text is, measured in the extraction worker on the text exactly as pdf.js gave it (before
 * `cleanText` drops replacement characters and controls): the signs that the text is not what the page shows.
 * The page report (`GET /api/documents/:id/pages`) lists the warnings; a page with no usable text is the one
 * that gets OCR.
 */
import type { PageWarningCode } from '@pagewise/shared';

/** Characters that stand for a glyph the PDF gave no Unicode for: U+FFFD, private use, C0/C1 controls. */
const UNMAPPED = /[\ufffd\ue000-\uf8ff\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]|[\u{f0000}-\u{10ffff}]/u;
const LETTER_OR_DIGIT = /[\p{L}\p{N}]/u;

/** Share of a page's visible characters that are unmapped glyphs from which it is flagged. */
const UNMAPPED_SHARE = 0.05;
/** Share of a page's letters and digits that one repeated glyph must reach to flag it. */
const REPEATED_SHARE = 0.6;
const REPEATED_MIN = 10;
/** A page with fewer letters and digits than this has no usable text: it is rendered, and OCR'd when it shows ink. */
export const USABLE_MIN = 200;
/** Text is "far fewer characters than drawn" below this share of what the drawn area suggests. */
const SPARSE_SHARE = 0.25;
const SPARSE_MIN_EXPECTED = 100;

export interface TextStats {
  /** Visible (non-space) characters pdf.js gave. */
  visible: number;
  /** Of those, glyphs without a Unicode value. */
  unmapped: number;
  /** Letters and digits that are real Unicode text. */
  usable: number;
  /** Count of the most frequent letter or digit. */
  topGlyph: number;
}

export function textStats(raw: string): TextStats {
  let visible = 0;
  let unmapped = 0;
  let usable = 0;
  const counts = new Map<string, number>();
  for (const ch of raw) {
    if (/\s/u.test(ch)) continue;
    visible++;
    if (UNMAPPED.test(ch)) unmapped++;
    else if (LETTER_OR_DIGIT.test(ch)) {
      usable++;
      const lower = ch.toLowerCase();
      counts.set(lower, (counts.get(lower) ?? 0) + 1);
    }
  }
  let topGlyph = 0;
  for (const n of counts.values()) topGlyph = Math.max(topGlyph, n);
  return { visible, unmapped, usable, topGlyph };
}

/** Letters and digits of a cleaned text (OCR output, or a page's stored text). */
export function usableChars(text: string): number {
  return textStats(text).usable;
}

/**
 * Characters the text items' boxes leave room for: a glyph is about half an em wide, so an item `w` wide in a font
 * `h` high holds about 2w/h characters.
 */
export function expectedFromItems(items: { width: number; height: number }[]): number {
  let n = 0;
  for (const i of items) if (i.height > 0 && i.width > 0) n += (2 * i.width) / i.height;
  return Math.round(n);
}

/**
 * Characters the ink of a rendered page suggests: body text covers about 10 square points of ink per character
 * (a 10-point glyph box half filled), whatever the resolution it was rendered at.
 */
export function expectedFromInk(inkShare: number, pageAreaPt2: number): number {
  return Math.round((inkShare * pageAreaPt2) / 10);
}

export interface PageQualityInput {
  /** Statistics of the text layer as pdf.js gave it. */
  layer: TextStats;
  /** Characters the text items' boxes suggest (`expectedFromItems`). */
  itemsExpected: number;
  /** Characters the rendered page's ink suggests; 0 when the page was not rendered (it had enough text). */
  inkExpected: number;
  source: 'text' | 'ocr' | 'none';
  /** Letters and digits of the text finally stored. */
  storedUsable: number;
  ocrConfidence: number | null;
}

/** Below this mean word confidence (0-100), OCR text is flagged as unreliable. */
const LOW_CONFIDENCE = 60;

export function pageWarnings(q: PageQualityInput): PageWarningCode[] {
  const out: PageWarningCode[] = [];
  const { layer } = q;
  if (layer.unmapped >= 2 && layer.unmapped >= UNMAPPED_SHARE * layer.visible) out.push('UNMAPPED_GLYPHS');
  if (layer.usable >= REPEATED_MIN && layer.topGlyph >= REPEATED_SHARE * layer.usable) out.push('REPEATED_GLYPH');
  if (q.source === 'ocr' && q.ocrConfidence !== null && q.ocrConfidence < LOW_CONFIDENCE) out.push('LOW_OCR_CONFIDENCE');
  if (q.source === 'none' && q.inkExpected >= SPARSE_MIN_EXPECTED) out.push('NO_TEXT');
  else if (q.source === 'text' && q.itemsExpected >= SPARSE_MIN_EXPECTED && q.storedUsable < SPARSE_SHARE * q.itemsExpected) out.push('SPARSE_TEXT');
  return out;
}

/**
 * Whether a rendered page should be OCR'd: it shows ink worth a few lines of text, and its text layer has far
 * fewer letters than that (none, a scanner's stamp, or glyphs without Unicode). A short heading in a large font
 * may pass too; its OCR text is then kept only when it finds clearly more than the layer had.
 */
export function wantsOcr(layerUsable: number, inkExpected: number): boolean {
  return inkExpected >= OCR_MIN_EXPECTED && layerUsable < SPARSE_SHARE * inkExpected;
}
const OCR_MIN_EXPECTED = 50;

/** OCR text replaces the text layer only when it has clearly more letters and digits. */
export function ocrWins(layerUsable: number, ocrUsable: number): boolean {
  return ocrUsable >= 2 * layerUsable + 10;
}

/** The sentence the page report shows for each warning. */
export const PAGE_WARNING_MESSAGES: Record<PageWarningCode, string> = {
  UNMAPPED_GLYPHS: 'Many characters on this page have no Unicode value (a font without a Unicode map): its text layer does not say what the page shows.',
  REPEATED_GLYPH: 'The text of this page is mostly one repeated character: its font probably maps every glyph to the same letter.',
  SPARSE_TEXT: 'This page draws far more text than was extracted from it: answers cannot see most of it.',
  NO_TEXT: 'This page shows an image or scan, but no text was found on it: answers cannot see it.',
  LOW_OCR_CONFIDENCE: 'This page was read by OCR with low confidence: its text may contain many errors.',
};
