/**
 * Citation markers in a streamed answer. The model is asked to write `[n]` after each claim; it may also write
 * `[1, 3]`, `[1][2]` or full-width `【1】`, and small models write `[Passage 2]`, `[source 1]`, `[n=2]`, `[#1]`,
 * ranges such as `[1-3]`, or `【2†source】`. Markers are normalised to `[n]`, markers pointing to a passage that
 * was not given are dropped from the text before it reaches the client, and the resolved list is collected.
 * A marker split across deltas is held back until it closes (or clearly is not a marker); a bracketed word
 * that is not a marker (`[Note]`) is released unchanged.
 */
const OPENERS = new Set(['[', '【', '［']);
const MAX_MARKER = 24;
/** What an unfinished marker may look like: an optional short word (passage, source, n=, #), numbers, ranges. */
const PENDING_RE = /^[[【［]\s*(?:[A-Za-z#]{1,8}\s*=?\s*)?[\d\s,，、\-–]*(?:†[A-Za-z]*)?$/;
const MARKER_RE = /^[[【［]\s*(?:(?:passages?|sources?|refs?|n)\s*=?\s*|#\s*)?(\d{1,3}(?:\s*[,，、\-–]\s*\d{1,3})*)\s*(?:†[A-Za-z]*)?\s*[\]】］]$/i;
const MAX_RANGE = 10;

/** `1, 3` → [1, 3]; `1-3` → [1, 2, 3]; null when a range is reversed or too long to be a citation. */
function markerNumbers(list: string): number[] | null {
  const out: number[] = [];
  for (const part of list.split(/[,，、]/)) {
    const [a, b] = part.split(/[-–]/).map((x) => Number(x.trim()));
    if (b === undefined) out.push(a!);
    else if (b >= a! && b - a! < MAX_RANGE) for (let n = a!; n <= b; n++) out.push(n);
    else return null;
  }
  return out;
}

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
        } else if (this.pending.length > MAX_MARKER || !PENDING_RE.test(this.pending)) {
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
    const ns = markerNumbers(m[1]!);
    if (!ns) return marker;
    const kept = ns.filter((n) => this.valid(n));
    for (const n of kept) if (!this.cited.includes(n)) this.cited.push(n);
    return kept.map((n) => `[${n}]`).join('');
  }
}
