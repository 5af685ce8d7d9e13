/**
 * The library's search index: chunk rows and their lexical entries in SQLite, dense vectors in hnswlib, one
 * embedder. Hybrid retrieval fuses BM25 and cosine rankings with reciprocal rank fusion, filtered to ready
 * documents (and the requested ones) before ranking, and returns the best passage per page.
 */
import path from 'node:path';
import type { SearchResult } from '@pagewise/shared';
import type { Logger } from '../logger.js';
import { getMeta, setMeta, type Db } from '../store/db.js';
import type { ChunkInput, DocumentStore } from '../store/documents.js';
import { withContext, type Embedder } from './embedders/types.js';
import type { LexicalIndex } from './lexical-index.js';
import { relevanceFloor } from './relevance.js';
import { rrfScore } from './rrf.js';
import { VectorIndex } from './vector-index.js';

/**
 * Weight of the dense ranking against the lexical one in the fusion. Slightly below 1 so that an exact keyword
 * hit outranks an equally placed nearest neighbour of the (approximate) embedding.
 */
const DENSE_WEIGHT = 0.9;
/**
 * Strength of the document-level prior: a chunk's fused score is multiplied by (1 + DOC_PRIOR × its document's
 * normalised context score). Measured on sec-10-q with the built-in embedder (filing-level hit@5):
 * 0 → 0.60, 0.5 → 0.87, 1 → 0.93, 2 → 0.95. It never reorders chunks within one document. It keys on the
 * question's name-like words only (`nameWords`): on our own set that took page hit@5 from 0.593 to 0.651
 * (sec-10-q unchanged), because topic words in other documents' openings no longer boost those documents.
 */
const DOC_PRIOR = 2;
/**
 * A passage of a contents or index page (`pageKind`) scores this share of what it would: such a page repeats the
 * headings of every page it lists, so it matches many questions about as well as the page that answers them, and
 * now ranks below it. A question that only its words match still finds it.
 */
const NAVIGATION_WEIGHT = 0.9;
const EMBEDDINGS_META_KEY = 'embeddings_embedder';

export interface SearchOptions {
  k: number;
  documentIds?: string[];
  /** Leave out passages below the relevance floor (`relevance.ts`): none at all for a query the library does not know. */
  floor?: boolean;
}

export class SearchIndex {
  private vectors!: VectorIndex;
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

    const { index, reason } = VectorIndex.load(this.file, this.embedder.id, this.embedder.dimension);
    if (index) {
      this.vectors = index;
    } else {
      if (hasChunks) this.log.warn({ reason }, 'rebuilding the vector index from stored embeddings');
      this.vectors = VectorIndex.empty(this.file, this.embedder.id, this.embedder.dimension);
    }
    this.reconcile();
    this.vectors.save();
    this.state = 'ready';
  }

  /** Make the vector index hold exactly the ready documents' chunks. */
  private reconcile(): void {
    const expected = new Set<number>();
    const missing: { chunkId: number; vector: Float32Array }[] = [];
    const inIndex = this.vectors.ids();
    let added = 0;
    for (const { id, embedding } of this.docs.readyEmbeddings()) {
      expected.add(id);
      if (!inIndex.has(id) && embedding) {
        missing.push({ chunkId: id, vector: embedding });
        if (missing.length >= 1000) {
          this.vectors.add(missing.splice(0));
          added += 1000;
        }
      }
    }
    added += missing.length;
    this.vectors.add(missing);
    const extra = [...inIndex].filter((id) => !expected.has(id));
    this.vectors.delete(extra);
    if (added || extra.length) this.log.info({ added, removed: extra.length }, 'vector index reconciled with the database');
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
    this.vectors = VectorIndex.empty(this.file, this.embedder.id, this.embedder.dimension);
    this.vectors.save();
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
      return ids;
    })();
  }

  /** Mark a document ready and add its vectors: from now on it is searchable. */
  publish(documentId: string, pagesDone: number, processingMs: number, vectors: { chunkId: number; vector: Float32Array }[]): boolean {
    if (!this.docs.markReady(documentId, pagesDone, processingMs)) return false;
    this.vectors.add(vectors);
    this.scheduleSave();
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
    this.vectors.delete(ids);
    this.scheduleSave();
  }

  async search(query: string, opts: SearchOptions): Promise<SearchResult[]> {
    const pool = Math.max(50, opts.k * 6);
    const lexical = this.lexical.query(query, pool, opts.documentIds);
    let dense: { chunkId: number; score: number }[] = [];
    if (this.state === 'ready' && this.vectors.size > 0) {
      const allowed = this.docs.readyChunkIds(opts.documentIds);
      if (allowed.size > 0) {
        const qv = await this.embedder.embedQuery(query);
        dense = this.vectors.query(qv, pool, (id) => allowed.has(id));
      }
    }
    const floor = opts.floor ? relevanceFloor(this.db, query, dense, this.embedder.kind !== 'builtin') : null;
    if (floor && !floor.matched) return [];
    const fused = new Map<number, number>();
    lexical.forEach((h, rank) => fused.set(h.chunkId, (fused.get(h.chunkId) ?? 0) + rrfScore(rank)));
    dense.forEach((h, rank) => fused.set(h.chunkId, (fused.get(h.chunkId) ?? 0) + rrfScore(rank, DENSE_WEIGHT)));
    const rows = this.docs.getChunks([...fused.keys()]);
    const prior = this.lexical.documentScores(query, opts.documentIds);
    for (const [id, score] of fused) {
      const row = rows.get(id);
      const boost = 1 + DOC_PRIOR * (row ? (prior.get(row.document_id) ?? 0) : 0);
      fused.set(id, score * boost * (row?.kind ? NAVIGATION_WEIGHT : 1));
    }
    const ranked = [...fused.entries()].sort((a, b) => b[1] - a[1] || a[0] - b[0]);

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
      this.vectors.saveAsync().then(
        // Vectors added while that save was writing wait for the next one.
        () => this.vectors.unsaved && this.scheduleSave(),
        (err: unknown) => this.log.error({ err }, 'saving the vector index failed'),
      );
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
    await this.vectors?.idle();
    this.vectors?.save();
  }
}

/** What is indexed and embedded for a chunk: its heading (page title, table header) and its text. */
export function indexedText(c: { text: string; heading: string | null }): string {
  return c.heading ? `${c.heading}\n${c.text}` : c.text;
}
