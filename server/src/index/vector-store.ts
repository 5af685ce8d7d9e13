/**
 * Where the library's passage vectors live, as search and ingestion see it. Answers and ingestion talk to the
 * SearchIndex, which talks to a VectorStore only through this interface, so the engine can change (hnswlib in
 * the data directory today; Qdrant, pgvector or LanceDB for a library bigger than one machine) without touching
 * either. The database stays the source of truth: every vector is also stored with its chunk row, and the
 * SearchIndex reconciles the store against it at start-up (see `ids`).
 */

export interface VectorItem {
  chunkId: number;
  vector: Float32Array;
}

export interface VectorHit {
  chunkId: number;
  /** Cosine similarity in [-1, 1]. */
  score: number;
}

export interface VectorStore {
  /** Vectors that queries can return. */
  readonly size: number;
  /** Ids of the vectors held (for reconciling with the database at start-up). */
  ids(): Iterable<number>;
  /**
   * Store the vectors of one document's chunks; resolves when queries find them. An implementation must not hold
   * the event loop for long: hnswlib inserts in small slices and yields between them.
   */
  add(documentId: string, items: readonly VectorItem[]): Promise<void>;
  /** Remove vectors at once (queries stop returning them before this returns). */
  delete(chunkIds: Iterable<number>): void;
  /** The `k` nearest vectors, only among `documentIds` when given (the filter applies before ranking). */
  query(vector: Float32Array, k: number, documentIds?: ReadonlySet<string>): Promise<VectorHit[]>;
  /** Persist what changed since the last save, in the background. */
  save(): Promise<void>;
  /** Final save before the process exits: waits for a running save, then writes what is left. */
  flush(): Promise<void>;
}
