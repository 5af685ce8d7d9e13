/**
 * Pages stored before contents and index pages were detected have no kind: they are classified once, at start-up,
 * from their stored text (leaders collapsed first, as ingestion now stores them). `meta.page_kinds` records that
 * the pass ran; pages ingested since are classified as they arrive.
 */
import { pageKind } from '../ingest/page-kind.js';
import type { Logger } from '../logger.js';
import { getMeta, setMeta, type Db } from './db.js';

const META_KEY = 'page_kinds';
/** Bump when the detector changes in a way that stored pages should be classified again. */
const VERSION = '1';
const BATCH = 500;

interface Row {
  document_id: string;
  page_number: number;
  text: string;
}

/** Classifies every stored page once; returns how many were marked as contents or index pages. */
export function classifyStoredPages(db: Db, log: Logger): number {
  if (getMeta(db, META_KEY) === VERSION) return 0;
  const next = db.prepare(
    `SELECT document_id, page_number, text FROM pages WHERE (document_id, page_number) > (?, ?)
     ORDER BY document_id, page_number LIMIT ${BATCH}`,
  );
  const update = db.prepare('UPDATE pages SET kind = ? WHERE document_id = ? AND page_number = ?');
  let marked = 0;
  let after: [string, number] = ['', 0];
  for (;;) {
    const rows = next.all(...after) as Row[];
    if (rows.length === 0) break;
    db.transaction(() => {
      for (const r of rows) {
        const kind = pageKind(r.text);
        if (kind) marked++;
        update.run(kind, r.document_id, r.page_number);
      }
    })();
    const last = rows[rows.length - 1]!;
    after = [last.document_id, last.page_number];
  }
  setMeta(db, META_KEY, VERSION);
  if (marked) log.info({ pages: marked }, 'stored contents and index pages marked');
  return marked;
}
