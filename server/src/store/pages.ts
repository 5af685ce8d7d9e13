/** Page rows: each page's text, label, where the text came from and its quality warnings. */
import type { PageSource, PageWarningCode } from '@pagewise/shared';
import type { PageKind } from '../ingest/page-kind.js';
import type { Db } from './db.js';

/** A page as read: its text, where the text came from (with the OCR's mean confidence, 0-100) and its warnings. */
export interface PageInput {
  pageNumber: number;
  label: string | null;
  text: string;
  source: PageSource;
  ocrConfidence: number | null;
  warnings: PageWarningCode[];
  /** Set for contents and index pages (`pageKind`). */
  kind?: PageKind | null;
}

/** A stored page as the page route shows it. */
export interface PageRow {
  label: string | null;
  text: string;
  kind: PageKind | null;
}

export interface PageQualityRow {
  page_number: number;
  label: string | null;
  chars: number;
  source: PageSource;
  ocr_confidence: number | null;
  warnings: string | null;
}

/** Per document: pages read by OCR, and pages with a quality warning. */
export interface PageCounts {
  ocr: number;
  warnings: number;
}

export class PageStore {
  constructor(private readonly db: Db) {}

  /** One transaction per batch: on a full disk the whole batch rolls back, and its WAL space is reusable. */
  insert(documentId: string, pages: PageInput[]): void {
    const stmt = this.db.prepare(
      'INSERT OR REPLACE INTO pages (document_id, page_number, label, text, source, ocr_confidence, warnings, kind) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
    );
    this.db.transaction(() => {
      for (const p of pages) {
        stmt.run(documentId, p.pageNumber, p.label, p.text, p.source, p.ocrConfidence, p.warnings.length ? JSON.stringify(p.warnings) : null, p.kind ?? null);
      }
    })();
  }

  /** Every stored page of a document with what the page report shows, in page order. */
  quality(documentId: string): PageQualityRow[] {
    return this.db
      .prepare(
        `SELECT page_number, label, length(text) AS chars, source, ocr_confidence, warnings
         FROM pages WHERE document_id = ? ORDER BY page_number`,
      )
      .all(documentId) as PageQualityRow[];
  }

  /** OCR and warning page counts of every document that has any. */
  counts(): Map<string, PageCounts> {
    const rows = this.db
      .prepare(
        `SELECT document_id, SUM(source = 'ocr') AS ocr, SUM(warnings IS NOT NULL) AS warnings FROM pages
         WHERE source = 'ocr' OR warnings IS NOT NULL GROUP BY document_id`,
      )
      .all() as { document_id: string; ocr: number; warnings: number }[];
    return new Map(rows.map((r) => [r.document_id, { ocr: r.ocr, warnings: r.warnings }]));
  }

  get(documentId: string, pageNumber: number): PageRow | undefined {
    return this.db.prepare('SELECT label, text, kind FROM pages WHERE document_id = ? AND page_number = ?').get(documentId, pageNumber) as
      | PageRow
      | undefined;
  }
}
