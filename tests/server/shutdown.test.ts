/**
 * Issue 5, operations (and the SIGTERM variant of T6): the real server (`node --import tsx server/src/main.ts`)
 * gets SIGTERM while an answer streams from a slow model, a 300-page PDF is being extracted and an upload body is
 * still arriving. The stream must end with an `error` event SHUTTING_DOWN, the process must exit with code 0
 * within 10 s, and a restart on the same DATA_DIR must resume the interrupted ingestion to `ready` with an intact
 * database, no temp leftovers and a vector index that matches SQLite.
 */
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import hnswlib from 'hnswlib-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HealthResponseSchema, type ChatEvent } from '@pagewise/shared';
import { listDocuments, search, uploadOk } from '../support/api.js';
import { getConversation, postChat, streamEvents } from '../support/chat.js';
import { bigTextPdf, docRows, integrityCheck, listDir, pagePhrase, readyChunkIds, spawnServer, type ChildServer } from '../support/child-server.js';
import { fixtureFile } from '../support/fixtures.js';
import { startFakeLlm, type FakeLlm } from '../support/fake-llm.js';
import { waitForIngestion } from '../support/server.js';

const SMALL = [fixtureFile('ntsb', '20080111X00040.pdf'), fixtureFile('ntsb', '20080124X00101.pdf')];

let dataDir: string;
let bigPdf: Uint8Array;
let llm: FakeLlm;
let server: ChildServer | null = null;
let slowUpload: http.ClientRequest | null = null;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
/** Start the server, first killing one a failed test may have left running. */
async function respawn(...args: Parameters<typeof spawnServer>): Promise<ChildServer> {
  await server?.kill9();
  server = null;
  return spawnServer(...args);
}
const readyTotal = () => [...readyChunkIds(dataDir).values()].reduce((n, ids) => n + ids.length, 0);

/** Start a multipart upload and send only part of the file: the request stays open with a temp file on disk. */
function startSlowUpload(port: number): http.ClientRequest {
  const boundary = `----pagewise-slow-${Date.now()}`;
  const req = http.request({
    host: '127.0.0.1',
    port,
    method: 'POST',
    path: '/api/documents',
    headers: { 'content-type': `multipart/form-data; boundary=${boundary}`, 'transfer-encoding': 'chunked' },
  });
  req.on('error', () => undefined); // the connection goes away with the process
  req.write(`--${boundary}\r\nContent-Disposition: form-data; name="files"; filename="slow.pdf"\r\nContent-Type: application/pdf\r\n\r\n`);
  req.write(Buffer.from(bigPdf.subarray(0, 64 * 1024)));
  return req;
}

async function until(what: string, check: () => boolean | Promise<boolean>, ms = 60_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}\n${server?.output() ?? ''}`);
    await sleep(50);
  }
}

beforeAll(async () => {
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'pagewise-shutdown-'));
  bigPdf = await bigTextPdf(300);
  llm = await startFakeLlm();
  const words = Array.from({ length: 600 }, (_, i) => `w${i}`).join(' ');
  llm.always({ kind: 'ok', content: `According to the field log, ${words} [1].`, tokenDelayMs: 40 });
});

afterAll(async () => {
  slowUpload?.destroy();
  await server?.kill9();
  await llm?.close();
  if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
});

describe('SIGTERM with work in flight', () => {
  let conversationId = '';
  let question = '';
  let bigId = '';

  it('ends open streams with SHUTTING_DOWN and exits with code 0 within 10 s', { timeout: 120_000 }, async () => {
    const s = (server = await respawn(dataDir, { LLM_BASE_URL: llm.baseUrl, LLM_MODEL: 'fake' }));
    const first = await uploadOk(s.url, [{ path: SMALL[0]! }]);
    await waitForIngestion(s.url);

    // A 300-page PDF (and a small one queued behind it) under extraction…
    const second = await uploadOk(s.url, [{ name: 'field-log-300.pdf', data: bigPdf }, { path: SMALL[1]! }]);
    bigId = second.documents[0]!.id;
    await until('extraction of the 300-page PDF', async () => {
      const big = (await listDocuments(s.url)).find((d) => d.id === bigId);
      return big?.status === 'processing' && big.pages !== null;
    });
    // …an upload whose body is still arriving…
    slowUpload = startSlowUpload(s.port);
    await until('the partial upload in DATA_DIR/tmp', () => listDir(path.join(dataDir, 'tmp')).length > 0);
    // …and an answer streaming from a slow model.
    question = `What does the field log say about ${pagePhrase(42)}?`;
    const res = await postChat(s.url, { messages: [{ role: 'user', content: question }] });
    const events: ChatEvent[] = [];
    let sentAt = 0;
    for await (const e of streamEvents(res)) {
      events.push(e);
      if (e.type === 'start') conversationId = e.conversationId;
      if (e.type === 'answer' && !sentAt && events.filter((x) => x.type === 'answer').length >= 3) {
        sentAt = Date.now();
        s.proc.kill('SIGTERM');
      }
    }
    expect(sentAt, 'the answer streamed before SIGTERM').toBeGreaterThan(0);
    const last = events[events.length - 1]!;
    expect(last).toMatchObject({ type: 'error', code: 'SHUTTING_DOWN' });
    expect(events.some((e) => e.type === 'done')).toBe(false);

    const exit = await Promise.race([s.exited, sleep(10_000).then(() => null)]);
    const ms = Date.now() - sentAt;
    expect(exit, `still running 10 s after SIGTERM\n${s.output()}`).not.toBeNull();
    expect(exit, s.output()).toEqual({ code: 0, signal: null });
    expect(ms).toBeLessThan(10_000);
    console.log(`shutdown: exited 0 ${ms} ms after SIGTERM; big PDF was ${docRows(dataDir).find((r) => r.id === bigId)?.status}`);
    server = null;
    slowUpload.destroy();

    expect(integrityCheck(dataDir)).toBe('ok');
    const rows = docRows(dataDir);
    expect(rows.map((r) => r.id).sort()).toEqual([first.documents[0]!.id, bigId, second.documents[1]!.id].sort());
    for (const r of rows) expect(['queued', 'processing', 'ready'], r.name).toContain(r.status);
    for (const r of rows) expect(fs.existsSync(path.join(dataDir, 'files', `${r.id}.pdf`)), r.name).toBe(true);
  });

  it('after a restart the interrupted ingestion resumes to ready, with nothing half-done or left over', { timeout: 120_000 }, async () => {
    const s = (server = await respawn(dataDir));
    expect(listDir(path.join(dataDir, 'tmp')), 'partial upload removed at start-up').toEqual([]);
    await waitForIngestion(s.url);
    const docs = await listDocuments(s.url);
    expect(docs.map((d) => [d.name, d.status]).sort()).toEqual(
      [['field-log-300.pdf', 'ready'], ...SMALL.map((f) => [path.basename(f), 'ready'])].sort(),
    );
    expect(docs.find((d) => d.id === bigId)).toMatchObject({ pages: 300, pagesDone: 300 });
    expect(listDir(path.join(dataDir, 'files')).sort()).toEqual(docs.map((d) => `${d.id}.pdf`).sort());
    const health = HealthResponseSchema.parse(await (await fetch(`${s.url}/api/health`)).json());
    expect(health.index).toEqual({ vectors: readyTotal(), state: 'ready' });
    const hits = await search(s.url, { query: pagePhrase(250), k: 3 });
    expect(hits[0]).toMatchObject({ documentId: bigId, page: 250 });

    const conversation = await getConversation(s.url, conversationId);
    expect(conversation.messages[0]).toMatchObject({ role: 'user', content: question });
    for (const m of conversation.messages.slice(1)) expect(m).toMatchObject({ role: 'assistant', status: 'incomplete' });

    // An idle SIGTERM is quick too, and it leaves the saved index equal to the ready chunks.
    const t0 = Date.now();
    s.proc.kill('SIGTERM');
    expect(await s.exited).toEqual({ code: 0, signal: null });
    expect(Date.now() - t0).toBeLessThan(10_000);
    server = null;
    expect(integrityCheck(dataDir)).toBe('ok');
    const file = path.join(dataDir, 'index', 'vectors.hnsw');
    const index = new hnswlib.HierarchicalNSW('cosine', health.embedder.dimension!);
    index.readIndexSync(file, true);
    const live = index.getIdsList().filter((id) => {
      try {
        index.getPoint(id);
        return true;
      } catch {
        return false;
      }
    });
    expect(live.sort((a, b) => a - b)).toEqual([...readyChunkIds(dataDir).values()].flat().sort((a, b) => a - b));
  });
});
