/**
 * The library's search index: chunk rows and their lexical entries in SQLite, dense vectors in hnswlib, one
 * embedder. Hybrid retrieval fuses BM25 and cosine rankings with reciprocal rank fusion, filtered to ready
 * documents (and the requested ones) before ranking, and returns the best passage per page.
 */
import path from 'node:path';
import type { SearchResult } from '@pagewise/shared';
import type { Logger } from '../logger.js';
import { chunkDocuments, readyDocumentIds, storedEmbeddings } from '../store/chunk-reads.js';
import { getMeta, setMeta, type Db } from '../store/db.js';
import type { ChunkInput, DocumentStore } from '../store/documents.js';
import { indexedText } from '../ingest/chunker.js';
import { withContext, type Embedder } from './embedders/types.js';
import { relevanceFloor } from './relevance.js';

export { indexedText };
import type { LexicalIndex } from './lexical-index.js';
import { ChunkMap } from './chunk-map.js';
import { FUSION, fuse, type Candidates } from './fusion.js';
import { HnswVectorStore } from './hnsw-store.js';
import { textLanguage } from './language.js';
import { VectorIndex } from './vector-index.js';
import type { VectorHit, VectorItem, VectorStore } from './vector-store.js';

const EMBEDDINGS_META_KEY = 'embeddings_embedder';

/** A passage row as search reads it: the chunk, its document's name, its page's label and kind. */
type SearchRow = ReturnType<DocumentStore['getChunks']> extends Map<number, infer R> ? R : never;

export interface SearchOptions {
  k: number;
  documentIds?: string[];
  /** Leave out passages below the relevance floor (`relevance.ts`): none at all for a query the library does not know. */
  floor?: boolean;
}

export class SearchIndex {
  private vectors!: VectorStore;
  /** Documents whose vectors are going in: those vectors are in the store before the document is searchable. */
  private publishing = 0;
  /** Chunk → document and the searchable documents, so a query never lists the library's chunks. */
  private readonly chunks = new ChunkMap();
  private saveTimer: NodeJS.Timeout | null = null;
  private closed = false;
  state: 'ready' | 'rebuilding' = 'rebuilding';

  constructor(
    private readonly db: Db,
    private readonly docs: DocumentStore,
    private readonly lexical: LexicalIndex,
    readonly embedder: Embedder,
    private readonly file: string,
    private readonly log: Logger,
  ) {}

  static fileIn(dataDir: string): string {
    return path.join(dataDir, 'index', 'vectors.hnsw');
  }

  get vectorCount(): number {
    return this.vectors?.size ?? 0;
  }

  /** Load the vector index, re-embedding or rebuilding as needed so that it matches the database exactly. */
  async open(): Promise<void> {
    const stored = getMeta(this.db, EMBEDDINGS_META_KEY);
    const hasChunks = this.db.prepare('SELECT 1 FROM chunks LIMIT 1').get() !== undefined;
    if (hasChunks && stored !== this.embedder.id) {
      this.log.warn({ from: stored ?? 'unknown', to: this.embedder.id }, 'embedder changed: re-embedding every stored passage');
      await this.reembedAll();
    }
    setMeta(this.db, EMBEDDINGS_META_KEY, this.embedder.id);

    const { store, loaded, reason } = HnswVectorStore.open(this.file, this.embedder.id, this.embedder.dimension, (id) => this.chunks.documentOf(id));
    if (!loaded && hasChunks) this.log.warn({ reason }, 'rebuilding the vector index from stored embeddings');
    this.vectors = store;
    await this.reconcile();
    // A rebuilt index is written before the first search; a loaded one that needed changes is saved in the background.
    if (loaded) this.scheduleSave();
    else await store.save();
    this.state = 'ready';
  }

  /**
   * Make the vector index hold exactly the ready documents' chunks. Only ids are compared: the stored embeddings
   * are read for the chunks the index lacks (none, when the index file is up to date).
   */
  private async reconcile(): Promise<void> {
    const expected = new Set<number>();
    for (const { id, document_id, ready } of chunkDocuments(this.db)) {
      this.chunks.set(document_id, [id]);
      if (ready) expected.add(id);
    }
    const inIndex = new Set(this.vectors.ids());
    const missing = [...expected].filter((id) => !inIndex.has(id));
    for (let i = 0; i < missing.length; i += 1000) {
      const items = storedEmbeddings(this.db, missing.slice(i, i + 1000)).flatMap((r) => (r.embedding ? [{ chunkId: r.id, vector: r.embedding }] : []));
      await this.vectors.add('', items);
    }
    const extra = [...inIndex].filter((id) => !expected.has(id));
    this.vectors.delete(extra);
    for (const id of readyDocumentIds(this.db)) this.chunks.setReady(id, true);
    if (missing.length || extra.length) this.log.info({ added: missing.length, removed: extra.length }, 'vector index reconciled with the database');
  }

  private async reembedAll(): Promise<void> {
    const contexts = new Map<string, Float32Array>();
    for (const batch of this.docs.allChunkTexts(256)) {
      const vectors = await this.embedder.embedDocuments(batch.map((b) => indexedText(b)));
      for (const b of batch) {
        if (b.context && !contexts.has(b.context)) contexts.set(b.context, (await this.embedder.embedDocuments([b.context]))[0]!);
      }
      this.db.transaction(() =>
        batch.forEach((b, i) => this.docs.setEmbedding(b.id, withContext(vectors[i]!, b.context ? contexts.get(b.context)! : null))),
      )();
    }
    // Vectors from the old embedder are useless now.
    VectorIndex.empty(this.file, this.embedder.id, this.embedder.dimension).save();
  }

  setDocumentContext(documentId: string, context: string): void {
    this.db.transaction(() => {
      this.docs.setContext(documentId, context);
      this.lexical.setDocumentContext(documentId, context);
    })();
  }

  /** Store a batch of a document's chunks with their lexical entries (not yet searchable: the doc is not ready). */
  addChunks(documentId: string, context: string, chunks: ChunkInput[]): number[] {
    return this.db.transaction(() => {
      const ids = this.docs.insertChunks(documentId, chunks);
      this.lexical.add(ids.map((id, i) => ({ chunkId: id, text: indexedText(chunks[i]!), context })));
      this.chunks.set(documentId, ids);
      return ids;
    })();
  }

  /**
   * Add a document's vectors, then mark it ready: from then on it is searchable. The vectors go in slices (the
   * event loop stays free), so the document turns ready a moment after this returns; false when it is no longer
   * processing (deleted meanwhile). A document deleted during the insert loses its vectors again; one whose
   * insert is cut short by shutdown stays `processing` and is taken up again at the next start. Its processing
   * time runs from `startedAt` to the moment it turns ready.
   */
  publish(documentId: string, pagesDone: number, startedAt: number, vectors: VectorItem[], onReady?: () => void): boolean {
    if (this.docs.get(documentId)?.status !== 'processing') return false;
    const ids = vectors.map((v) => v.chunkId);
    this.publishing++;
    const done = this.vectors.add(documentId, vectors).then(() => {
      if (this.docs.markReady(documentId, pagesDone, Date.now() - startedAt)) {
        this.chunks.setReady(documentId, true);
        onReady?.();
      } else this.vectors.delete(ids);
      this.scheduleSave();
    });
    void done.finally(() => this.publishing--).catch(() => undefined);
    done.catch((err: unknown) => this.log.warn({ documentId, reason: (err as Error).message }, 'document not published'));
    return true;
  }

  /** Remove everything stored for a document except its row (after a failure, before a retry). */
  discardContent(documentId: string): void {
    const ids = this.docs.chunkIds(documentId);
    this.db.transaction(() => {
      this.lexical.delete(ids);
      this.lexical.deleteDocumentContext(documentId);
      this.docs.deleteContent(documentId);
    })();
    this.chunks.setReady(documentId, false);
    this.chunks.delete(ids);
    this.vectors?.delete(ids);
  }

  deleteDocument(documentId: string): void {
    const ids = this.docs.chunkIds(documentId);
    this.db.transaction(() => {
      this.lexical.delete(ids);
      this.lexical.deleteDocumentContext(documentId);
      this.docs.deleteContent(documentId);
      this.docs.deleteRow(documentId);
    })();
    this.chunks.setReady(documentId, false);
    this.chunks.delete(ids);
    this.vectors.delete(ids);
    this.scheduleSave();
  }

  /** Both rankings, the document prior and the rows they name, before fusion (`npm run eval:tune` replays them). */
  async candidates(query: string, opts: SearchOptions): Promise<Candidates<SearchRow> & { denseHits: VectorHit[] }> {
    const pool = Math.max(50, opts.k * 6);
    const only = opts.documentIds ? new Set(opts.documentIds) : undefined;
    const lexical = this.lexical.query(query, pool, (id) => this.chunks.searchable(id, only), this.chunks.size).map((h) => h.chunkId);
    let hits: VectorHit[] = [];
    if (this.state === 'ready' && this.vectors.size > 0 && (!only || only.size > 0)) {
      const qv = await this.embedder.embedQuery(query);
      // While a document's vectors go in, they are in the graph before the document is searchable: filter then.
      hits = await this.vectors.query(qv, pool, only ?? (this.publishing > 0 ? this.chunks.readySet() : undefined));
      hits = hits.filter((h) => this.chunks.searchable(h.chunkId, only));
    }
    const dense = hits.map((h) => h.chunkId);
    const rows = this.docs.getChunks([...new Set([...lexical, ...dense])]);
    return { lexical, dense, denseHits: hits, prior: this.lexical.documentScores(query, opts.documentIds), rows };
  }

  async search(query: string, opts: SearchOptions): Promise<SearchResult[]> {
    const found = await this.candidates(query, opts);
    const floor = opts.floor ? relevanceFloor(this.db, query, found.denseHits, this.embedder.kind !== 'builtin') : null;
    if (floor && !floor.matched) return [];
    const rows = found.rows;
    const ranked = fuse(found, textLanguage(query), FUSION[this.embedder.kind]);

    const results: SearchResult[] = [];
    const seenPages = new Set<string>();
    for (const [id, score] of ranked) {
      const row = rows.get(id);
      if (!row || (floor && !floor.passes(row))) continue;
      const pageKey = `${row.document_id}:${row.page_start}`;
      if (seenPages.has(pageKey)) continue;
      seenPages.add(pageKey);
      results.push({
        documentId: row.document_id,
        documentName: row.document_name,
        page: row.page_start,
        pageLabel: row.label,
        chunkId: row.id,
        charStart: row.char_start,
        charEnd: row.char_end,
        text: row.text,
        score: Number(score.toFixed(6)),
      });
      if (results.length >= opts.k) break;
    }
    return results;
  }

  scheduleSave(): void {
    if (this.saveTimer || this.closed) return;
    this.saveTimer = setTimeout(() => {
      this.saveTimer = null;
      // The database stays the source of truth; the index is reconciled from it at the next start if needed.
      this.vectors.save().catch((err: unknown) => this.log.error({ err }, 'saving the vector index failed'));
    }, 1000);
    this.saveTimer.unref();
  }

  /** Saves now, after any save already running, and schedules none after (shutdown: the directory may go next). */
  async flush(): Promise<void> {
    this.closed = true;
    if (this.saveTimer) {
      clearTimeout(this.saveTimer);
      this.saveTimer = null;
    }
    await this.vectors?.flush();
  }
}
