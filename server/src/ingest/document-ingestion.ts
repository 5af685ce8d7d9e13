/**
 * One document's way from its pages to ready: page rows in batches, passages with their vectors (cut, and with
 * the built-in embedder embedded, by the worker that read the page; other embedders run here, in batches), the
 * document context mixed into every vector, then publishing. Or failing, with a stable code, whatever was stored
 * for the document discarded.
 */
import type { ErrorCode } from '@pagewise/shared';
import { AppError, IngestError, INGEST_FAILURES, isDiskFull } from '../errors.js';
import { withContext } from '../index/embedders/types.js';
import type { SearchIndex } from '../index/search-index.js';
import type { VectorItem } from '../index/vector-store.js';
import type { Logger } from '../logger.js';
import type { DocumentRow, DocumentStore, PageChunk, PageInput } from '../store/documents.js';
import { indexedText } from './chunker.js';
import { documentContext, OPENING_PAGES } from './context.js';
import { decodeVector } from './page-work.js';
import type { ExtractedPage } from './protocol.js';

const EMBED_BATCH = 64;
const PAGE_BATCH = 32;
/** Passages waiting for the document context (its opening pages, read by another worker) are written anyway past this. */
const MAX_WAITING_CHUNKS = 4000;

type PendingChunk = PageChunk & { ocr: boolean; vector: Float32Array | null };

export class DocumentIngestion {
  private pendingPages: PageInput[] = [];
  private pendingChunks: PendingChunk[] = [];
  private readonly vectors: VectorItem[] = [];
  private ord = 0;
  private context: Promise<{ text: string; vector: Float32Array | null }> | null = null;
  private pagesDone = 0;
  private textChars = 0;
  private title: string | null = null;
  private numPages = 0;
  /** The text of each of the first pages that has arrived, for the document context. */
  private readonly opening = new Map<number, string>();
  ocrPages = 0;
  unmappedPages = 0;

  constructor(
    private readonly docs: DocumentStore,
    private readonly index: SearchIndex,
    private readonly row: DocumentRow,
    readonly startedAt = Date.now(),
  ) {}

  onMeta(meta: { numPages: number; title: string | null }): void {
    this.title = meta.title;
    this.numPages = meta.numPages;
    this.docs.setPageCount(this.row.id, meta.numPages, meta.title);
  }

  async onPage(page: ExtractedPage): Promise<void> {
    if (page.pageNumber <= OPENING_PAGES) this.opening.set(page.pageNumber, page.text);
    this.pagesDone++;
    this.textChars += page.text.length;
    const { chunks = [], vectors = null, ...stored } = page;
    this.pendingPages.push(stored);
    const ocr = page.source === 'ocr';
    if (ocr) this.ocrPages++;
    if (page.warnings.includes('UNMAPPED_GLYPHS')) this.unmappedPages++;
    chunks.forEach((c, i) => this.pendingChunks.push({ ...c, ocr, vector: vectors?.[i] ? decodeVector(vectors[i]) : null }));
    if (this.pendingPages.length >= PAGE_BATCH) this.flushPages();
    if (this.pendingChunks.length >= EMBED_BATCH) await this.flush();
  }

  get hasText(): boolean {
    return this.textChars > 0;
  }

  private flushPages(): void {
    if (this.pendingPages.length === 0) return;
    this.docs.pages.insert(this.row.id, this.pendingPages);
    this.pendingPages = [];
    this.docs.setProgress(this.row.id, this.pagesDone);
  }

  /** The first page with text among the opening pages, '' when they have none; null while one is still to come. */
  private openingText(final: boolean): string | null {
    for (let n = 1; n <= Math.min(OPENING_PAGES, this.numPages); n++) {
      const text = this.opening.get(n);
      if (text === undefined) return final ? '' : null;
      if (text) return text;
    }
    return this.numPages > 0 || final ? '' : null;
  }

  /** Write the pending pages and passages (`final`: all of them, the document is read). */
  async flush(final = false): Promise<void> {
    if (final) this.flushPages();
    if (this.pendingChunks.length === 0) return;
    const opening = this.openingText(final);
    if (this.context === null && opening === null && this.pendingChunks.length < MAX_WAITING_CHUNKS) return;
    const batch = this.pendingChunks;
    this.pendingChunks = [];
    let context: { text: string; vector: Float32Array | null };
    let own: Float32Array[];
    try {
      context = await (this.context ??= this.makeContext(opening ?? ''));
      own = await this.embed(batch);
    } catch (err) {
      throw new IngestError('EMBEDDING_FAILED', `${INGEST_FAILURES.EMBEDDING_FAILED} (${(err as Error).message})`);
    }
    // The stored embedding and the live vector must be the same: the index is rebuilt from the stored ones.
    const vectors = own.map((e) => withContext(e, context.vector));
    const ids = this.index.addChunks(
      this.row.id,
      context.text,
      batch.map(({ vector: _v, ...c }, i) => ({ ...c, ord: this.ord++, embedding: vectors[i]! })),
    );
    ids.forEach((id, i) => this.vectors.push({ chunkId: id, vector: vectors[i]! }));
  }

  private async makeContext(opening: string): Promise<{ text: string; vector: Float32Array | null }> {
    const text = documentContext(this.row.name, this.title, opening);
    this.index.setDocumentContext(this.row.id, text);
    return { text, vector: (await this.index.embedder.embedDocuments([text]))[0] ?? null };
  }

  /** The passages' own vectors: as the worker made them, else from the embedder. */
  private async embed(batch: PendingChunk[]): Promise<Float32Array[]> {
    const missing = batch.filter((c) => !c.vector);
    const made = missing.length ? await this.index.embedder.embedDocuments(missing.map((c) => indexedText(c))) : [];
    let k = 0;
    return batch.map((c) => c.vector ?? made[k++]!);
  }

  /** Write what is left and make the document searchable; `onReady` runs once it is (not if it was deleted meanwhile). */
  async publish(onReady?: () => void): Promise<{ pages: number; chunks: number }> {
    await this.flush(true);
    this.index.publish(this.row.id, this.pagesDone, this.startedAt, this.vectors, onReady);
    return { pages: this.pagesDone, chunks: this.vectors.length };
  }

  /** Discard leftovers of an interrupted attempt. */
  start(): void {
    this.index.discardContent(this.row.id);
  }

  /**
   * Record the failure. The status first: it is one small write, which still fits when the disk is full and
   * deleting the partial content does not (SQLITE_FULL); a failed document's leftovers are invisible and are
   * discarded before any retry, whereas a document left `processing` would look stuck until the next restart.
   * A document without text keeps its page rows (it has no passages), so its page report can say why.
   */
  fail(err: unknown, log: Logger, stopped: () => boolean): void {
    const { code, message } = failureOf(err);
    if (!(err instanceof IngestError)) log.error({ err, documentId: this.row.id }, 'ingestion failed unexpectedly');
    const msSpent = Date.now() - this.startedAt;
    const record = (tries: number): void => {
      const current = stopped() ? undefined : this.docs.get(this.row.id);
      if (current?.status !== 'processing' || current.attempts !== this.row.attempts) return; // deleted or moved on
      try {
        this.docs.markFailed(this.row.id, code, message, msSpent);
      } catch (e) {
        // Not even one row fits: try again until some space is freed.
        if (isDiskFull(e) && tries < 600) setTimeout(() => record(tries + 1), 1000).unref();
        else log.error({ err: e, documentId: this.row.id }, 'could not record the ingestion failure');
      }
    };
    record(0);
    if (code !== 'NO_EXTRACTABLE_TEXT') {
      try {
        this.index.discardContent(this.row.id);
      } catch (e) {
        log.warn({ err: e, documentId: this.row.id }, 'could not remove the partial content of a failed document yet');
      }
    }
    log.info({ documentId: this.row.id, code }, 'document failed');
  }
}

/** The stable code and sentence a failure is recorded with. */
function failureOf(err: unknown): { code: ErrorCode; message: string } {
  if (err instanceof IngestError || err instanceof AppError) return err;
  if (isDiskFull(err)) return { code: 'INSUFFICIENT_STORAGE', message: 'The server ran out of disk space while processing this PDF.' };
  return { code: 'INTERNAL_ERROR', message: 'Processing failed unexpectedly; try again.' };
}
