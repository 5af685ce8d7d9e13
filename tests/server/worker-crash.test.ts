/**
 * Issue 12 item 3, RELIABILITY row 52: an extraction worker killed with SIGKILL in the middle of a long document
 * (the OOM killer, an operator) does not fail a valid file. The range it was reading is taken up again on a fresh
 * worker from the first page not yet stored; only a file that kills workers again is failed. The workers are the
 * real server's child processes, found through /proc and killed from outside.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ingest, settled, uploadOk } from '../support/api.js';
import { bigTextPdf, pagePhrase, spawnServer, withDb, workerPids, type ChildServer } from '../support/child-server.js';
import { memoryBombPdf, textPdf } from '../support/pdfs.js';

const PAGES = 1300;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

let dataDir: string;
let server: ChildServer;

beforeAll(async () => {
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'pagewise-worker-crash-'));
  server = await spawnServer(dataDir, { INGEST_WORKERS: '2' }, 120_000);
});

afterAll(async () => {
  await server?.kill9();
  if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
});

function progress(id: string): { status: string; pages_done: number } {
  return withDb(dataDir, (db) => db.prepare('SELECT status, pages_done FROM documents WHERE id = ?').get(id) as { status: string; pages_done: number });
}

/** Wait until at least `pages` pages of the document are stored. */
async function storedAtLeast(id: string, pages: number): Promise<{ status: string; pages_done: number }> {
  const deadline = Date.now() + 120_000;
  for (;;) {
    const p = progress(id);
    if (p.pages_done >= pages || p.status !== 'processing' && p.status !== 'queued') return p;
    if (Date.now() > deadline) throw new Error(`only ${p.pages_done} pages stored after 120 s`);
    await sleep(10);
  }
}

describe('an extraction worker killed mid-document', () => {
  it('is replaced and the document ends ready with every page and its own text', { timeout: 240_000 }, async () => {
    const { documents } = await uploadOk(server.url, [{ name: 'field-log-1300.pdf', data: await bigTextPdf(PAGES) }]);
    const id = documents[0]!.id;
    const atKill = await storedAtLeast(id, 150);
    expect(atKill.status, 'the document is still being read when the worker is killed').toBe('processing');
    const workers = workerPids(server);
    expect(workers.length, 'extraction workers running').toBeGreaterThan(0);
    const victim = workers[0]!;
    process.kill(victim, 'SIGKILL');
    console.log(`worker-crash: killed worker ${victim} of ${workers.join(', ')} at ${atKill.pages_done} of ${PAGES} pages stored`);
    expect(atKill.pages_done).toBeLessThan(PAGES * 0.8);

    const doc = await settled(server.url, id, 200_000);
    expect(doc.error ?? null, 'the document was not failed').toBeNull();
    expect(doc).toMatchObject({ status: 'ready', pages: PAGES, pagesDone: PAGES });
    const rows = withDb(dataDir, (db) =>
      db.prepare('SELECT page_number, text FROM pages WHERE document_id = ? ORDER BY page_number').all(id),
    ) as { page_number: number; text: string }[];
    expect(rows.map((r) => r.page_number)).toEqual(Array.from({ length: PAGES }, (_, i) => i + 1));
    const wrong = rows.filter((r) => !r.text.includes(pagePhrase(r.page_number)) || !r.text.startsWith(`Section ${r.page_number}.`));
    expect(wrong.map((r) => r.page_number), 'pages whose text is not their own').toEqual([]);
    expect(workerPids(server), 'the killed worker is gone').not.toContain(victim);
  });

  it('a document whose readers keep dying ends failed with PDF_MALFORMED, and the server keeps serving', { timeout: 240_000 }, async () => {
    const { documents } = await uploadOk(server.url, [{ name: 'field-log-1250.pdf', data: await bigTextPdf(1250) }]);
    const id = documents[0]!.id;
    // Each time the document has made progress (a batch of pages stored, so fresh workers are reading it),
    // kill every worker: the file seems to kill every worker that reads it.
    const killed = new Set<number>();
    for (let stored = 1; ; ) {
      const p = await storedAtLeast(id, stored);
      if (p.status !== 'processing') break;
      for (const pid of workerPids(server)) {
        killed.add(pid);
        try {
          process.kill(pid, 'SIGKILL');
        } catch {
          // it ended meanwhile
        }
      }
      stored = p.pages_done + 1;
    }
    const doc = await settled(server.url, id, 5_000);
    console.log(`worker-crash: ${killed.size} workers killed before the document was given up (${doc.status}, ${doc.error?.code ?? ''})`);
    expect(doc.status).toBe('failed');
    expect(doc.error?.code).toBe('PDF_MALFORMED');
    expect(doc.error?.message).toMatch(/^The PDF crashed .*\.$/);
    expect(doc.pagesDone).toBeLessThan(1250);

    const after = await ingest(server.url, { name: 'after.pdf', data: await textPdf([['Still serving after repeated worker deaths.']]) });
    expect(after).toMatchObject({ status: 'ready', pages: 1 });
  });
});

describe('a decompression bomb over the worker memory limit', () => {
  it('kills its worker every time and ends failed with PDF_TOO_COMPLEX; a fresh worker reads the next document', { timeout: 240_000 }, async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pagewise-bomb-'));
    const limited = await spawnServer(dir, { INGEST_WORKERS: '1', PARSE_MAX_RSS_MB: '550' }, 120_000);
    try {
      const seen = new Set<number>();
      const sampler = setInterval(() => workerPids(limited).forEach((pid) => seen.add(pid)), 20);
      const t0 = Date.now();
      const data = await memoryBombPdf(420);
      const t1 = Date.now();
      const bomb = await ingest(limited.url, { name: 'bomb.pdf', data });
      console.log(`worker-crash: bomb made in ${t1 - t0} ms (${data.length} bytes), settled in ${Date.now() - t1} ms`);
      clearInterval(sampler);
      expect(bomb.status).toBe('failed');
      expect(bomb.error?.code).toBe('PDF_TOO_COMPLEX');
      expect(bomb.error?.message).toMatch(/more than 550 MB of memory/);
      // The worker was killed at page 2, the page was tried once more on a fresh worker, and then the file blamed.
      const alive = new Set(workerPids(limited));
      const killed = [...seen].filter((pid) => !alive.has(pid));
      console.log(`worker-crash: the bomb was given up after ${killed.length} workers were killed`);
      expect(killed).toHaveLength(2);
      const after = await ingest(limited.url, { name: 'after.pdf', data: await textPdf([['Read after the bomb.']]) });
      expect(after, `${JSON.stringify(after)}\n${limited.output()}`).toMatchObject({ status: 'ready', pages: 1 });
    } finally {
      await limited.kill9();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
