/**
 * Scanned pages get OCR (issue 17, item 3): image-only PDFs made from real fixture pages (poppler's `pdftoppm` at
 * 200 dpi, rebuilt as a PDF of the images) are read page by page with tesseract.js; search finds a sentence of
 * each page, and the recognised words match `pdftotext` of the original. Language data comes from Debian's
 * tesseract-ocr-eng/-deu packages, fetched into DATA_DIR/ocr through the server's real loading path.
 */
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import { PDFDocument } from 'pdf-lib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DocumentPagesResponseSchema, HealthResponseSchema } from '@pagewise/shared';
import { getPage, ingest, search } from '../support/api.js';
import { fixtureFile } from '../support/fixtures.js';
import { distinctivePhrase, noTextPdf, pdftotextPage, scannedPdf, textPdf, wordRecall } from '../support/pdfs.js';
import { startTestServer, type TestServer } from '../support/server.js';

const TESSDATA = '/usr/share/tesseract-ocr/5/tessdata';
const AAPL = fixtureFile('sec-10-q', '2023 Q3 AAPL.pdf');
const NTSB = fixtureFile('ntsb', '20080104X00020.pdf');
const GERMAN = fixtureFile('tex', 'de-ot1.pdf');

let s: TestServer;
beforeAll(async () => {
  if (!fs.existsSync(path.join(TESSDATA, 'eng.traineddata')) || !fs.existsSync(path.join(TESSDATA, 'deu.traineddata'))) {
    throw new Error(`no tesseract language data in ${TESSDATA}: apt-get install tesseract-ocr-eng tesseract-ocr-deu`);
  }
  // A page's OCR takes seconds, many more on a loaded machine: the per-page limit is not what is tested here.
  s = await startTestServer({ OCR: 'on', OCR_LANGS: 'eng+deu', OCR_LANG_PATH: TESSDATA, INGEST_WORKERS: '2', PARSE_PAGE_TIMEOUT_MS: '120000' });
});
afterAll(() => s?.close());

async function pageReport(id: string) {
  const res = await fetch(`${s.url}/api/documents/${id}/pages`);
  expect(res.status).toBe(200);
  return DocumentPagesResponseSchema.parse(await res.json()).pages;
}

/** Each scanned page: OCR'd, its words ≥ `minRecall` of pdftotext's on the original, its sentence found by search. */
async function expectScanRead(original: string, pages: number[], minRecall: number): Promise<void> {
  const d = await ingest(s.url, { name: `scan of ${path.basename(original)}`, data: await scannedPdf(original, pages) });
  expect(d.status, JSON.stringify(d.error)).toBe('ready');
  expect(d.ocrPages).toBe(pages.length);
  const report = await pageReport(d.id);
  for (const [i, n] of pages.entries()) {
    const text = (await getPage(s.url, d.id, i + 1)).text;
    const recall = wordRecall(pdftotextPage(original, n), text);
    console.log(`OCR word recall, page ${n} of ${path.basename(original)}: ${recall.toFixed(3)}`);
    expect(recall, `page ${n} of ${path.basename(original)}: word recall ${recall.toFixed(3)}`).toBeGreaterThanOrEqual(minRecall);
    expect(report[i]).toMatchObject({ number: i + 1, source: 'ocr', chars: text.length });
    expect(report[i]!.ocrConfidence).toBeGreaterThan(60);
    const phrase = distinctivePhrase([original], original, n);
    const hits = await search(s.url, { query: phrase, documentIds: [d.id], k: 3 });
    expect(hits[0]?.page, `search for "${phrase}"`).toBe(i + 1);
  }
}

describe('OCR of scanned pages', () => {
  it('fetches the language data once into DATA_DIR/ocr at start-up', async () => {
    const files = ['eng', 'deu'].map((l) => path.join(s.dataDir, 'ocr', `${l}.traineddata`));
    for (const deadline = Date.now() + 60_000; !files.every((f) => fs.existsSync(f)) && Date.now() < deadline; ) {
      await new Promise((r) => setTimeout(r, 200));
    }
    for (const f of files) expect(fs.statSync(f).size, f).toBe(fs.statSync(path.join(TESSDATA, path.basename(f))).size);
    expect(fs.readdirSync(path.join(s.dataDir, 'ocr')).sort()).toEqual(['deu.traineddata', 'eng.traineddata']);
    expect(HealthResponseSchema.parse(await (await fetch(`${s.url}/api/health`)).json()).ocr).toEqual({ state: 'ready', langs: 'eng+deu' });
  }, 70_000);

  it('reads scanned pages of an English 10-Q and an NTSB report (word recall ≥ 0.95)', async () => {
    await expectScanRead(AAPL, [8, 14], 0.95);
    await expectScanRead(NTSB, [1], 0.95);
  }, 240_000);

  it('reads a scanned German page (word recall ≥ 0.9)', async () => {
    await expectScanRead(GERMAN, [1], 0.9);
  }, 120_000);

  it('reads a mixed document page by page and marks only the OCR pages and their passages', async () => {
    const out = await PDFDocument.create();
    const text = await PDFDocument.load(await textPdf([['A typed page about hydraulic pumps and their seals, with enough words to be a page of text.']]));
    const scan = await PDFDocument.load(await scannedPdf(AAPL, [17]));
    for (const [src, n] of [[text, 0], [scan, 0]] as const) out.addPage((await out.copyPages(src, [n]))[0]!);
    const d = await ingest(s.url, { name: 'mixed.pdf', data: await out.save() });
    expect(d).toMatchObject({ status: 'ready', pages: 2, ocrPages: 1 });
    expect((await pageReport(d.id)).map((p) => p.source)).toEqual(['text', 'ocr']);
    const chunks = s.services.db.prepare('SELECT page_start AS page, ocr FROM chunks WHERE document_id = ? ORDER BY ord').all(d.id) as { page: number; ocr: number }[];
    expect(chunks.length).toBeGreaterThan(1);
    for (const c of chunks) expect(c.ocr).toBe(c.page === 2 ? 1 : 0);
  }, 120_000);
});

describe('pages OCR cannot read', () => {
  it('flags a page that shows a drawing but no text with NO_TEXT, and not the text page beside it', async () => {
    const out = await PDFDocument.create();
    const text = await PDFDocument.load(await textPdf([['A typed page about landing gear inspections, long enough to be read as the text of a page.']]));
    const drawing = await PDFDocument.load(await noTextPdf());
    for (const src of [text, drawing]) out.addPage((await out.copyPages(src, [0]))[0]!);
    const d = await ingest(s.url, { name: 'drawing.pdf', data: await out.save() });
    expect(d).toMatchObject({ status: 'ready', ocrPages: 0, warningPages: 1 });
    const pages = await pageReport(d.id);
    expect(pages.map((p) => [p.source, p.warnings.map((w) => w.code)])).toEqual([
      ['text', []],
      ['none', ['NO_TEXT']],
    ]);
  }, 120_000);
});

describe('OCR and the reading limits', () => {
  it('does not count OCR time against the document reading limit (each page keeps its own limit)', async () => {
    const srv = await startTestServer({ OCR: 'on', OCR_LANGS: 'eng', OCR_LANG_PATH: TESSDATA, PARSE_TIMEOUT_MS: '3000', PARSE_PAGE_TIMEOUT_MS: '120000' });
    try {
      const started = Date.now();
      const d = await ingest(srv.url, { name: 'four-scanned-pages.pdf', data: await scannedPdf(AAPL, [14, 17, 19, 20]) });
      expect(d.error ?? null).toBeNull();
      expect(d).toMatchObject({ status: 'ready', ocrPages: 4 });
      expect(Date.now() - started, 'the document took longer than its 3 s reading limit').toBeGreaterThan(3000);
    } finally {
      await srv.close();
    }
  }, 240_000);
});

describe('a page whose rendering hits a limit', () => {
  it('is read again without OCR, and does not sink the document', async () => {
    // pdf.js's tiling-pattern-box.pdf: a page of tiled patterns and no text whose rendering needs over 4 GB.
    const srv = await startTestServer({ OCR: 'on', OCR_LANGS: 'eng', OCR_LANG_PATH: TESSDATA, PARSE_MAX_RSS_MB: '1024', PARSE_PAGE_TIMEOUT_MS: '120000' });
    try {
      const out = await PDFDocument.create();
      const text = await PDFDocument.load(await textPdf([['A typed page about brake wear limits, long enough to be read as the text of a page.']]));
      const bomb = await PDFDocument.load(fs.readFileSync(fixtureFile('pdfjs', 'tiling-pattern-box.pdf')));
      for (const src of [text, bomb]) out.addPage((await out.copyPages(src, [0]))[0]!);
      const d = await ingest(srv.url, { name: 'text-and-patterns.pdf', data: await out.save() });
      expect(d.error ?? null).toBeNull();
      expect(d).toMatchObject({ status: 'ready', pages: 2, ocrPages: 0 });
      const res = await fetch(`${srv.url}/api/documents/${d.id}/pages`);
      expect(DocumentPagesResponseSchema.parse(await res.json()).pages.map((p) => p.source)).toEqual(['text', 'none']);
    } finally {
      await srv.close();
    }
  }, 240_000);
});

describe('OCR=off', () => {
  it('keeps a scanned PDF failing with NO_EXTRACTABLE_TEXT, saying OCR is off', async () => {
    const off = await startTestServer({ OCR: 'off' });
    try {
      const d = await ingest(off.url, { name: 'scan.pdf', data: await scannedPdf(NTSB, [1]) });
      expect(d.error?.code).toBe('NO_EXTRACTABLE_TEXT');
      expect(d.error?.message).toMatch(/OCR is off/);
      expect(HealthResponseSchema.parse(await (await fetch(`${off.url}/api/health`)).json()).ocr.state).toBe('off');
      expect(fs.existsSync(path.join(off.dataDir, 'ocr'))).toBe(false);
    } finally {
      await off.close();
    }
  }, 60_000);
});

describe('OCR language data from a URL', () => {
  it('downloads <lang>.traineddata.gz once, unzips it into DATA_DIR/ocr, and reads a scan with it', async () => {
    const gz = zlib.gzipSync(fs.readFileSync(path.join(TESSDATA, 'eng.traineddata')));
    const requests: string[] = [];
    // A stand-in for the download host: plain HTTP serving the gzipped file, as tesseract.js's data packages do.
    const host = http.createServer((req, res) => {
      requests.push(req.url ?? '');
      if (req.url !== '/data/eng.traineddata.gz') return void res.writeHead(404).end();
      res.writeHead(200, { 'content-type': 'application/gzip', 'content-length': gz.length }).end(gz);
    });
    await new Promise<void>((r) => host.listen(0, '127.0.0.1', r));
    const url = `http://127.0.0.1:${(host.address() as AddressInfo).port}/data/`;
    const srv = await startTestServer({ OCR: 'on', OCR_LANGS: 'eng', OCR_LANG_PATH: url, PARSE_PAGE_TIMEOUT_MS: '120000' });
    try {
      const d = await ingest(srv.url, { name: 'scan.pdf', data: await scannedPdf(NTSB, [1]) });
      expect(d).toMatchObject({ status: 'ready', ocrPages: 1 });
      expect(fs.readFileSync(path.join(srv.dataDir, 'ocr', 'eng.traineddata')).equals(fs.readFileSync(path.join(TESSDATA, 'eng.traineddata')))).toBe(true);
      expect(fs.readdirSync(path.join(srv.dataDir, 'ocr'))).toEqual(['eng.traineddata']);
      await ingest(srv.url, { name: 'scan-again.pdf', data: await scannedPdf(NTSB, [2]) });
      expect(requests).toEqual(['/data/eng.traineddata.gz']);
    } finally {
      await srv.close();
      await new Promise<void>((r) => host.close(() => r()));
    }
  }, 120_000);
});

describe('OCR language data that cannot be fetched', () => {
  it('leaves the server running, and a scanned PDF fails saying the data is not available', async () => {
    const nowhere = fs.mkdtempSync(path.join(os.tmpdir(), 'pagewise-no-tessdata-'));
    const srv = await startTestServer({ OCR: 'on', OCR_LANGS: 'eng', OCR_LANG_PATH: nowhere });
    try {
      const d = await ingest(srv.url, { name: 'scan.pdf', data: await scannedPdf(NTSB, [1]) });
      expect(d.error?.code).toBe('NO_EXTRACTABLE_TEXT');
      expect(d.error?.message).toMatch(/OCR language data is not available/);
      expect(HealthResponseSchema.parse(await (await fetch(`${srv.url}/api/health`)).json()).ocr.state).toBe('unavailable');
      expect(fs.readdirSync(path.join(srv.dataDir, 'ocr'))).toEqual([]);
    } finally {
      await srv.close();
      fs.rmSync(nowhere, { recursive: true, force: true });
    }
  }, 60_000);
});
