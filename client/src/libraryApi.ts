/** The library's workplace calls: rename, overview, collections, settings, and the download/export links. */
import {
  CollectionResponseSchema,
  CollectionsListResponseSchema,
  DocumentOverviewResponseSchema,
  DocumentResponseSchema,
  SettingsResponseSchema,
} from '@pagewise/shared';
import { json, request } from './api';

const enc = encodeURIComponent;
const patch = (body: unknown): RequestInit => ({ ...json(body), method: 'PATCH' });

export const libraryApi = {
  rename: (id: string, name: string) => request(`/api/documents/${enc(id)}`, patch({ name }), DocumentResponseSchema),
  overview: (id: string) => request(`/api/documents/${enc(id)}/overview`, {}, DocumentOverviewResponseSchema),
  collections: () => request('/api/collections', {}, CollectionsListResponseSchema),
  createCollection: (name: string) => request('/api/collections', json({ name }), CollectionResponseSchema),
  renameCollection: (id: string, name: string) => request(`/api/collections/${enc(id)}`, patch({ name }), CollectionResponseSchema),
  deleteCollection: (id: string) => request(`/api/collections/${enc(id)}`, { method: 'DELETE' }, null),
  addToCollection: (id: string, documentId: string) => request(`/api/collections/${enc(id)}/documents`, json({ documentIds: [documentId] }), CollectionResponseSchema),
  removeFromCollection: (id: string, documentId: string) =>
    request(`/api/collections/${enc(id)}/documents/${enc(documentId)}`, { method: 'DELETE' }, CollectionResponseSchema),
  settings: () => request('/api/settings', {}, SettingsResponseSchema),
  downloadUrl: (id: string) => `/api/documents/${enc(id)}/file`,
  exportUrl: (conversationId: string) => `/api/conversations/${enc(conversationId)}/export.md`,
};
