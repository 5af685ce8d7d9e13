/**
 * Turns pdf.js text items into page text in reading order: items that share a baseline become one line, a space
 * is inserted where the horizontal gap says words are apart (never between the glyphs of one word, never between
 * CJK characters), a blank line where the vertical gap says a new paragraph starts, and words hyphenated across
 * a line break are joined.
 *
 * An accent drawn as a glyph of its own is put back on its letter. TeX in its default font encoding (OT1) draws "ü"
 * as a diaeresis glyph and then the letter "u" under it; pdf.js reports the glyph as a character of its own ("¨",
 * U+00A8, or a combining mark), last in one text item, with its letter first in the next item (pdf.js starts a new
 * item where the pen moves back), or as an item of its own when it is raised over a capital. A cedilla under a
 * capital comes after its letter instead. Whichever letter the accent's horizontal centre lies over gets it, as a
 * combining mark after the letter ("u" + U+0308); `cleanText` composes the pair into "ü".
 */
import { CJK_SCRIPT_RE } from '../cjk.js';

export interface LayoutItem {
  str: string;
  /** pdf.js transform [a, b, c, d, e, f]: e, f = origin, |(c, d)| ≈ font size. */
  transform: number[];
  width: number;
  height: number;
  hasEOL?: boolean;
}

interface Line {
  y: number;
  size: number;
  xEnd: number;
  text: string;
  /** Horizontal centre of an accent glyph that ends `text`, still waiting for the letter it belongs over. */
  accentAt: number | null;
}

/**
 * The combining mark of each spacing accent glyph: TeX's accent glyphs as pdf.js reads them (¨ ´ ` ˆ ˜ ¯ ˘ ˙ ˚ ˝ ˇ ¸ ˛;
 * ^ and ~ in typewriter fonts). A glyph is only put on a letter where the positions say it lies over one.
 */
const MARK_OF: Record<string, string> = {
  '`': '\u0300',
  '\u00b4': '\u0301',
  '\u02c6': '\u0302',
  '^': '\u0302',
  '\u02dc': '\u0303',
  '~': '\u0303',
  '\u00af': '\u0304',
  '\u02c9': '\u0304',
  '\u02d8': '\u0306',
  '\u02d9': '\u0307',
  '\u00a8': '\u0308',
  '\u02da': '\u030a',
  '\u02dd': '\u030b',
  '\u02c7': '\u030c',
  '\u00b8': '\u0327',
  '\u02db': '\u0328',
};
const COMBINING = /^[\u0300-\u036f]$/;
/** A letter and the combining marks already on it, at the end of a line's text. */
const LAST_LETTER = /\p{L}\p{M}*$/u;

/** The combining mark an accent glyph stands for, or null when `ch` is not an accent. */
function markOf(ch: string | undefined): string | null {
  if (ch === undefined) return null;
  return COMBINING.test(ch) ? ch : (MARK_OF[ch] ?? null);
}

/**
 * Estimated horizontal centre of the accent glyph at one end of an item: exact for an item that is only the accent,
 * else from the item's end and a typical accent width (half an em).
 */
function accentCentre(x: number, width: number, length: number, size: number, atEnd: boolean): number {
  if (length === 1) return x + width / 2;
  const w = Math.min(size * 0.5, width);
  return atEnd ? x + width - w / 2 : x + w / 2;
}

function fontSize(t: number[], height: number): number {
  const s = Math.hypot(t[2] ?? 0, t[3] ?? 0);
  return s > 0 ? s : height > 0 ? height : 10;
}

export function layoutPage(items: LayoutItem[]): string {
  const lines: Line[] = [];
  let cur: Line | null = null;
  let breakAfter = false;

  for (const it of items) {
    const t = it.transform;
    if (!t || t.length < 6) continue;
    const x = t[4]!;
    const y = t[5]!;
    const size = fontSize(t, it.height);
    const str = it.str;
    if (str.length === 0) {
      if (it.hasEOL) breakAfter = true;
      continue;
    }
    const sameLine =
      cur !== null && !breakAfter && Math.abs(y - cur.y) <= Math.max(cur.size, size) * 0.5 && x >= cur.xEnd - Math.max(cur.size, size) * 1.5;
    // Whether the item's last glyph is an accent still waiting for the letter after it.
    let waiting = markOf(str.at(-1)) !== null;
    if (cur && sameLine) {
      const joined = attachAccents(cur, str, x, it.width, size);
      if (joined.leadTaken && str.length === 1) waiting = false;
      const gap = x - cur.xEnd;
      const prev = cur.text[cur.text.length - 1] ?? ' ';
      const next = joined.str[0];
      const needsSpace =
        !joined.attached &&
        next !== undefined &&
        gap > Math.min(cur.size, size) * 0.18 &&
        prev !== ' ' &&
        next !== ' ' &&
        !(CJK_SCRIPT_RE.test(prev) && CJK_SCRIPT_RE.test(next));
      cur.text += (needsSpace ? ' ' : '') + joined.str;
      cur.xEnd = Math.max(cur.xEnd, x + it.width);
      cur.size = Math.max(cur.size, size);
    } else {
      cur = { y, size, xEnd: x + it.width, text: str, accentAt: null };
      lines.push(cur);
    }
    cur.accentAt = waiting ? accentCentre(x, it.width, str.length, size, true) : null;
    breakAfter = Boolean(it.hasEOL);
  }
  return joinLines(lines);
}

/** The lines as page text: a line break between lines, a blank line at a paragraph gap, hyphenated words joined. */
function joinLines(lines: Line[]): string {
  let out = '';
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    const text = line.text.replace(/\s+/g, ' ').trim();
    if (!text) continue;
    if (out.length > 0) {
      const prev = lines[i - 1]!;
      const gap = Math.abs(prev.y - line.y);
      const hyphenated = endsHyphenated(out) && /^[a-zà-ÿ]/.test(text);
      if (hyphenated) {
        out = out.slice(0, -1);
      } else if (gap > Math.max(prev.size, line.size) * 1.8) {
        out += '\n\n';
      } else {
        out += '\n';
      }
    }
    out += text;
  }
  return out;
}

const HYPHENATED = /[a-zà-ÿ]\p{M}*-$/u;
/** A tail that may be the end of a longer match: marks and the hyphen only (after half a split surrogate pair). */
const MARKS_AND_HYPHEN = /^[\udc00-\udfff]?\p{M}*-$/u;

/**
 * Whether `text` ends in a lower-case letter, its marks and a hyphen. Tested on a short tail (widened only while the
 * tail is all marks): the pattern on the whole page text so far, once per line, cost 5 % of extraction.
 */
function endsHyphenated(text: string): boolean {
  for (let n = 32; ; n *= 2) {
    const tail = text.slice(-n);
    if (HYPHENATED.test(tail)) return true;
    if (tail.length === text.length || !MARKS_AND_HYPHEN.test(tail)) return false;
  }
}

/**
 * Puts accent glyphs at the seam between `line` and the next item (`str` at `x`) on their letters: an accent that
 * ends the line's text goes on the item's first letter when that letter lies under it (TeX draws the accent first);
 * an accent that starts the item goes on the line's last letter when its centre lies over that letter (a cedilla
 * drawn after a capital). Edits `line.text` and returns the item's text to append; `attached` says that the two
 * were joined at an accent, so no space belongs between them, and `leadTaken` that the item's first glyph went onto
 * the line's last letter.
 */
function attachAccents(line: Line, str: string, x: number, width: number, size: number): { str: string; attached: boolean; leadTaken: boolean } {
  const em = Math.max(line.size, size);
  let attached = false;
  let leadTaken = false;

  // An accent that starts the item, over the line's last letter: the letter came first.
  const lead = markOf(str[0]);
  if (lead && line.accentAt === null && LAST_LETTER.test(line.text)) {
    const centre = accentCentre(x, width, str.length, size, false);
    if (centre < line.xEnd && centre > line.xEnd - em) {
      const base = line.text.match(LAST_LETTER)![0];
      line.text = line.text.slice(0, -base.length) + withMark(base, lead);
      str = str.slice(1);
      // pdf.js reads the pen's move from the end of a narrow cedilla to the end of a wide capital as a space ("Ç a").
      // A capital with a cedilla is not a word of its own before a lower-case word: that space is not the author's.
      if (/^ \p{Ll}/u.test(str) && /^\p{Lu}/u.test(base)) str = str.slice(1);
      attached = leadTaken = true;
    }
  }

  // An accent that ends the line's text, over the item's first letter: the accent came first.
  const trail = markOf(line.text.at(-1));
  const first = str.match(/^\p{L}\p{M}*/u)?.[0];
  if (trail && first && line.accentAt !== null && x <= line.accentAt + em * 0.15 && x > line.accentAt - em * 0.75) {
    line.text = line.text.slice(0, -1);
    str = withMark(first, trail) + str.slice(first.length);
    attached = true;
  }
  return { str, attached, leadTaken };
}

/** A letter with one more combining mark; TeX puts an accent over "ı" and "ȷ" (dotless), whose letters are "i", "j". */
function withMark(letter: string, mark: string): string {
  const above = mark >= '\u0300' && mark <= '\u0314';
  const base = above ? letter.replace(/^\u0131/, 'i').replace(/^\u0237/, 'j') : letter;
  return base + mark;
}
