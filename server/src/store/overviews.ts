/** Stored document overviews (answer/overview.ts makes them): one row per document, removed with it. */
import { CitationSchema, type Citation, type ErrorDetail } from '@pagewise/shared';
import { z } from 'zod';
import type { Db } from './db.js';
import { parseStored } from './json.js';

export interface OverviewRow {
  documentId: string;
  status: 'pending' | 'ready' | 'failed';
  summary: string | null;
  questions: string[];
  citations: Citation[];
  error: ErrorDetail | null;
  updatedAt: string;
}

interface Raw {
  document_id: string;
  status: OverviewRow['status'];
  summary: string | null;
  questions: string;
  citations: string;
  error_code: string | null;
  error_message: string | null;
  updated_at: string;
}

const Questions = z.array(z.string());
const Citations = z.array(CitationSchema);

export class OverviewStore {
  constructor(private readonly db: Db) {}

  get(documentId: string): OverviewRow | undefined {
    const r = this.db.prepare('SELECT * FROM document_overviews WHERE document_id = ?').get(documentId) as Raw | undefined;
    if (!r) return undefined;
    return {
      documentId: r.document_id,
      status: r.status,
      summary: r.summary,
      questions: parseStored(Questions, r.questions, []),
      citations: parseStored(Citations, r.citations, []),
      error: r.error_code ? ({ code: r.error_code, message: r.error_message ?? '' } as ErrorDetail) : null,
      updatedAt: r.updated_at,
    };
  }

  /** Marks a document's overview as to be made; false when it already has one (or the document is gone). */
  claim(documentId: string): boolean {
    const info = this.db
      .prepare(
        `INSERT INTO document_overviews (document_id, status, updated_at) SELECT id, 'pending', ? FROM documents WHERE id = ?
         ON CONFLICT(document_id) DO NOTHING`,
      )
      .run(new Date().toISOString(), documentId);
    return info.changes === 1;
  }

  pending(): string[] {
    return (this.db.prepare(`SELECT document_id FROM document_overviews WHERE status = 'pending' ORDER BY updated_at`).all() as { document_id: string }[]).map(
      (r) => r.document_id,
    );
  }

  /** The document's first passages, in reading order, up to about `maxChars` of text (at least one). */
  openingChunkIds(documentId: string, maxChars: number): number[] {
    const rows = this.db.prepare('SELECT id, length(text) AS n FROM chunks WHERE document_id = ? ORDER BY page_start, char_start, id LIMIT 12').all(documentId) as { id: number; n: number }[];
    const ids: number[] = [];
    let total = 0;
    for (const r of rows) {
      if (ids.length > 0 && total + r.n > maxChars) break;
      ids.push(r.id);
      total += r.n;
    }
    return ids;
  }

  saveReady(documentId: string, o: { summary: string; questions: string[]; citations: Citation[] }): void {
    this.db
      .prepare(`UPDATE document_overviews SET status = 'ready', summary = ?, questions = ?, citations = ?, error_code = NULL, error_message = NULL, updated_at = ? WHERE document_id = ?`)
      .run(o.summary, JSON.stringify(o.questions), JSON.stringify(o.citations), new Date().toISOString(), documentId);
  }

  saveFailed(documentId: string, error: ErrorDetail): void {
    this.db
      .prepare(`UPDATE document_overviews SET status = 'failed', error_code = ?, error_message = ?, updated_at = ? WHERE document_id = ?`)
      .run(error.code, error.message, new Date().toISOString(), documentId);
  }
}
