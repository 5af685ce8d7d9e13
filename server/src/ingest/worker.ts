/**
 * Extraction worker: a child process that opens PDFs with pdf.js and streams page text to the parent. It runs no
 * document JavaScript, never evaluates font code, and may be killed at any moment by the parent's time and
 * memory limits; a crash here can never take the HTTP server down.
 */
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { IngestFailureCode } from '../errors.js';
import type { PageSource } from '@pagewise/shared';
import type { PDFDocumentProxy } from 'pdfjs-dist/legacy/build/pdf.mjs';
import { layoutPage, type LayoutItem } from './layout.js';
import { pickTitle } from './title.js';
import { cleanText } from './normalize.js';
import { probeAndRecognise, type OcrSettings } from './ocr.js';
import { tooMuchTextMessage, type ExtractRequest, type LimitRequest, type PageMessage, type WorkerMessage } from './protocol.js';
import { expectedFromItems, ocrWins, pageWarnings, textStats, usableChars, USABLE_MIN } from './quality.js';

const require = createRequire(import.meta.url);
const pdfjsRoot = path.dirname(require.resolve('pdfjs-dist/package.json'));
const CMAP_URL = path.join(pdfjsRoot, 'cmaps') + path.sep;
const STANDARD_FONTS_URL = path.join(pdfjsRoot, 'standard_fonts') + path.sep;

type PdfJs = typeof import('pdfjs-dist/legacy/build/pdf.mjs');
let pdfjsPromise: Promise<PdfJs> | null = null;

/**
 * Loads pdf.js and its worker module (which pdf.js would otherwise import lazily at the first document: in Node
 * it runs in this thread, found through `globalThis.pdfjsWorker`). Both bundles carry core-js, which replaces
 * `Array.prototype.push` with a JavaScript version (a guard against a V8 bug with non-writable array lengths,
 * which pdf.js never creates); pdf.js pushes millions of times per document, and the polyfill cost ~20 % of
 * extraction time, so the native method is put back once both are loaded. This process runs nothing else.
 */
function loadPdfJs(): Promise<PdfJs> {
  return (pdfjsPromise ??= (async () => {
    const nativePush = Array.prototype.push;
    const pdfjs = (await import(pathToFileURL(path.join(pdfjsRoot, 'legacy/build/pdf.mjs')).href)) as PdfJs;
    const worker: unknown = await import(pathToFileURL(path.join(pdfjsRoot, 'legacy/build/pdf.worker.mjs')).href);
    (globalThis as { pdfjsWorker?: unknown }).pdfjsWorker = worker;
    if (Array.prototype.push !== nativePush) {
      Object.defineProperty(Array.prototype, 'push', { value: nativePush, writable: true, configurable: true, enumerable: false });
    }
    return pdfjs;
  })());
}

function send(msg: WorkerMessage): Promise<void> {
  return new Promise((resolve, reject) => process.send!(msg, undefined, {}, (err) => (err ? reject(err) : resolve())));
}

class ExtractFailure extends Error {
  constructor(
    readonly code: IngestFailureCode,
    message: string,
  ) {
    super(message);
  }
}

function classify(err: unknown): { code: IngestFailureCode; detail: string } {
  if (err instanceof ExtractFailure) return { code: err.code, detail: err.message };
  const e = err as { name?: string; message?: string };
  const detail = `${e?.name ?? 'Error'}: ${e?.message ?? String(err)}`.slice(0, 300);
  if (e?.name === 'PasswordException') return { code: 'PDF_ENCRYPTED', detail };
  if (e?.name === 'RangeError' && /call stack/i.test(e.message ?? '')) return { code: 'PDF_MALFORMED', detail };
  if (/array buffer allocation|out of memory|invalid array length|invalid typed array length/i.test(e?.message ?? '')) {
    return { code: 'PDF_TOO_COMPLEX', detail };
  }
  return { code: 'PDF_MALFORMED', detail };
}

/** How every document is opened, the warm-up's included: no eval, no font faces, no XFA, past recoverable errors. */
const PDFJS_OPTIONS = {
  cMapUrl: CMAP_URL,
  cMapPacked: true,
  standardFontDataUrl: STANDARD_FONTS_URL,
  isEvalSupported: false,
  disableFontFace: true,
  useSystemFonts: false,
  enableXfa: false,
  stopAtErrors: false,
  verbosity: 0,
} as const;

/** Last page of each running job; the parent may lower it while the job runs. */
const lastPages = new Map<number, number>();

async function extract(req: ExtractRequest): Promise<void> {
  const pdfjs = await loadPdfJs();
  const data = new Uint8Array(fs.readFileSync(req.path));
  const task = pdfjs.getDocument({ data, ...PDFJS_OPTIONS });
  // Not a PDF, a wrong password: the error goes to the parent, and this worker stays for the next document, so
  // the half-opened document must not stay behind in it.
  const doc = await task.promise.catch(async (err: unknown) => {
    await task.destroy().catch(() => undefined);
    throw err;
  });
  try {
    const numPages = doc.numPages;
    if (numPages > req.maxPages) {
      throw new ExtractFailure('TOO_MANY_PAGES', `The PDF has ${numPages} pages; this server accepts at most ${req.maxPages}.`);
    }
    let title: string | null = null;
    try {
      const meta = await doc.getMetadata();
      const clean = (t: unknown) => (typeof t === 'string' && t.trim() ? cleanText(t).slice(0, 300) : null);
      const xmp = (meta.metadata as { get(name: string): unknown } | null | undefined)?.get('dc:title');
      title = pickTitle([clean((meta.info as { Title?: unknown } | undefined)?.Title), clean(xmp)], '');
    } catch {
      // metadata is optional
    }
    let labels: string[] | null = null;
    try {
      labels = await doc.getPageLabels();
    } catch {
      labels = null;
    }
    // Set before `meta` goes out: a `limit` the parent sends in answer to it must find the job.
    lastPages.set(req.jobId, Math.min(numPages, req.lastPage ?? numPages));
    await send({ type: 'meta', jobId: req.jobId, numPages, title });

    let chars = 0;
    let failedPages = 0;
    for (let n = Math.max(1, req.firstPage ?? 1); n <= (lastPages.get(req.jobId) ?? numPages); n++) {
      let read: PageRead = { text: '', source: 'none', ocrConfidence: null, warnings: [], ocrMs: 0 };
      try {
        read = await readPage(doc, n, req.ocr, () => send({ type: 'ocr', jobId: req.jobId }));
      } catch (err) {
        // A damaged page does not sink the document: pdf.js recovers what it can, we keep the other pages.
        const { code } = classify(err);
        if (code === 'PDF_TOO_COMPLEX') throw err;
        failedPages++;
      }
      chars += read.text.length;
      if (chars > req.maxChars) {
        throw new ExtractFailure('TOO_MUCH_TEXT', tooMuchTextMessage(req.maxChars));
      }
      const rawLabel = labels?.[n - 1];
      const label = typeof rawLabel === 'string' && rawLabel.trim() ? cleanText(rawLabel).slice(0, 64) : null;
      await send({ type: 'page', jobId: req.jobId, pageNumber: n, label, ...read });
    }
    await send({ type: 'done', jobId: req.jobId, failedPages });
  } finally {
    lastPages.delete(req.jobId);
    await doc.destroy().catch(() => undefined);
  }
}

type PageRead = Pick<PageMessage, 'text' | 'source' | 'ocrConfidence' | 'warnings' | 'ocrMs'>;

/**
 * One page's text: its text layer, or, when that has few letters, what OCR reads on the rendered page if that is
 * clearly more. A page that cannot be rendered keeps its text layer. Warnings judge the layer as pdf.js gave it.
 */
async function readPage(doc: PDFDocumentProxy, n: number, ocr: OcrSettings | null, beforeRender: () => Promise<void>): Promise<PageRead> {
  const page = await doc.getPage(n);
  try {
    const content = await page.getTextContent({ includeMarkedContent: false, disableNormalization: false });
    const items: LayoutItem[] = [];
    for (const i of content.items) if ('str' in i) items.push(i);
    const raw = layoutPage(items);
    const layer = textStats(raw);
    let text = cleanText(raw);
    let source: PageSource = usableChars(text) > 0 ? 'text' : 'none';
    let ocrConfidence: number | null = null;
    let inkExpected = 0;
    let ocrMs = 0;
    // With OCR off nothing is rendered: reading stays as fast as before, and a page without text simply has none.
    if (ocr && layer.usable < USABLE_MIN && !ocr.skipPages?.includes(n)) {
      await beforeRender();
      const probed = await probeAndRecognise(doc, page, layer.usable, ocr).catch(() => null);
      if (probed) {
        ({ inkExpected, ms: ocrMs } = probed);
        if (probed.ocr && ocrWins(layer.usable, usableChars(probed.ocr.text))) {
          ({ text, confidence: ocrConfidence } = probed.ocr);
          source = 'ocr';
        }
      }
    }
    const storedUsable = usableChars(text);
    const warnings = pageWarnings({ layer, itemsExpected: expectedFromItems(items), inkExpected, source, storedUsable, ocrConfidence });
    return { text, source, ocrConfidence, warnings, ocrMs };
  } finally {
    page.cleanup();
  }
}

process.on('message', (msg: ExtractRequest | LimitRequest) => {
  if (msg?.type === 'limit') {
    const current = lastPages.get(msg.jobId);
    if (current !== undefined) lastPages.set(msg.jobId, Math.min(current, msg.lastPage));
    return;
  }
  if (msg?.type !== 'extract') return;
  extract(msg).catch(async (err) => {
    const { code, detail } = classify(err);
    await send({ type: 'error', jobId: msg.jobId, code, message: err instanceof ExtractFailure ? err.message : '', detail }).catch(() => process.exit(1));
  });
});

process.on('disconnect', () => process.exit(0));

/**
 * A one-page PDF made here (no xref: pdf.js rebuilds it), parsed once at start-up so that loading pdf.js and its
 * first-use work (module compile, standard font data, JIT) happen before the worker says it is ready, not
 * during the first user document (that cost 2-3 s per fresh worker).
 */
const WARM_UP_PDF =
  '%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n' +
  '3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 200 200]/Resources<</Font<</F1 4 0 R>>>>/Contents 5 0 R>>endobj\n' +
  '4 0 obj<</Type/Font/Subtype/Type1/BaseFont/Helvetica>>endobj\n' +
  '5 0 obj<</Length 44>>stream\nBT /F1 12 Tf 20 100 Td (Warm up text) Tj ET\nendstream endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n';

async function warmUp(): Promise<void> {
  try {
    const pdfjs = await loadPdfJs();
    const doc = await pdfjs.getDocument({ data: new TextEncoder().encode(WARM_UP_PDF), ...PDFJS_OPTIONS }).promise;
    const page = await doc.getPage(1);
    await page.getTextContent();
    await doc.destroy();
  } catch {
    // A failed warm-up only costs speed; the first real document will load pdf.js again.
  }
}

void warmUp().then(() => send({ type: 'ready' }));
// pdf.js can leave rejected internal promises behind on damaged files; they must not kill a worker mid-document.
process.on('unhandledRejection', () => undefined);
