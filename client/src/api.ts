/**
 * The one fetch wrapper: every non-2xx response becomes an ApiError carrying the server's stable `code`
 * (branch on codes, never on message text). Responses are checked against the shared schemas.
 */
import {
  ConversationResponseSchema,
  ConversationsListResponseSchema,
  DocumentPagesResponseSchema,
  DocumentsListResponseSchema,
  ErrorBodySchema,
  HealthResponseSchema,
  SessionResponseSchema,
  SearchResponseSchema,
  UploadResponseSchema,
  type ErrorCode,
  type SearchRequest,
} from '@pagewise/shared';
import type { z } from 'zod';

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: ErrorCode | 'NETWORK_ERROR',
    message: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

export const UNAUTHENTICATED_EVENT = 'pagewise:unauthenticated';

export function toApiError(status: number, body: unknown): ApiError {
  const parsed = ErrorBodySchema.safeParse(body);
  if (parsed.success && parsed.data.error.code === 'UNAUTHENTICATED') window.dispatchEvent(new Event(UNAUTHENTICATED_EVENT));
  if (parsed.success) return new ApiError(status, parsed.data.error.code, parsed.data.error.message);
  return new ApiError(status, 'INTERNAL_ERROR', `The server answered ${status}.`);
}

export async function request<S extends z.ZodType>(path: string, init: RequestInit, schema: S | null): Promise<z.output<S>> {
  let res: Response;
  try {
    res = await fetch(path, { credentials: 'same-origin', ...init });
  } catch {
    throw new ApiError(0, 'NETWORK_ERROR', 'The server could not be reached.');
  }
  if (!res.ok) throw toApiError(res.status, await res.json().catch(() => null));
  if (!schema) return undefined as z.output<S>;
  return schema.parse(await res.json());
}

export const json = (body: unknown): RequestInit => ({
  method: 'POST',
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify(body),
});

export const api = {
  session: () => request('/api/auth/session', {}, SessionResponseSchema),
  login: (token: string) => request('/api/auth/login', json({ token }), SessionResponseSchema),
  logout: () => request('/api/auth/logout', { method: 'POST' }, null),
  health: () => request('/api/health', {}, HealthResponseSchema),
  documents: () => request('/api/documents', {}, DocumentsListResponseSchema),
  pages: (id: string) => request(`/api/documents/${encodeURIComponent(id)}/pages`, {}, DocumentPagesResponseSchema),
  deleteDocument: (id: string) => request(`/api/documents/${encodeURIComponent(id)}`, { method: 'DELETE' }, null),
  search: (body: SearchRequest, signal?: AbortSignal) => request('/api/search', { ...json(body), signal }, SearchResponseSchema),
  conversations: () => request('/api/conversations', {}, ConversationsListResponseSchema),
  conversation: (id: string) => request(`/api/conversations/${encodeURIComponent(id)}`, {}, ConversationResponseSchema),
  renameConversation: (id: string, title: string) =>
    request(`/api/conversations/${encodeURIComponent(id)}`, { ...json({ title }), method: 'PATCH' }, null),
  deleteConversation: (id: string) => request(`/api/conversations/${encodeURIComponent(id)}`, { method: 'DELETE' }, null),
  fileUrl: (id: string) => `/api/documents/${encodeURIComponent(id)}/file`,
};

/** Upload with byte progress (fetch cannot report upload progress; XMLHttpRequest can). */
export function uploadFiles(files: File[], onProgress: (loaded: number, total: number) => void) {
  return new Promise<z.output<typeof UploadResponseSchema>>((resolve, reject) => {
    const form = new FormData();
    for (const f of files) form.append('files', f, f.name);
    const xhr = new XMLHttpRequest();
    xhr.open('POST', '/api/documents');
    xhr.upload.onprogress = (e) => e.lengthComputable && onProgress(e.loaded, e.total);
    xhr.onerror = () => reject(new ApiError(0, 'NETWORK_ERROR', 'The upload was interrupted.'));
    xhr.onload = () => {
      let body: unknown = null;
      try {
        body = JSON.parse(xhr.responseText);
      } catch {
        // not JSON
      }
      if (xhr.status >= 200 && xhr.status < 300) resolve(UploadResponseSchema.parse(body));
      else reject(toApiError(xhr.status, body));
    };
    xhr.send(form);
  });
}
