/**
 * Collections: named sets of documents (a document can be in several). Names are unique regardless of case.
 * Deleting a collection removes only its memberships; deleting a document removes it from every collection.
 */
import { randomUUID } from 'node:crypto';
import type { Collection } from '@pagewise/shared';
import { AppError, notFound } from '../errors.js';
import type { Db } from './db.js';

interface Row {
  id: string;
  name: string;
  created_at: string;
  updated_at: string;
}

export const collectionNotFound = () =>
  new AppError(404, 'COLLECTION_NOT_FOUND', 'Collection not found: it may have been deleted. Start a new chat, or pick another collection.');
const nameTaken = (name: string) => new AppError(409, 'COLLECTION_NAME_TAKEN', `A collection named "${name}" already exists; choose another name.`);
const now = () => new Date().toISOString();

export class CollectionStore {
  constructor(private readonly db: Db) {}

  list(): Collection[] {
    const rows = this.db.prepare('SELECT * FROM collections ORDER BY name COLLATE NOCASE, id').all() as Row[];
    const members = this.db.prepare('SELECT collection_id, document_id FROM collection_documents ORDER BY added_at, document_id').all() as {
      collection_id: string;
      document_id: string;
    }[];
    return rows.map((r) => this.toCollection(r, members.filter((m) => m.collection_id === r.id).map((m) => m.document_id)));
  }

  /** The collection, or COLLECTION_NOT_FOUND. */
  get(id: string): Collection {
    const row = this.db.prepare('SELECT * FROM collections WHERE id = ?').get(id) as Row | undefined;
    if (!row) throw collectionNotFound();
    return this.toCollection(row, this.documentIds(id));
  }

  documentIds(id: string): string[] {
    const rows = this.db.prepare('SELECT document_id FROM collection_documents WHERE collection_id = ? ORDER BY added_at, document_id').all(id) as { document_id: string }[];
    return rows.map((r) => r.document_id);
  }

  create(name: string, documentIds: string[] = []): Collection {
    const id = randomUUID();
    this.db.transaction(() => {
      if (this.nameUsed(name)) throw nameTaken(name);
      const t = now();
      this.db.prepare('INSERT INTO collections (id, name, created_at, updated_at) VALUES (?, ?, ?, ?)').run(id, name, t, t);
      this.insertMembers(id, documentIds);
    })();
    return this.get(id);
  }

  rename(id: string, name: string): Collection {
    this.db.transaction(() => {
      this.get(id);
      if (this.nameUsed(name, id)) throw nameTaken(name);
      this.db.prepare('UPDATE collections SET name = ?, updated_at = ? WHERE id = ?').run(name, now(), id);
    })();
    return this.get(id);
  }

  delete(id: string): void {
    if (this.db.prepare('DELETE FROM collections WHERE id = ?').run(id).changes !== 1) throw collectionNotFound();
  }

  /** Adds documents (already members stay as they are); an unknown document adds nothing of the request. */
  addDocuments(id: string, documentIds: string[]): Collection {
    this.db.transaction(() => {
      this.get(id);
      this.insertMembers(id, documentIds);
      this.db.prepare('UPDATE collections SET updated_at = ? WHERE id = ?').run(now(), id);
    })();
    return this.get(id);
  }

  removeDocument(id: string, documentId: string): Collection {
    this.get(id);
    const removed = this.db.prepare('DELETE FROM collection_documents WHERE collection_id = ? AND document_id = ?').run(id, documentId).changes;
    if (removed !== 1) throw notFound('Document in this collection');
    this.db.prepare('UPDATE collections SET updated_at = ? WHERE id = ?').run(now(), id);
    return this.get(id);
  }

  private insertMembers(id: string, documentIds: string[]): void {
    const exists = this.db.prepare('SELECT 1 FROM documents WHERE id = ?');
    const insert = this.db.prepare('INSERT OR IGNORE INTO collection_documents (collection_id, document_id, added_at) VALUES (?, ?, ?)');
    const t = now();
    for (const d of documentIds) {
      if (!exists.get(d)) throw notFound('Document');
      insert.run(id, d, t);
    }
  }

  private nameUsed(name: string, except?: string): boolean {
    return this.db.prepare('SELECT 1 FROM collections WHERE name = ? COLLATE NOCASE AND id != ?').get(name, except ?? '') !== undefined;
  }

  private toCollection(r: Row, documentIds: string[]): Collection {
    return { id: r.id, name: r.name, documentIds, createdAt: r.created_at, updatedAt: r.updated_at };
  }
}

/**
 * The documents a request is scoped to: a collection's (COLLECTION_NOT_FOUND when it is gone), intersected with
 * the request's own `documentIds` when it has both; `undefined` = the whole library.
 */
export function scopeOf(collections: CollectionStore, collectionId: string | null | undefined, documentIds: string[] | undefined): string[] | undefined {
  if (!collectionId) return documentIds;
  const members = collections.get(collectionId).documentIds;
  return documentIds ? members.filter((d) => documentIds.includes(d)) : members;
}
