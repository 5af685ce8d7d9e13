/**
 * Citation markers in a streamed answer. The model is asked to write `[n]` after each claim; it may also write
 * `[1, 3]`, `[1][2]` or full-width `【1】`. Markers are normalised to `[n]`, markers pointing to a passage that
 * was not given are dropped from the text before it reaches the client, and the resolved list is collected.
 * A marker split across deltas is held back until it closes (or clearly is not a marker).
 */
const OPENERS = new Set(['[', '【', '［']);
const MAX_MARKER = 24;
const MARKER_RE = /^[[【［]\s*(\d{1,3}(?:\s*[,，、]\s*\d{1,3})*)\s*[\]】］]$/;

export class CitationFilter {
  private pending = '';
  /** Cited passage numbers in order of first appearance. */
  readonly cited: number[] = [];

  constructor(private readonly valid: (n: number) => boolean) {}

  push(delta: string): string {
    let out = '';
    for (const ch of delta) {
      if (this.pending) {
        this.pending += ch;
        if (/[\]】］]/.test(ch)) {
          out += this.resolve(this.pending);
          this.pending = '';
        } else if (this.pending.length > MAX_MARKER || !/^[[【［][\d\s,，、]*$/.test(this.pending)) {
          // Not a citation marker after all (a link, a bracketed word): release it unchanged.
          out += this.pending;
          this.pending = '';
        }
      } else if (OPENERS.has(ch)) {
        this.pending = ch;
      } else {
        out += ch;
      }
    }
    return out;
  }

  flush(): string {
    const rest = this.pending;
    this.pending = '';
    return rest;
  }

  private resolve(marker: string): string {
    const m = MARKER_RE.exec(marker);
    if (!m) return marker;
    const ns = m[1]!.split(/[,，、]/).map((s) => Number(s.trim()));
    const kept = ns.filter((n) => this.valid(n));
    for (const n of kept) if (!this.cited.includes(n)) this.cited.push(n);
    return kept.map((n) => `[${n}]`).join('');
  }
}
