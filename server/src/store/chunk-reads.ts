/** What the search index reads of the chunk rows at start-up, to match its vector store to the database. */
import type { Db } from './db.js';

/** Every chunk's document, and whether that document is ready (without embeddings). */
export function* chunkDocuments(db: Db): Generator<{ id: number; document_id: string; ready: 0 | 1 }> {
  const stmt = db.prepare(
    `SELECT c.id, c.document_id, d.status = 'ready' AS ready FROM chunks c JOIN documents d ON d.id = c.document_id ORDER BY c.id`,
  );
  yield* stmt.iterate() as Iterable<{ id: number; document_id: string; ready: 0 | 1 }>;
}

export function readyDocumentIds(db: Db): string[] {
  return (db.prepare(`SELECT id FROM documents WHERE status = 'ready'`).all() as { id: string }[]).map((r) => r.id);
}

/** Stored embeddings of some chunks, for adding what the vector store lacks without re-embedding. */
export function storedEmbeddings(db: Db, ids: readonly number[]): { id: number; embedding: Float32Array | null }[] {
  const rows = db
    .prepare('SELECT id, embedding FROM chunks WHERE id IN (SELECT value FROM json_each(?)) ORDER BY id')
    .all(JSON.stringify(ids)) as { id: number; embedding: Buffer | null }[];
  return rows.map((r) => ({
    id: r.id,
    embedding: r.embedding ? new Float32Array(r.embedding.buffer.slice(r.embedding.byteOffset, r.embedding.byteOffset + r.embedding.byteLength)) : null,
  }));
}
