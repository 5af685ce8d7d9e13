/**
 * T7 (SECURITY.md F2-F3, and the ENOSPC half of F1): DATA_DIR on a 64 MB tmpfs, filled up with a filler file.
 * An upload that does not fit answers 507 INSUFFICIENT_STORAGE (never 500) and stores nothing; a document whose
 * ingestion runs out of space ends `failed` INSUFFICIENT_STORAGE (never stuck `processing`); earlier documents
 * stay ready and searchable; the vector index file is untouched and no temp file is left; once space is freed,
 * uploads and retries work again. The tmpfs needs root (CI) or, unprivileged, a user namespace: then the suite runs
 * itself again inside one (tests/support/small-fs.ts). Where neither works, each test is skipped, saying why.
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HealthResponseSchema, UploadResponseSchema, type ChatEvent } from '@pagewise/shared';
import { VectorIndex } from '../../server/src/index/vector-index.js';
import { expectError, getDocument, listDocuments, search, settled, uploadOk } from '../support/api.js';
import { postChat, streamEvents } from '../support/chat.js';
import { fixtureFile, fixturePdfs } from '../support/fixtures.js';
import { distinctivePhrase } from '../support/pdfs.js';
import { startTestServer, upload, type TestServer } from '../support/server.js';
import { runInUserNamespace, smallFsRoute, type SmallFsRoute, type TwinResult } from '../support/small-fs.js';

const NTSB = fixturePdfs('ntsb');
const EARLY = NTSB.slice(0, 3);
const SMALL = NTSB[5]!;
/** A 10-Q: a 266 KB file whose pages, chunks and embeddings need several MB in SQLite. */
const LARGE = fixtureFile('sec-10-q', '2022 Q3 AAPL.pdf');

let route: SmallFsRoute = { kind: 'none', reason: 'not probed' };
let twins = new Map<string, TwinResult>();
let twinLog = '';
let mnt = '';
let mounted = false;
let s: TestServer;
let dataDir: string;
let filler: string;
let indexHash: string;
let phrases: string[];
/** Documents a test deleted on purpose (no longer expected in the library). */
const deleted = new Set<string>();

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const indexFile = () => path.join(dataDir, 'index', 'vectors.hnsw');
const hashFiles = (...files: string[]) => {
  const h = createHash('sha256');
  for (const f of files) h.update(fs.readFileSync(f));
  return h.digest('hex');
};
const freeBytes = () => {
  const st = fs.statfsSync(mnt);
  return st.bavail * st.bsize;
};

/** Leave about `slack` bytes free on the tmpfs (the filler takes the rest). */
function fill(slack: number): void {
  fs.rmSync(filler, { force: true });
  const fd = fs.openSync(filler, 'w');
  const block = Buffer.alloc(1 << 20, 0x5a);
  try {
    for (let left = freeBytes() - slack; left > 0; left -= block.length) {
      try {
        fs.writeSync(fd, block, 0, Math.min(left, block.length));
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'ENOSPC') throw err;
        break;
      }
    }
  } finally {
    fs.closeSync(fd);
  }
  expect(freeBytes()).toBeLessThanOrEqual(slack + 4096);
}

const readyChunks = () => s.services.docs.readyChunkIds().size;

/** Earlier documents ready and found by their own phrases; index, temp dir and stored files consistent. */
async function expectLibraryIntact(): Promise<void> {
  const docs = await listDocuments(s.url);
  for (const [i, f] of EARLY.entries()) {
    if (deleted.has(path.basename(f))) continue;
    const doc = docs.find((d) => d.name === path.basename(f));
    expect(doc?.status, path.basename(f)).toBe('ready');
    const hits = await search(s.url, { query: phrases[i]!, k: 3 });
    expect(hits[0]?.documentId, `search for "${phrases[i]}"`).toBe(doc!.id);
  }
  const health = HealthResponseSchema.parse(await (await fetch(`${s.url}/api/health`)).json());
  expect(health.index).toEqual({ vectors: readyChunks(), state: 'ready' });
  expect(fs.readdirSync(path.join(dataDir, 'tmp')), 'DATA_DIR/tmp').toEqual([]);
  expect(fs.readdirSync(path.join(dataDir, 'index')).filter((f) => f.endsWith('.tmp')), 'index temp files').toEqual([]);
  expect(fs.readdirSync(path.join(dataDir, 'files')).sort()).toEqual(docs.map((d) => `${d.id}.pdf`).sort());
}

/** Wait until the debounced save has written the index of every ready chunk (the sidecar is renamed into place last). */
async function indexSaved(): Promise<void> {
  for (let t = 0; ; t++) {
    const sidecar = fs.existsSync(`${indexFile()}.json`) ? (JSON.parse(fs.readFileSync(`${indexFile()}.json`, 'utf8')) as { count: number }) : null;
    if (sidecar?.count === readyChunks()) return;
    if (t > 100) throw new Error(`the vector index was not saved (sidecar count ${sidecar?.count}, ready chunks ${readyChunks()})`);
    await sleep(100);
  }
}

/** A test of this suite: run here on a tmpfs, reported from its twin in a user namespace, or skipped with the reason. */
function diskIt(name: string, fn: () => Promise<void>): void {
  it(name, async (ctx) => {
    if (route.kind === 'none') return ctx.skip(route.reason);
    if (route.kind === 'mount') return fn();
    const twin = twins.get(name);
    expect(twin, `no result for this test from the run in a user namespace; its output ends:\n${twinLog.slice(-4000)}`).toBeDefined();
    expect(twin!.status, `in a user namespace:\n${twin!.failureMessages.join('\n')}`).toBe('passed');
  });
}

beforeAll(async () => {
  route = smallFsRoute();
  if (route.kind === 'userns') {
    console.log('disk-full: no tmpfs mount here; running the suite again inside a user namespace (unshare --user --map-root-user --mount)');
    ({ results: twins, log: twinLog } = await runInUserNamespace(fileURLToPath(import.meta.url), 540_000));
  }
  if (route.kind !== 'mount') return;
  mnt = fs.mkdtempSync(path.join(os.tmpdir(), 'pagewise-diskfull-'));
  execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=64m', 'tmpfs', mnt]);
  mounted = true;
  dataDir = path.join(mnt, 'data');
  filler = path.join(mnt, 'filler');
  phrases = EARLY.map((f) => distinctivePhrase(EARLY, f, 1));
  s = await startTestServer({ INGEST_WORKERS: '1' }, dataDir);
  const { documents } = await uploadOk(s.url, EARLY.map((p) => ({ path: p })));
  for (const d of documents) expect((await settled(s.url, d.id)).status).toBe('ready');
  // Wait for the debounced index save, so that nothing but the tests below can change the file.
  indexHash = await savedIndexHash();
}, 600_000);

/** Wait until the debounced index save has written every ready chunk; the hash of the saved files. */
async function savedIndexHash(): Promise<string> {
  await indexSaved();
  return hashFiles(indexFile(), `${indexFile()}.json`);
}

afterAll(async () => {
  try {
    await s?.close({ keepData: true });
  } finally {
    if (mounted) {
      try {
        execFileSync('umount', [mnt]);
      } catch {
        execFileSync('umount', ['-l', mnt]);
      }
    }
    if (mnt) fs.rmSync(mnt, { recursive: true, force: true });
  }
});

describe('disk full (DATA_DIR on a 64 MB tmpfs)', () => {
  diskIt('an upload that does not fit answers 507 INSUFFICIENT_STORAGE and stores nothing', async () => {
    fill(32 * 1024);
    const before = await listDocuments(s.url);
    await expectError(await upload(s.url, [{ path: SMALL }]), 507, 'INSUFFICIENT_STORAGE');
    await expectError(await upload(s.url, [{ path: SMALL }, { path: NTSB[6]! }]), 507, 'INSUFFICIENT_STORAGE');
    expect(await listDocuments(s.url)).toEqual(before);
    expect(hashFiles(indexFile(), `${indexFile()}.json`), 'vector index file').toBe(indexHash);
    await expectLibraryIntact();
  });

  diskIt('a document that runs out of space while being ingested ends failed INSUFFICIENT_STORAGE', async () => {
    // Room for the file (266 KB), not for its pages, chunks and embeddings: the upload is accepted, ingestion
    // fails with SQLITE_FULL, and removing the partial content fails too.
    fill(900 * 1024);
    const res = await upload(s.url, [{ path: LARGE }]);
    expect(res.status).toBe(202);
    const { id } = UploadResponseSchema.parse(await res.json()).documents[0]!;
    let freed = false;
    let doc = await getDocument(s.url, id);
    for (const deadline = Date.now() + 90_000; doc.status === 'queued' || doc.status === 'processing'; doc = await getDocument(s.url, id)) {
      if (Date.now() > deadline) throw new Error(`document still ${doc.status} after 90 s`);
      // When not even the status row fits, the server records the failure as soon as a little space is free.
      if (!freed && doc.status === 'processing' && s.services.queue.active === 0) {
        await sleep(500);
        if ((await getDocument(s.url, id)).status === 'processing') {
          fs.truncateSync(filler, fs.statSync(filler).size - 256 * 1024);
          freed = true;
          console.log('disk-full: the failure was recorded once 256 KB were freed');
        }
      }
      await sleep(100);
    }
    expect({ status: doc.status, code: doc.error?.code }).toEqual({ status: 'failed', code: 'INSUFFICIENT_STORAGE' });

    // A retry (the same bytes again) while the disk is full cannot even store the upload.
    fill(64 * 1024);
    await expectError(await upload(s.url, [{ path: LARGE }]), 507, 'INSUFFICIENT_STORAGE');
    expect(await getDocument(s.url, id)).toMatchObject({ status: 'failed', error: { code: 'INSUFFICIENT_STORAGE' } });
    expect(hashFiles(indexFile(), `${indexFile()}.json`), 'vector index file').toBe(indexHash);
    await expectLibraryIntact();
  });

  diskIt('with no room left even for SQLite, every request answers 507 or an INSUFFICIENT_STORAGE event, never 500', async () => {
    // SQLite still reuses space inside its WAL file: commit junk rows from a second connection until it is full
    // too, so that the server's next write fails with SQLITE_FULL.
    fs.rmSync(filler, { force: true });
    const junk = new Database(path.join(dataDir, 'pagewise.db'));
    junk.exec('CREATE TABLE IF NOT EXISTS test_filler (b BLOB)');
    fill(0);
    try {
      const insert = junk.prepare('INSERT INTO test_filler (b) VALUES (?)');
      expect(() => {
        for (let i = 0; i < 100_000; i++) insert.run(Buffer.alloc(16 * 1024, i));
      }).toThrow(/full/i);

      const chatEvents: ChatEvent[] = [];
      for await (const e of streamEvents(await postChat(s.url, { messages: [{ role: 'user', content: phrases[0]! }] }))) chatEvents.push(e);
      const last = chatEvents[chatEvents.length - 1]!;
      expect(last.type === 'error' ? last.code : last.type, 'chat').toBe('INSUFFICIENT_STORAGE');
      const docs = await listDocuments(s.url);
      await expectError(await upload(s.url, [{ path: SMALL }]), 507, 'INSUFFICIENT_STORAGE');
      expect((await listDocuments(s.url)).map((d) => [d.id, d.status])).toEqual(docs.map((d) => [d.id, d.status]));
      await expectLibraryIntact();

      // Deleting needs no free space, and frees some: the owner can always make room from the app.
      const victim = docs.find((d) => d.name === path.basename(EARLY[2]!))!;
      const freeBefore = freeBytes();
      const del = await fetch(`${s.url}/api/documents/${victim.id}`, { method: 'DELETE' });
      expect(del.status, await del.text()).toBe(204);
      deleted.add(path.basename(EARLY[2]!));
      expect(freeBytes()).toBeGreaterThan(freeBefore);
      expect((await listDocuments(s.url)).map((d) => d.id)).toEqual(docs.filter((d) => d.id !== victim.id).map((d) => d.id));
      expect(await search(s.url, { query: phrases[2]!, k: 5 })).not.toContainEqual(expect.objectContaining({ documentId: victim.id }));
      await expectLibraryIntact();
    } finally {
      fs.rmSync(filler, { force: true });
      junk.exec('DROP TABLE IF EXISTS test_filler');
      junk.close();
    }
    // The deletion is saved to the vector index once there is room again.
    indexHash = await savedIndexHash();
  });

  diskIt('ENOSPC while saving the vector index keeps the previous file and leaves no temp file', async () => {
    const file = path.join(mnt, 'unit-index', 'vectors.hnsw');
    const index = VectorIndex.empty(file, 'test-embedder', 64);
    const vector = (i: number) => Float32Array.from({ length: 64 }, (_, k) => Math.sin(i * 7 + k));
    index.add(Array.from({ length: 200 }, (_, i) => ({ chunkId: i + 1, vector: vector(i) })));
    fs.rmSync(filler, { force: true });
    index.save();
    const saved = hashFiles(file, `${file}.json`);
    // Some space, less than the grown index needs: hnswlib writes part of the temp file, silently.
    fill(40 * 1024);
    index.add(Array.from({ length: 600 }, (_, i) => ({ chunkId: i + 201, vector: vector(i + 200) })));
    await expect(index.saveAsync()).rejects.toThrow();
    expect(() => index.save()).toThrow();
    expect(hashFiles(file, `${file}.json`)).toBe(saved);
    expect(fs.readdirSync(path.dirname(file)).sort(), 'no temp file left').toEqual(['vectors.hnsw', 'vectors.hnsw.json']);
    expect(VectorIndex.load(file, 'test-embedder', 64).index?.size).toBe(200);
    fs.rmSync(path.dirname(file), { recursive: true, force: true });
    expect(hashFiles(indexFile(), `${indexFile()}.json`), 'the server index file').toBe(indexHash);
  });

  diskIt('once space is freed, uploads and retries work again, and a restart finds everything intact', async () => {
    fs.rmSync(filler, { force: true });
    const retry = await uploadOk(s.url, [{ path: LARGE }, { path: SMALL }]);
    for (const d of retry.documents) expect((await settled(s.url, d.id, 90_000)).status, d.name).toBe('ready');
    // The next debounced save writes the grown index; only once it has landed may no temp file be left.
    await indexSaved();
    expect(hashFiles(indexFile(), `${indexFile()}.json`), 'the grown index on disk').not.toBe(indexHash);
    await expectLibraryIntact();
    const docs = await listDocuments(s.url);
    const large = docs.find((d) => d.name === path.basename(LARGE))!;
    const hits = await search(s.url, { query: 'Apple net sales iPhone Mac services quarter', k: 5 });
    expect(hits.map((h) => h.documentId)).toContain(large.id);

    s = await s.restart();
    expect(s.services.db.pragma('integrity_check', { simple: true })).toBe('ok');
    expect((await listDocuments(s.url)).map((d) => [d.id, d.status])).toEqual(docs.map((d) => [d.id, d.status]));
    await s.services.index();
    await expectLibraryIntact();
  });
});
