import { z } from 'zod';
import { DEFAULT_SEARCH_K, MAX_DOCUMENT_IDS_PER_REQUEST, MAX_QUERY_CHARS, MAX_SEARCH_K } from './limits.js';

export const SearchRequestSchema = z.object({
  query: z.string().trim().min(1).max(MAX_QUERY_CHARS),
  k: z.number().int().min(1).max(MAX_SEARCH_K).default(DEFAULT_SEARCH_K),
  documentIds: z.array(z.string().min(1)).max(MAX_DOCUMENT_IDS_PER_REQUEST).optional(),
  /** Search only this collection's documents (with `documentIds`, the documents in both). */
  collectionId: z.string().uuid().optional(),
});
export type SearchRequest = z.input<typeof SearchRequestSchema>;

export const SearchResultSchema = z.object({
  documentId: z.string(),
  documentName: z.string(),
  /** 1-based physical page where the passage starts. */
  page: z.number().int().min(1),
  /** The PDF's own label for that page (e.g. "iv"), when it has one. */
  pageLabel: z.string().nullable(),
  chunkId: z.number().int(),
  /** Character span of the passage inside the page text (`[start, end)`), for highlighting. */
  charStart: z.number().int(),
  charEnd: z.number().int(),
  text: z.string(),
  score: z.number(),
});
export type SearchResult = z.infer<typeof SearchResultSchema>;

export const SearchResponseSchema = z.object({ results: z.array(SearchResultSchema) });
export type SearchResponse = z.infer<typeof SearchResponseSchema>;
