/**
 * The VectorStore on hnswlib, in the data directory (`index/vectors.hnsw`). Inserting a vector costs about 1 ms
 * at 100k vectors, on the main thread: a document's vectors go in slices of at most SLICE_MS, with the event loop
 * free in between, so that a 2,000-page document does not stall every other request for seconds.
 */
import { setImmediate as yieldToLoop } from 'node:timers/promises';
import type { VectorHit, VectorItem, VectorStore } from './vector-store.js';
import { VectorIndex } from './vector-index.js';

/** Longest run of inserts between two turns of the event loop. */
const SLICE_MS = 8;

export class HnswVectorStore implements VectorStore {
  private closed = false;
  private adding = 0;
  private readonly running = new Set<Promise<void>>();

  constructor(
    private readonly index: VectorIndex,
    /** Which document a chunk belongs to (for the document filter). */
    private readonly documentOf: (chunkId: number) => string | undefined,
  ) {}

  get size(): number {
    return this.index.size;
  }

  /** Whether any insert is under way (its vectors may be in the graph before their document is searchable). */
  get busy(): boolean {
    return this.adding > 0;
  }

  ids(): Iterable<number> {
    return this.index.ids();
  }

  /** Inserts in slices; when the store closes meanwhile, removes what it inserted and rejects. */
  add(_documentId: string, items: readonly VectorItem[]): Promise<void> {
    const run = this.insertSliced(items);
    this.running.add(run);
    return run.finally(() => this.running.delete(run));
  }

  private async insertSliced(items: readonly VectorItem[]): Promise<void> {
    this.adding++;
    let i = 0;
    try {
      while (i < items.length) {
        if (this.closed) throw new Error('the vector store closed while vectors were being added');
        // A save reads the graph on another thread meanwhile: wait for it rather than queue the whole rest.
        await this.index.idle();
        const t0 = performance.now();
        while (i < items.length && performance.now() - t0 < SLICE_MS) {
          this.index.add(items.slice(i, i + 8));
          i += 8;
        }
        if (i < items.length) await yieldToLoop();
      }
    } catch (err) {
      this.index.delete(items.slice(0, i).map((v) => v.chunkId));
      throw err;
    } finally {
      this.adding--;
    }
  }

  delete(chunkIds: Iterable<number>): void {
    this.index.delete(chunkIds);
  }

  async query(vector: Float32Array, k: number, documentIds?: ReadonlySet<string>): Promise<VectorHit[]> {
    if (!documentIds) return this.index.query(vector, k);
    return this.index.query(vector, k, (id) => {
      const doc = this.documentOf(id);
      return doc !== undefined && documentIds.has(doc);
    });
  }

  save(): Promise<void> {
    return this.index.saveAsync();
  }

  get unsaved(): boolean {
    return this.index.unsaved;
  }

  async flush(): Promise<void> {
    this.closed = true;
    await Promise.allSettled([...this.running]);
    await this.index.idle();
    this.index.save();
  }
}
