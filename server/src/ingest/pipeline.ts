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
import { pageKind } from './page-kind.js';
import type { ExtractedPage, ExtractionPool, Slot } from './pool.js';
import { noTextMessage, type OcrLanguageData } from './ocr-data.js';
import { assignIdleWorkers, DocumentExtraction } from './ranges.js';

const MAX_ATTEMPTS = 3;
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
  /** Extractions in progress, which idle workers help. */
  private readonly extractions = new Set<DocumentExtraction>();
  /** Documents whose pages were shared between workers (for tests and benchmarks). */
  splitDocuments = 0;
  /** Called when a document has just become ready (its overview is made then). */
  onReady: ((documentId: string) => void) | null = null;

  constructor(
    private readonly docs: DocumentStore,
    private readonly files: FileStore,
    private readonly pool: ExtractionPool,
    private readonly chunker: PageChunker,
    private readonly index: () => Promise<SearchIndex>,
    private readonly opts: IngestOptions,
    private readonly log: Logger,
    private readonly ocrData: OcrLanguageData,
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

  /**
   * Give every free worker something to do: part of a running document that still has many pages ahead
   * (documents finish in arrival order, each using both cores), else the oldest queued document.
   */
  kick(): void {
    if (this.kickScheduled || this.stopped) return;
    this.kickScheduled = true;
    setImmediate(() => {
      this.kickScheduled = false;
      // After stop() the database may already be closed: touch nothing.
      if (this.stopped) return;
      try {
        assignIdleWorkers(this.pool, this.extractions, (slot) => {
          const row = this.docs.claimNext();
          if (!row) return false;
          // Work has arrived: start every worker now, so the document can be shared at once.
          this.pool.warm();
          this.running++;
          void this.process(row, slot)
            .catch((err: unknown) => this.log.error({ err, documentId: row.id }, 'document processing failed unexpectedly'))
            .finally(() => {
              this.running--;
              if (this.stopped) return;
              if (this.running === 0 && !this.docs.hasQueued()) this.idleWaiters.splice(0).forEach((w) => w());
              this.kick();
            });
          return true;
        });
      } catch (err) {
        // The database could not be read (disk, corruption): nothing starts now; the next upload or finished
        // document tries again.
        this.log.error({ err }, 'could not start queued documents');
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

  private async process(row: DocumentRow, slot: Slot): Promise<void> {
    const started = Date.now();
    let index: SearchIndex;
    try {
      index = await this.index();
    } catch (err) {
      // No usable embedder (logged loudly where it is created): the document stays queued-as-processing and is
      // taken up again at the next start.
      this.pool.unreserve(slot);
      throw err;
    }
    /** Whether the reserved worker slot has been handed to the extraction (which releases it). */
    let slotHandedOver = false;
    const embedder = index.embedder;
    let pendingPages: PageInput[] = [];
    let pendingChunks: (PageChunk & { ocr: boolean })[] = [];
    const vectors: { chunkId: number; vector: Float32Array }[] = [];
    let ord = 0;
    let context: string | null = null;
    let contextVector: Float32Array | null = null;
    let contextReady: Promise<void> | null = null;
    let pagesDone = 0;
    let textChars = 0;
    let ocrPages = 0;
    let unmappedPages = 0;
    let title: string | null = null;
    let numPages = 0;
    // The document context comes from its opening text (the first page with text among the first three):
    // chunks of later pages, read by other workers meanwhile, wait for it (up to a bound).
    const opening = new Map<number, string>();
    let firstText = '';
    const openingSeen = (): boolean => {
      for (let n = 1; n <= Math.min(OPENING_PAGES, numPages); n++) {
        const text = opening.get(n);
        if (text === undefined) return false;
        if (text) return true;
      }
      return numPages > 0;
    };

    const flushPages = () => {
      if (pendingPages.length === 0) return;
      this.docs.pages.insert(row.id, pendingPages);
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
      if (page.pageNumber <= OPENING_PAGES) {
        opening.set(page.pageNumber, page.text);
        if (!firstText) {
          for (let n = 1; n <= OPENING_PAGES && opening.has(n); n++) if ((firstText = opening.get(n)!)) break;
        }
      }
      pagesDone++;
      textChars += page.text.length;
      pendingPages.push({ ...page, kind: pageKind(page.text) });
      const ocr = page.source === 'ocr';
      if (ocr) ocrPages++;
      if (page.warnings.includes('UNMAPPED_GLYPHS')) unmappedPages++;
      pendingChunks.push(...(await this.chunker.chunkPage(page.pageNumber, page.text)).map((c) => ({ ...c, ocr })));
      if (pendingPages.length >= PAGE_BATCH) flushPages();
      if (pendingChunks.length >= EMBED_BATCH) await flushChunks();
    };
    const ocr = await this.ocrData.settings();
    const extraction = new DocumentExtraction(
      this.pool,
      file,
      { ...this.opts, ocr },
      {
        onMeta: (meta) => {
          title = meta.title;
          numPages = meta.numPages;
          this.docs.setPageCount(row.id, meta.numPages, meta.title);
        },
        onPage,
      },
      () => this.kick(),
    );

    try {
      index.discardContent(row.id); // leftovers of an interrupted attempt
      let failedPages: number;
      this.extractions.add(extraction);
      try {
        slotHandedOver = true;
        ({ failedPages } = await extraction.run(slot));
      } finally {
        this.extractions.delete(extraction);
        if (extraction.rangeCount > 1) this.splitDocuments++;
      }
      flushPages();
      await flushChunks(true);
      if (textChars === 0) {
        throw new IngestError('NO_EXTRACTABLE_TEXT', noTextMessage(ocr ? 'ran' : this.ocrData.state() === 'off' ? 'off' : 'unavailable', unmappedPages > 0));
      }
      if (index.publish(row.id, pagesDone, Date.now() - started, vectors)) this.onReady?.(row.id);
      this.log.info({ documentId: row.id, pages: pagesDone, chunks: vectors.length, failedPages, ocrPages, ms: Date.now() - started }, 'document ready');
    } catch (err) {
      if (!slotHandedOver) this.pool.unreserve(slot);
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
      // A document without text keeps its page rows (it has no passages), so its page report can say why.
      if (code !== 'NO_EXTRACTABLE_TEXT') {
        try {
          index.discardContent(row.id);
        } catch (e) {
          this.log.warn({ err: e, documentId: row.id }, 'could not remove the partial content of a failed document yet');
        }
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
/** The document context is taken from the first page with text among these. */
const OPENING_PAGES = 3;

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
