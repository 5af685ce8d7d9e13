/**
 * Plain-words explanations for error codes, with what to do. NO_EXTRACTABLE_TEXT has none here: the server says
 * which case it is (OCR off, OCR data missing, fonts without a Unicode map, nothing found even by OCR).
 */
import type { ErrorCode } from '@pagewise/shared';

const TEXT: Partial<Record<ErrorCode | 'NETWORK_ERROR', string>> = {
  NOT_A_PDF: 'This file is not a PDF. Only PDF documents can be added.',
  EMPTY_FILE: 'This file is empty.',
  FILE_TOO_LARGE: 'This file is larger than the server accepts. Split it or ask the admin to raise MAX_UPLOAD_MB.',
  TOO_MANY_FILES: 'Too many files at once. Upload them in smaller batches.',
  PDF_ENCRYPTED: 'This PDF is password-protected. Remove the password (e.g. print to PDF) and upload it again.',
  PDF_MALFORMED: 'This PDF is damaged and could not be read. Try re-saving or re-exporting it.',
  PDF_TOO_COMPLEX: 'This PDF needed too much memory to read. It may be damaged or a decompression bomb.',
  PARSE_TIMEOUT: 'Reading this PDF took too long. It may be damaged or extremely complex.',
  TOO_MANY_PAGES: 'This PDF has more pages than the server accepts.',
  TOO_MUCH_TEXT: 'This PDF has more text than the server accepts for one document.',
  EMBEDDING_FAILED: 'Indexing failed because the embeddings service did not answer. Upload the file again to retry.',
  INGEST_INTERRUPTED: 'Processing kept being interrupted. Upload the file again to retry.',
  INSUFFICIENT_STORAGE: 'The server is out of disk space. Free some space and try again.',
  LLM_TIMEOUT: 'The model took too long to answer. Try again, or use a smaller/faster model.',
  LLM_UNAVAILABLE: 'The model server is not reachable or failed. Check that it is running, then retry.',
  LLM_RATE_LIMITED: 'The model provider is rate limiting requests. Wait a moment and retry.',
  LLM_BAD_RESPONSE: 'The model server sent a broken answer. Retry; if it keeps happening, check the server.',
  LLM_REJECTED: 'The model server refused the request. Check LLM_API_KEY, LLM_MODEL and LLM_BASE_URL.',
  TOO_MANY_STREAMS: 'Too many answers are being written at once. Wait for one to finish.',
  SHUTTING_DOWN: 'The server is restarting. Ask again in a moment.',
  SCOPE_DOCUMENTS_GONE: 'Every document this chat is limited to has been deleted. Pick documents in the library, or search all documents.',
  NOT_LAST_QUESTION: 'This chat changed in another tab, so the question could not be asked again. Reopen the chat and retry.',
  NETWORK_ERROR: 'The server could not be reached. Check your connection.',
};

export function explain(code: string, fallback: string): string {
  return TEXT[code as ErrorCode] ?? fallback;
}
