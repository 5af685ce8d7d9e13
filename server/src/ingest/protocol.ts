/** Messages between the ingestion pool (parent) and an extraction worker process (child). */
import type { IngestFailureCode } from '../errors.js';

export interface ExtractRequest {
  type: 'extract';
  jobId: number;
  path: string;
  maxPages: number;
  maxChars: number;
}

export type WorkerMessage =
  | { type: 'ready' }
  | { type: 'meta'; jobId: number; numPages: number; title: string | null }
  | { type: 'page'; jobId: number; pageNumber: number; label: string | null; text: string }
  | { type: 'done'; jobId: number; failedPages: number }
  | { type: 'error'; jobId: number; code: IngestFailureCode; message: string; detail?: string };
