/**
 * A chat's collection and its document scope together: a request may carry both `collectionId` and `documentIds`;
 * the collection narrows the search to its members, deleted documents of the scope are named in the `start`
 * event (or refused with SCOPE_DOCUMENTS_GONE when none is left), the conversation keeps the documents the user
 * picked (not the collection's expansion of them), a new chat started under `newConversationId` belongs to its
 * collection and is titled by the model after its first answer, and `retryOf` replaces the question in place
 * without a second title.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CollectionResponseSchema } from '@pagewise/shared';
import { expectError, ingest, postJson } from '../support/api.js';
import { chat, getConversation, ingestAll, listConversations } from '../support/chat.js';
import { startFakeLlm, type FakeLlm } from '../support/fake-llm.js';
import { fixtureFile } from '../support/fixtures.js';
import { startTestServer, type TestServer } from '../support/server.js';

let s: TestServer;
let fake: FakeLlm;
let a: string;
let b: string;
let c: string;
let gone: string;
let collectionId: string;
const Q = 'What did the airplane hit on final approach?';

beforeAll(async () => {
  fake = await startFakeLlm();
  s = await startTestServer({ LLM_BASE_URL: fake.baseUrl, CHAT_TOP_K: '3', CHAT_TITLES: 'model' });
  const ids = await ingestAll(s.url, ['20071229X02007.pdf', '20080102X00002.pdf', '20080104X00020.pdf'].map((n) => fixtureFile('ntsb', n)));
  [a, b, c] = ['20071229X02007.pdf', '20080102X00002.pdf', '20080104X00020.pdf'].map((n) => ids.get(n)!) as [string, string, string];
  gone = (await ingest(s.url, { path: fixtureFile('sec-10-q', '2023 Q3 AAPL.pdf') })).id;
  const res = await postJson(`${s.url}/api/collections`, { name: 'Approach', documentIds: [a, b, gone] });
  expect(res.status).toBe(201);
  collectionId = CollectionResponseSchema.parse(await res.json()).collection.id;
  expect((await fetch(`${s.url}/api/documents/${gone}`, { method: 'DELETE' })).status).toBe(204);
}, 240_000);
afterAll(async () => {
  await s?.close();
  await fake?.close();
});

describe('a chat with a collection and a document scope', () => {
  it('searches the collection ∩ the documents left, names the deleted ones, keeps the picked scope, and is titled', async () => {
    const newConversationId = randomUUID();
    fake.next({ kind: 'ok', content: 'Trees [1].' }, { kind: 'ok', content: 'Approach into trees' });
    const r = await chat(s.url, { messages: [{ role: 'user', content: Q }], collectionId, documentIds: [a, c, gone], newConversationId });
    expect(r.start.conversationId).toBe(newConversationId);
    expect(r.start.missingDocumentIds).toEqual([gone]);
    expect(r.sources.length).toBeGreaterThan(0);
    // c is picked but outside the collection; b is in the collection but not picked: only a is searched.
    expect(new Set(r.sources.map((x) => x.documentId))).toEqual(new Set([a]));
    const stored = await getConversation(s.url, newConversationId);
    expect(stored).toMatchObject({ collectionId, documentIds: [a, c], title: 'Approach into trees' });
    expect((await listConversations(s.url)).find((x) => x.id === newConversationId)).toMatchObject({ collectionId, documentIds: [a, c] });

    // Asked again: replaced in place, still from the collection, and no second title call.
    const calls = fake.chatRequests().length;
    fake.next({ kind: 'ok', content: 'Wires [1].' });
    const again = await chat(s.url, { messages: [{ role: 'user', content: Q }], conversationId: newConversationId, retryOf: r.start.userMessageId });
    expect(again.sources.length).toBeGreaterThan(0);
    expect(again.sources.every((x) => x.documentId === a || x.documentId === b)).toBe(true);
    expect(fake.chatRequests().length - calls).toBe(1);
    const after = await getConversation(s.url, newConversationId);
    expect(after.messages.map((m) => m.content)).toEqual([Q, 'Wires [1].']);
    expect(after).toMatchObject({ collectionId, documentIds: null, title: 'Approach into trees' });
  });

  it('refuses a collection chat whose picked documents were all deleted, and stores nothing', async () => {
    const before = (await listConversations(s.url)).length;
    const newConversationId = randomUUID();
    await expectError(await postJson(`${s.url}/api/chat`, { messages: [{ role: 'user', content: Q }], collectionId, documentIds: [gone], newConversationId }), 409, 'SCOPE_DOCUMENTS_GONE');
    expect((await listConversations(s.url)).length).toBe(before);
  });
});
