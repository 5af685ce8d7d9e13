/**
 * Ingestion benchmark (issue 6): the sec-10-q and ntsb corpora plus R's 2,415-page reference manual
 * (Debian `r-doc-pdf`), against Debian's `pdftotext` run over the same files, one at a time, in the same run.
 * Reports pages/s for extraction alone (the worker pool, both cores) and for the whole pipeline with the
 * built-in embedder, each as a ratio to pdftotext; per-document extraction p95 for documents up to 170 pages;
 * the manual's time to ready; peak RSS of the server process and of the workers.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ExtractionPool } from '../../server/src/ingest/pool.js';
import { assignIdleWorkers, DocumentExtraction } from '../../server/src/ingest/ranges.js';
import { createLogger } from '../../server/src/logger.js';
import { percentile } from '../eval/metrics.js';
import { corpusPdfs } from '../support/corpora.js';
import { startTestServer, upload, waitForIngestion } from '../support/server.js';

export const MANUAL = '/usr/share/R/doc/manual/fullrefman.pdf';

function pdfPages(file: string): number {
  const out = execFileSync('pdfinfo', [file], { encoding: 'utf8' });
  return Number(/^Pages:\s+(\d+)/m.exec(out)?.[1] ?? 0);
}

function sampleRss(): { stop: () => number } {
  let peak = process.memoryUsage().rss;
  const t = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 50);
  return { stop: () => (clearInterval(t), peak / 1048576) };
}

export async function benchIngest(): Promise<Record<string, number>> {
  if (!fs.existsSync(MANUAL)) throw new Error(`${MANUAL} is missing: apt-get install r-doc-pdf`);
  const files = [...corpusPdfs('sec-10-q'), ...corpusPdfs('ntsb'), MANUAL];
  const pages = new Map(files.map((f) => [f, pdfPages(f)]));
  const totalPages = [...pages.values()].reduce((a, b) => a + b, 0);
  const workers = Math.max(2, Math.min(2, os.availableParallelism()));

  // Reference: pdftotext, one file at a time.
  let t = performance.now();
  for (const f of files) execFileSync('pdftotext', [f, '/dev/null']);
  const refSeconds = (performance.now() - t) / 1000;

  // Extraction alone: the worker pool scheduled as the pipeline schedules it (documents in arrival order, idle
  // workers take over part of a running document), without chunking or indexing.
  const pool = new ExtractionPool({ size: workers, timeoutMs: 600_000, pageTimeoutMs: 60_000, maxRssMb: 2048, log: createLogger({ level: 'warn' }) });
  const perDoc: number[] = [];
  const slowest: { file: string; pages: number; ms: number; ranges: number }[] = [];
  t = performance.now();
  await pool.whenWarm(); // as in the server, where workers start when work arrives
  const coldStartSeconds = (performance.now() - t) / 1000;
  t = performance.now();
  const queue = [MANUAL, ...files.filter((f) => f !== MANUAL)];
  const running = new Set<DocumentExtraction>();
  await new Promise<void>((resolve, reject) => {
    const assign = (): void =>
      assignIdleWorkers(pool, running, (slot) => {
        const f = queue.shift();
        if (!f) return false;
        const t0 = performance.now();
        const d = new DocumentExtraction(pool, f, { maxPages: 10_000, maxChars: 1e9 }, { onMeta: () => undefined, onPage: () => undefined }, () => setImmediate(assign));
        running.add(d);
        d.run(slot).then(() => {
          running.delete(d);
          const ms = performance.now() - t0;
          if ((pages.get(f) ?? 0) <= 170) {
            perDoc.push(ms);
            slowest.push({ file: path.basename(f), pages: pages.get(f) ?? 0, ms: Math.round(ms), ranges: d.rangeCount });
          }
          if (running.size === 0 && queue.length === 0) resolve();
          else setImmediate(assign);
        }, reject);
        return true;
      });
    assign();
  });
  slowest.sort((a, b) => b.ms - a.ms);
  console.log(`  slowest documents ≤ 170 pages (extraction alone): ${slowest.slice(0, 4).map((x) => `${x.file} ${x.pages} p ${x.ms} ms in ${x.ranges} range(s)`).join('; ')}`);
  const extractSeconds = (performance.now() - t) / 1000 + coldStartSeconds;
  const workerPeak = pool.peakWorkerRssMb;
  await pool.close();

  // Whole pipeline through the HTTP API with the built-in embedder.
  const server = await startTestServer({ INGEST_WORKERS: String(workers), EMBEDDER: 'builtin', LOG_LEVEL: 'warn' });
  await server.services.index();
  const rss = sampleRss();
  t = performance.now();
  const manualStart = performance.now();
  await upload(server.url, [{ path: MANUAL }]);
  await waitForIngestion(server.url, 600_000);
  const manualSeconds = (performance.now() - manualStart) / 1000;
  const small = files.filter((f) => f !== MANUAL);
  for (let i = 0; i < small.length; i += 20) await upload(server.url, small.slice(i, i + 20).map((p) => ({ path: p })));
  await waitForIngestion(server.url, 600_000);
  const pipelineSeconds = (performance.now() - t) / 1000;
  const serverPeak = rss.stop();
  const pipelineWorkerPeak = server.services.pool.peakWorkerRssMb;
  const docs = ((await (await fetch(`${server.url}/api/documents`)).json()) as { documents: { status: string }[] }).documents;
  await server.close();
  if (docs.some((d) => d.status !== 'ready')) throw new Error('not every benchmark document became ready');

  const refRate = totalPages / refSeconds;
  return {
    documents: files.length,
    pages: totalPages,
    pdftotextPagesPerSec: refRate,
    extractPagesPerSec: totalPages / extractSeconds,
    extractRatio: totalPages / extractSeconds / refRate,
    pipelinePagesPerSec: totalPages / pipelineSeconds,
    pipelineRatio: totalPages / pipelineSeconds / refRate,
    extractP95MsUpTo170Pages: percentile(perDoc, 95),
    manualReadySeconds: manualSeconds,
    workerColdStartSeconds: coldStartSeconds,
    serverPeakRssMb: serverPeak,
    workerPeakRssMb: Math.max(workerPeak, pipelineWorkerPeak),
  };
}

export function printIngest(r: Record<string, number>): void {
  const f = (x: number | undefined, d = 1) => (x ?? 0).toFixed(d);
  console.log(
    [
      `ingest: ${r.documents} documents, ${r.pages} pages (sec-10-q + ntsb + ${path.basename(MANUAL)})`,
      `  pdftotext (one file at a time): ${f(r.pdftotextPagesPerSec)} pages/s`,
      `  extraction alone (2 workers):   ${f(r.extractPagesPerSec)} pages/s = ${f(r.extractRatio, 2)}× pdftotext (target ≥ 0.5×)`,
      `  whole pipeline, built-in embedder: ${f(r.pipelinePagesPerSec)} pages/s = ${f(r.pipelineRatio, 2)}× pdftotext (target ≥ 0.35×)`,
      `  extraction p95 for documents ≤ 170 pages: ${f(r.extractP95MsUpTo170Pages, 0)} ms (target ≤ 1500; workers warm — a cold start of both took ${f(r.workerColdStartSeconds)} s, counted in the rates)`,
      `  2,415-page manual ready in ${f(r.manualReadySeconds)} s (target < 30)`,
      `  peak RSS: server ${f(r.serverPeakRssMb, 0)} MB (target < 1024), workers ${f(r.workerPeakRssMb, 0)} MB`,
    ].join('\n'),
  );
}
