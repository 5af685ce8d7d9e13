/**
 * The ingestion queue: a persisted state machine in SQLite (`queued → processing → ready | failed`). Documents
 * are claimed oldest first, one per extraction worker; pages stream from the worker into page rows, chunks,
 * embeddings and lexical rows in batches; the document becomes searchable only in the step that marks it ready.
 * At start-up, documents left `processing` by a crash are cleaned and re-queued (or failed after repeated
 * interruptions, which points at a file that kills the process).
 */
import { IngestError, INGEST_FAILURES } from '../errors.js';
import type { SearchIndex } from '../index/search-index.js';
import type { Logger } from '../logger.js';
import type { DocumentRow, DocumentStore } from '../store/documents.js';
import type { FileStore } from '../store/files.js';
import type { PageChunker } from './chunker.js';
import { DocumentIngestion } from './document-ingestion.js';
import type { ExtractionPool, Slot } from './pool.js';
import { noTextMessage, type OcrLanguageData } from './ocr-data.js';
import { assignIdleWorkers, DocumentExtraction } from './document-extraction.js';

const MAX_ATTEMPTS = 3;

export interface IngestOptions {
  maxPages: number;
  maxChars: number;
}

export class IngestQueue {
  private running = 0;
  private stopped = false;
  private kickScheduled = false;
  /** Extractions in progress, which idle workers help. */
  private readonly extractions = new Set<DocumentExtraction>();
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
              this.kick();
            });
          return true;
        });
      } catch (err) {
        // The database could not be read (disk, corruption): nothing starts now; the next upload or finished
        // document tries again.
        this.log.error({ err }, 'could not start queued documents');
      }
    });
  }

  get active(): number {
    return this.running;
  }

  private async process(row: DocumentRow, slot: Slot): Promise<void> {
    let index: SearchIndex;
    try {
      index = await this.index();
    } catch (err) {
      // No usable embedder (logged loudly where it is created): the document stays queued-as-processing and is
      // taken up again at the next start.
      this.pool.unreserve(slot);
      throw err;
    }
    const ingestion = new DocumentIngestion(this.docs, index, row);
    let slotHandedOver = false;
    try {
      ingestion.start();
      const ocr = await this.ocrData.settings();
      const work = { chunkSize: this.chunker.chunkSize, chunkOverlap: this.chunker.chunkOverlap, embedBuiltin: index.embedder.kind === 'builtin' };
      const extraction = new DocumentExtraction(this.pool, this.files.pathFor(row.id), { ...this.opts, ocr, work }, ingestion, () => this.kick());
      this.extractions.add(extraction);
      let failedPages: number;
      try {
        slotHandedOver = true;
        ({ failedPages } = await extraction.run(slot));
      } finally {
        this.extractions.delete(extraction);
        // How many workers shared the document: what an operator (and the split test) reads about its reading.
        this.log.info({ documentId: row.id, ranges: extraction.rangeCount }, 'document read');
      }
      if (!ingestion.hasText) {
        await ingestion.flush(true);
        throw new IngestError('NO_EXTRACTABLE_TEXT', noTextMessage(ocr ? 'ran' : this.ocrData.state() === 'off' ? 'off' : 'unavailable', ingestion.unmappedPages > 0));
      }
      const { pages, chunks } = await ingestion.publish(() => this.onReady?.(row.id));
      this.log.info({ documentId: row.id, pages, chunks, failedPages, ocrPages: ingestion.ocrPages, ms: Date.now() - ingestion.startedAt }, 'document ready');
    } catch (err) {
      if (!slotHandedOver) this.pool.unreserve(slot);
      if (this.stopped) return; // shutting down: left `processing`, re-queued at the next start
      ingestion.fail(err, this.log, () => this.stopped);
    }
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await this.pool.close();
  }
}
