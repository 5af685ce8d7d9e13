/**
 * One document range read by one worker, under three limits: a wall-clock limit for the whole range (paused while
 * a page is rendered for OCR, extended by the time OCR took), a limit per page, and the worker's resident memory.
 * The worker's messages are handled strictly in page order; a handler that fails (storage, embedding) stops the
 * worker and fails the job with the handler's error.
 */
import type { ChildProcess } from 'node:child_process';
import { IngestError, WorkerDiedError } from '../errors.js';
import type { Logger } from '../logger.js';
import type { ExtractHandlers, ExtractRequest, WorkerMessage } from './protocol.js';
import { jobChannel, rssMb, type JobChannel } from './worker-process.js';

const RSS_POLL_MS = 100;
export const CRASH_MESSAGE = 'The PDF crashed the parser and could not be read.';

/** How a job ended, as the worker reported it: its pages all sent, or an ordinary error (the worker is fine). */
export type RunOutcome = { failedPages: number; error?: undefined } | { error: IngestError };

export interface JobLimits {
  timeoutMs: number;
  pageTimeoutMs: number;
  maxRssMb: number;
  log: Logger;
  /** Kill the worker (a limit was hit, or a handler failed). */
  kill(): void;
  /** Each memory reading of the worker, in MiB. */
  onRss(mb: number): void;
  /** The end of what the worker wrote to stderr (V8 says there why it ran out of memory). */
  stderrTail(): string;
}

export class ExtractionJob {
  private settled = false;
  /** Once set, queued handlers are skipped: the extraction has failed or been given up. */
  private failed = false;
  /** A page is being rendered for OCR: a limit hit now is blamed on that (`blame`). */
  private rendering = false;
  private chain: Promise<void> = Promise.resolve();
  private pageTimer: NodeJS.Timeout | null = null;
  private wallTimer: NodeJS.Timeout | null = null;
  private rssTimer: NodeJS.Timeout | null = null;
  private wallDeadline: number;
  private readonly channel: JobChannel;
  private done!: { resolve: (v: RunOutcome) => void; reject: (e: Error) => void };

  constructor(
    private readonly child: ChildProcess,
    private readonly jobId: number,
    private readonly limits: JobLimits,
    private readonly handlers: ExtractHandlers,
  ) {
    this.wallDeadline = Date.now() + limits.timeoutMs;
    this.channel = jobChannel(child, jobId, (m) => this.onMessage(m), (code, signal) => this.onExit(code, signal));
  }

  run(req: Omit<ExtractRequest, 'type' | 'jobId'>): Promise<RunOutcome> {
    return new Promise((resolve, reject) => {
      this.done = { resolve, reject };
      this.armWallTimer();
      this.rssTimer = setInterval(() => this.pollRss(), RSS_POLL_MS);
      this.armPageTimer();
      this.channel.send({ type: 'extract', jobId: this.jobId, ...req });
    });
  }

  private blame(e: IngestError): IngestError {
    return Object.assign(e, { duringOcr: this.rendering });
  }

  private finish(err: Error | null, value?: RunOutcome): void {
    if (this.settled) return;
    this.settled = true;
    if (err) this.failed = true;
    this.readingDone();
    if (this.rssTimer) clearInterval(this.rssTimer);
    this.channel.close();
    // A failure is reported once the handler already running (if any) has returned, so the caller's clean-up
    // never races a page still being stored.
    if (err) void this.chain.finally(() => this.done.reject(err));
    else this.done.resolve(value!);
  }

  /** Kill the worker and fail the job with `err`. */
  private abort(err: Error): void {
    this.limits.kill();
    this.finish(err);
  }

  private armPageTimer(): void {
    if (this.pageTimer) clearTimeout(this.pageTimer);
    const s = Math.round(this.limits.pageTimeoutMs / 1000);
    this.pageTimer = setTimeout(
      () => this.abort(this.blame(new IngestError('PARSE_TIMEOUT', `Reading one page took longer than ${s} s; the PDF may be pathologically complex.`))),
      this.limits.pageTimeoutMs,
    );
  }

  private armWallTimer(): void {
    if (this.wallTimer) clearTimeout(this.wallTimer);
    const s = Math.round(this.limits.timeoutMs / 1000);
    this.wallTimer = setTimeout(
      () => this.abort(new IngestError('PARSE_TIMEOUT', `Reading the PDF took longer than ${s} s; it may be pathologically complex.`)),
      this.wallDeadline - Date.now(),
    );
  }

  /** The worker has read the range: the page and whole-range limits end (embedding has its own). */
  private readingDone(): void {
    if (this.pageTimer) clearTimeout(this.pageTimer);
    if (this.wallTimer) clearTimeout(this.wallTimer);
    this.pageTimer = this.wallTimer = null;
  }

  private pollRss(): void {
    const rss = this.child.pid ? rssMb(this.child.pid) : null;
    if (rss === null) return;
    this.limits.onRss(rss);
    if (rss > this.limits.maxRssMb) {
      const message = `Reading the PDF needed more than ${this.limits.maxRssMb} MB of memory; it may be a decompression bomb or extremely complex.`;
      this.abort(this.blame(new WorkerDiedError('PDF_TOO_COMPLEX', message)));
    }
  }

  /**
   * Handlers run strictly in page order; the chain itself never rejects (a rejected chain would surface as an
   * unhandled rejection in the server process).
   */
  private enqueue(fn: () => void | Promise<void>): void {
    this.chain = this.chain
      .then(async () => {
        if (!this.failed) await fn();
      })
      .catch((e: Error) => {
        if (this.failed) return;
        this.failed = true;
        this.abort(e);
      });
  }

  private onMessage(m: WorkerMessage): void {
    this.armPageTimer();
    switch (m.type) {
      case 'meta':
        this.enqueue(() => this.handlers.onMeta({ numPages: m.numPages, title: m.title }, { stopAfter: (lastPage) => this.channel.send({ type: 'limit', jobId: this.jobId, lastPage }) }));
        return;
      case 'ocr':
        // The page being read is rendered for OCR: the page limit bounds that, the range's limit waits.
        if (this.wallTimer) clearTimeout(this.wallTimer);
        this.rendering = true;
        return;
      case 'page': {
        this.handlers.onArrive?.(m.pageNumber);
        // Resumed after an 'ocr' pause (even when rendering failed), later by the time OCR took.
        this.rendering = false;
        if (this.wallTimer) {
          this.wallDeadline += m.ocrMs;
          this.armWallTimer();
        }
        const { type: _t, jobId: _j, ocrMs: _o, ...page } = m;
        this.enqueue(() => this.handlers.onPage(page));
        return;
      }
      case 'done':
        this.readingDone();
        this.enqueue(() => this.finish(null, { failedPages: m.failedPages }));
        return;
      case 'error':
        this.readingDone();
        if (m.detail) this.limits.log.info({ code: m.code, detail: m.detail }, 'extraction failed');
        this.enqueue(() => this.finish(null, { error: new IngestError(m.code, m.message || undefined) }));
        return;
    }
  }

  private onExit(code: number | null, signal: NodeJS.Signals | null): void {
    const oom = /heap limit|out of memory|allocation failed/i.test(this.limits.stderrTail());
    this.limits.log.warn({ code, signal, oom }, 'extraction worker died');
    this.finish(this.blame(oom ? new WorkerDiedError('PDF_TOO_COMPLEX') : new WorkerDiedError('PDF_MALFORMED', CRASH_MESSAGE)));
  }
}
