/**
 * OCR benchmark (issue 17): a 20-page scanned report (the first 20 pages of a fixture 10-Q, rasterised at 200 dpi by
 * `pdftoppm` and rebuilt as an image-only PDF) uploaded to a server with two extraction workers. Reports the time
 * until it is ready, seconds per scanned page, the workers' peak memory, and the latency of `GET /api/health`
 * polled every 100 ms meanwhile (the server must stay responsive while both cores recognise text).
 */
import fs from 'node:fs';
import os from 'node:os';
import { percentile } from '../eval/metrics.js';
import { settled, uploadOk } from '../support/api.js';
import { fixtureFile } from '../support/fixtures.js';
import { scannedPdf } from '../support/pdfs.js';
import { startTestServer } from '../support/server.js';

export const TESSDATA = '/usr/share/tesseract-ocr/5/tessdata';
const PAGES = 20;

export async function benchOcr(): Promise<Record<string, number>> {
  const source = fixtureFile('sec-10-q', '2023 Q3 AAPL.pdf');
  const pdf = await scannedPdf(source, Array.from({ length: PAGES }, (_, i) => i + 1));
  const server = await startTestServer({ INGEST_WORKERS: '2', OCR: 'on', OCR_LANGS: 'eng', OCR_LANG_PATH: TESSDATA, LOG_LEVEL: 'warn' });
  try {
    await server.services.index();
    // The language data is fetched at start-up; the benchmark measures reading, not that one-off fetch.
    for (const deadline = Date.now() + 60_000; !fs.existsSync(`${server.dataDir}/ocr/eng.traineddata`) && Date.now() < deadline; ) {
      await new Promise((r) => setTimeout(r, 100));
    }
    await server.services.pool.whenWarm();
    const health: number[] = [];
    let polling = true;
    const poller = (async () => {
      while (polling) {
        const t0 = performance.now();
        await (await fetch(`${server.url}/api/health`)).json();
        health.push(performance.now() - t0);
        await new Promise((r) => setTimeout(r, 100));
      }
    })();
    const load = os.loadavg()[0]!;
    const t0 = performance.now();
    const { documents } = await uploadOk(server.url, [{ name: 'scanned-report.pdf', data: pdf }]);
    const doc = await settled(server.url, documents[0]!.id, 600_000);
    const seconds = (performance.now() - t0) / 1000;
    polling = false;
    await poller;
    if (doc.status !== 'ready' || doc.ocrPages !== PAGES) throw new Error(`the scanned report ended ${doc.status} with ${doc.ocrPages} OCR pages: ${JSON.stringify(doc.error)}`);
    return {
      pages: PAGES,
      readySeconds: seconds,
      secondsPerPage: seconds / PAGES,
      healthP50Ms: percentile(health, 50),
      healthP99Ms: percentile(health, 99),
      healthSamples: health.length,
      workerPeakRssMb: server.services.pool.peakWorkerRssMb,
      loadAverageAtStart: load,
    };
  } finally {
    await server.close();
  }
}

export function printOcr(r: Record<string, number>): void {
  const f = (x: number | undefined, d = 1) => (x ?? 0).toFixed(d);
  console.log(
    [
      `ocr: a ${r.pages}-page scanned 10-Q (200 dpi), 2 extraction workers (load average ${f(r.loadAverageAtStart, 2)} at start)`,
      `  ready in ${f(r.readySeconds)} s = ${f(r.secondsPerPage, 2)} s per scanned page (target: 20 pages < 60 s)`,
      `  GET /api/health meanwhile: p50 ${f(r.healthP50Ms)} ms, p99 ${f(r.healthP99Ms)} ms over ${r.healthSamples} requests (target p99 < 200 ms)`,
      `  peak worker RSS ${f(r.workerPeakRssMb, 0)} MB`,
    ].join('\n'),
  );
}
