/**
 * The hnswlib VectorStore (issue 23): inserting a large document's vectors leaves the event loop free for other
 * requests, and a store closed in the middle of an insert keeps none of that insert's vectors.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { HnswVectorStore } from '../../server/src/index/hnsw-store.js';
import { VectorIndex } from '../../server/src/index/vector-index.js';

const DIM = 768;
const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

function store(): { store: HnswVectorStore; file: string } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pagewise-store-'));
  dirs.push(dir);
  const file = path.join(dir, 'vectors.hnsw');
  return { store: new HnswVectorStore(VectorIndex.empty(file, 'test-embedder', DIM), () => 'doc'), file };
}

const vector = (i: number) => Float32Array.from({ length: DIM }, (_, k) => Math.sin(i * 7.3 + k * 0.11));
const items = (n: number) => Array.from({ length: n }, (_, i) => ({ chunkId: i + 1, vector: vector(i + 1) }));

it('inserts a large document in slices: the event loop keeps turning', async () => {
  const { store: s } = store();
  const gaps: number[] = [];
  let last = performance.now();
  const tick = setInterval(() => {
    const now = performance.now();
    gaps.push(now - last);
    last = now;
  }, 1);
  await s.add('doc', items(3000));
  clearInterval(tick);
  expect(s.size).toBe(3000);
  // Inserted in one go, the loop would not turn at all until the end. (No bound on the longest gap: on a loaded
  // machine the process itself may wait seconds for a core.)
  expect(gaps.length).toBeGreaterThan(10);
  expect((await s.query(vector(1234), 1))[0]?.chunkId).toBe(1234);
}, 60_000);

it('a store closed during an insert keeps none of that insert, and saves without it', async () => {
  const { store: s, file } = store();
  await s.add('doc', items(10));
  const late = Array.from({ length: 3000 }, (_, i) => ({ chunkId: 100 + i, vector: vector(100 + i) }));
  const adding = s.add('doc', late);
  await new Promise((r) => setImmediate(r));
  await s.flush();
  await expect(adding).rejects.toThrow(/closed/);
  expect(s.size).toBe(10);
  expect(VectorIndex.load(file, 'test-embedder', DIM).index?.size).toBeGreaterThanOrEqual(10);
  expect(new Set(s.ids())).toEqual(new Set(items(10).map((x) => x.chunkId)));
}, 60_000);
