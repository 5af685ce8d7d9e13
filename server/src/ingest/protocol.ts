/** Messages between the ingestion pool (parent) and an extraction worker process (child). */
import type { IngestFailureCode } from '../errors.js';

export interface ExtractRequest {
  type: 'extract';
  jobId: number;
  path: string;
  maxPages: number;
  maxChars: number;
  /** Page range to extract (1-based, inclusive); the whole document by default. */
  firstPage?: number;
  lastPage?: number;
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
  | { type: 'page'; jobId: number; pageNumber: number; label: string | null; text: string }
  | { type: 'done'; jobId: number; failedPages: number }
  | { type: 'error'; jobId: number; code: IngestFailureCode; message: string; detail?: string };

/** The TOO_MUCH_TEXT sentence, the same whether one worker or the parent (over all ranges) counts. */
export function tooMuchTextMessage(maxChars: number): string {
  return `The PDF has more than ${maxChars.toLocaleString('en')} characters of text; this server accepts at most that per document.`;
}
