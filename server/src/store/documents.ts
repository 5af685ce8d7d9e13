/** Document, page and chunk rows. Lexical rows are written by the LexicalIndex inside the same transactions. */
import type { DocumentStage, DocumentStatus, DocumentSummary, ErrorCode } from '@pagewise/shared';
import type { PageKind } from '../ingest/page-kind.js';
import { sensibleTitle } from '../ingest/title.js';
import type { Db } from './db.js';
import { PageStore, type PageCounts } from './pages.js';

export type { PageInput, PageRow } from './pages.js';

export interface DocumentRow {
  id: string;
  name: string;
  sha256: string;
  bytes: number;
  pages: number | null;
  pages_done: number;
  status: DocumentStatus;
  error_code: string | null;
  error_message: string | null;
  attempts: number;
  title: string | null;
  /** The title shown: `title` when it is a sensible one (ingest/title.ts). */
  pdf_title: string | null;
  /** The file name it was uploaded as, once renamed. */
  original_name: string | null;
  context: string | null;
  processing_ms: number | null;
  /** The document's place in the upload that brought it (1-based); orders the queue across uploads. */
  upload_seq: number;
  created_at: string;
  updated_at: string;
}

/** A passage of one page as the chunker cuts it: its character span inside the page's stored text. */
export interface PageChunk {
  pageStart: number;
  pageEnd: number;
  charStart: number;
  charEnd: number;
  text: string;
  /**
   * What the chunk is under, when its own text does not say: the page's title line, and for a chunk that starts
   * inside a table, the table's header lines (column names, periods). Indexed and embedded with the chunk,
   * never shown as its text.
   */
  heading: string | null;
}

/** A chunk as it is stored: the chunker's passage, its place in the document, where its text came from, its vector. */
export interface ChunkInput extends PageChunk {
  ord: number;
  /** The passage's text came from OCR. */
  ocr: boolean;
  embedding: Float32Array;
}

export interface ChunkRow {
  id: number;
  document_id: string;
  page_start: number;
  page_end: number;
  char_start: number;
  char_end: number;
  text: string;
}

const now = () => new Date().toISOString();

export function toSummary(row: DocumentRow, chunks: number, pages: PageCounts = { ocr: 0, warnings: 0 }): DocumentSummary {
  return {
    id: row.id,
    name: row.name,
    status: row.status,
    stage: stageOf(row),
    pages: row.pages,
    pagesDone: row.pages_done,
    chunks,
    bytes: row.bytes,
    createdAt: row.created_at,
    processingMs: row.processing_ms,
    ocrPages: pages.ocr,
    warningPages: pages.warnings,
    title: row.pdf_title,
    originalName: row.original_name,
    ...(row.status === 'failed' && row.error_code
      ? { error: { code: row.error_code as ErrorCode, message: row.error_message ?? '' } }
      : {}),
  };
}

/** Every page is counted in `pages_done` (a failed one as empty) before the last passages are embedded: then it is indexing. */
function stageOf(row: DocumentRow): DocumentStage {
  if (row.status !== 'processing') return row.status;
  if (row.pages === null) return 'opening';
  return row.pages_done >= row.pages ? 'indexing' : 'extracting';
}

export class DocumentStore {
  /** The documents' page rows. */
  readonly pages: PageStore;

  constructor(private readonly db: Db) {
    this.pages = new PageStore(db);
  }

  /** Insert a queued document, or return the existing one with the same bytes. */
  insertOrGet(doc: { id: string; name: string; sha256: string; bytes: number; uploadSeq?: number }): { row: DocumentRow; created: boolean } {
    const t = now();
    const info = this.db
      .prepare(
        `INSERT INTO documents (id, name, sha256, bytes, status, upload_seq, created_at, updated_at)
         VALUES (@id, @name, @sha256, @bytes, 'queued', @seq, @t, @t) ON CONFLICT(sha256) DO NOTHING`,
      )
      .run({ id: doc.id, name: doc.name, sha256: doc.sha256, bytes: doc.bytes, seq: doc.uploadSeq ?? 1, t });
    const row = this.db.prepare('SELECT * FROM documents WHERE sha256 = ?').get(doc.sha256) as DocumentRow;
    return { row, created: info.changes === 1 };
  }

  get(id: string): DocumentRow | undefined {
    return this.db.prepare('SELECT * FROM documents WHERE id = ?').get(id) as DocumentRow | undefined;
  }

  getBySha256(sha256: string): DocumentRow | undefined {
    return this.db.prepare('SELECT * FROM documents WHERE sha256 = ?').get(sha256) as DocumentRow | undefined;
  }

  list(): DocumentRow[] {
    return this.db.prepare('SELECT * FROM documents ORDER BY created_at DESC, id').all() as DocumentRow[];
  }

  chunkCounts(): Map<string, number> {
    const rows = this.db.prepare('SELECT document_id, COUNT(*) AS n FROM chunks GROUP BY document_id').all() as { document_id: string; n: number }[];
    return new Map(rows.map((r) => [r.document_id, r.n]));
  }

  statusCounts(): Record<string, number> {
    const rows = this.db.prepare('SELECT status, COUNT(*) AS n FROM documents GROUP BY status').all() as { status: string; n: number }[];
    return Object.fromEntries(rows.map((r) => [r.status, r.n]));
  }

  allIds(): Set<string> {
    return new Set((this.db.prepare('SELECT id FROM documents').all() as { id: string }[]).map((r) => r.id));
  }

  /**
   * Take the next queued document for processing: round-robin across uploads (each upload's first file, oldest
   * upload first, then each upload's second file, ...), so that one upload of many files cannot starve another.
   */
  claimNext(): DocumentRow | undefined {
    return this.db
      .prepare(
        `UPDATE documents SET status = 'processing', attempts = attempts + 1, pages_done = 0, updated_at = ?
         WHERE id = (SELECT id FROM documents WHERE status = 'queued' ORDER BY upload_seq, created_at, id LIMIT 1)
         RETURNING *`,
      )
      .get(now()) as DocumentRow | undefined;
  }

  hasQueued(): boolean {
    return this.db.prepare(`SELECT 1 FROM documents WHERE status = 'queued' LIMIT 1`).get() !== undefined;
  }

  setPageCount(id: string, pages: number, title: string | null): void {
    const row = this.get(id);
    const shown = sensibleTitle(title, row?.original_name ?? row?.name ?? '');
    this.db.prepare('UPDATE documents SET pages = ?, title = ?, pdf_title = ?, updated_at = ? WHERE id = ?').run(pages, title, shown, now(), id);
  }

  setContext(id: string, context: string): void {
    this.db.prepare('UPDATE documents SET context = ? WHERE id = ?').run(context, id);
  }

  setProgress(id: string, pagesDone: number): void {
    this.db.prepare('UPDATE documents SET pages_done = ?, updated_at = ? WHERE id = ?').run(pagesDone, now(), id);
  }

  /**
   * Returns the new chunk ids, in input order. Call inside a transaction together with the lexical rows.
   * Ids are never reused: they label vectors in the hnswlib index, whose saved file keeps deleted labels, so a
   * reused id could come back after a crash as a deleted (or another document's) vector. Plain rowids would
   * reuse the ids of the newest deleted chunks; the highest id ever handed out is kept in `meta` instead.
   */
  insertChunks(documentId: string, chunks: ChunkInput[]): number[] {
    const high = this.db
      .prepare(
        `SELECT MAX(COALESCE((SELECT CAST(value AS INTEGER) FROM meta WHERE key = 'chunk_id_high'), 0),
                    COALESCE((SELECT MAX(id) FROM chunks), 0)) AS n`,
      )
      .get() as { n: number };
    const stmt = this.db.prepare(
      `INSERT INTO chunks (id, document_id, ord, page_start, page_end, char_start, char_end, text, heading, ocr, embedding)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    const ids = chunks.map((c, i) => {
      const id = high.n + i + 1;
      const vector = Buffer.from(c.embedding.buffer, c.embedding.byteOffset, c.embedding.byteLength);
      stmt.run(id, documentId, c.ord, c.pageStart, c.pageEnd, c.charStart, c.charEnd, c.text, c.heading, c.ocr ? 1 : 0, vector);
      return id;
    });
    if (ids.length) {
      this.db
        .prepare(`INSERT INTO meta (key, value) VALUES ('chunk_id_high', ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value`)
        .run(String(ids[ids.length - 1]));
    }
    return ids;
  }

  /** Returns false when the document is gone or no longer processing (deleted meanwhile). */
  markReady(id: string, pagesDone: number, processingMs: number): boolean {
    return (
      this.db
        .prepare(
          `UPDATE documents SET status = 'ready', pages_done = ?, processing_ms = ?, error_code = NULL, error_message = NULL, updated_at = ?
           WHERE id = ? AND status = 'processing'`,
        )
        .run(pagesDone, Math.round(processingMs), now(), id).changes === 1
    );
  }

  markFailed(id: string, code: ErrorCode, message: string, processingMs: number | null = null): void {
    this.db
      .prepare(`UPDATE documents SET status = 'failed', error_code = ?, error_message = ?, processing_ms = ?, updated_at = ? WHERE id = ?`)
      .run(code, message, processingMs === null ? null : Math.round(processingMs), now(), id);
  }

  /** Queue a document again; `uploadSeq` gives it its place in a new upload (a retry by uploading it again). */
  requeue(id: string, uploadSeq?: number): void {
    this.db
      .prepare(
        `UPDATE documents SET status = 'queued', pages_done = 0, error_code = NULL, error_message = NULL, updated_at = ?,
         upload_seq = COALESCE(?, upload_seq) WHERE id = ?`,
      )
      .run(now(), uploadSeq ?? null, id);
  }

  chunkIds(documentId: string): number[] {
    return (this.db.prepare('SELECT id FROM chunks WHERE document_id = ?').all(documentId) as { id: number }[]).map((r) => r.id);
  }

  /** Remove pages and chunk rows (not lexical rows: the caller removes those in the same transaction). */
  deleteContent(documentId: string): void {
    this.db.prepare('DELETE FROM chunks WHERE document_id = ?').run(documentId);
    this.db.prepare('DELETE FROM pages WHERE document_id = ?').run(documentId);
  }

  deleteRow(documentId: string): void {
    this.db.prepare('DELETE FROM documents WHERE id = ?').run(documentId);
  }

  /** Documents left `processing` by a crash. */
  interrupted(): DocumentRow[] {
    return this.db.prepare(`SELECT * FROM documents WHERE status = 'processing'`).all() as DocumentRow[];
  }

  /** Chunks of ready documents with document name, page label and kind; the ids lead the join (CROSS JOIN fixes it). */
  getChunks(ids: number[]): Map<number, ChunkRow & { document_name: string; label: string | null; kind: PageKind | null }> {
    if (ids.length === 0) return new Map();
    const rows = this.db
      .prepare(
        `SELECT c.id, c.document_id, c.page_start, c.page_end, c.char_start, c.char_end, c.text,
                d.name AS document_name, p.label, p.kind
         FROM json_each(?) j CROSS JOIN chunks c ON c.id = j.value JOIN documents d ON d.id = c.document_id
         LEFT JOIN pages p ON p.document_id = c.document_id AND p.page_number = c.page_start
         WHERE d.status = 'ready'`,
      )
      .all(JSON.stringify(ids)) as (ChunkRow & { document_name: string; label: string | null; kind: PageKind | null })[];
    return new Map(rows.map((r) => [r.id, r]));
  }

  /** Chunk ids of ready documents, optionally of some documents only (a full listing: not for the search path). */
  readyChunkIds(documentIds?: string[]): Set<number> {
    const ready = `SELECT c.id FROM chunks c JOIN documents d ON d.id = c.document_id WHERE d.status = 'ready'`;
    const rows = documentIds
      ? this.db.prepare(`${ready} AND c.document_id IN (SELECT value FROM json_each(?))`).all(JSON.stringify(documentIds))
      : this.db.prepare(ready).all();
    return new Set((rows as { id: number }[]).map((r) => r.id));
  }

  *allChunkTexts(batch: number): Generator<{ id: number; text: string; heading: string | null; context: string | null }[]> {
    let last = 0;
    const stmt = this.db.prepare(
      'SELECT c.id, c.text, c.heading, d.context FROM chunks c JOIN documents d ON d.id = c.document_id WHERE c.id > ? ORDER BY c.id LIMIT ?',
    );
    for (;;) {
      const rows = stmt.all(last, batch) as { id: number; text: string; heading: string | null; context: string | null }[];
      if (rows.length === 0) return;
      yield rows;
      last = rows[rows.length - 1]!.id;
    }
  }

  setEmbedding(id: number, embedding: Float32Array): void {
    this.db.prepare('UPDATE chunks SET embedding = ? WHERE id = ?').run(Buffer.from(embedding.buffer, embedding.byteOffset, embedding.byteLength), id);
  }
}
