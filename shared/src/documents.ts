import { z } from 'zod';
import { ErrorDetailSchema } from './errors.js';

export const DOCUMENT_STATUSES = ['queued', 'processing', 'ready', 'failed'] as const;
export const DocumentStatusSchema = z.enum(DOCUMENT_STATUSES);
export type DocumentStatus = z.infer<typeof DocumentStatusSchema>;

export const DocumentSummarySchema = z.object({
  id: z.string(),
  name: z.string(),
  status: DocumentStatusSchema,
  /** Physical page count, known once extraction has opened the file. */
  pages: z.number().int().nullable(),
  /** Pages extracted so far (progress while `processing`). */
  pagesDone: z.number().int(),
  chunks: z.number().int(),
  bytes: z.number().int(),
  createdAt: z.string(),
  /** Duration of the last processing attempt in ms, once it ended. */
  processingMs: z.number().int().nullable(),
  error: ErrorDetailSchema.optional(),
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
