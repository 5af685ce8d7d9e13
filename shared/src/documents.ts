import { z } from 'zod';
import { ErrorDetailSchema } from './errors.js';

export const DOCUMENT_STATUSES = ['queued', 'processing', 'ready', 'failed'] as const;
export const DocumentStatusSchema = z.enum(DOCUMENT_STATUSES);
export type DocumentStatus = z.infer<typeof DocumentStatusSchema>;

/**
 * What is happening to a document now, finer than its status: `queued`; while `processing`, `opening` (the file
 * is being opened, the page count is not known yet), `extracting` (pages are being read: `pagesDone` of `pages`)
 * and `indexing` (every page is read; its passages are being embedded and added to the index, the last step
 * before it is searchable); then `ready` or `failed`.
 */
export const DOCUMENT_STAGES = ['queued', 'opening', 'extracting', 'indexing', 'ready', 'failed'] as const;
export const DocumentStageSchema = z.enum(DOCUMENT_STAGES);
export type DocumentStage = z.infer<typeof DocumentStageSchema>;

export const DocumentSummarySchema = z.object({
  id: z.string(),
  name: z.string(),
  status: DocumentStatusSchema,
  stage: DocumentStageSchema,
  /** Physical page count, known once extraction has opened the file. */
  pages: z.number().int().nullable(),
  /** Pages extracted so far (progress while `processing`). */
  pagesDone: z.number().int(),
  chunks: z.number().int(),
  bytes: z.number().int(),
  createdAt: z.string(),
  /** Duration of the last processing attempt in ms, once it ended. */
  processingMs: z.number().int().nullable(),
  /** Pages whose text came from OCR, and pages with a quality warning (see `GET /api/documents/:id/pages`). */
  ocrPages: z.number().int(),
  warningPages: z.number().int(),
  error: ErrorDetailSchema.optional(),
  /** The PDF's own title (metadata /Title or XMP dc:title) when it is a sensible one. */
  title: z.string().nullable().optional(),
  /** The file name it was uploaded as, once it has been renamed (null before). */
  originalName: z.string().nullable().optional(),
});
export type DocumentSummary = z.infer<typeof DocumentSummarySchema>;

export const DocumentsListResponseSchema = z.object({ documents: z.array(DocumentSummarySchema) });
export type DocumentsListResponse = z.infer<typeof DocumentsListResponseSchema>;

export const DocumentResponseSchema = z.object({ document: DocumentSummarySchema });
export type DocumentResponse = z.infer<typeof DocumentResponseSchema>;

export const UploadedDocumentSchema = z.object({
  id: z.string(),
  name: z.string(),
  status: DocumentStatusSchema,
  /** True when the same bytes were already in the library; `id` is the existing document. */
  duplicate: z.boolean(),
});
export const RejectedFileSchema = z.object({ name: z.string(), error: ErrorDetailSchema });

/**
 * `POST /api/documents`: 202 when at least one new document was queued, 200 when every accepted file was a
 * duplicate. Files that fail validation are listed in `rejected`; when every file is rejected the response is
 * instead the error body of the first rejection, with its 4xx status.
 */
export const UploadResponseSchema = z.object({
  documents: z.array(UploadedDocumentSchema),
  rejected: z.array(RejectedFileSchema),
});
export type UploadResponse = z.infer<typeof UploadResponseSchema>;

/** Where a page's stored text came from: the PDF's text layer, OCR of the rendered page, or nowhere. */
export const PAGE_SOURCES = ['text', 'ocr', 'none'] as const;
export const PageSourceSchema = z.enum(PAGE_SOURCES);
export type PageSource = z.infer<typeof PageSourceSchema>;

/**
 * Signs that a page's text is not what the page shows, so answers cannot see it:
 * - `UNMAPPED_GLYPHS`: many glyphs have no Unicode value (replacement, private-use or control characters), as
 *   with a font that has no Unicode map;
 * - `REPEATED_GLYPH`: the text is mostly one repeated glyph;
 * - `SPARSE_TEXT`: far fewer characters than the text drawn on the page suggests;
 * - `NO_TEXT`: the page shows ink (an image, a scan) but no text was found on it;
 * - `LOW_OCR_CONFIDENCE`: the page's text comes from OCR that was unsure of it.
 */
export const PAGE_WARNING_CODES = ['UNMAPPED_GLYPHS', 'REPEATED_GLYPH', 'SPARSE_TEXT', 'NO_TEXT', 'LOW_OCR_CONFIDENCE'] as const;
export const PageWarningCodeSchema = z.enum(PAGE_WARNING_CODES);
export type PageWarningCode = z.infer<typeof PageWarningCodeSchema>;

export const PageQualitySchema = z.object({
  /** 1-based physical page number, and the PDF's own label for it. */
  number: z.number().int(),
  label: z.string().nullable(),
  /** Characters of the stored text. */
  chars: z.number().int(),
  source: PageSourceSchema,
  /** Mean word confidence of the OCR, 0-100; null unless `source` is `ocr`. */
  ocrConfidence: z.number().nullable(),
  warnings: z.array(z.object({ code: PageWarningCodeSchema, message: z.string() })),
});
export type PageQuality = z.infer<typeof PageQualitySchema>;

/** `GET /api/documents/:id/pages`: every stored page of the document, in order. */
export const DocumentPagesResponseSchema = z.object({
  documentId: z.string(),
  pages: z.array(PageQualitySchema),
});
export type DocumentPagesResponse = z.infer<typeof DocumentPagesResponseSchema>;
