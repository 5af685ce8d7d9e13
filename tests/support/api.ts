/** Small typed HTTP helpers over the public contract, for the integration suites. */
import { expect } from 'vitest';
import {
  DocumentResponseSchema,
  DocumentsListResponseSchema,
  ErrorBodySchema,
  SearchResponseSchema,
  type DocumentSummary,
  type ErrorCode,
  type SearchRequest,
  type SearchResult,
  type UploadResponse,
  UploadResponseSchema,
} from '@pagewise/shared';
import { upload } from './server.js';

export async function postJson(url: string, body: unknown): Promise<Response> {
  return fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
}

/** Assert a response is the error body with this status and code; returns the message. */
export async function expectError(res: Response, status: number, code: ErrorCode): Promise<string> {
  const raw: unknown = await res.json();
  const body = ErrorBodySchema.parse(raw);
  expect({ status: res.status, code: body.error.code }).toEqual({ status, code });
  expect(body.error.message.length).toBeGreaterThan(5);
  return body.error.message;
}

export async function listDocuments(url: string): Promise<DocumentSummary[]> {
  const res = await fetch(`${url}/api/documents`);
  expect(res.status).toBe(200);
  return DocumentsListResponseSchema.parse(await res.json()).documents;
}

export async function getDocument(url: string, id: string): Promise<DocumentSummary> {
  const res = await fetch(`${url}/api/documents/${id}`);
  expect(res.status).toBe(200);
  return DocumentResponseSchema.parse(await res.json()).document;
}

/** Poll one document until it is `ready` or `failed`. */
export async function settled(url: string, id: string, timeoutMs = 110_000): Promise<DocumentSummary> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const doc = await getDocument(url, id);
    if (doc.status === 'ready' || doc.status === 'failed') return doc;
    if (Date.now() > deadline) throw new Error(`document ${id} still ${doc.status} after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

type Page = { number: number; label: string | null; text: string; kind: 'contents' | 'index' | null };

export async function getPage(url: string, id: string, n: number): Promise<Page> {
  const res = await fetch(`${url}/api/documents/${id}/pages/${n}`);
  expect(res.status).toBe(200);
  return ((await res.json()) as { page: Page }).page;
}

export async function search(url: string, req: SearchRequest): Promise<SearchResult[]> {
  const res = await postJson(`${url}/api/search`, req);
  expect(res.status).toBe(200);
  return SearchResponseSchema.parse(await res.json()).results;
}

/** Upload files and return the parsed upload response (any 2xx). */
export async function uploadOk(
  url: string,
  files: ({ path: string } | { name: string; data: Uint8Array })[],
): Promise<UploadResponse & { status: number }> {
  const res = await upload(url, files);
  const raw: unknown = await res.json();
  if (res.status !== 200 && res.status !== 202) throw new Error(`upload answered ${res.status}: ${JSON.stringify(raw)}`);
  return { ...UploadResponseSchema.parse(raw), status: res.status };
}

/** Upload one file and wait until it is `ready` or `failed`. */
export async function ingest(url: string, file: { path: string } | { name: string; data: Uint8Array }): Promise<DocumentSummary> {
  const { documents } = await uploadOk(url, [file]);
  expect(documents).toHaveLength(1);
  return settled(url, documents[0]!.id);
}
