/**
 * T6 (SECURITY.md F1): the real server (`node --import tsx server/src/main.ts`) is killed with SIGKILL at
 * seeded random moments while it stores, parses, embeds, publishes and saves the vector index, then restarted on
 * the same DATA_DIR. Every kill and every start must leave: an intact database, only known document states, no
 * half-visible document (SQLite ready chunks = vectors in the index), no orphan or temp files, working dedupe,
 * and, once ingestion settles, a searchable 300-page PDF. Replay a failure with PAGEWISE_CRASH_SEED=<seed>;
 * PAGEWISE_CRASH_ITERATIONS raises the count (T6 asks for 50 in the long run).
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import hnswlib from 'hnswlib-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HealthResponseSchema, UploadResponseSchema, type HealthResponse } from '@pagewise/shared';
import { listDocuments, search } from '../support/api.js';
import { postChat, streamEvents } from '../support/chat.js';
import {
  bigTextPdf,
  docRows,
  integrityCheck,
  listDir,
  pagePhrase,
  prng,
  readyChunkIds,
  spawnServer,
  type ChildServer,
  withDb,
} from '../support/child-server.js';
import { startFakeLlm, type FakeLlm } from '../support/fake-llm.js';
import { fixturePdfs } from '../support/fixtures.js';
import { upload, waitForIngestion } from '../support/server.js';

const SEED = Number(process.env.PAGEWISE_CRASH_SEED ?? Math.floor(Math.random() * 2 ** 31));
const ITERATIONS = Math.max(1, Number(process.env.PAGEWISE_CRASH_ITERATIONS ?? 20));
const MAX_DELAY_MS = 8000;
/** Iterations that first let ingestion finish and check everything (so does the restart after the last kill). */
const isFull = (i: number) => i % 7 === 6;
const STATUSES = ['queued', 'processing', 'ready', 'failed'];
const BIG_PAGES = 300;

const rand = prng(SEED);
const NTSB = fixturePdfs('ntsb');
const plan = Array.from({ length: ITERATIONS }, (_, i) => {
  const delayMs = Math.floor(rand() * MAX_DELAY_MS);
  // Worker start-up (fork + pdf.js) takes seconds on a busy 2-core box: timing every kill from the upload would
  // mostly hit that. So a third of the delays run from the upload (store, queue, start-up), the rest from the
  // moment extraction is under way (parse, embed, publish, debounced index save, idle).
  const from: 'upload' | 'extracting' = rand() < 1 / 3 ? 'upload' : 'extracting';
  const picks = [Math.floor(rand() * NTSB.length)];
  if (rand() < 0.5) picks.push(Math.floor(rand() * NTSB.length));
  return { i, delayMs, from, small: [...new Set(picks)].map((k) => NTSB[k]!), probePage: 1 + Math.floor(rand() * BIG_PAGES), full: isFull(i) };
});

let dataDir: string;
let workDir: string;
let bigPath: string;
let server: ChildServer | null = null;
let fakeLlm: FakeLlm | null = null;
const shaOf = new Map<string, string>();
const sha256 = (file: string) => createHash('sha256').update(fs.readFileSync(file)).digest('hex');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
/** Start the server, first killing one a failed test may have left running. */
async function respawn(...args: Parameters<typeof spawnServer>): Promise<ChildServer> {
  await server?.kill9();
  server = null;
  return spawnServer(...args);
}

async function health(url: string): Promise<HealthResponse> {
  return HealthResponseSchema.parse(await (await fetch(`${url}/api/health`)).json());
}

const total = (m: Map<string, number[]>) => [...m.values()].reduce((n, ids) => n + ids.length, 0);

/** Health's vector count equals SQLite's ready chunks, read consistently (no document became ready meanwhile). */
async function expectVectorsMatchReadyChunks(url: string, ctx: string): Promise<void> {
  let last = '';
  for (let attempt = 0; attempt < 20; attempt++) {
    const before = total(readyChunkIds(dataDir));
    const h = await health(url);
    const after = total(readyChunkIds(dataDir));
    if (before === after && h.index.state === 'ready') {
      expect(h.index.vectors, `${ctx}: vectors in the live index = chunks of ready documents`).toBe(before);
      return;
    }
    last = `${before}/${after}/${h.index.state}`;
    await sleep(100);
  }
  throw new Error(`${ctx}: could not read a stable vector count (${last})`);
}

/** The ids the saved index file holds live (hnswlib keeps deleted labels listed; getPoint throws for them). */
function liveIdsInIndexFile(): Set<number> {
  const file = path.join(dataDir, 'index', 'vectors.hnsw');
  const { dimension } = JSON.parse(fs.readFileSync(`${file}.json`, 'utf8')) as { dimension: number };
  const h = new hnswlib.HierarchicalNSW('cosine', dimension);
  h.readIndexSync(file, true);
  return new Set(
    h.getIdsList().filter((id) => {
      try {
        h.getPoint(id);
        return true;
      } catch {
        return false;
      }
    }),
  );
}

/**
 * Wait until pages are being stored (`pages_done` moves in batches of pages; the page count alone may be left
 * from an interrupted attempt), a document became ready since `readyBefore`, or nothing is left to do.
 */
async function extractionUnderWay(ctx: string, readyBefore: number): Promise<void> {
  const deadline = Date.now() + 90_000;
  const started = () =>
    withDb(dataDir, (db) => {
      const q = (sql: string) => db.prepare(sql).get() !== undefined;
      return (
        q(`SELECT 1 FROM documents WHERE status = 'processing' AND pages_done > 0`) ||
        (db.prepare(`SELECT COUNT(*) AS n FROM documents WHERE status = 'ready'`).get() as { n: number }).n > readyBefore ||
        !q(`SELECT 1 FROM documents WHERE status IN ('queued', 'processing')`)
      );
    });
  while (!started()) {
    if (Date.now() > deadline) throw new Error(`${ctx}: no extraction progress within 90 s`);
    await sleep(25);
  }
}

/** Cheap invariants that hold at any moment: known states, failures carry a code, every row has its file. */
function expectRowsConsistent(ctx: string): void {
  const rows = docRows(dataDir);
  for (const r of rows) {
    expect(STATUSES, `${ctx}: status of ${r.name}`).toContain(r.status);
    if (r.status === 'failed') expect(r.error_code, `${ctx}: ${r.name} failed without a code`).toBeTruthy();
    expect(fs.existsSync(path.join(dataDir, 'files', `${r.id}.pdf`)), `${ctx}: file of ${r.name} (${r.status})`).toBe(true);
  }
}

/** After start-up: temp dir empty, no orphan files, the live index matches SQLite. */
async function expectCleanStart(s: ChildServer, ctx: string): Promise<void> {
  expect(listDir(path.join(dataDir, 'tmp')), `${ctx}: DATA_DIR/tmp after start-up`).toEqual([]);
  const ids = new Set(docRows(dataDir).map((r) => r.id));
  const orphans = listDir(path.join(dataDir, 'files')).filter((f) => !f.endsWith('.pdf') || !ids.has(f.slice(0, -4)));
  expect(orphans, `${ctx}: files no document refers to`).toEqual([]);
  expectRowsConsistent(ctx);
  for (let t = 0; (await health(s.url)).index.state !== 'ready'; t++) {
    if (t > 300) throw new Error(`${ctx}: index never became ready`);
    await sleep(50);
  }
  await expectVectorsMatchReadyChunks(s.url, ctx);
}

/** Let ingestion finish, then check everything, including the index file on disk and search. */
async function expectSettled(s: ChildServer, probePage: number, ctx: string): Promise<void> {
  // A document killed three times fails INGEST_INTERRUPTED, and one whose upload was cut off before it was stored
  // is not there at all (the last iteration deleted it); uploading it again is the user's retry.
  const bigSha = shaOf.get(bigPath)!;
  const bigRow = docRows(dataDir).find((r) => r.sha256 === bigSha);
  if (!bigRow || bigRow.status === 'failed') {
    // 200 when the bytes are already stored (a retry of the failed row), 202 when they are new.
    expect((await upload(s.url, [{ path: bigPath }])).status).toBe(bigRow ? 200 : 202);
  }
  await waitForIngestion(s.url, 150_000);
  const docs = await listDocuments(s.url);
  for (const d of docs) {
    if (d.status === 'failed') expect(d.error?.code, `${ctx}: ${d.name} failed without a code`).toBeTruthy();
    else expect(d.status, `${ctx}: ${d.name}`).toBe('ready');
  }
  const ready = readyChunkIds(dataDir);
  for (const d of docs.filter((x) => x.status === 'ready')) expect(d.chunks, `${ctx}: chunks of ${d.name}`).toBe(ready.get(d.id)?.length);
  await expectVectorsMatchReadyChunks(s.url, ctx);

  // The debounced save lands about a second after the last document became ready.
  const expected = new Set([...ready.values()].flat());
  let onDisk = new Set<number>();
  for (let t = 0; t < 60; t++) {
    onDisk = liveIdsInIndexFile();
    if (onDisk.size === expected.size && [...expected].every((id) => onDisk.has(id))) break;
    await sleep(100);
  }
  for (const [docId, ids] of ready) {
    expect(ids.filter((id) => onDisk.has(id)).length, `${ctx}: vectors of ${docId} in the saved index`).toBe(ids.length);
  }
  expect(onDisk.size, `${ctx}: saved index holds only ready chunks`).toBe(expected.size);

  const big = docs.find((d) => d.name === 'field-log-300.pdf');
  expect(big?.status, `${ctx}: the 300-page PDF (${big?.error?.code ?? ''})`).toBe('ready');
  expect(big!.pages).toBe(BIG_PAGES);
  const hits = await search(s.url, { query: pagePhrase(probePage), k: 3 });
  expect(hits[0], `${ctx}: search for page ${probePage}'s phrase`).toMatchObject({ documentId: big!.id, page: probePage });

  // Same bytes again: the same documents, nothing new stored.
  const present = [bigPath, ...NTSB.filter((f) => docs.some((d) => d.name === path.basename(f)))].slice(0, 3);
  const res = await upload(s.url, present.map((p) => ({ path: p })));
  expect(res.status, `${ctx}: re-upload of stored bytes`).toBe(200);
  const body = UploadResponseSchema.parse(await res.json());
  expect(body.documents.map((d) => d.duplicate)).toEqual(present.map(() => true));
  expect(body.documents.map((d) => d.id)).toEqual(present.map((p) => docs.find((d) => d.name === path.basename(p))!.id));
}

beforeAll(async () => {
  workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'pagewise-crash-pdfs-'));
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'pagewise-crash-'));
  bigPath = path.join(workDir, 'field-log-300.pdf');
  fs.writeFileSync(bigPath, await bigTextPdf(BIG_PAGES));
  for (const f of [bigPath, ...NTSB]) shaOf.set(f, sha256(f));
  console.log(`crash.test: seed ${SEED} (replay with PAGEWISE_CRASH_SEED=${SEED}), ${ITERATIONS} iterations`);
});

afterAll(async () => {
  await server?.kill9();
  await fakeLlm?.close();
  if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
  if (workDir) fs.rmSync(workDir, { recursive: true, force: true });
});

describe('kill -9 during ingestion', () => {
  for (const step of plan) {
    // Stable names (the seed changes per run); the seed, delay and files are in the log and in every failure.
    it(`iteration ${step.i}${step.full ? ' (after a full check)' : ''}`, { timeout: 240_000 }, async () => {
      const ctx = `seed ${SEED} iteration ${step.i} (kill ${step.delayMs} ms after ${step.from === 'upload' ? 'the upload' : 'extraction starts'}, +${step.small.map((f) => path.basename(f, '.pdf')).join(', ')})`;
      const s = (server = await respawn(dataDir));
      await expectCleanStart(s, `${ctx}, after start-up`);
      if (step.full) await expectSettled(s, step.probePage, `${ctx}, settled`);

      // A ready 300-page document is deleted so that every iteration ingests it again; one still queued or
      // processing (resumed after the last kill) is uploaded again and must dedupe onto the same row.
      const before = new Map(docRows(dataDir).map((r) => [r.sha256, r]));
      const big = before.get(shaOf.get(bigPath)!);
      if (big && big.status !== 'queued' && big.status !== 'processing') {
        expect((await fetch(`${s.url}/api/documents/${big.id}`, { method: 'DELETE' })).status).toBe(204);
        before.delete(big.sha256);
      }
      const files = [bigPath, ...step.small];
      const t0 = Date.now();
      const pending = upload(s.url, files.map((p) => ({ path: p })))
        .then(async (res) => ({ status: res.status, body: (await res.json()) as unknown, ms: Date.now() - t0 }))
        .catch(() => null);
      if (step.from === 'extracting') await extractionUnderWay(ctx, [...before.values()].filter((r) => r.status === 'ready').length);
      const origin = Date.now() - t0;
      await sleep(step.delayMs);
      await s.kill9();
      server = null;

      const answered = await pending;
      if (answered) {
        expect([200, 202], `${ctx}: upload answered ${JSON.stringify(answered.body)}`).toContain(answered.status);
        const body = UploadResponseSchema.parse(answered.body);
        files.forEach((f, k) => {
          const prior = before.get(shaOf.get(f)!);
          const got = body.documents[k]!;
          expect({ duplicate: got.duplicate, id: prior ? got.id : 'new' }, `${ctx}: dedupe of ${path.basename(f)}`).toEqual(
            prior ? { duplicate: true, id: prior.id } : { duplicate: false, id: 'new' },
          );
        });
      }
      expect(integrityCheck(dataDir), `${ctx}: integrity after kill -9`).toBe('ok');
      expectRowsConsistent(`${ctx}, after kill -9`);
      const states = docRows(dataDir).map((r) => `${r.name.slice(0, 14)}:${r.status}${r.error_code ? `(${r.error_code})` : ''}`);
      console.log(`${ctx}: killed ${origin} + ${step.delayMs} ms after the upload; upload ${answered ? `answered ${answered.status} in ${answered.ms} ms` : 'cut off'}; ${states.join(' ')}`);
    });
  }

  it('restarts cleanly after the last kill, with an intact database', { timeout: 240_000 }, async () => {
    const s = (server = await respawn(dataDir));
    await expectCleanStart(s, `seed ${SEED} final start`);
    await expectSettled(s, plan[plan.length - 1]!.probePage, `seed ${SEED} final`);
    await s.kill9();
    server = null;
    expect(integrityCheck(dataDir)).toBe('ok');
  });
});

describe('kill -9 during a streamed answer', () => {
  it('keeps the question; the answer is absent or incomplete, never complete', { timeout: 120_000 }, async () => {
    fakeLlm = await startFakeLlm();
    const words = Array.from({ length: 400 }, (_, i) => `word${i}`).join(' ');
    fakeLlm.always({ kind: 'ok', content: `The field log says ${words} [1].`, tokenDelayMs: 40 });
    const env = { LLM_BASE_URL: fakeLlm.baseUrl, LLM_MODEL: 'fake' };
    let s = (server = await respawn(dataDir, env));
    const question = `What does the log say about ${pagePhrase(7)}?`;
    const res = await postChat(s.url, { messages: [{ role: 'user', content: question }] });
    let conversationId = '';
    let answers = 0;
    try {
      for await (const e of streamEvents(res)) {
        if (e.type === 'start') conversationId = e.conversationId;
        if (e.type === 'answer' && ++answers === 5) await s.kill9();
      }
    } catch {
      // the connection drops with the process
    }
    await s.kill9();
    expect(conversationId).not.toBe('');
    expect(answers).toBeGreaterThanOrEqual(5);
    expect(integrityCheck(dataDir)).toBe('ok');

    s = server = await respawn(dataDir);
    await expectCleanStart(s, 'after kill -9 mid-answer');
    const conv = await fetch(`${s.url}/api/conversations/${conversationId}`);
    expect(conv.status).toBe(200);
    const { conversation } = (await conv.json()) as { conversation: { messages: { role: string; content: string; status: string }[] } };
    expect(conversation.messages[0]).toMatchObject({ role: 'user', content: question, status: 'complete' });
    const assistant = conversation.messages.filter((m) => m.role === 'assistant');
    expect(assistant.length).toBeLessThanOrEqual(1);
    if (assistant[0]) expect(assistant[0].status).toBe('incomplete');
    await s.kill9();
    server = null;
  });
});
