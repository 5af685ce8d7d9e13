/**
 * The vector index file at shutdown: the final synchronous save waits for an asynchronous save that is still
 * writing (else the process, or a test removing the data directory, pulls the directory from under it), and
 * includes the vectors added while that save ran.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { VectorIndex } from '../../server/src/index/vector-index.js';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

const vector = (i: number) => Float32Array.from({ length: 32 }, (_, k) => Math.sin(i * 7 + k));
const items = (from: number, n: number) => Array.from({ length: n }, (_, i) => ({ chunkId: from + i, vector: vector(from + i) }));

it('a save at shutdown waits for the running save and writes what was added meanwhile', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pagewise-vectors-'));
  dirs.push(dir);
  const file = path.join(dir, 'vectors.hnsw');
  const index = VectorIndex.empty(file, 'test-embedder', 32);
  index.add(items(1, 300));
  const running = index.saveAsync();
  index.add(items(301, 50)); // queued: the graph is being written on another thread
  expect(index.saveAsync()).toBe(running); // one save at a time

  await index.idle();
  index.save();
  await running;

  expect(fs.readdirSync(dir).sort(), 'no temp file left').toEqual(['vectors.hnsw', 'vectors.hnsw.json']);
  const loaded = VectorIndex.load(file, 'test-embedder', 32).index!;
  expect(loaded.size).toBe(350);
  expect(loaded.query(vector(320), 1)[0]?.chunkId).toBe(320);
});
