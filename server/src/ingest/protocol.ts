/** Messages between the ingestion pool (parent) and an extraction worker process (child). */
import type { IngestFailureCode } from '../errors.js';
import type { PageInput } from '../store/pages.js';
import type { OcrSettings } from './ocr.js';
import type { PagePassages, PageWork } from './page-work.js';

export interface ExtractRequest {
  type: 'extract';
  jobId: number;
  path: string;
  maxPages: number;
  maxChars: number;
  /** Page range to extract (1-based, inclusive); the whole document by default. */
  firstPage?: number;
  lastPage?: number;
  /** OCR of pages without usable text, with this language data; null = OCR off (or no language data). */
  ocr: OcrSettings | null;
  /** The per-page work besides reading (passages, vectors); none when absent (extraction alone). */
  work: PageWork | null;
}

/**
 * One page as the worker read it: what is stored for it (`PageInput`, its kind included), its passages (none
 * when no page work was asked), and the time its OCR took.
 */
export interface PageMessage extends PageInput, Partial<PagePassages> {
  type: 'page';
  jobId: number;
  /** Time spent rendering and recognising the page (it extends the document's reading time limit). */
  ocrMs: number;
}

/** Narrow a running job's range: it stops after `lastPage` (another worker takes the rest). */
export interface LimitRequest {
  type: 'limit';
  jobId: number;
  lastPage: number;
}

export type WorkerMessage =
  | { type: 'ready' }
  | { type: 'meta'; jobId: number; numPages: number; title: string | null }
  | PageMessage
  /** The page being read is about to be rendered (and maybe OCR'd): its time counts against the page limit only. */
  | { type: 'ocr'; jobId: number }
  | { type: 'done'; jobId: number; failedPages: number }
  | { type: 'error'; jobId: number; code: IngestFailureCode; message: string; detail?: string };

/** The TOO_MUCH_TEXT sentence, the same whether one worker or the parent (over all ranges) counts. */
export function tooMuchTextMessage(maxChars: number): string {
  return `The PDF has more than ${maxChars.toLocaleString('en')} characters of text; this server accepts at most that per document.`;
}

/** A page as the worker read it: number, label, text, where the text came from, and its quality warnings. */
export type ExtractedPage = Omit<PageMessage, 'type' | 'jobId' | 'ocrMs'>;

export interface ExtractLimits {
  maxPages: number;
  maxChars: number;
  /** OCR for pages without usable text; none when absent. */
  ocr?: OcrSettings | null;
  /** Passages and vectors made in the worker; none when absent. */
  work?: PageWork | null;
}

/** Lets the caller narrow a running extraction (to hand the rest of the pages to another worker). */
export interface ExtractControl {
  stopAfter(lastPage: number): void;
}

export interface ExtractHandlers {
  /** A page has arrived from the worker (called at once, before the queued `onPage` of earlier pages has run). */
  onArrive?(pageNumber: number): void;
  onMeta(meta: { numPages: number; title: string | null }, control: ExtractControl): void | Promise<void>;
  onPage(page: ExtractedPage): void | Promise<void>;
}

