/**
 * Finds a passage inside a rendered pdf.js text layer and marks it. Our page text and pdf.js' text items differ in
 * spacing and line breaks, so both sides are compared with all whitespace removed and compatibility-normalised;
 * the passage is anchored by its opening (or, failing that, by any 40-character window of it) and the marked range
 * extends over the passage's length from there. With a span (character offsets inside the passage: the part of the
 * chunk that supports a claim), exactly the characters of that span are marked, splitting text items at its ends.
 *
 * Accents are left out on both sides. Where a document draws an accent as a glyph of its own (TeX in its default
 * font encoding), the text layer holds "f¨" and "ur", the accent before or after its letter, sometimes on a dotless
 * "ı", while the stored passage, whose accents the server put back on their letters, says "für".
 */
/** Spacing accents that NFKD leaves as they are: ` ˆ ˇ (the others become a space and a combining mark). */
const SPACING_ACCENTS = /[\u0060\u02c6\u02c7]/g;
const norm = (s: string) =>
  s
    .normalize('NFKD')
    .toLowerCase()
    .replace(/[\u0300-\u036f]/g, '')
    .replace(SPACING_ACCENTS, '')
    .replace(/\u0131/g, 'i')
    .replace(/\u0237/g, 'j')
    .replace(/\s+/g, '');

/** A character of the normalised text layer: the item it came from and its offset in that item's text. */
interface Origin {
  item: number;
  char: number;
}

function layout(spanTexts: string[]): { joined: string; origins: Origin[] } {
  let joined = '';
  const origins: Origin[] = [];
  spanTexts.forEach((t, item) => {
    for (let char = 0; char < t.length; ) {
      const cp = String.fromCodePoint(t.codePointAt(char)!);
      for (const c of norm(cp)) {
        joined += c;
        origins.push({ item, char });
      }
      char += cp.length;
    }
  });
  return { joined, origins };
}

/** Where the normalised passage starts in the normalised text layer, or -1. */
function anchor(joined: string, p: string): number {
  for (const len of [80, 40, 20]) {
    for (let off = 0; off + len <= p.length || off === 0; off += len) {
      const probe = p.slice(off, off + len);
      if (probe.length < Math.min(len, p.length)) break;
      const at = joined.indexOf(probe);
      if (at >= 0) return Math.max(0, at - off);
    }
  }
  return -1;
}

export function findPassageRange(spanTexts: string[], passage: string): { first: number; last: number } | null {
  const r = findSpanRange(spanTexts, passage);
  return r ? { first: r.from.item, last: r.to.item } : null;
}

/**
 * The text-layer characters of `passage`, or of its `span` (offsets in `passage`): from the first character to
 * the last one, inclusive. Null when the passage is not on the page.
 */
export function findSpanRange(spanTexts: string[], passage: string, span?: { start: number; end: number }): { from: Origin; to: Origin } | null {
  const { joined, origins } = layout(spanTexts);
  const p = norm(passage);
  if (!p || !joined) return null;
  const start = anchor(joined, p);
  if (start < 0) return null;
  let a = 0;
  let b = p.length;
  if (span && span.end > span.start) {
    a = norm(passage.slice(0, span.start)).length;
    b = norm(passage.slice(0, span.end)).length;
    if (b <= a) return null;
  }
  const from = origins[Math.min(origins.length - 1, start + a)]!;
  const to = origins[Math.min(origins.length - 1, start + b - 1)]!;
  return { from, to };
}

function textItems(container: HTMLElement): HTMLElement[] {
  return Array.from(container.querySelectorAll<HTMLElement>('span')).filter((s) => !s.classList.contains('markedContent') && !s.querySelector('span'));
}

/** Wraps characters [from, to) of a text item in a `<mark>`, with DOM nodes only. */
function markChars(item: HTMLElement, from: number, to: number): HTMLElement {
  const text = item.textContent ?? '';
  const mark = document.createElement('mark');
  mark.className = 'pw-span';
  mark.textContent = text.slice(from, to);
  item.replaceChildren(document.createTextNode(text.slice(0, from)), mark, document.createTextNode(text.slice(to)));
  return mark;
}

/**
 * Marks `passage` on the rendered page: with `span`, exactly that part of it (`<mark class="pw-span">`), else the
 * text items it covers (`.pw-highlight`). Returns how many elements were marked; scrolls the first into view.
 */
export function highlightPassage(container: HTMLElement, passage: string, span?: { start: number; end: number }): number {
  const items = textItems(container);
  for (const s of items) s.classList.remove('pw-highlight');
  const range = findSpanRange(
    items.map((s) => s.textContent ?? ''),
    passage,
    span,
  );
  if (!range) return 0;
  const marked: HTMLElement[] = [];
  for (let i = range.from.item; i <= range.to.item; i++) {
    const item = items[i]!;
    if (!span) {
      item.classList.add('pw-highlight');
      marked.push(item);
      continue;
    }
    const text = item.textContent ?? '';
    const from = i === range.from.item ? range.from.char : 0;
    const toCp = i === range.to.item ? range.to.char : text.length - 1;
    const to = Math.min(text.length, toCp + String.fromCodePoint(text.codePointAt(toCp) ?? 32).length);
    if (to > from) marked.push(markChars(item, from, to));
  }
  marked[0]?.scrollIntoView?.({ block: 'center' });
  return marked.length;
}
