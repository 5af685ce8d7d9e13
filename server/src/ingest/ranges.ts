/**
 * One document's extraction, spread over as many workers as are free. It starts as one page range on one
 * worker; whenever a worker is idle, the document with the most pages still ahead gives it the second half of
 * its largest remaining range (the range's worker is told to stop at the middle). Documents therefore finish
 * in the order they arrived, each on both cores, instead of two documents each crawling on one core; a worker
 * freed by a short range picks up work from a long one, so neither core idles while pages remain.
 */
import type { ExtractControl, ExtractedPage, ExtractionPool, Slot } from './pool.js';

/** Ranges shorter than this are not split further (a new range costs a document open in another worker). */
export const STEAL_MIN_PAGES = 12;

export interface DocumentExtractionHandlers {
  onMeta(meta: { numPages: number; title: string | null }): void | Promise<void>;
  /** Each page once, whichever worker read it; pages of one range arrive in order, ranges interleave. */
  onPage(page: ExtractedPage): void | Promise<void>;
}

interface Range {
  /** The next page this range's worker has not delivered yet. */
  next: number;
  last: number;
  control: ExtractControl | null;
  done: boolean;
}

export class DocumentExtraction {
  private readonly ranges: Range[] = [];
  private readonly runs: Promise<{ failedPages: number }>[] = [];
  private readonly seen = new Set<number>();
  private numPages: number | null = null;
  private failed = false;
  /** How many ranges the document was read in (for tests and benchmarks). */
  rangeCount = 0;

  constructor(
    private readonly pool: ExtractionPool,
    private readonly file: string,
    private readonly limits: { maxPages: number; maxChars: number },
    private readonly handlers: DocumentExtractionHandlers,
    /** Called when a range ends or the page count becomes known: a worker may be free, or work stealable. */
    private readonly onChange: () => void = () => undefined,
  ) {}

  /** Reads the whole document; rejects with the first range's failure once every range has stopped. */
  async run(slot?: Slot): Promise<{ failedPages: number }> {
    this.startRange(1, Number.MAX_SAFE_INTEGER, slot, true);
    let failedPages = 0;
    let error: unknown = null;
    // Ranges are added while earlier ones run: wait until every range, including late ones, has settled.
    for (let i = 0; i < this.runs.length; i++) {
      try {
        failedPages += (await this.runs[i]!).failedPages;
      } catch (err) {
        error ??= err;
      }
    }
    if (error) throw error;
    return { failedPages };
  }

  /** Pages not yet delivered in the largest range that is still running. */
  get stealable(): number {
    if (this.failed || this.numPages === null) return 0;
    let best = 0;
    for (const r of this.ranges) if (!r.done && r.control) best = Math.max(best, Math.min(r.last, this.numPages) - r.next + 1);
    return best;
  }

  /** Give the second half of the largest remaining range to `slot`; false (slot untouched) if none is worth it. */
  steal(slot: Slot): boolean {
    if (this.stealable < STEAL_MIN_PAGES) return false;
    let target: Range | null = null;
    for (const r of this.ranges) {
      if (r.done || !r.control) continue;
      if (!target || Math.min(r.last, this.numPages!) - r.next > Math.min(target.last, this.numPages!) - target.next) target = r;
    }
    if (!target) return false;
    const last = Math.min(target.last, this.numPages!);
    // The worker may be a page or two ahead of what has arrived: leave it a margin before the cut.
    const mid = target.next + Math.ceil((last - target.next + 1) / 2);
    target.last = mid;
    target.control!.stopAfter(mid);
    this.startRange(mid + 1, last, slot, false);
    return true;
  }

  private startRange(first: number, last: number, slot: Slot | undefined, reportMeta: boolean): void {
    const range: Range = { next: first, last, control: null, done: false };
    this.ranges.push(range);
    this.rangeCount++;
    const run = this.pool
      .extract(
        this.file,
        this.limits,
        {
          onMeta: async (meta, control) => {
            range.control = control;
            if (!reportMeta) return;
            this.numPages = meta.numPages;
            await this.handlers.onMeta(meta);
            this.onChange();
          },
          onPage: async (page) => {
            range.next = page.pageNumber + 1;
            if (this.seen.has(page.pageNumber)) return; // read by two workers around a cut
            this.seen.add(page.pageNumber);
            await this.handlers.onPage(page);
          },
        },
        { firstPage: first, lastPage: last === Number.MAX_SAFE_INTEGER ? undefined : last, slot },
      )
      .catch((err: unknown) => {
        // One range failed: the document fails, so the other ranges stop at their next page.
        this.failed = true;
        for (const r of this.ranges) if (!r.done && r.control) r.control.stopAfter(0);
        throw err;
      })
      .finally(() => {
        range.done = true;
        this.onChange();
      });
    run.catch(() => undefined); // observed in run()
    this.runs.push(run);
  }
}

/**
 * Hand every idle worker to the running document with the most pages ahead, or, when none has enough, to a new
 * document from `startNext` (which takes the slot, or returns false when nothing is waiting).
 */
export function assignIdleWorkers(pool: ExtractionPool, running: Iterable<DocumentExtraction>, startNext: (slot: Slot) => boolean): void {
  for (;;) {
    let target: DocumentExtraction | null = null;
    for (const d of running) if (d.stealable >= STEAL_MIN_PAGES && (!target || d.stealable > target.stealable)) target = d;
    const slot = pool.tryReserve();
    if (!slot) return;
    if (target?.steal(slot)) continue;
    if (startNext(slot)) continue;
    pool.unreserve(slot);
    return;
  }
}
