/**
 * Ingestion benchmark (issues 6, 19 and 21): the sec-10-q and ntsb corpora plus R's 2,415-page reference manual
 * (Debian `r-doc-pdf`), against Debian's `pdftotext` run over the same files, one at a time, in the same run.
 * Reports pages/s for extraction alone (the worker pool, both cores) and for the whole pipeline with the
 * built-in embedder, each as a ratio to pdftotext; CPU-seconds per 1,000 pages of extraction alone (the
 * workers' own CPU, start-up included) against pdftotext's; per-document extraction p95 for documents up to 170
 * pages; the manual's time to ready; the health endpoint's p99 latency while ingesting; peak RSS of the server
 * process and of the workers; the load average, since the machine may be shared.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ExtractionPool } from '../../server/src/ingest/pool.js';
import { assignIdleWorkers, DocumentExtraction } from '../../server/src/ingest/document-extraction.js';
import { createLogger } from '../../server/src/logger.js';
import { percentile } from '../eval/metrics.js';
import { corpusPdfs } from '../support/corpora.js';
import { startTestServer, upload, waitForIngestion } from '../support/server.js';
import { childCpuSeconds, sampleHealth, sampleRss, waitForChildren } from './probes.js';

export const MANUAL = '/usr/share/R/doc/manual/fullrefman.pdf';

function pdfPages(file: string): number {
  const out = execFileSync('pdfinfo', [file], { encoding: 'utf8' });
  return Number(/^Pages:\s+(\d+)/m.exec(out)?.[1] ?? 0);
}

/** pdftotext over every file, one at a time: wall seconds and the CPU-seconds its processes used. */
function runPdftotext(files: string[]): { seconds: number; cpu: number } {
  const cpu0 = childCpuSeconds();
  const t = performance.now();
  for (const f of files) execFileSync('pdftotext', [f, '/dev/null'], { stdio: 'ignore' });
  return { seconds: (performance.now() - t) / 1000, cpu: childCpuSeconds() - cpu0 };
}

interface ExtractionRun {
  seconds: number;
  cpu: number;
  coldStartSeconds: number;
  p95Ms: number;
  workerPeakRssMb: number;
}

/**
 * Extraction alone: the worker pool scheduled as the pipeline schedules it (documents in arrival order, idle
 * workers take over part of a running document), without chunking or indexing. The CPU is what the worker
 * processes used from their start to their end (read once they have exited).
 */
async function runExtraction(files: string[], pages: Map<string, number>, workers: number): Promise<ExtractionRun> {
  await waitForChildren();
  const cpu0 = childCpuSeconds();
  const pool = new ExtractionPool({ size: workers, timeoutMs: 600_000, pageTimeoutMs: 60_000, maxRssMb: 2048, log: createLogger({ level: 'warn' }) });
  const perDoc: number[] = [];
  const slowest: { file: string; pages: number; ms: number; ranges: number }[] = [];
  let t = performance.now();
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
  const seconds = (performance.now() - t) / 1000 + coldStartSeconds;
  slowest.sort((a, b) => b.ms - a.ms);
  console.log(`  slowest documents ≤ 170 pages (extraction alone): ${slowest.slice(0, 4).map((x) => `${x.file} ${x.pages} p ${x.ms} ms in ${x.ranges} range(s)`).join('; ')}`);
  const workerPeakRssMb = pool.peakWorkerRssMb;
  await pool.close();
  await waitForChildren();
  return { seconds, cpu: childCpuSeconds() - cpu0, coldStartSeconds, p95Ms: percentile(perDoc, 95), workerPeakRssMb };
}

/** Whole pipeline through the HTTP API with the built-in embedder: the manual first, then the rest in uploads of 20. */
async function runPipeline(files: string[], workers: number) {
  const server = await startTestServer({ INGEST_WORKERS: String(workers), EMBEDDER: 'builtin', LOG_LEVEL: 'warn' });
  await server.services.index();
  const rss = sampleRss();
  const health = sampleHealth(`${server.url}/api/health`);
  const t = performance.now();
  await upload(server.url, [{ path: MANUAL }]);
  await waitForIngestion(server.url, 600_000);
  const manualSeconds = (performance.now() - t) / 1000;
  const small = files.filter((f) => f !== MANUAL);
  for (let i = 0; i < small.length; i += 20) await upload(server.url, small.slice(i, i + 20).map((p) => ({ path: p })));
  await waitForIngestion(server.url, 600_000);
  const seconds = (performance.now() - t) / 1000;
  const healthMs = await health.stop();
  const serverPeakRssMb = rss.stop();
  const workerPeakRssMb = server.services.pool.peakWorkerRssMb;
  const docs = ((await (await fetch(`${server.url}/api/documents`)).json()) as { documents: { status: string }[] }).documents;
  await server.close();
  if (docs.some((d) => d.status !== 'ready')) throw new Error('not every benchmark document became ready');
  return { seconds, manualSeconds, serverPeakRssMb, workerPeakRssMb, healthP99Ms: percentile(healthMs, 99), healthMaxMs: Math.max(...healthMs) };
}

export async function benchIngest(): Promise<Record<string, number>> {
  if (!fs.existsSync(MANUAL)) throw new Error(`${MANUAL} is missing: apt-get install r-doc-pdf`);
  const files = [...corpusPdfs('sec-10-q'), ...corpusPdfs('ntsb'), MANUAL];
  const pages = new Map(files.map((f) => [f, pdfPages(f)]));
  const totalPages = [...pages.values()].reduce((a, b) => a + b, 0);
  const workers = Math.max(2, Math.min(2, os.availableParallelism()));
  const loadBefore = os.loadavg()[0]!;

  const ref = runPdftotext(files);
  const ex = await runExtraction(files, pages, workers);
  const pipe = await runPipeline(files, workers);

  const refRate = totalPages / ref.seconds;
  const perK = (cpu: number) => (cpu / totalPages) * 1000;
  return {
    documents: files.length,
    pages: totalPages,
    pdftotextPagesPerSec: refRate,
    pdftotextCpuSecPer1000Pages: perK(ref.cpu),
    extractPagesPerSec: totalPages / ex.seconds,
    extractRatio: totalPages / ex.seconds / refRate,
    extractCpuSecPer1000Pages: perK(ex.cpu),
    extractCpuRatio: ex.cpu / ref.cpu,
    pipelinePagesPerSec: totalPages / pipe.seconds,
    pipelineRatio: totalPages / pipe.seconds / refRate,
    extractP95MsUpTo170Pages: ex.p95Ms,
    manualReadySeconds: pipe.manualSeconds,
    workerColdStartSeconds: ex.coldStartSeconds,
    healthP99Ms: pipe.healthP99Ms,
    healthMaxMs: pipe.healthMaxMs,
    serverPeakRssMb: pipe.serverPeakRssMb,
    workerPeakRssMb: Math.max(ex.workerPeakRssMb, pipe.workerPeakRssMb),
    loadAverageBefore: loadBefore,
    loadAverageAfter: os.loadavg()[0]!,
  };
}

export function printIngest(r: Record<string, number>): void {
  const f = (x: number | undefined, d = 1) => (x ?? 0).toFixed(d);
  console.log(
    [
      `ingest: ${r.documents} documents, ${r.pages} pages (sec-10-q + ntsb + ${path.basename(MANUAL)}); load average ${f(r.loadAverageBefore, 2)} before, ${f(r.loadAverageAfter, 2)} after`,
      `  pdftotext (one file at a time): ${f(r.pdftotextPagesPerSec)} pages/s, ${f(r.pdftotextCpuSecPer1000Pages, 2)} CPU-s per 1,000 pages`,
      `  extraction alone (2 workers):   ${f(r.extractPagesPerSec)} pages/s = ${f(r.extractRatio, 2)}× pdftotext; ${f(r.extractCpuSecPer1000Pages, 2)} CPU-s per 1,000 pages = ${f(r.extractCpuRatio, 2)}× pdftotext's (target ≤ 1.2×)`,
      `  whole pipeline, built-in embedder: ${f(r.pipelinePagesPerSec)} pages/s = ${f(r.pipelineRatio, 2)}× pdftotext (target ≥ 0.5×, upload → ready ≥ 0.8×)`,
      `  extraction p95 for documents ≤ 170 pages: ${f(r.extractP95MsUpTo170Pages, 0)} ms (target ≤ 1500; workers warm — a cold start of both took ${f(r.workerColdStartSeconds)} s, counted in the rates)`,
      `  2,415-page manual ready in ${f(r.manualReadySeconds)} s (target < 30)`,
      `  health while ingesting: p99 ${f(r.healthP99Ms, 0)} ms, max ${f(r.healthMaxMs, 0)} ms (target p99 < 100)`,
      `  peak RSS: server ${f(r.serverPeakRssMb, 0)} MB (target < 1024), workers ${f(r.workerPeakRssMb, 0)} MB`,
    ].join('\n'),
  );
}
