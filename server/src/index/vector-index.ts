/**
 * Dense vectors in an hnswlib index on disk, keyed by chunk id. hnswlib writes in place with no fsync, so saves go
 * to a temp file that is re-read to verify it, fsynced, and renamed over the old one (then the directory is
 * fsynced). A sidecar records which embedder built the index; a mismatch means the index must be rebuilt.
 */
import fs from 'node:fs';
import path from 'node:path';
import hnswlib from 'hnswlib-node';

const { HierarchicalNSW } = hnswlib;
type Hnsw = InstanceType<typeof HierarchicalNSW>;

export interface VectorHit {
  chunkId: number;
  /** Cosine similarity in [-1, 1]. */
  score: number;
}

interface Sidecar {
  embedderId: string;
  dimension: number;
  count: number;
}

const M = 16;
const EF_CONSTRUCTION = 100;

function fsyncPath(p: string): void {
  const fd = fs.openSync(p, 'r');
  try {
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
}

function writeFileAtomic(file: string, data: string): void {
  const tmp = `${file}.tmp`;
  fs.writeFileSync(tmp, data);
  fsyncPath(tmp);
  fs.renameSync(tmp, file);
}

/** Bytes of hnswlib's file header; its third 8-byte field is the element count, its fourth the bytes per element. */
const HEADER_BYTES = 96;

/**
 * Check a freshly written index file without loading a second copy of the graph (that doubled the memory and the
 * time of every save): the header must read back with the element count written, and the file must be long enough
 * to hold that many elements (hnswlib's writes fail silently on a full disk, leaving a short file).
 */
function verifyWritten(file: string, count: number): void {
  const fd = fs.openSync(file, 'r');
  try {
    const header = Buffer.alloc(HEADER_BYTES);
    const read = fs.readSync(fd, header, 0, HEADER_BYTES, 0);
    const size = fs.fstatSync(fd).size;
    const written = read === HEADER_BYTES ? Number(header.readBigUInt64LE(16)) : -1;
    const perElement = read === HEADER_BYTES ? Number(header.readBigUInt64LE(24)) : 0;
    if (written !== count || size < HEADER_BYTES + count * (perElement + 4)) throw new Error('vector index verification failed after write');
  } finally {
    fs.closeSync(fd);
  }
}

export class VectorIndex {
  private live = new Set<number>();
  private dirty = false;
  /** While an asynchronous save reads the graph on another thread, mutations wait here. */
  private saving: Promise<void> | null = null;
  /** The running asynchronous save, from its start until its queued adds and deletes are applied. */
  private run: Promise<void> | null = null;
  private pendingAdds: { chunkId: number; vector: Float32Array }[] = [];
  private pendingDeletes: number[] = [];

  private constructor(
    private hnsw: Hnsw,
    readonly file: string,
    readonly embedderId: string,
    readonly dimension: number,
  ) {}

  static empty(file: string, embedderId: string, dimension: number, capacity = 1024): VectorIndex {
    const h = new HierarchicalNSW('cosine', dimension);
    h.initIndex({ maxElements: capacity, m: M, efConstruction: EF_CONSTRUCTION, randomSeed: 100, allowReplaceDeleted: true });
    const v = new VectorIndex(h, file, embedderId, dimension);
    v.dirty = true;
    return v;
  }

  /**
   * Load the index at `file` if it exists, was built by `embedderId` and reads back; otherwise return null and
   * let the caller rebuild from stored embeddings.
   */
  static load(file: string, embedderId: string, dimension: number): { index: VectorIndex | null; reason: string | null } {
    const sidecarPath = `${file}.json`;
    if (!fs.existsSync(file) || !fs.existsSync(sidecarPath)) return { index: null, reason: 'index file missing' };
    try {
      const sidecar = JSON.parse(fs.readFileSync(sidecarPath, 'utf8')) as Sidecar;
      if (sidecar.embedderId !== embedderId || sidecar.dimension !== dimension) {
        return { index: null, reason: `index was built by ${sidecar.embedderId}, current embedder is ${embedderId}` };
      }
      const h = new HierarchicalNSW('cosine', dimension);
      h.readIndexSync(file, true);
      const v = new VectorIndex(h, file, embedderId, dimension);
      // Labels of deleted points are still listed by hnswlib; the caller reconciles against the database.
      for (const id of h.getIdsList()) v.live.add(id);
      return { index: v, reason: null };
    } catch (err) {
      return { index: null, reason: `index file unreadable: ${(err as Error).message}` };
    }
  }

  get size(): number {
    return this.live.size;
  }

  ids(): Set<number> {
    return new Set(this.live);
  }

  add(items: { chunkId: number; vector: Float32Array }[]): void {
    if (items.length === 0) return;
    if (this.saving) {
      this.pendingAdds.push(...items);
      return;
    }
    const needed = this.hnsw.getCurrentCount() + items.length;
    if (needed > this.hnsw.getMaxElements()) this.hnsw.resizeIndex(Math.max(needed, Math.ceil(this.hnsw.getMaxElements() * 1.5)));
    for (const { chunkId, vector } of items) {
      if (vector.length !== this.dimension) throw new Error(`vector dimension ${vector.length} ≠ index dimension ${this.dimension}`);
      if (this.live.has(chunkId)) continue;
      this.hnsw.addPoint(Array.from(vector), chunkId, true);
      this.live.add(chunkId);
    }
    this.dirty = true;
  }

  delete(chunkIds: Iterable<number>): void {
    const ids = new Set(chunkIds);
    if (this.saving) {
      // Hidden from queries at once; marked in the graph when the save is done.
      this.pendingAdds = this.pendingAdds.filter((a) => !ids.has(a.chunkId));
      for (const id of ids) if (this.live.delete(id)) this.pendingDeletes.push(id);
      return;
    }
    for (const id of ids) if (this.live.delete(id)) this.markDeleted(id);
  }

  private markDeleted(id: number): void {
    try {
      this.hnsw.markDelete(id);
    } catch {
      // already marked deleted in a previous session
    }
    this.dirty = true;
  }

  /** Nearest chunks among those `allow` accepts (the filter applies inside the graph search, before ranking). */
  query(vector: Float32Array, k: number, allow?: (chunkId: number) => boolean): VectorHit[] {
    const n = Math.min(k, this.live.size);
    if (n <= 0) return [];
    this.hnsw.setEf(Math.max(100, n * 4));
    // Deleted points are marked in the graph and skipped by hnswlib itself; only deletes queued behind a running
    // save need the filter (a call into JavaScript for every point the search visits).
    const hidden = this.pendingDeletes.length > 0;
    const filter = allow ? (label: number) => this.live.has(label) && allow(label) : hidden ? (label: number) => this.live.has(label) : undefined;
    const res = this.hnsw.searchKnn(Array.from(vector), n, filter);
    return res.neighbors.map((id, i) => ({ chunkId: id, score: 1 - res.distances[i]! }));
  }

  /**
   * Atomic save off the event loop: hnswlib writes and re-reads the temp file on a worker thread (the graph is
   * not mutated meanwhile: adds and deletes are queued), then fsync → rename → fsync directory.
   */
  saveAsync(): Promise<void> {
    return (this.run ??= this.writeAsync().finally(() => (this.run = null)));
  }

  /** Whether the graph has changes the file does not have yet. */
  get unsaved(): boolean {
    return this.dirty;
  }

  /** Resolves when no asynchronous save is running (whether it succeeded or not). */
  async idle(): Promise<void> {
    await this.run?.catch(() => undefined);
  }

  private async writeAsync(): Promise<void> {
    if (!this.dirty) return;
    this.dirty = false;
    const dir = path.dirname(this.file);
    const tmp = `${this.file}.tmp`;
    const count = this.hnsw.getCurrentCount();
    const live = this.live.size;
    this.saving = (async () => {
      await fs.promises.mkdir(dir, { recursive: true });
      await this.hnsw.writeIndex(tmp);
      verifyWritten(tmp, count);
      const fh = await fs.promises.open(tmp, 'r');
      await fh.sync();
      await fh.close();
      await fs.promises.rename(tmp, this.file);
      const sidecar = `${this.file}.json`;
      await fs.promises.writeFile(`${sidecar}.tmp`, JSON.stringify({ embedderId: this.embedderId, dimension: this.dimension, count: live } satisfies Sidecar));
      await fs.promises.rename(`${sidecar}.tmp`, sidecar);
      const dh = await fs.promises.open(dir, 'r');
      await dh.sync();
      await dh.close();
    })();
    try {
      await this.saving;
    } catch (err) {
      this.dirty = true;
      // A failed write (ENOSPC: hnswlib's writes fail silently, the re-read catches it) leaves a partial temp file
      // that would keep holding the space.
      await fs.promises.rm(tmp, { force: true }).catch(() => undefined);
      throw err;
    } finally {
      this.saving = null;
      this.add(this.pendingAdds.splice(0));
      for (const id of this.pendingDeletes.splice(0)) this.markDeleted(id);
    }
  }

  /** Atomic save (synchronous, for start-up and shutdown): temp file → verify → fsync → rename → fsync directory. */
  save(): void {
    if (!this.dirty || this.saving) return;
    const dir = path.dirname(this.file);
    fs.mkdirSync(dir, { recursive: true });
    const tmp = `${this.file}.tmp`;
    try {
      this.hnsw.writeIndexSync(tmp);
      verifyWritten(tmp, this.hnsw.getCurrentCount());
      fsyncPath(tmp);
    } catch (err) {
      fs.rmSync(tmp, { force: true });
      throw err;
    }
    fs.renameSync(tmp, this.file);
    writeFileAtomic(`${this.file}.json`, JSON.stringify({ embedderId: this.embedderId, dimension: this.dimension, count: this.live.size } satisfies Sidecar));
    fsyncPath(dir);
    this.dirty = false;
  }
}
