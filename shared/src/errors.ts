import { z } from 'zod';

/**
 * Every stable error code the API can return, in the error body or on a failed document.
 * Clients branch on these codes, never on message text.
 */
export const ERROR_CODES = [
  // request shape
  'VALIDATION_ERROR',
  'NOT_FOUND',
  'PAYLOAD_TOO_LARGE',
  'UNSUPPORTED_MEDIA_TYPE',
  'MALFORMED_URL',
  'MALFORMED_REQUEST',
  'HEADERS_TOO_LARGE',
  'REQUEST_TIMEOUT',
  // uploads (SECURITY.md U1-U4)
  'NO_FILES',
  'FILE_TOO_LARGE',
  'TOO_MANY_FILES',
  'MALFORMED_UPLOAD',
  'EMPTY_FILE',
  'NOT_A_PDF',
  'INSUFFICIENT_STORAGE',
  // extraction (SECURITY.md P1-P2), stored on failed documents
  'PDF_ENCRYPTED',
  'PDF_MALFORMED',
  'PDF_TOO_COMPLEX',
  'PARSE_TIMEOUT',
  'TOO_MANY_PAGES',
  'TOO_MUCH_TEXT',
  'NO_EXTRACTABLE_TEXT',
  'EMBEDDING_FAILED',
  'INGEST_INTERRUPTED',
  // chat (SECURITY.md F4-F5)
  'TOO_MANY_STREAMS',
  'LLM_RATE_LIMITED',
  'LLM_UNAVAILABLE',
  'LLM_TIMEOUT',
  'LLM_BAD_RESPONSE',
  'LLM_REJECTED',
  'SHUTTING_DOWN',
  // a question's documents or its place in the conversation
  'SCOPE_DOCUMENTS_GONE',
  'NOT_LAST_QUESTION',
  // the OpenAI-compatible endpoint (/v1)
  'MODEL_NOT_FOUND',
  'UNSUPPORTED_PARAMETER',
  // collections
  'COLLECTION_NOT_FOUND',
  'COLLECTION_NAME_TAKEN',
  // access (SECURITY.md H1-H4)
  'UNAUTHENTICATED',
  'CSRF',
  'HOST_NOT_ALLOWED',
  'RATE_LIMITED',
  // catch-all
  'INTERNAL_ERROR',
] as const;

export type ErrorCode = (typeof ERROR_CODES)[number];
export const ErrorCodeSchema = z.enum(ERROR_CODES);

export const ErrorDetailSchema = z.object({
  code: ErrorCodeSchema,
  message: z.string(),
});
export type ErrorDetail = z.infer<typeof ErrorDetailSchema>;

/** The one error body every non-2xx JSON response carries. */
export const ErrorBodySchema = z.object({ error: ErrorDetailSchema });
export type ErrorBody = z.infer<typeof ErrorBodySchema>;
