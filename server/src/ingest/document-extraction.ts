/**
 * One document's extraction, spread over as many workers as are free. It starts as one page range on one
 * worker; whenever a worker is idle, the document with the most pages still ahead gives it the second half of
 * its largest remaining range (the range's worker is told to stop at the middle). Documents therefore finish
 * in the order they arrived, each on both cores, instead of two documents each crawling on one core; a worker
 * freed by a short range picks up work from a long one, so neither core idles while pages remain.
 *
 * A worker that dies mid-range (killed from outside, out of memory) does not fail the document: the rest of its
 * range, from the first page not yet handed on, is read again on a fresh worker. The file is blamed only when it
 * kills a worker again at the same page, or kills MAX_WORKER_DEATHS workers in all.
 */
import { IngestError, WorkerDiedError } from '../errors.js';
import type { ExtractControl, ExtractedPage, ExtractionPool, ExtractLimits, Slot } from './pool.js';
import { tooMuchTextMessage } from './protocol.js';

/** Ranges shorter than this are not split further (a new range costs a document open in another worker). */
export const STEAL_MIN_PAGES = 12;
/** Worker deaths one document may cause before it is failed (at the same page, the second one fails it). */
export const MAX_WORKER_DEATHS = 3;

export interface DocumentExtractionHandlers {
  onMeta(meta: { numPages: number; title: string | null }): void | Promise<void>;
  /** Each page once, whichever worker read it; pages of one range arrive in order, ranges interleave. */
  onPage(page: ExtractedPage): void | Promise<void>;
}

interface Range {
  /** The next page this range's worker has not delivered yet. */
  next: number;
  /** The highest page that has arrived from the worker (it may not have been handled yet). */
  received: number;
  last: number;
  control: ExtractControl | null;
  done: boolean;
}

/** The first page a range's worker has surely not read yet: past what was handled and what has arrived. */
const ahead = (r: Range): number => Math.max(r.next, r.received + 1);

export class DocumentExtraction {
  private readonly ranges: Range[] = [];
  private readonly runs: Promise<{ failedPages: number }>[] = [];
  private readonly seen = new Set<number>();
  private numPages: number | null = null;
  private failed = false;
  /** Characters of the distinct pages read so far: the document's text limit counts over all its ranges. */
  private chars = 0;
  private deaths = 0;
  /** The page each worker death happened at (the first page its range had not handed on). */
  private readonly deathPages = new Set<number>();
  /** Pages whose rendering for OCR hit a limit: read without OCR (after MAX_WORKER_DEATHS of them, no page is OCR'd). */
  private readonly noOcrPages = new Set<number>();
  /** How many ranges the document was read in (logged when it has been read). */
  rangeCount = 0;

  constructor(
    private readonly pool: ExtractionPool,
    private readonly file: string,
    private readonly limits: ExtractLimits,
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

  /** The running range with the most pages its worker has not read yet, and how many. */
  private largestRange(): { range: Range | null; pages: number } {
    let best: { range: Range | null; pages: number } = { range: null, pages: 0 };
    if (this.failed || this.numPages === null) return best;
    for (const r of this.ranges) {
      if (r.done || !r.control) continue;
      const pages = Math.min(r.last, this.numPages) - ahead(r) + 1;
      if (pages > best.pages) best = { range: r, pages };
    }
    return best;
  }

  /** Pages not yet read in the largest range that is still running. */
  get stealable(): number {
    return this.largestRange().pages;
  }

  /** Give the second half of the largest remaining range to `slot`; false (slot untouched) if none is worth it. */
  steal(slot: Slot): boolean {
    const { range: target, pages } = this.largestRange();
    if (!target || pages < STEAL_MIN_PAGES) return false;
    const last = Math.min(target.last, this.numPages!);
    // Cut in the middle of what the worker has not read yet (it is at least as far as the pages that arrived);
    // the running worker keeps the extra page of an odd split, a margin for a page it may be reading already.
    const from = ahead(target);
    const mid = from + Math.ceil(pages / 2);
    target.last = mid;
    target.control!.stopAfter(mid);
    this.startRange(mid + 1, last, slot, false);
    return true;
  }

  /**
   * The worker reading `range` died: read the rest of the range on another (fresh) worker, unless the file has
   * already killed one at this page, or too many in all. True when the range was taken up again.
   */
  private resumeAfterDeath(range: Range, err: unknown): boolean {
    if (this.failed || !(err instanceof IngestError)) return false;
    const from = range.next;
    if (err.duringOcr) {
      // Rendering a page for OCR hit a limit: that page is read again without OCR (its text layer only).
      this.noOcrPages.add(ahead(range));
    } else {
      if (!(err instanceof WorkerDiedError)) return false;
      if (++this.deaths >= MAX_WORKER_DEATHS || this.deathPages.has(from)) return false;
      this.deathPages.add(from);
    }
    range.done = true;
    // Pages that had arrived but were not handed on are read again; pages handed on are kept (and stored).
    if (from <= Math.min(range.last, this.numPages ?? Number.MAX_SAFE_INTEGER)) {
      this.startRange(from, range.last, undefined, this.numPages === null);
    }
    return true;
  }

  private startRange(first: number, last: number, slot: Slot | undefined, reportMeta: boolean): void {
    const range: Range = { next: first, received: first - 1, last, control: null, done: false };
    this.ranges.push(range);
    this.rangeCount++;
    const run = this.pool
      .extract(
        this.file,
        { ...this.limits, ocr: this.noOcrPages.size >= MAX_WORKER_DEATHS ? null : this.limits.ocr && { ...this.limits.ocr, skipPages: [...this.noOcrPages] } },
        {
          onMeta: async (meta, control) => {
            range.control = control;
            if (this.failed) {
              control.stopAfter(0);
              return;
            }
            if (!reportMeta) return;
            this.numPages = meta.numPages;
            await this.handlers.onMeta(meta);
            this.onChange();
          },
          onArrive: (pageNumber) => {
            range.received = Math.max(range.received, pageNumber);
          },
          onPage: async (page) => {
            range.next = page.pageNumber + 1;
            if (this.failed || this.seen.has(page.pageNumber)) return; // failed, or read by two workers around a cut
            this.seen.add(page.pageNumber);
            this.chars += page.text.length;
            if (this.chars > this.limits.maxChars) throw new IngestError('TOO_MUCH_TEXT', tooMuchTextMessage(this.limits.maxChars));
            await this.handlers.onPage(page);
          },
        },
        { firstPage: first, lastPage: last === Number.MAX_SAFE_INTEGER ? undefined : last, slot },
      )
      .catch((err: unknown) => {
        if (this.resumeAfterDeath(range, err)) return { failedPages: 0 };
        // One range failed: the document fails, so the other ranges stop at their next page.
        this.failed = true;
        for (const r of this.ranges) if (r !== range && !r.done && r.control) r.control.stopAfter(0);
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
    let started: boolean;
    try {
      started = startNext(slot);
    } catch (err) {
      pool.unreserve(slot);
      throw err;
    }
    if (started) continue;
    pool.unreserve(slot);
    return;
  }
}
