/**
 * Finds a passage inside a rendered pdf.js text layer and marks the spans it covers. Our page text and pdf.js'
 * text items differ in spacing and line breaks, so both sides are compared with all whitespace removed and
 * compatibility-normalised; the passage is anchored by its opening (or, failing that, by any 40-character
 * window of it) and the marked range extends over the passage's length from there.
 */
const norm = (s: string) => s.normalize('NFKC').toLowerCase().replace(/\s+/g, '');

export function findPassageRange(spanTexts: string[], passage: string): { first: number; last: number } | null {
  const owners: number[] = [];
  let joined = '';
  spanTexts.forEach((t, i) => {
    const n = norm(t);
    joined += n;
    for (let k = 0; k < n.length; k++) owners.push(i);
  });
  const p = norm(passage);
  if (!p || !joined) return null;
  let start = -1;
  for (const len of [80, 40, 20]) {
    if (start >= 0) break;
    for (let off = 0; off + len <= p.length || off === 0; off += len) {
      const probe = p.slice(off, off + len);
      if (probe.length < Math.min(len, p.length)) break;
      const at = joined.indexOf(probe);
      if (at >= 0) {
        start = Math.max(0, at - off);
        break;
      }
    }
  }
  if (start < 0) return null;
  const end = Math.min(joined.length, start + p.length) - 1;
  return { first: owners[start]!, last: owners[Math.max(start, end)]! };
}

export function highlightPassage(container: HTMLElement, passage: string): number {
  const spans = Array.from(container.querySelectorAll<HTMLElement>('span')).filter((s) => !s.classList.contains('markedContent'));
  for (const s of spans) s.classList.remove('pw-highlight');
  const range = findPassageRange(
    spans.map((s) => s.textContent ?? ''),
    passage,
  );
  if (!range) return 0;
  let n = 0;
  for (let i = range.first; i <= range.last; i++) {
    spans[i]!.classList.add('pw-highlight');
    n++;
  }
  void spans[range.first]?.scrollIntoView({ block: 'center' });
  return n;
}
