/**
 * Turns pdf.js text items into page text in reading order: items that share a baseline become one line, a space
 * is inserted where the horizontal gap says words are apart (never between the glyphs of one word, never between
 * CJK characters), a blank line where the vertical gap says a new paragraph starts, and words hyphenated across
 * a line break are joined.
 */

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
}

const CJK = /[\u2e80-\u2fff\u3000-\u303f\u3040-\u30ff\u3100-\u31ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff00-\uffef\uac00-\ud7af]/;

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
    if (cur && sameLine) {
      const gap = x - cur.xEnd;
      const prev = cur.text[cur.text.length - 1] ?? ' ';
      const next = str[0]!;
      const needsSpace =
        gap > Math.min(cur.size, size) * 0.18 && prev !== ' ' && next !== ' ' && !(CJK.test(prev) && CJK.test(next));
      cur.text += (needsSpace ? ' ' : '') + str;
      cur.xEnd = Math.max(cur.xEnd, x + it.width);
      cur.size = Math.max(cur.size, size);
    } else {
      cur = { y, size, xEnd: x + it.width, text: str };
      lines.push(cur);
    }
    breakAfter = Boolean(it.hasEOL);
  }

  let out = '';
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    const text = line.text.replace(/\s+/g, ' ').trim();
    if (!text) continue;
    if (out.length > 0) {
      const prev = lines[i - 1]!;
      const gap = Math.abs(prev.y - line.y);
      const hyphenated = /[a-zà-ÿ]-$/.test(out) && /^[a-zà-ÿ]/.test(text);
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
