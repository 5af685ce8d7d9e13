/** BM25 keyword search over SQLite FTS5. Rows are pre-tokenized by `tokenize` so all languages share one path. */
import type { Db } from '../store/db.js';
import { tokenize } from './tokenize.js';

export interface LexicalHit {
  chunkId: number;
  score: number;
}

export class LexicalIndex {
  constructor(private readonly db: Db) {}

  /** Call inside the transaction that inserts the chunk rows. */
  add(entries: { chunkId: number; text: string }[]): void {
    const stmt = this.db.prepare('INSERT INTO chunks_fts (rowid, terms) VALUES (?, ?)');
    for (const e of entries) stmt.run(e.chunkId, tokenize(e.text).join(' '));
  }

  delete(chunkIds: number[]): void {
    const stmt = this.db.prepare('DELETE FROM chunks_fts WHERE rowid = ?');
    for (const id of chunkIds) stmt.run(id);
  }

  /** Best-first hits among chunks of ready documents (and only `documentIds` when given). */
  query(text: string, k: number, documentIds?: string[]): LexicalHit[] {
    const terms = [...new Set(tokenize(text))];
    if (terms.length === 0) return [];
    const match = terms.map((t) => `"${t.replace(/"/g, '""')}"`).join(' OR ');
    const filter = documentIds ? 'AND c.document_id IN (SELECT value FROM json_each(@docs))' : '';
    const rows = this.db
      .prepare(
        `SELECT f.rowid AS id, bm25(chunks_fts) AS rank
         FROM chunks_fts f
         JOIN chunks c ON c.id = f.rowid
         JOIN documents d ON d.id = c.document_id AND d.status = 'ready'
         WHERE chunks_fts MATCH @match ${filter}
         ORDER BY rank LIMIT @k`,
      )
      .all({ match, k, ...(documentIds ? { docs: JSON.stringify(documentIds) } : {}) }) as { id: number; rank: number }[];
    // bm25() is lower-is-better and negative; report a positive score.
    return rows.map((r) => ({ chunkId: r.id, score: -r.rank }));
  }
}
