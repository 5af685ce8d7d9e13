/**
 * A conversation keeps its document scope (the documents its latest question searched), a question whose scope
 * was deleted searches only what is left of it (and says which ids are gone) or is refused with
 * SCOPE_DOCUMENTS_GONE when nothing is left, and `retryOf` replaces the conversation's last question and its
 * answer instead of adding a second copy, even when the stopped answer is stored after the retry began; and
 * `newConversationId` starts a conversation under an id the client chose.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ErrorBodySchema } from '@pagewise/shared';
import { fixtureFile } from '../support/fixtures.js';
import { startFakeLlm, type FakeLlm } from '../support/fake-llm.js';
import { startTestServer, upload, waitForIngestion, type TestServer } from '../support/server.js';
import { chat, getConversation, listConversations, postChat, streamEvents } from '../support/chat.js';

let s: TestServer;
let fake: FakeLlm;
let ids: string[] = [];

beforeAll(async () => {
  fake = await startFakeLlm();
  s = await startTestServer({ LLM_BASE_URL: fake.baseUrl, CHAT_TOP_K: '3' });
  const res = await upload(s.url, ['20071229X02007.pdf', '20080102X00002.pdf', '20080104X00020.pdf'].map((n) => ({ path: fixtureFile('ntsb', n) })));
  ids = ((await res.json()) as { documents: { id: string }[] }).documents.map((d) => d.id);
  await waitForIngestion(s.url);
});

afterAll(async () => {
  await s?.close();
  await fake?.close();
});

const Q = 'What did the airplane hit on final approach?';

describe('a conversation keeps its document scope', () => {
  it('stores the scope of the latest question, and null for the whole library', async () => {
    fake.next({ kind: 'ok', content: 'Trees [1].' });
    const first = await chat(s.url, { messages: [{ role: 'user', content: Q }], documentIds: [ids[0], ids[1]] });
    const id = first.start.conversationId;
    expect((await getConversation(s.url, id)).documentIds).toEqual([ids[0], ids[1]]);
    expect((await listConversations(s.url)).find((c) => c.id === id)?.documentIds).toEqual([ids[0], ids[1]]);

    fake.next({ kind: 'ok', content: 'standalone' }, { kind: 'ok', content: 'Wires [1].' });
    await chat(s.url, { messages: [{ role: 'user', content: Q }, { role: 'assistant', content: 'Trees [1].' }, { role: 'user', content: 'And then?' }], conversationId: id });
    expect((await getConversation(s.url, id)).documentIds).toBeNull();
  });

  it('searches only the documents of the scope that still exist, and names the deleted ones', async () => {
    const gone = ids[2]!;
    expect((await fetch(`${s.url}/api/documents/${gone}`, { method: 'DELETE' })).status).toBe(204);
    fake.next({ kind: 'ok', content: 'Trees [1].' });
    const r = await chat(s.url, { messages: [{ role: 'user', content: Q }], documentIds: [ids[1], gone] });
    expect(r.start.missingDocumentIds).toEqual([gone]);
    expect(r.sources.length).toBeGreaterThan(0);
    expect(new Set(r.sources.map((x) => x.documentId))).toEqual(new Set([ids[1]]));
    expect((await getConversation(s.url, r.start.conversationId)).documentIds).toEqual([ids[1]]);
  });

  it('refuses a question whose whole scope was deleted, before any stream opens, and stores nothing', async () => {
    const gone = ids[2]!;
    const before = (await listConversations(s.url)).length;
    const requests = fake.chatRequests().length;
    const res = await postChat(s.url, { messages: [{ role: 'user', content: Q }], documentIds: [gone] });
    expect(res.status).toBe(409);
    const body = ErrorBodySchema.parse(await res.json());
    expect(body.error.code).toBe('SCOPE_DOCUMENTS_GONE');
    expect(body.error.message).toMatch(/deleted/);
    expect((await listConversations(s.url)).length).toBe(before);
    expect(fake.chatRequests().length).toBe(requests);
  });
});

describe('retryOf replaces the last question and its answer', () => {
  it('keeps one copy of the question and only the new answer', async () => {
    fake.next({ kind: 'ok', content: 'First answer [1].' });
    const first = await chat(s.url, { messages: [{ role: 'user', content: Q }], documentIds: [ids[0]] });
    const id = first.start.conversationId;
    fake.next({ kind: 'ok', content: 'Second answer [1].' });
    const again = await chat(s.url, { messages: [{ role: 'user', content: Q }], documentIds: [ids[0]], conversationId: id, retryOf: first.start.userMessageId });
    const conv = await getConversation(s.url, id);
    expect(conv.messages.map((m) => [m.role, m.content, m.status])).toEqual([
      ['user', Q, 'complete'],
      ['assistant', 'Second answer [1].', 'complete'],
    ]);
    expect(conv.messages[0]!.id).toBe(again.start.userMessageId);
  });

  it('keeps no stopped answer, whenever it is stored, once its question was asked again', async () => {
    fake.next({ kind: 'ok', content: 'Slow first answer, word by word, on and on [1].', tokenDelayMs: 150, chunkSize: 2 });
    const ac = new AbortController();
    const res = await postChat(s.url, { messages: [{ role: 'user', content: Q }], documentIds: [ids[0]] }, ac.signal);
    let start: { conversationId: string; userMessageId: string } | null = null;
    for await (const e of streamEvents(res)) {
      if (e.type === 'start') start = e;
      if (e.type === 'answer') break;
    }
    ac.abort();
    fake.next({ kind: 'ok', content: 'Retried answer [1].' });
    await chat(s.url, { messages: [{ role: 'user', content: Q }], documentIds: [ids[0]], conversationId: start!.conversationId, retryOf: start!.userMessageId });
    await new Promise((r) => setTimeout(r, 1_000));
    const conv = await getConversation(s.url, start!.conversationId);
    expect(conv.messages.map((m) => [m.role, m.content])).toEqual([
      ['user', Q],
      ['assistant', 'Retried answer [1].'],
    ]);
  });

  it('refuses a retryOf that is not the conversation\'s last question, and keeps everything', async () => {
    fake.next({ kind: 'ok', content: 'One [1].' });
    const one = await chat(s.url, { messages: [{ role: 'user', content: Q }] });
    const id = one.start.conversationId;
    fake.next({ kind: 'ok', content: 'standalone' }, { kind: 'ok', content: 'Two [1].' });
    await chat(s.url, { messages: [{ role: 'user', content: Q }, { role: 'assistant', content: 'One [1].' }, { role: 'user', content: 'Why?' }], conversationId: id });
    const res = await postChat(s.url, { messages: [{ role: 'user', content: Q }], conversationId: id, retryOf: one.start.userMessageId });
    expect(res.status).toBe(409);
    expect(ErrorBodySchema.parse(await res.json()).error.code).toBe('NOT_LAST_QUESTION');
    expect((await getConversation(s.url, id)).messages).toHaveLength(4);

    const orphan = await postChat(s.url, { messages: [{ role: 'user', content: Q }], retryOf: one.start.userMessageId });
    expect(orphan.status).toBe(400);
    expect(ErrorBodySchema.parse(await orphan.json()).error.code).toBe('VALIDATION_ERROR');
  });
});

describe('newConversationId starts a conversation under an id the client chose', () => {
  it('stores the question under that id from the first moment', async () => {
    const id = crypto.randomUUID();
    fake.next({ kind: 'ok', content: 'Trees [1].', tokenDelayMs: 100 });
    const res = await postChat(s.url, { messages: [{ role: 'user', content: Q }], newConversationId: id, documentIds: [ids[0]] });
    // Before the first event is read, the conversation is there with its question and scope.
    const early = await getConversation(s.url, id);
    expect(early.messages.map((m) => m.role)).toEqual(['user']);
    expect(early.documentIds).toEqual([ids[0]]);
    const events = [];
    for await (const e of streamEvents(res)) events.push(e);
    expect(events[0]).toMatchObject({ type: 'start', conversationId: id });
    expect((await getConversation(s.url, id)).messages.map((m) => m.role)).toEqual(['user', 'assistant']);
  });

  it('refuses an id already in use, or one sent with conversationId, and stores nothing', async () => {
    const [existing] = await listConversations(s.url);
    const count = (await listConversations(s.url)).length;
    for (const body of [
      { messages: [{ role: 'user', content: Q }], newConversationId: existing!.id },
      { messages: [{ role: 'user', content: Q }], newConversationId: crypto.randomUUID(), conversationId: existing!.id },
    ]) {
      const res = await postChat(s.url, body);
      expect(res.status).toBe(400);
      const err = ErrorBodySchema.parse(await res.json()).error;
      expect(err.code).toBe('VALIDATION_ERROR');
      expect(err.message).toContain('newConversationId');
    }
    expect((await listConversations(s.url)).length).toBe(count);
    expect((await getConversation(s.url, existing!.id)).messages.length).toBe(existing!.messages);
  });
});
