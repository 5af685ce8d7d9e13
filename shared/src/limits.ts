/** Limits that both sides of the wire agree on. Server-side caps that are configurable live in server config. */
export const MAX_QUERY_CHARS = 2000;
export const MAX_SEARCH_K = 50;
export const DEFAULT_SEARCH_K = 8;
export const MAX_DOCUMENT_IDS_PER_REQUEST = 1000;
export const MAX_DOCUMENT_NAME_CHARS = 255;
export const PDF_MAGIC = '%PDF-';
/** pdf.js accepts a header anywhere in the first 1024 bytes; so do we. */
export const PDF_MAGIC_WINDOW_BYTES = 1024;
