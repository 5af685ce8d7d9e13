/**
 * Rendering and OCR of one page, inside an extraction worker. A page whose text layer has few letters is rendered
 * small (pdf.js draws through `@napi-rs/canvas`) to see how much ink it shows; when the ink suggests far more text
 * than the layer has, it is rendered again at OCR resolution and recognised by tesseract.js, whose WebAssembly
 * engine runs in a thread of this worker process, so the pool's per-page time limit and the process's memory
 * limit cover it. Language data is read from the folder the server filled (DATA_DIR/ocr); nothing is fetched here.
 */
import { createRequire } from 'node:module';
import type { PDFDocumentProxy, PDFPageProxy } from 'pdfjs-dist/legacy/build/pdf.mjs';
import { cleanText } from './normalize.js';
import { expectedFromInk, usableChars, wantsOcr } from './quality.js';

const require = createRequire(import.meta.url);

/**
 * Resolution for the ink measure, and for recognition: 200 dpi reads 8-point text and up as well as 300 dpi did on
 * the test pages, in about half the time.
 */
const PROBE_SCALE = 1;
const OCR_SCALE = 200 / 72;
/** Most pixels one OCR image may have (a poster-sized page is rendered at a lower resolution instead). */
const MAX_OCR_PIXELS = 25_000_000;
/** A pixel darker than this (0-255 luminance) is ink; scanner grey backgrounds stay lighter. */
const INK_LUMINANCE = 160;

export interface OcrSettings {
  /** Tesseract languages joined with `+`. */
  langs: string;
  /** Folder holding `<lang>.traineddata` for each of them. */
  dir: string;
  /**
   * Most time rendering and recognising one page may take (half the pool's page limit): past it the work is
   * abandoned and the page keeps its text layer, so a pathological drawing cannot fail the document.
   */
  budgetMs?: number;
  /** Pages not to render (rendering them hit a limit before). */
  skipPages?: number[];
}

export interface PageOcr {
  /** Characters the page's ink suggests (0 when it could not be rendered). */
  inkExpected: number;
  /** Recognised text and its mean confidence (0-100), when the page was OCR'd. */
  ocr: { text: string; confidence: number } | null;
  ms: number;
}

type Tesseract = typeof import('tesseract.js');
interface Recognizer {
  langs: string;
  worker: Awaited<ReturnType<Tesseract['createWorker']>>;
}
let recognizer: Promise<Recognizer> | null = null;

/** One tesseract.js worker per process, for the languages asked; made again when they change. */
async function getRecognizer(settings: OcrSettings): Promise<Recognizer> {
  const current = recognizer ? await recognizer.catch(() => null) : null;
  if (current?.langs === settings.langs) return current;
  if (current) await current.worker.terminate().catch(() => undefined);
  recognizer = (async () => {
    const { createWorker, OEM } = require('tesseract.js') as Tesseract;
    // A failed load makes tesseract.js call errorHandler (without one it throws from a message listener, an
    // uncaught exception) and leaves createWorker's promise pending: the handler's rejection ends the wait.
    let failed!: (reason: Error) => void;
    const failure = new Promise<never>((_, reject) => (failed = reject));
    const created = createWorker(settings.langs.split('+'), OEM.LSTM_ONLY, {
      langPath: settings.dir,
      cachePath: settings.dir,
      cacheMethod: 'readOnly',
      gzip: false,
      errorHandler: (data: unknown) => failed(new Error(`tesseract: ${String(data)}`)),
    });
    const worker = await Promise.race([created, failure]);
    return { langs: settings.langs, worker };
  })();
  recognizer.catch(() => (recognizer = null));
  return recognizer;
}

interface Rendered {
  width: number;
  height: number;
  data: () => Uint8ClampedArray;
  release: () => void;
}

/** `work`, or a rejection once `deadline` (ms since the epoch) has passed, after `abandon` has run. */
function before<T>(work: Promise<T>, deadline: number, abandon: () => void): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => (abandon(), reject(new Error('OCR took longer than its share of the page limit'))), Math.max(0, deadline - Date.now()));
  });
  return Promise.race([work, late]).finally(() => clearTimeout(timer));
}

/** Stop the recogniser (a recognition cannot be cancelled; its thread is ended and made again when needed). */
function dropRecognizer(): void {
  const current = recognizer;
  recognizer = null;
  void current?.then((r) => r.worker.terminate()).catch(() => undefined);
}

async function render(page: PDFPageProxy, scale: number, factory: CanvasFactory, deadline: number): Promise<Rendered> {
  const base = page.getViewport({ scale: 1 });
  const fit = Math.sqrt(MAX_OCR_PIXELS / Math.max(1, base.width * base.height));
  const viewport = page.getViewport({ scale: Math.min(scale, fit) });
  const width = Math.max(1, Math.ceil(viewport.width));
  const height = Math.max(1, Math.ceil(viewport.height));
  const target = factory.create(width, height);
  const { context } = target;
  context.fillStyle = '#ffffff';
  context.fillRect(0, 0, width, height);
  const task = page.render({ canvas: target.canvas as unknown as HTMLCanvasElement, canvasContext: context as unknown as CanvasRenderingContext2D, viewport });
  try {
    await before(task.promise, deadline, () => task.cancel());
  } catch (err) {
    factory.destroy(target);
    throw err;
  }
  return {
    width,
    height,
    data: () => context.getImageData(0, 0, width, height).data,
    release: () => factory.destroy(target),
  };
}

interface CanvasFactory {
  create(w: number, h: number): { canvas: unknown; context: NodeContext };
  destroy(target: unknown): void;
}
interface NodeContext {
  fillStyle: string;
  fillRect(x: number, y: number, w: number, h: number): void;
  getImageData(x: number, y: number, w: number, h: number): { data: Uint8ClampedArray };
}

/** The page as a greyscale PGM image (binary PNM, which tesseract reads without decoding a compressed format). */
function toPgm(width: number, height: number, rgba: Uint8ClampedArray): Buffer {
  const head = Buffer.from(`P5\n${width} ${height}\n255\n`, 'ascii');
  const out = Buffer.allocUnsafe(head.length + width * height);
  head.copy(out, 0);
  for (let i = 0, j = head.length; i < rgba.length; i += 4, j++) out[j] = (rgba[i]! * 77 + rgba[i + 1]! * 150 + rgba[i + 2]! * 29) >> 8;
  return out;
}

function inkShare(pixels: Uint8ClampedArray): number {
  let ink = 0;
  for (let i = 0; i < pixels.length; i += 4) {
    const lum = 0.299 * pixels[i]! + 0.587 * pixels[i + 1]! + 0.114 * pixels[i + 2]!;
    if (lum < INK_LUMINANCE) ink++;
  }
  return ink / Math.max(1, pixels.length / 4);
}

/**
 * Measure a page's ink and, when it suggests text the layer lacks, recognise it.
 * Throws when the page cannot be rendered (the caller keeps the text layer).
 */
export async function probeAndRecognise(
  doc: PDFDocumentProxy,
  page: PDFPageProxy,
  layerUsable: number,
  settings: OcrSettings,
): Promise<PageOcr> {
  const started = performance.now();
  const deadline = Date.now() + (settings.budgetMs ?? Number.MAX_SAFE_INTEGER / 2);
  const factory = doc.canvasFactory as CanvasFactory;
  const probe = await render(page, PROBE_SCALE, factory, deadline);
  let share: number;
  try {
    share = inkShare(probe.data());
  } finally {
    probe.release();
  }
  const base = page.getViewport({ scale: 1 });
  const inkExpected = expectedFromInk(share, base.width * base.height);
  if (!wantsOcr(layerUsable, inkExpected)) return { inkExpected, ocr: null, ms: performance.now() - started };
  const { worker } = await before(getRecognizer(settings), deadline, dropRecognizer);
  const image = await render(page, OCR_SCALE, factory, deadline);
  let pgm: Buffer;
  try {
    pgm = toPgm(image.width, image.height, image.data());
  } finally {
    image.release();
  }
  const { data } = await before(worker.recognize(pgm), deadline, dropRecognizer);
  const text = cleanText(data.text);
  return { inkExpected, ocr: { text, confidence: usableChars(text) > 0 ? data.confidence : 0 }, ms: performance.now() - started };
}
