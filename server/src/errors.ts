/**
 * The one error module. Handlers and services throw these; `http/onerror.ts` turns them into the error body.
 * Anything else thrown is logged and masked as INTERNAL_ERROR.
 */
import type { ErrorCode, ErrorDetail } from '@pagewise/shared';

export class AppError extends Error {
  constructor(
    readonly status: number,
    readonly code: ErrorCode,
    message: string,
    /** The request field at fault, where one is (shown as `param` in the OpenAI error shape on /v1). */
    readonly param: string | null = null,
  ) {
    super(message);
    this.name = 'AppError';
  }
  toDetail(): ErrorDetail {
    return { code: this.code, message: this.message };
  }
}

export const validationError = (message: string, param: string | null = null) => new AppError(400, 'VALIDATION_ERROR', message, param);
export const notFound = (what = 'Resource') => new AppError(404, 'NOT_FOUND', `${what} not found.`);
export const payloadTooLarge = (message = 'The request body is too large.') => new AppError(413, 'PAYLOAD_TOO_LARGE', message);
export const unsupportedMediaType = (message: string) => new AppError(415, 'UNSUPPORTED_MEDIA_TYPE', message);

export const noFiles = () => new AppError(400, 'NO_FILES', 'No files were uploaded. Send one or more PDFs in the "files" field.');
export const fileTooLarge = (maxMb: number) =>
  new AppError(413, 'FILE_TOO_LARGE', `The file is larger than the ${maxMb} MB limit.`);
export const tooManyFiles = (max: number) =>
  new AppError(413, 'TOO_MANY_FILES', `Too many files in one upload; the limit is ${max}.`);
export const malformedUpload = (detail: string) =>
  new AppError(400, 'MALFORMED_UPLOAD', `The upload could not be read: ${detail}.`);
export const emptyFile = (name: string) => new AppError(400, 'EMPTY_FILE', `"${name}" is empty.`);
export const notAPdf = (name: string) =>
  new AppError(415, 'NOT_A_PDF', `"${name}" is not a PDF (no %PDF- header in its first 1 KB).`);
export const insufficientStorage = () =>
  new AppError(507, 'INSUFFICIENT_STORAGE', 'The server has run out of disk space; nothing was stored. Free some space and try again.');
export const tooManyStreams = () =>
  new AppError(429, 'TOO_MANY_STREAMS', 'Too many answers are streaming at once; wait for one to finish and try again.');
export const scopeDocumentsGone = () =>
  new AppError(
    409,
    'SCOPE_DOCUMENTS_GONE',
    'Every document this question is limited to has been deleted, so there is nothing to search. Choose other documents, or leave documentIds out to search the whole library.',
    'documentIds',
  );
export const notLastQuestion = () =>
  new AppError(409, 'NOT_LAST_QUESTION', "Only the conversation's last question can be asked again (retryOf); the conversation has changed since.", 'retryOf');
export const malformedUrl = () =>
  new AppError(400, 'MALFORMED_URL', 'The URL is not valid: a percent sign must be followed by two hex digits that decode to UTF-8.');
export const hostNotAllowed = () =>
  new AppError(403, 'HOST_NOT_ALLOWED', 'This server does not answer to that host name. Its owner can add the name to ALLOWED_HOSTS.');
export const csrfRejected = () =>
  new AppError(403, 'CSRF', 'This request did not come from the Pagewise page itself, so it was refused.');
export const rateLimited = (what: string) => new AppError(429, 'RATE_LIMITED', `Too many ${what}; wait a moment and try again.`);
export const modelNotFound = (id: string, available: string[]) =>
  new AppError(404, 'MODEL_NOT_FOUND', `The model "${id}" does not exist. GET /v1/models lists the models of this library: ${available.join(', ')}.`, 'model');
export const unsupportedParameter = (param: string, message: string) => new AppError(400, 'UNSUPPORTED_PARAMETER', message, param);
export const internalError = () => new AppError(500, 'INTERNAL_ERROR', 'Something went wrong on the server.');

/** Reasons a document ends `failed`, with the sentence shown to the user. */
export const INGEST_FAILURES = {
  PDF_ENCRYPTED: 'The PDF is protected by a password; remove the password and upload it again.',
  PDF_MALFORMED: 'The PDF is damaged or not a valid PDF and could not be read.',
  PDF_TOO_COMPLEX: 'The PDF needed more memory than allowed to read; it may be a decompression bomb or extremely complex.',
  PARSE_TIMEOUT: 'Reading the PDF took longer than allowed; it may be pathologically complex.',
  TOO_MANY_PAGES: 'The PDF has more pages than this server accepts.',
  TOO_MUCH_TEXT: 'The PDF contains more text than this server accepts for one document.',
  NO_EXTRACTABLE_TEXT: 'The PDF has no text layer (it may be scanned or image-only), so there is nothing to search.',
  EMBEDDING_FAILED: 'The passages could not be embedded; check the embeddings endpoint and retry.',
  INGEST_INTERRUPTED: 'Processing was interrupted repeatedly and has been stopped.',
} as const satisfies Partial<Record<ErrorCode, string>>;
export type IngestFailureCode = keyof typeof INGEST_FAILURES;

export class IngestError extends Error {
  /** The limit was hit while a page was being rendered for OCR (read again without OCR for that page). */
  duringOcr = false;

  constructor(
    readonly code: IngestFailureCode,
    message: string = INGEST_FAILURES[code],
  ) {
    super(message);
    this.name = 'IngestError';
  }
}

/**
 * An extraction worker died while reading a document: killed from outside (the OOM killer, an operator), out of
 * memory, or over the worker memory limit. Unlike an error the worker reports, this may not be the file's fault:
 * the pages not yet read are retried on a fresh worker, and the document fails only when the file kills
 * workers again.
 */
export class WorkerDiedError extends IngestError {
  constructor(code: 'PDF_MALFORMED' | 'PDF_TOO_COMPLEX', message?: string) {
    super(code, message);
    this.name = 'WorkerDiedError';
  }
}

export function isDiskFull(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  return code === 'ENOSPC' || code === 'EDQUOT' || code === 'SQLITE_FULL';
}
