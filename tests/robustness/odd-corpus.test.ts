/**
 * Robustness over pdf.js' own corpus of odd, broken, encrypted and hostile PDFs (the optional corpus `pdfjs-odd`,
 * in PAGEWISE_CORPORA or ../shared/corpora; issue 6 check 2): every file ends `ready` or `failed` with a stable
 * code and a sentence, no file takes more than the configured limit, the server stays up, and health answers
 * quickly throughout (T2: p99 < 200 ms). Without the corpus the test is skipped, saying so.
 */
import path from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DocumentsListResponseSchema, ERROR_CODES } from '@pagewise/shared';
import { corpusMissing, corpusPdfs } from '../support/corpora.js';
import { startTestServer, upload, type TestServer } from '../support/server.js';
import { percentile } from '../eval/metrics.js';

const PARSE_TIMEOUT_MS = 30_000;
const PARSE_PAGE_TIMEOUT_MS = 15_000;
// Slack for the kill and the bookkeeping after the limit fires.
const SLACK_MS = 5_000;

const MISSING = corpusMissing('pdfjs-odd');

let s: TestServer;
beforeAll(async () => {
  if (MISSING) return;
  s = await startTestServer({
    INGEST_WORKERS: '2',
    PARSE_TIMEOUT_MS: String(PARSE_TIMEOUT_MS),
    PARSE_PAGE_TIMEOUT_MS: String(PARSE_PAGE_TIMEOUT_MS),
    PARSE_MAX_RSS_MB: '1024',
  });
  await s.services.index();
});
afterAll(() => s?.close());

describe('pdf.js odd corpus', () => {
  it('ends every file ready or failed with a stable code, within the limit, with health responsive', async (ctx) => {
    if (MISSING) return ctx.skip(MISSING);
    const files = corpusPdfs('pdfjs-odd');
    expect(files.length).toBeGreaterThanOrEqual(200);
    const healthMs: number[] = [];
    let healthFailures = 0;
    let polling = true;
    const poller = (async () => {
      while (polling) {
        const t = performance.now();
        try {
          const res = await fetch(`${s.url}/api/health`);
          await res.arrayBuffer();
          if (!res.ok) healthFailures++;
        } catch {
          healthFailures++;
        }
        healthMs.push(performance.now() - t);
        await new Promise((r) => setTimeout(r, 50));
      }
    })();

    const loop = monitorEventLoopDelay({ resolution: 10 });
    loop.enable();
    const rejected: Record<string, string[]> = {};
    const t0 = Date.now();
    for (let i = 0; i < files.length; i += 30) {
      const res = await upload(s.url, files.slice(i, i + 30).map((p) => ({ path: p })));
      const body = (await res.json()) as { rejected?: { name: string; error: { code: string } }[]; error?: { code: string } };
      expect(res.status, JSON.stringify(body).slice(0, 300)).toBeLessThan(500);
      for (const r of body.rejected ?? []) (rejected[r.error.code] ??= []).push(r.name);
    }
    let docs = DocumentsListResponseSchema.parse(await (await fetch(`${s.url}/api/documents`)).json()).documents;
    while (docs.some((d) => d.status === 'queued' || d.status === 'processing')) {
      await new Promise((r) => setTimeout(r, 500));
      docs = DocumentsListResponseSchema.parse(await (await fetch(`${s.url}/api/documents`)).json()).documents;
    }
    polling = false;
    await poller;
    loop.disable();

    const outcomes: Record<string, number> = {};
    for (const d of docs) {
      const key = d.status === 'ready' ? 'ready' : `failed:${d.error?.code}`;
      outcomes[key] = (outcomes[key] ?? 0) + 1;
      expect(['ready', 'failed']).toContain(d.status);
      if (d.status === 'failed') {
        expect(ERROR_CODES).toContain(d.error?.code);
        expect(d.error?.code).not.toBe('INTERNAL_ERROR');
        expect(d.error?.message.length).toBeGreaterThan(20);
      } else {
        expect(d.chunks).toBeGreaterThan(0);
      }
      expect(d.processingMs, d.name).not.toBeNull();
      expect(d.processingMs!, d.name).toBeLessThanOrEqual(PARSE_TIMEOUT_MS + SLACK_MS);
    }
    const accepted = docs.length + Object.values(rejected).reduce((a, v) => a + v.length, 0);
    // Identical files in the corpus collapse into one document; every file is accounted for.
    expect(accepted).toBeLessThanOrEqual(files.length);
    expect(docs.length).toBeGreaterThan(files.length * 0.9);
    const p99 = percentile(healthMs, 99);
    const slowest = [...docs].sort((a, b) => (b.processingMs ?? 0) - (a.processingMs ?? 0)).slice(0, 3);
    console.log(
      `pdfjs-odd: ${files.length} files, ${docs.length} documents in ${((Date.now() - t0) / 1000).toFixed(1)} s — ` +
        `${Object.entries(outcomes).sort().map(([k, v]) => `${k} ${v}`).join(', ')}` +
        `${Object.keys(rejected).length ? `; rejected at upload: ${Object.entries(rejected).map(([k, v]) => `${k} ${v.length}`).join(', ')}` : ''}; ` +
        `health p50 ${percentile(healthMs, 50).toFixed(1)} ms, p99 ${p99.toFixed(1)} ms over ${healthMs.length} polls ` +
        `(server event-loop delay p99 ${(loop.percentile(99) / 1e6).toFixed(1)} ms, max ${(loop.max / 1e6).toFixed(1)} ms); ` +
        `slowest ${slowest.map((d) => `${path.basename(d.name)} ${d.processingMs} ms`).join(', ')}`,
    );
    expect(healthFailures).toBe(0);
    expect(p99).toBeLessThan(200);
    expect(outcomes.ready).toBeGreaterThan(100);
  });
});
