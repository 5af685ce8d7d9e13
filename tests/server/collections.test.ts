/**
 * Collections (issue 18): named sets of documents, a document in several; the API's stable errors; search and chat
 * scoped to a collection; a chat keeps its collection; deleting a collection or a document never loses the other.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CollectionResponseSchema, CollectionsListResponseSchema, type Collection } from '@pagewise/shared';
import { expectError, ingest, listDocuments, postJson, search } from '../support/api.js';
import { chat, getConversation, ingestAll, listConversations } from '../support/chat.js';
import { fixtureFile } from '../support/fixtures.js';
import { startTestServer, type TestServer } from '../support/server.js';

let s: TestServer;
let ids: Map<string, string>;
const UNKNOWN = '2b1c6a52-96b4-4c53-a0d5-3c7d1a7f4e11';

beforeAll(async () => {
  s = await startTestServer();
  ids = await ingestAll(s.url, [fixtureFile('ntsb', '20071229X02007.pdf'), fixtureFile('ntsb', '20080102X00002.pdf'), fixtureFile('sec-10-q', '2023 Q3 AAPL.pdf')]);
}, 180_000);
afterAll(() => s?.close());

const id = (name: string) => ids.get(name)!;
const send = (method: string, path: string, body?: unknown, headers: Record<string, string> = {}) =>
  fetch(`${s.url}${path}`, {
    method,
    headers: body === undefined ? headers : { 'content-type': 'application/json', ...headers },
    body: body === undefined ? undefined : JSON.stringify(body),
  });

async function create(name: string, documentIds?: string[]): Promise<Collection> {
  const res = await send('POST', '/api/collections', { name, documentIds });
  expect(res.status).toBe(201);
  return CollectionResponseSchema.parse(await res.json()).collection;
}

async function list(): Promise<Collection[]> {
  const res = await send('GET', '/api/collections');
  expect(res.status).toBe(200);
  return CollectionsListResponseSchema.parse(await res.json()).collections;
}

describe('/api/collections', () => {
  it('creates, lists, renames and deletes collections; a document can be in several', async () => {
    const crashes = await create('Crashes', [id('20071229X02007.pdf'), id('20080102X00002.pdf')]);
    const piper = await create('Piper', [id('20071229X02007.pdf')]);
    expect(crashes.documentIds.sort()).toEqual([id('20071229X02007.pdf'), id('20080102X00002.pdf')].sort());
    expect((await list()).map((c) => c.name)).toEqual(['Crashes', 'Piper']);

    const renamed = await send('PATCH', `/api/collections/${piper.id}`, { name: 'Piper PA-22' });
    expect(renamed.status).toBe(200);
    expect(CollectionResponseSchema.parse(await renamed.json()).collection).toMatchObject({ id: piper.id, name: 'Piper PA-22', documentIds: [id('20071229X02007.pdf')] });

    expect((await send('DELETE', `/api/collections/${piper.id}`)).status).toBe(204);
    expect((await list()).map((c) => c.name)).toEqual(['Crashes']);
    // Deleting a collection never deletes its documents.
    expect((await listDocuments(s.url)).map((d) => d.id)).toContain(id('20071229X02007.pdf'));
    expect((await send('DELETE', `/api/collections/${crashes.id}`)).status).toBe(204);
    expect(await listDocuments(s.url)).toHaveLength(3);
  });

  it('adds and removes documents', async () => {
    const c = await create('Filings');
    expect(c.documentIds).toEqual([]);
    const added = await send('POST', `/api/collections/${c.id}/documents`, { documentIds: [id('2023 Q3 AAPL.pdf'), id('20080102X00002.pdf')] });
    expect(added.status).toBe(200);
    expect(CollectionResponseSchema.parse(await added.json()).collection.documentIds.sort()).toEqual([id('2023 Q3 AAPL.pdf'), id('20080102X00002.pdf')].sort());
    // Adding again is harmless.
    expect((await send('POST', `/api/collections/${c.id}/documents`, { documentIds: [id('2023 Q3 AAPL.pdf')] })).status).toBe(200);
    const removed = await send('DELETE', `/api/collections/${c.id}/documents/${id('20080102X00002.pdf')}`);
    expect(removed.status).toBe(200);
    expect(CollectionResponseSchema.parse(await removed.json()).collection.documentIds).toEqual([id('2023 Q3 AAPL.pdf')]);
    await send('DELETE', `/api/collections/${c.id}`);
  });

  it('answers with stable error codes', async () => {
    const c = await create('Unique');
    await expectError(await send('POST', '/api/collections', { name: 'unique ' }), 409, 'COLLECTION_NAME_TAKEN');
    const other = await create('Other');
    await expectError(await send('PATCH', `/api/collections/${other.id}`, { name: 'UNIQUE' }), 409, 'COLLECTION_NAME_TAKEN');
    for (const body of [{}, { name: '' }, { name: 'x'.repeat(101) }, { name: 'ok', documentIds: 'x' }]) {
      await expectError(await send('POST', '/api/collections', body), 400, 'VALIDATION_ERROR');
    }
    await expectError(await send('GET', `/api/collections/${UNKNOWN}`), 404, 'COLLECTION_NOT_FOUND');
    await expectError(await send('PATCH', `/api/collections/${UNKNOWN}`, { name: 'x' }), 404, 'COLLECTION_NOT_FOUND');
    await expectError(await send('DELETE', `/api/collections/${UNKNOWN}`), 404, 'COLLECTION_NOT_FOUND');
    await expectError(await send('POST', `/api/collections/${UNKNOWN}/documents`, { documentIds: [id('2023 Q3 AAPL.pdf')] }), 404, 'COLLECTION_NOT_FOUND');
    // An unknown document is refused and nothing of the request is added.
    await expectError(await send('POST', `/api/collections/${c.id}/documents`, { documentIds: [id('2023 Q3 AAPL.pdf'), UNKNOWN] }), 404, 'NOT_FOUND');
    await expectError(await send('POST', '/api/collections', { name: 'Ghosts', documentIds: [UNKNOWN] }), 404, 'NOT_FOUND');
    expect((await list()).find((x) => x.id === c.id)?.documentIds).toEqual([]);
    expect((await list()).some((x) => x.name === 'Ghosts')).toBe(false);
    await expectError(await send('DELETE', `/api/collections/${c.id}/documents/${UNKNOWN}`), 404, 'NOT_FOUND');
    // Cross-site writes are refused like every other write.
    await expectError(await send('POST', '/api/collections', { name: 'Evil' }, { 'sec-fetch-site': 'cross-site' }), 403, 'CSRF');
    await send('DELETE', `/api/collections/${c.id}`);
    await send('DELETE', `/api/collections/${other.id}`);
  });

  it('drops a deleted document from its collections', async () => {
    const doc = (await ingest(s.url, { path: fixtureFile('ntsb', '20080104X00020.pdf') })).id;
    const c = await create('Temp', [doc, id('2023 Q3 AAPL.pdf')]);
    expect((await send('DELETE', `/api/documents/${doc}`)).status).toBe(204);
    expect((await list()).find((x) => x.id === c.id)?.documentIds).toEqual([id('2023 Q3 AAPL.pdf')]);
    await send('DELETE', `/api/collections/${c.id}`);
  });
});

describe('scoped to a collection', () => {
  it('search finds only the collection\'s documents, and COLLECTION_NOT_FOUND for an unknown one', async () => {
    const c = await create('Apple', [id('2023 Q3 AAPL.pdf')]);
    const everywhere = await search(s.url, { query: 'pilot airplane trees', k: 8 });
    expect(everywhere.some((r) => r.documentId !== id('2023 Q3 AAPL.pdf'))).toBe(true);
    const scoped = await search(s.url, { query: 'pilot airplane trees', k: 8, collectionId: c.id } as never);
    expect(scoped.every((r) => r.documentId === id('2023 Q3 AAPL.pdf'))).toBe(true);
    const empty = await create('Empty');
    expect(await search(s.url, { query: 'pilot airplane trees', k: 8, collectionId: empty.id } as never)).toEqual([]);
    await expectError(await postJson(`${s.url}/api/search`, { query: 'pilot', collectionId: UNKNOWN }), 404, 'COLLECTION_NOT_FOUND');
    await send('DELETE', `/api/collections/${c.id}`);
    await send('DELETE', `/api/collections/${empty.id}`);
  });

  it('a chat belongs to its collection and keeps that scope in follow-ups', async () => {
    const c = await create('NTSB', [id('20080102X00002.pdf')]);
    const first = await chat(s.url, { messages: [{ role: 'user', content: 'What did the pilot report?' }], collectionId: c.id });
    expect(first.sources.length).toBeGreaterThan(0);
    expect(first.sources.every((x) => x.documentId === id('20080102X00002.pdf'))).toBe(true);
    const conversationId = first.start.conversationId;
    expect((await getConversation(s.url, conversationId)).collectionId).toBe(c.id);
    expect((await listConversations(s.url)).find((x) => x.id === conversationId)?.collectionId).toBe(c.id);
    // A follow-up that does not name the collection is still answered from it.
    const follow = await chat(s.url, {
      messages: [{ role: 'user', content: 'What did the pilot report?' }, { role: 'assistant', content: first.answer }, { role: 'user', content: 'What were Apple net sales?' }],
      conversationId,
    });
    expect(follow.sources.every((x) => x.documentId === id('20080102X00002.pdf'))).toBe(true);
    await expectError(await postJson(`${s.url}/api/chat`, { messages: [{ role: 'user', content: 'x' }], collectionId: UNKNOWN }), 404, 'COLLECTION_NOT_FOUND');
    // Naming another collection in this chat is refused; once its collection is deleted, the chat is not widened
    // to the whole library: it is refused, and nothing is stored.
    const other = await create('Other scope', [id('2023 Q3 AAPL.pdf')]);
    const ask = (extra: object) => postJson(`${s.url}/api/chat`, { messages: [{ role: 'user', content: 'Net sales?' }], conversationId, ...extra });
    await expectError(await ask({ collectionId: other.id }), 400, 'VALIDATION_ERROR');
    expect((await send('DELETE', `/api/collections/${c.id}`)).status).toBe(204);
    const before = (await getConversation(s.url, conversationId)).messages.length;
    await expectError(await ask({}), 404, 'COLLECTION_NOT_FOUND');
    expect((await getConversation(s.url, conversationId)).messages.length).toBe(before);
    await send('DELETE', `/api/collections/${other.id}`);
  });
});
