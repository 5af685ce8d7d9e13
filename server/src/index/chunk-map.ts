/**
 * Which document each chunk belongs to and which documents are searchable, in memory, so that a search filters
 * candidates without asking the database for every ready chunk (that was a scan of the whole library per query).
 * Kept up to date by the SearchIndex's writes (add, publish, discard, delete) and loaded once at start-up.
 * Chunk ids only grow (never reused), so the map is a typed array indexed by chunk id: 4 bytes per id.
 */
export class ChunkMap {
  private docOf = new Int32Array(1024);
  private readonly ordinals = new Map<string, number>();
  private readonly names: string[] = [''];
  private readonly ready = new Set<number>();

  private ordinal(documentId: string): number {
    let o = this.ordinals.get(documentId);
    if (o === undefined) {
      o = this.names.length;
      this.names.push(documentId);
      this.ordinals.set(documentId, o);
    }
    return o;
  }

  set(documentId: string, chunkIds: readonly number[]): void {
    const o = this.ordinal(documentId);
    const high = chunkIds.reduce((a, b) => Math.max(a, b), 0);
    if (high >= this.docOf.length) {
      const grown = new Int32Array(Math.max(high + 1, Math.ceil(this.docOf.length * 1.5)));
      grown.set(this.docOf);
      this.docOf = grown;
    }
    for (const id of chunkIds) this.docOf[id] = o;
  }

  delete(chunkIds: readonly number[]): void {
    for (const id of chunkIds) if (id < this.docOf.length) this.docOf[id] = 0;
  }

  documentOf(chunkId: number): string | undefined {
    const o = chunkId < this.docOf.length ? this.docOf[chunkId]! : 0;
    return o ? this.names[o] : undefined;
  }

  setReady(documentId: string, ready: boolean): void {
    const o = this.ordinal(documentId);
    if (ready) this.ready.add(o);
    else this.ready.delete(o);
  }

  /** The searchable documents' ids. */
  readySet(): Set<string> {
    return new Set([...this.ready].map((o) => this.names[o]!));
  }

  /** Whether a chunk belongs to a searchable document (and to one of `documentIds` when given). */
  searchable(chunkId: number, documentIds?: ReadonlySet<string>): boolean {
    const o = chunkId < this.docOf.length ? this.docOf[chunkId]! : 0;
    return o !== 0 && this.ready.has(o) && (!documentIds || documentIds.has(this.names[o]!));
  }
}
