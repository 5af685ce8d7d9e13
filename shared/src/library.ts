/**
 * The library as a place to work: renaming documents, collections (named sets of documents), a document's
 * overview, and the server's settings as it runs them.
 */
import { z } from 'zod';
import { CitationSchema } from './chat.js';
import { ErrorDetailSchema } from './errors.js';
import { MAX_DOCUMENT_IDS_PER_REQUEST, MAX_DOCUMENT_NAME_CHARS } from './limits.js';

export const MAX_COLLECTION_NAME_CHARS = 100;

/** Printable, one line, and no path separators: the name becomes the download's file name. */
const displayName = (max: number) =>
  z
    .string()
    .trim()
    .min(1, 'the name is empty')
    .max(max, `the name is longer than ${max} characters`)
    .refine((s) => !/[\u0000-\u001f\u007f-\u009f]/.test(s), 'the name has control characters')
    .refine((s) => !/[\\/]/.test(s), 'the name must not contain / or \\');

/** `PATCH /api/documents/:id`. */
export const DocumentRenameSchema = z.object({ name: displayName(MAX_DOCUMENT_NAME_CHARS) }).strict();

const DocumentIdsSchema = z.array(z.string().uuid()).max(MAX_DOCUMENT_IDS_PER_REQUEST);

export const CollectionSchema = z.object({
  id: z.string(),
  name: z.string(),
  /** The documents in it, oldest addition first. A document can be in several collections. */
  documentIds: z.array(z.string()),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type Collection = z.infer<typeof CollectionSchema>;

export const CollectionsListResponseSchema = z.object({ collections: z.array(CollectionSchema) });
export const CollectionResponseSchema = z.object({ collection: CollectionSchema });
export const CollectionCreateSchema = z.object({ name: displayName(MAX_COLLECTION_NAME_CHARS), documentIds: DocumentIdsSchema.optional() }).strict();
export const CollectionRenameSchema = z.object({ name: displayName(MAX_COLLECTION_NAME_CHARS) }).strict();
export const CollectionDocumentsSchema = z.object({ documentIds: DocumentIdsSchema.min(1) }).strict();

export const OVERVIEW_STATUSES = ['off', 'pending', 'ready', 'failed'] as const;

/**
 * A document's overview: a short summary whose `[n]` markers are `citations`, and three suggested questions.
 * `off` when no model is configured (or OVERVIEW=off), `pending` until it has been generated.
 */
export const DocumentOverviewSchema = z.object({
  documentId: z.string(),
  status: z.enum(OVERVIEW_STATUSES),
  summary: z.string().nullable(),
  questions: z.array(z.string()),
  citations: z.array(CitationSchema),
  error: ErrorDetailSchema.nullable(),
  updatedAt: z.string().nullable(),
});
export type DocumentOverview = z.infer<typeof DocumentOverviewSchema>;
export const DocumentOverviewResponseSchema = z.object({ overview: DocumentOverviewSchema });

/** One value the server runs with, and the environment variable that sets it. Never a secret. */
export const SettingSchema = z.object({
  group: z.enum(['Chat model', 'Embedder', 'OCR', 'Limits', 'Access']),
  label: z.string(),
  value: z.string(),
  /** More about the value (an embedder's fallback reason, the index size). */
  detail: z.string().nullable(),
  env: z.string(),
});
export type Setting = z.infer<typeof SettingSchema>;
export const SettingsResponseSchema = z.object({ settings: z.array(SettingSchema) });
export type SettingsResponse = z.infer<typeof SettingsResponseSchema>;
