/**
 * Scale benchmark (issue 23): grows a library of generated PDFs (scale-corpus.ts) through chunk counts (10k / 50k /
 * 100k, 200k with --big) on the baseline commit and on this checkout, one after the other on the same corpus, and at
 * each size measures search latency sequential and with 8 clients, extractive chat, memory, data size, restart to
 * first search, /api/health while a large document is ingested, and unique-word hit@1.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { percentile } from '../eval/metrics.js';
import { prng } from '../support/child-server.js';
import { corpusDocument, questions, sentences, uniqueWord } from './scale-corpus.js';
import { baselineCheckout, ScaleServer } from './scale-server.js';
import { REPO_ROOT } from '../support/corpora.js';

export interface ScaleOptions {
  sizes: number[];
  pages: number;
  baseline: string;
  /** Measure this commit (in a temporary worktree) as the new code instead of this checkout's files. */
  newCommit?: string;
  variants: ('baseline' | 'new')[];
}

export interface ScaleRow {
  chunks: number;
  searchP50: number;
  searchP95: number;
  concP50: number;
  concQps: number;
  chatP50: number;
  rssMain: number;
  rssAll: number;
  dataMb: number;
  shutdownMs: number;
  restartMs: number;
  healthP99: number;
  healthMax: number;
  listMax: number;
  hit1: number;
  /** The machine's 1-minute load average when the row was measured (other work slows every figure). */
  load: number;
}

/** GET (retried: a kept-alive connection the server closes as a request goes out fails it) or POST of JSON. */
async function json(url: string, body?: unknown): Promise<Response> {
  if (body !== undefined) return fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  for (let attempt = 1; ; attempt++) {
    try {
      return await fetch(url);
    } catch (err) {
      if (attempt >= 3) throw err;
    }
  }
}

async function timed<T>(fn: () => Promise<T>): Promise<{ ms: number; value: T }> {
  const t = performance.now();
  const value = await fn();
  return { ms: performance.now() - t, value };
}

type Hit = { documentId: string; page: number };
async function search(url: string, query: string, k = 5): Promise<Hit[]> {
  const res = await json(`${url}/api/search`, { query, k });
  if (!res.ok) throw new Error(`search answered ${res.status}: ${await res.text()}`);
  return ((await res.json()) as { results: Hit[] }).results;
}

async function chunkCount(url: string): Promise<number> {
  return ((await (await json(`${url}/api/health`)).json()) as { index: { vectors: number } }).index.vectors;
}

/** The library as grown so far: document ids by corpus index. */
interface Library {
  ids: string[];
}

async function ingest(s: ScaleServer, lib: Library, pages: number, pool: () => string[], probe: boolean) {
  const file = await corpusDocument(lib.ids.length, pages, pool);
  const form = new FormData();
  form.append('files', new Blob([fs.readFileSync(file)], { type: 'application/pdf' }), path.basename(file));
  const res = await fetch(`${s.url}/api/documents`, { method: 'POST', body: form });
  if (!res.ok) throw new Error(`upload answered ${res.status}: ${await res.text()}`);
  const id = ((await res.json()) as { documents: { id: string }[] }).documents[0]!.id;
  lib.ids.push(id);
  const health: number[] = [];
  const list: number[] = [];
  for (let i = 0; ; i++) {
    const { ms, value } = await timed(() => json(`${s.url}/api/documents/${id}`).then((r) => r.json() as Promise<{ document: { status: string } }>));
    if (probe) {
      health.push((await timed(() => json(`${s.url}/api/health`).then((r) => r.text()))).ms);
      if (i % 10 === 0) list.push((await timed(() => json(`${s.url}/api/documents`).then((r) => r.text()))).ms);
      list.push(ms);
    }
    if (value.document.status === 'ready') break;
    if (value.document.status === 'failed') throw new Error(`corpus document ${file} failed to ingest`);
    await new Promise((r) => setTimeout(r, probe ? 25 : 250));
  }
  return { id, health, list };
}

async function concurrent(url: string, qs: string[], clients: number) {
  const lat: number[] = [];
  let next = 0;
  const t = performance.now();
  await Promise.all(
    Array.from({ length: clients }, async () => {
      while (next < qs.length) {
        const q = qs[next++]!;
        lat.push((await timed(() => search(url, q))).ms);
      }
    }),
  );
  return { p50: percentile(lat, 50), qps: qs.length / ((performance.now() - t) / 1000) };
}

async function chat(url: string, q: string): Promise<void> {
  const res = await json(`${url}/api/chat`, { messages: [{ role: 'user', content: q }] });
  const text = await res.text();
  if (!res.ok || !text.includes('event: done')) throw new Error(`chat failed (${res.status}): ${text.slice(0, 300)}`);
}

async function hitAt1(url: string, lib: Library, pages: number, n: number, seed: number): Promise<number> {
  const rand = prng(seed);
  let hits = 0;
  for (let i = 0; i < n; i++) {
    const doc = Math.floor(rand() * lib.ids.length);
    const page = 1 + Math.floor(rand() * pages);
    const top = (await search(url, uniqueWord(doc, page), 3))[0];
    if (top && top.documentId === lib.ids[doc] && top.page === page) hits++;
  }
  return hits / n;
}

async function measure(s: ScaleServer, lib: Library, o: ScaleOptions, pool: string[], probe: { health: number[]; list: number[] }): Promise<ScaleRow> {
  const chunks = await chunkCount(s.url);
  const qs = questions(300, chunks, pool);
  for (const q of qs.slice(0, 10)) await search(s.url, q); // warm
  const seq: number[] = [];
  for (const q of qs.slice(0, 100)) seq.push((await timed(() => search(s.url, q))).ms);
  const conc = await concurrent(s.url, qs.slice(100, 300), 8);
  const chats: number[] = [];
  for (const q of qs.slice(0, 20)) chats.push((await timed(() => chat(s.url, q))).ms);
  const hit1 = await hitAt1(s.url, lib, o.pages, 100, chunks);
  const rss = s.rss();
  const dataMb = s.dataBytes() / 1048576;
  const shutdownMs = await s.stop();
  const t = performance.now();
  await s.start();
  for (;;) {
    const ok = await search(s.url, qs[0]!).then((r) => r.length > 0, () => false);
    if (ok) break;
    await new Promise((r) => setTimeout(r, 20));
  }
  const restartMs = performance.now() - t;
  return {
    chunks,
    searchP50: percentile(seq, 50),
    searchP95: percentile(seq, 95),
    concP50: conc.p50,
    concQps: conc.qps,
    chatP50: percentile(chats, 50),
    rssMain: rss.main,
    rssAll: rss.all,
    dataMb,
    shutdownMs,
    restartMs,
    healthP99: percentile(probe.health, 99),
    healthMax: Math.max(0, ...probe.health),
    listMax: Math.max(0, ...probe.list),
    hit1,
    load: os.loadavg()[0]!,
  };
}

/**
 * Grows one library with the new code; at each size, one document short of it, a copy of the data directory goes
 * to the baseline server, and both servers ingest the same last document (probing /api/health meanwhile) and are
 * measured on the same library. So the corpus is ingested once, not once per server.
 */
export async function benchScale(o: ScaleOptions, log: (variant: string, row: ScaleRow) => void): Promise<Record<string, ScaleRow[]>> {
  const pool = sentences();
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'pagewise-scale-'));
  const checkouts = Object.fromEntries(o.variants.map((v) => [v, v === 'new' && !o.newCommit ? null : baselineCheckout(v === 'new' ? o.newCommit! : o.baseline)]));
  const root = (v: string) => checkouts[v]?.root ?? REPO_ROOT;
  const grower = new ScaleServer(root('new'), path.join(work, 'new'));
  const out: Record<string, ScaleRow[]> = Object.fromEntries(o.variants.map((v) => [v, []]));
  const lib: Library = { ids: [] };
  let perDoc = 0;
  try {
    await grower.start();
    for (const target of o.sizes) {
      for (;;) {
        const chunks = await chunkCount(grower.url);
        if (perDoc > 0 && chunks + perDoc >= target) break;
        await ingest(grower, lib, o.pages, () => pool, false);
        perDoc = Math.max(perDoc, (await chunkCount(grower.url)) - chunks);
      }
      await grower.stop();
      for (const v of [...o.variants].sort((a) => (a === 'new' ? 1 : -1))) {
        const s = v === 'new' ? grower : new ScaleServer(root(v), path.join(work, v));
        if (s !== grower) fs.cpSync(grower.dataDir, s.dataDir, { recursive: true });
        await s.start();
        const probe = await ingest(s, { ids: [...lib.ids] }, o.pages, () => pool, true);
        const row = await measure(s, { ids: [...lib.ids, probe.id] }, o, pool, probe);
        out[v]!.push(row);
        log(v === 'new' ? 'new' : `baseline ${o.baseline}`, row);
        if (s === grower) lib.ids.push(probe.id);
        else {
          await s.stop();
          fs.rmSync(s.dataDir, { recursive: true, force: true });
        }
      }
    }
  } catch (err) {
    console.error(`scale benchmark failed; last server output:\n${grower.output().slice(-3000)}`);
    throw err;
  } finally {
    await grower.stop().catch(() => undefined);
    for (const c of Object.values(checkouts)) c?.remove();
    fs.rmSync(work, { recursive: true, force: true });
  }
  return out;
}
