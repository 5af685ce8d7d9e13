/**
 * A pool of extraction worker processes. Each document is parsed in a child process under a wall-clock limit,
 * a per-page progress limit and a resident-memory limit (worker_threads' resourceLimits do not cover the
 * ArrayBuffers pdf.js decodes streams into, so memory is watched from outside and enforced with SIGKILL).
 * A worker that reports an ordinary parse error (not a PDF, a wrong password) is kept for the next document; one
 * that died, hit a limit or was recycled is replaced. The HTTP server's event loop never runs pdf.js.
 */
import { WorkerDiedError } from '../errors.js';
import type { Logger } from '../logger.js';
import { CRASH_MESSAGE, ExtractionJob, type RunOutcome } from './extraction-job.js';
import type { ExtractHandlers, ExtractLimits } from './protocol.js';
import { rssMb, spawnWorker, type Slot } from './worker-process.js';

export { rssMb, type Slot } from './worker-process.js';
export type { ExtractControl, ExtractedPage, ExtractHandlers, ExtractLimits } from './protocol.js';
/** A worker whose memory grew past this after a document is replaced (pdf.js keeps caches per process). */
const RECYCLE_RSS_MB = 900;
const RECYCLE_AFTER_JOBS = 200;
/** A worker that dies while starting (before it got any document) is started again this many times in all. */
const START_ATTEMPTS = 3;

export interface PoolOptions {
  size: number;
  timeoutMs: number;
  pageTimeoutMs: number;
  maxRssMb: number;
  log: Logger;
}

export interface ExtractOptions {
  firstPage?: number;
  lastPage?: number;
  /** A slot taken with `tryReserve()`; released when the extraction ends. */
  slot?: Slot;
}

export class ExtractionPool {
  private readonly slots: Slot[];
  private readonly idle: Slot[];
  private readonly waiters: ((slot: Slot) => void)[] = [];
  private nextJobId = 1;
  private closed = false;
  private warmed = false;
  /** Highest worker RSS seen, for benchmarks. */
  peakWorkerRssMb = 0;

  constructor(private readonly opts: PoolOptions) {
    this.slots = Array.from({ length: opts.size }, () => ({ child: null, ready: null, jobs: 0, stderrTail: '' }));
    this.idle = [...this.slots];
  }

  private spawn(slot: Slot): Promise<void> {
    return spawnWorker(slot, this.opts.maxRssMb, this.opts.log, () => {
      if (this.warmed && !this.closed) setTimeout(() => this.ensureSpawned(slot), 1000).unref();
    });
  }

  /**
   * Start every worker ahead of need (a cold start costs seconds: loading pdf.js), and keep replacing workers
   * that are killed or recycled, so no document waits for one.
   */
  warm(): void {
    this.warmed = true;
    for (const slot of this.slots) if (this.idle.includes(slot)) this.ensureSpawned(slot);
  }

  /** Warm the pool and wait until every worker is ready (benchmarks). */
  async whenWarm(): Promise<void> {
    this.warm();
    await Promise.all(this.slots.map((s) => s.ready));
  }

  private ensureSpawned(slot: Slot): void {
    if (this.closed || slot.child) return;
    this.spawn(slot).catch((err: unknown) => this.opts.log.warn({ err }, 'extraction worker failed to start'));
  }

  /** An idle worker slot right now, or null (never waits, so a caller holding a slot cannot deadlock). */
  tryReserve(): Slot | null {
    if (this.closed || this.waiters.length > 0) return null;
    return this.idle.pop() ?? null;
  }

  /** Give back a reserved slot that was not used. */
  unreserve(slot: Slot): void {
    this.release(slot);
  }

  private acquire(): Promise<Slot> {
    const slot = this.idle.pop();
    if (slot) return Promise.resolve(slot);
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  private release(slot: Slot): void {
    const waiter = this.waiters.shift();
    if (waiter) waiter(slot);
    else this.idle.push(slot);
  }

  private kill(slot: Slot): void {
    const child = slot.child;
    slot.child = null;
    slot.ready = null;
    if (child && child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    if (this.warmed && !this.closed) setTimeout(() => this.ensureSpawned(slot), 100).unref();
  }

  /** Extract a PDF's pages, calling `onPage` in order. Rejects with an IngestError carrying a stable code. */
  async extract(
    file: string,
    limits: ExtractLimits,
    handlers: ExtractHandlers,
    opts: ExtractOptions = {},
  ): Promise<{ failedPages: number }> {
    if (this.closed) {
      if (opts.slot) this.release(opts.slot);
      throw new Error('extraction pool is closed');
    }
    const slot = opts.slot ?? (await this.acquire());
    let outcome: RunOutcome;
    try {
      await this.started(slot);
      outcome = await this.run(slot, file, { ...limits, ocr: limits.ocr ? { ...limits.ocr, budgetMs: this.opts.pageTimeoutMs / 2 } : null, firstPage: opts.firstPage, lastPage: opts.lastPage }, handlers);
      slot.jobs++;
      const rss = slot.child?.pid ? rssMb(slot.child.pid) : null;
      if ((rss !== null && rss > RECYCLE_RSS_MB) || slot.jobs >= RECYCLE_AFTER_JOBS) this.kill(slot);
    } catch (err) {
      // The worker died, hit a limit, or a handler failed while it was still sending pages: replace it.
      this.kill(slot);
      throw err;
    } finally {
      this.release(slot);
    }
    if (outcome.error) throw outcome.error;
    return { failedPages: outcome.failedPages };
  }

  /** The slot's worker, started if needed; one that dies while starting (no document involved) is started again. */
  private async started(slot: Slot): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      try {
        if (!slot.child || !slot.ready) this.spawn(slot);
        await slot.ready;
        return;
      } catch (err) {
        if (attempt >= START_ATTEMPTS || this.closed) throw err;
      }
    }
  }

  private run(slot: Slot, file: string, limits: ExtractLimits & { firstPage?: number; lastPage?: number }, handlers: ExtractHandlers): Promise<RunOutcome> {
    const child = slot.child;
    // Killed between start-up and this job: a death like any other.
    if (!child?.connected) return Promise.reject(new WorkerDiedError('PDF_MALFORMED', CRASH_MESSAGE));
    const job = new ExtractionJob(
      child,
      this.nextJobId++,
      {
        ...this.opts,
        kill: () => this.kill(slot),
        onRss: (mb) => (this.peakWorkerRssMb = Math.max(this.peakWorkerRssMb, mb)),
        stderrTail: () => slot.stderrTail,
      },
      handlers,
    );
    return job.run({ path: file, ...limits, ocr: limits.ocr ?? null, work: limits.work ?? null });
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const slot of this.slots) this.kill(slot);
  }
}
