/**
 * The ingestion queue: a persisted state machine in SQLite (`queued → processing → ready | failed`). Documents
 * are claimed oldest first, one per extraction worker; pages stream from the worker into page rows, chunks,
 * embeddings and lexical rows in batches; the document becomes searchable only in the step that marks it ready.
 * At start-up, documents left `processing` by a crash are cleaned and re-queued (or failed after repeated
 * interruptions, which points at a file that kills the process).
 */
import { AppError, IngestError, INGEST_FAILURES, isDiskFull } from '../errors.js';
import { withContext } from '../index/embedders/types.js';
import { indexedText, type SearchIndex } from '../index/search-index.js';
import type { Logger } from '../logger.js';
import type { DocumentRow, DocumentStore, PageInput } from '../store/documents.js';
import type { FileStore } from '../store/files.js';
import type { PageChunker, PageChunk } from './chunker.js';
import type { ExtractedPage, ExtractionPool } from './pool.js';

const MAX_ATTEMPTS = 3;
/** Documents at least this long are split across two workers when a second one is idle. */
export const SPLIT_MIN_PAGES = 300;
const EMBED_BATCH = 64;
const PAGE_BATCH = 32;

export interface IngestOptions {
  maxPages: number;
  maxChars: number;
}

export class IngestQueue {
  private running = 0;
  private stopped = false;
  private readonly idleWaiters: (() => void)[] = [];
  private kickScheduled = false;
  /** Documents whose pages were shared between two workers (for tests and benchmarks). */
  splitDocuments = 0;

  constructor(
    private readonly docs: DocumentStore,
    private readonly files: FileStore,
    private readonly pool: ExtractionPool,
    private readonly chunker: PageChunker,
    private readonly index: () => Promise<SearchIndex>,
    private readonly opts: IngestOptions,
    private readonly log: Logger,
  ) {}

  /** Re-queue documents a crash left mid-way; fail the ones that keep getting interrupted. */
  recover(): void {
    for (const row of this.docs.interrupted()) {
      if (row.attempts >= MAX_ATTEMPTS) {
        this.docs.markFailed(row.id, 'INGEST_INTERRUPTED', INGEST_FAILURES.INGEST_INTERRUPTED);
        this.log.warn({ documentId: row.id }, 'document failed after repeated interruptions');
      } else {
        this.docs.requeue(row.id);
        this.log.info({ documentId: row.id }, 'interrupted ingestion re-queued');
      }
    }
  }

  /** Start as many jobs as there are free workers. */
  kick(): void {
    if (this.kickScheduled || this.stopped) return;
    this.kickScheduled = true;
    setImmediate(() => {
      this.kickScheduled = false;
      // After stop() the database may already be closed: touch nothing.
      if (this.stopped) return;
      while (this.running < this.pool.size) {
        const row = this.docs.claimNext();
        if (!row) break;
        // Work has arrived: start every worker now, so a long document can be split at once.
        this.pool.warm();
        this.running++;
        void this.process(row).finally(() => {
          this.running--;
          if (this.stopped) return;
          if (this.running === 0 && !this.docs.hasQueued()) this.idleWaiters.splice(0).forEach((w) => w());
          this.kick();
        });
      }
      if (this.running === 0 && !this.docs.hasQueued()) this.idleWaiters.splice(0).forEach((w) => w());
    });
  }

  /** Resolves when nothing is queued or processing (for tests and benchmarks). */
  whenIdle(): Promise<void> {
    return new Promise((resolve) => {
      this.idleWaiters.push(resolve);
      this.kick();
    });
  }

  get active(): number {
    return this.running;
  }

  private async process(row: DocumentRow): Promise<void> {
    const started = Date.now();
    const index = await this.index();
    index.discardContent(row.id); // leftovers of an interrupted attempt
    const embedder = index.embedder;
    let pendingPages: PageInput[] = [];
    let pendingChunks: PageChunk[] = [];
    const vectors: { chunkId: number; vector: Float32Array }[] = [];
    let ord = 0;
    let context: string | null = null;
    let contextVector: Float32Array | null = null;
    let contextReady: Promise<void> | null = null;
    let pagesDone = 0;
    let textChars = 0;
    let title: string | null = null;
    let firstText = '';
    /** Last page of the first range (the whole document unless it is split across two workers). */
    let firstRangeEnd = Number.MAX_SAFE_INTEGER;
    const seen = new Set<number>();
    // The document context comes from its opening text: chunks wait for it (up to a bound) when a second
    // worker started in the middle of the document.
    let openingPages = 0;
    const openingSeen = () => firstText !== '' || openingPages >= 3;

    const flushPages = () => {
      if (pendingPages.length === 0) return;
      this.docs.insertPages(row.id, pendingPages);
      pendingPages = [];
      this.docs.setProgress(row.id, pagesDone);
    };
    const flushChunks = async (final = false) => {
      if (pendingChunks.length === 0) return;
      if (!final && context === null && !openingSeen() && pendingChunks.length < 4000) return;
      const batch = pendingChunks;
      pendingChunks = [];
      let embeddings: Float32Array[];
      try {
        contextReady ??= (async () => {
          const ctx = documentContext(row.name, title, firstText);
          index.setDocumentContext(row.id, ctx);
          contextVector = (await embedder.embedDocuments([ctx]))[0] ?? null;
          context = ctx;
        })();
        await contextReady;
        embeddings = await embedder.embedDocuments(batch.map((c) => indexedText(c)));
      } catch (err) {
        throw new IngestError('EMBEDDING_FAILED', `${INGEST_FAILURES.EMBEDDING_FAILED} (${(err as Error).message})`);
      }
      // The stored embedding and the live vector must be the same: the index is rebuilt from the stored ones.
      const passageVectors = embeddings.map((e) => withContext(e, contextVector));
      const ids = index.addChunks(
        row.id,
        context ?? '',
        batch.map((c, i) => ({ ...c, ord: ord++, embedding: passageVectors[i]! })),
      );
      ids.forEach((id, i) => vectors.push({ chunkId: id, vector: passageVectors[i]! }));
    };

    const file = this.files.pathFor(row.id);
    const onPage = async (page: ExtractedPage) => {
      if (seen.has(page.pageNumber)) return; // both workers read it around the hand-over
      seen.add(page.pageNumber);
      if (page.pageNumber <= firstRangeEnd) {
        openingPages++;
        if (!firstText && page.text) firstText = page.text;
      }
      pagesDone++;
      textChars += page.text.length;
      pendingPages.push(page);
      pendingChunks.push(...(await this.chunker.chunkPage(page.pageNumber, page.text)));
      if (pendingPages.length >= PAGE_BATCH) flushPages();
      if (pendingChunks.length >= EMBED_BATCH) await flushChunks();
    };
    let second: Promise<{ failedPages: number }> | null = null;

    try {
      const first = this.pool
        .extract(file, this.opts, {
          onMeta: (meta, control) => {
            title = meta.title;
            this.docs.setPageCount(row.id, meta.numPages, meta.title);
            if (meta.numPages < SPLIT_MIN_PAGES || meta.numPages > this.opts.maxPages) return;
            const slot = this.pool.tryReserve();
            if (!slot) return;
            // A long document and an idle worker: hand the second half to it.
            firstRangeEnd = Math.ceil(meta.numPages / 2);
            this.splitDocuments++;
            control.stopAfter(firstRangeEnd);
            second = this.pool.extract(file, this.opts, { onMeta: () => undefined, onPage }, { firstPage: firstRangeEnd + 1, slot });
            second.catch(() => undefined);
          },
          onPage,
        })
        .catch(async (err: unknown) => {
          if (second) await (second as Promise<unknown>).catch(() => undefined);
          throw err;
        });
      const r1 = await first;
      const r2 = second ? await (second as Promise<{ failedPages: number }>) : { failedPages: 0 };
      const failedPages = r1.failedPages + r2.failedPages;
      flushPages();
      await flushChunks(true);
      if (textChars === 0) throw new IngestError('NO_EXTRACTABLE_TEXT');
      index.publish(row.id, pagesDone, Date.now() - started, vectors);
      this.log.info(
        { documentId: row.id, pages: pagesDone, chunks: vectors.length, failedPages, ms: Date.now() - started },
        'document ready',
      );
    } catch (err) {
      if (this.stopped) return; // shutting down: left `processing`, re-queued at the next start
      const { code, message } =
        err instanceof IngestError
          ? err
          : isDiskFull(err)
            ? { code: 'INSUFFICIENT_STORAGE' as const, message: 'The server ran out of disk space while processing this PDF.' }
            : err instanceof AppError
              ? err
              : { code: 'INTERNAL_ERROR' as const, message: 'Processing failed unexpectedly; try again.' };
      if (!(err instanceof IngestError)) this.log.error({ err, documentId: row.id }, 'ingestion failed unexpectedly');
      // The status first: it is one small write, which still fits when the disk is full and deleting the
      // partial content does not (SQLITE_FULL); a failed document's leftovers are invisible and are discarded
      // before any retry, whereas a document left `processing` would look stuck until the next restart.
      const msSpent = Date.now() - started;
      const recordFailure = (tries: number): void => {
        const current = this.stopped ? undefined : this.docs.get(row.id);
        if (current?.status !== 'processing' || current.attempts !== row.attempts) return; // deleted or moved on
        try {
          this.docs.markFailed(row.id, code, message, msSpent);
        } catch (e) {
          // Not even one row fits: try again until some space is freed.
          if (isDiskFull(e) && tries < 600) setTimeout(() => recordFailure(tries + 1), 1000).unref();
          else this.log.error({ err: e, documentId: row.id }, 'could not record the ingestion failure');
        }
      };
      recordFailure(0);
      try {
        index.discardContent(row.id);
      } catch (e) {
        this.log.warn({ err: e, documentId: row.id }, 'could not remove the partial content of a failed document yet');
      }
      this.log.info({ documentId: row.id, code }, 'document failed');
    }
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await this.pool.close();
  }
}

const CONTEXT_OPENING_CHARS = 600;

/**
 * What a document is, in a few hundred characters: its file name, its title metadata when that is words (not an
 * accession number), and its opening text, where reports, filings and manuals name their subject.
 */
export function documentContext(name: string, title: string | null, firstText: string): string {
  const stem = name.replace(/\.pdf$/i, '').replace(/[_]+/g, ' ');
  const usefulTitle = title && /[A-Za-z\u00c0-\uffff]{3}/.test(title) && title !== stem ? title : null;
  const opening = firstText.replace(/\s+/g, ' ').slice(0, CONTEXT_OPENING_CHARS);
  return [stem, usefulTitle, opening].filter(Boolean).join('\n');
}
