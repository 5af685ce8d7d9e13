/**
 * The library of documents: accepting uploads (validation, content-hash dedupe, storage under server ids),
 * listing, and deleting (rows, lexical entries, vectors and the file).
 */
import { createHash, randomUUID } from 'node:crypto';
import fs from 'node:fs';
import {
  MAX_DOCUMENT_NAME_CHARS,
  PDF_MAGIC,
  PDF_MAGIC_WINDOW_BYTES,
  type DocumentPagesResponse,
  type ErrorDetail,
  type PageWarningCode,
  type UploadResponse,
} from '@pagewise/shared';
import { AppError, emptyFile, isDiskFull, notAPdf, notFound } from '../errors.js';
import type { SearchIndex } from '../index/search-index.js';
import type { DocumentRow, DocumentStore, PageRow } from '../store/documents.js';
import type { FileStore } from '../store/files.js';
import type { PageCounts } from '../store/pages.js';
import { cleanDisplayName } from './normalize.js';
import type { IngestQueue } from './ingest-queue.js';
import { PAGE_WARNING_MESSAGES } from './quality.js';

export interface IncomingFile {
  /** Temp path written by the upload parser; moved or removed by `accept`. */
  path: string;
  originalName: string;
  size: number;
}

function readHead(file: string): Buffer {
  const fd = fs.openSync(file, 'r');
  try {
    const buf = Buffer.alloc(PDF_MAGIC_WINDOW_BYTES);
    const n = fs.readSync(fd, buf, 0, buf.length, 0);
    return buf.subarray(0, n);
  } finally {
    fs.closeSync(fd);
  }
}

async function sha256(file: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of fs.createReadStream(file)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

export class Library {
  constructor(
    private readonly docs: DocumentStore,
    private readonly files: FileStore,
    private readonly queue: IngestQueue,
    private readonly index: () => Promise<SearchIndex>,
  ) {}

  /**
   * Validate and store uploaded files. Each file is accepted or rejected on its own; temp files are always gone
   * afterwards. Throws the first rejection when every file was rejected.
   */
  async accept(incoming: IncomingFile[]): Promise<{ response: UploadResponse; created: number }> {
    const response: UploadResponse = { documents: [], rejected: [] };
    let firstError: AppError | null = null;
    let created = 0;
    for (const [i, f] of incoming.entries()) {
      const name = cleanDisplayName(f.originalName, MAX_DOCUMENT_NAME_CHARS);
      try {
        const result = await this.acceptOne(f, name, i + 1);
        if (!result.duplicate) created++;
        response.documents.push(result);
      } catch (err) {
        if (!(err instanceof AppError)) throw err;
        firstError ??= err;
        response.rejected.push({ name, error: err.toDetail() as ErrorDetail });
      } finally {
        fs.rmSync(f.path, { force: true });
      }
    }
    if (response.documents.length === 0 && firstError) throw firstError;
    this.queue.kick();
    return { response, created };
  }

  /** `seq`: the file's place in its upload, which orders the queue round-robin across uploads. */
  private async acceptOne(f: IncomingFile, name: string, seq: number) {
    if (f.size < PDF_MAGIC.length) throw emptyFile(name);
    if (!readHead(f.path).includes(PDF_MAGIC, 0, 'latin1')) throw notAPdf(name);
    const digest = await sha256(f.path);
    const existing = this.docs.getBySha256(digest);
    if (existing) {
      // Uploading a failed document again is a retry.
      if (existing.status === 'failed') this.docs.requeue(existing.id, seq);
      const status = existing.status === 'failed' ? 'queued' : existing.status;
      return { id: existing.id, name: existing.name, status, duplicate: true };
    }
    const id = randomUUID();
    // File first, row second: a crash in between leaves an orphan file that start-up removes, never a row
    // pointing at nothing.
    this.files.adopt(f.path, id);
    const { row, created } = this.docs.insertOrGet({ id, name, sha256: digest, bytes: f.size, uploadSeq: seq });
    if (!created) this.files.remove(id);
    return { id: row.id, name: row.name, status: row.status, duplicate: !created };
  }

  list(): { rows: DocumentRow[]; chunks: Map<string, number>; pages: Map<string, PageCounts> } {
    return { rows: this.docs.list(), chunks: this.docs.chunkCounts(), pages: this.docs.pages.counts() };
  }

  /** The page report: every stored page with its character count, text source, OCR confidence and warnings. */
  pageReport(id: string): DocumentPagesResponse {
    this.get(id);
    const pages = this.docs.pages.quality(id).map((p) => ({
      number: p.page_number,
      label: p.label,
      chars: p.chars,
      source: p.source,
      ocrConfidence: p.ocr_confidence === null ? null : Math.round(p.ocr_confidence * 10) / 10,
      warnings: (p.warnings ? (JSON.parse(p.warnings) as PageWarningCode[]) : []).map((code) => ({ code, message: PAGE_WARNING_MESSAGES[code] })),
    }));
    return { documentId: id, pages };
  }

  get(id: string): DocumentRow {
    const row = this.docs.get(id);
    if (!row) throw notFound('Document');
    return row;
  }

  filePath(id: string): { path: string; name: string } {
    const row = this.get(id);
    return { path: this.files.pathFor(row.id), name: row.name };
  }

  page(id: string, pageNumber: number): PageRow {
    this.get(id);
    const page = this.docs.pages.get(id, pageNumber);
    if (!page) throw notFound('Page');
    return page;
  }

  /**
   * Delete a document. Removing its rows still needs room in SQLite's write-ahead log, so on a full disk the
   * document's own file (which is going anyway) is removed first to make that room, and the rows second: deleting
   * works on a full disk and frees space (SECURITY.md F3).
   */
  async remove(id: string): Promise<void> {
    this.get(id);
    const index = await this.index();
    try {
      index.deleteDocument(id);
    } catch (err) {
      if (!isDiskFull(err)) throw err;
      this.files.remove(id);
      index.deleteDocument(id);
    }
    this.files.remove(id);
  }
}
