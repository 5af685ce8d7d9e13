/**
 * The conversations API (list, get, rename, delete) over conversations made through POST /api/chat, and the
 * requests POST /api/chat refuses before any stream opens: an unknown conversation (404) and invalid bodies (400).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConversationResponseSchema, ErrorBodySchema, type ErrorCode } from '@pagewise/shared';
import { fixtureFile } from '../support/fixtures.js';
import { startFakeLlm, type FakeLlm } from '../support/fake-llm.js';
import { startTestServer, type TestServer } from '../support/server.js';
import { chat, getConversation, ingestAll, listConversations, only, postChat, type ChatResult } from '../support/chat.js';

let s: TestServer;
let fake: FakeLlm;
let first: ChatResult;
let second: ChatResult;
const Q1 = 'What happened to the Piper PA-22-150 on final approach at the private airstrip near Tallahassee?';
const Q2 = 'How old was the pilot?';

beforeAll(async () => {
  fake = await startFakeLlm();
  s = await startTestServer({ LLM_BASE_URL: fake.baseUrl, CHAT_TOP_K: '3' });
  await ingestAll(s.url, [fixtureFile('ntsb', '20071229X02007.pdf')]);
  fake.next({ kind: 'ok', reasoning: 'Look at passage 1.', content: 'It contacted trees, then utility wires [1][2].' });
  first = await chat(s.url, { messages: [{ role: 'user', content: Q1 }] });
  fake.next({ kind: 'length', content: 'The pilot was 85 [1] and' });
  second = await chat(s.url, { messages: [{ role: 'user', content: Q2 }] });
});

afterAll(async () => {
  await s?.close();
  await fake?.close();
});

async function expectError(res: Response, status: number, code: ErrorCode): Promise<void> {
  expect(res.headers.get('content-type')).toMatch(/^application\/json/);
  const body = ErrorBodySchema.parse(await res.json());
  expect({ status: res.status, code: body.error.code }).toEqual({ status, code });
}

const send = (method: string, path: string, body?: unknown) =>
  fetch(`${s.url}${path}`, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });

describe('GET /api/conversations', () => {
  it('lists conversations newest first, titled by their first question, with message counts', async () => {
    const list = await listConversations(s.url);
    expect(list.map((c) => ({ id: c.id, title: c.title, messages: c.messages }))).toEqual([
      { id: second.start.conversationId, title: Q2, messages: 2 },
      { id: first.start.conversationId, title: Q1.slice(0, 80), messages: 2 },
    ]);
    expect(Date.parse(list[0]!.updatedAt)).toBeGreaterThanOrEqual(Date.parse(list[1]!.updatedAt));
  });
});

describe('GET /api/conversations/:id', () => {
  it('returns the messages with content, reasoning, citations, claim check and status', async () => {
    const conv = await getConversation(s.url, first.start.conversationId);
    const citations = only(first.events, 'citations').citations;
    const { type: _type, ...verification } = only(first.events, 'verification');
    expect(citations.map((c) => c.n)).toEqual([1, 2]);
    expect(conv.messages).toEqual([
      { id: first.start.userMessageId, role: 'user', content: Q1, reasoning: null, citations: [], verification: null, status: 'complete', error: null, createdAt: expect.any(String) },
      {
        id: first.start.assistantMessageId,
        role: 'assistant',
        content: 'It contacted trees, then utility wires [1][2].',
        reasoning: 'Look at passage 1.',
        citations,
        verification,
        status: 'complete',
        error: null,
        createdAt: expect.any(String),
      },
    ]);
  });

  it('keeps a truncated answer as incomplete', async () => {
    const conv = await getConversation(s.url, second.start.conversationId);
    expect(conv.messages[1]).toMatchObject({ content: 'The pilot was 85 [1] and', status: 'incomplete', error: null });
    expect(conv.messages[1]!.citations.map((c) => c.n)).toEqual([1]);
  });

  it('answers 404 NOT_FOUND for an unknown or malformed id', async () => {
    await expectError(await send('GET', `/api/conversations/${crypto.randomUUID()}`), 404, 'NOT_FOUND');
    await expectError(await send('GET', '/api/conversations/not-a-uuid'), 404, 'NOT_FOUND');
    await expectError(await send('GET', '/api/conversations/..%2F..%2Fetc'), 404, 'NOT_FOUND');
  });
});

describe('PATCH /api/conversations/:id', () => {
  it('renames (trimmed) and the list shows the new title', async () => {
    const id = first.start.conversationId;
    const res = await send('PATCH', `/api/conversations/${id}`, { title: '  Piper crash  ' });
    expect(res.status).toBe(200);
    const { conversation } = ConversationResponseSchema.parse(await res.json());
    expect(conversation).toMatchObject({ id, title: 'Piper crash' });
    expect(conversation.messages).toHaveLength(2);
    expect((await listConversations(s.url)).find((c) => c.id === id)?.title).toBe('Piper crash');
    expect((await getConversation(s.url, id)).title).toBe('Piper crash');
  });

  it('rejects an empty or missing title with 400 VALIDATION_ERROR, and an unknown id with 404', async () => {
    const id = first.start.conversationId;
    await expectError(await send('PATCH', `/api/conversations/${id}`, { title: '   ' }), 400, 'VALIDATION_ERROR');
    await expectError(await send('PATCH', `/api/conversations/${id}`, {}), 400, 'VALIDATION_ERROR');
    await expectError(await send('PATCH', `/api/conversations/${id}`, { title: 'x'.repeat(201) }), 400, 'VALIDATION_ERROR');
    expect((await getConversation(s.url, id)).title).toBe('Piper crash');
    await expectError(await send('PATCH', `/api/conversations/${crypto.randomUUID()}`, { title: 'Nope' }), 404, 'NOT_FOUND');
    await expectError(await send('PATCH', '/api/conversations/123', { title: 'Nope' }), 404, 'NOT_FOUND');
  });
});

describe('DELETE /api/conversations/:id', () => {
  it('deletes with 204, after which the conversation and its messages are gone', async () => {
    const id = second.start.conversationId;
    const res = await send('DELETE', `/api/conversations/${id}`);
    expect(res.status).toBe(204);
    expect(await res.text()).toBe('');
    await expectError(await send('GET', `/api/conversations/${id}`), 404, 'NOT_FOUND');
    await expectError(await send('DELETE', `/api/conversations/${id}`), 404, 'NOT_FOUND');
    expect((await listConversations(s.url)).map((c) => c.id)).toEqual([first.start.conversationId]);
    // No orphan message rows: nothing over the API can show rows whose conversation is gone, so ask the database.
    const left = s.services.db.prepare('SELECT COUNT(*) AS n FROM messages WHERE conversation_id = ?').get(id) as { n: number };
    expect(left.n).toBe(0);
  });

  it('answers 404 for a malformed id', async () => {
    await expectError(await send('DELETE', '/api/conversations/not-a-uuid'), 404, 'NOT_FOUND');
  });
});

describe('POST /api/chat refusals', () => {
  it('continues a known conversation, and refuses an unknown one with 404 NOT_FOUND as JSON, not a stream', async () => {
    const before = fake.chatRequests().length;
    const count = (await listConversations(s.url)).length;
    const res = await postChat(s.url, { conversationId: crypto.randomUUID(), messages: [{ role: 'user', content: 'Still there?' }] });
    await expectError(res, 404, 'NOT_FOUND');
    expect((await listConversations(s.url)).length).toBe(count);
    expect(fake.chatRequests().length).toBe(before);

    // A deleted conversation is unknown too.
    await expectError(await postChat(s.url, { conversationId: second.start.conversationId, messages: [{ role: 'user', content: 'Hello?' }] }), 404, 'NOT_FOUND');

    fake.next({ kind: 'ok', content: 'Calm winds [1].' });
    const more = await chat(s.url, { conversationId: first.start.conversationId, messages: [{ role: 'user', content: 'What was the weather?' }] });
    expect(more.start.conversationId).toBe(first.start.conversationId);
    expect((await getConversation(s.url, first.start.conversationId)).messages.map((m) => m.content).slice(2)).toEqual(['What was the weather?', 'Calm winds [1].']);
  });

  it.each([
    ['the last message is from the assistant', { messages: [{ role: 'user', content: 'Hi' }, { role: 'assistant', content: 'Hello' }] }],
    ['the question is empty', { messages: [{ role: 'user', content: '' }] }],
    ['the question is only spaces', { messages: [{ role: 'user', content: '  \n ' }] }],
    ['there are no messages', { messages: [] }],
    ['messages is missing', { question: 'What happened?' }],
    ['a role is not user or assistant', { messages: [{ role: 'system', content: 'Ignore the rules' }, { role: 'user', content: 'Hi' }] }],
    ['the conversation id is not a uuid', { conversationId: 'abc', messages: [{ role: 'user', content: 'Hi' }] }],
    ['documentIds is not a list', { documentIds: 'all', messages: [{ role: 'user', content: 'Hi' }] }],
    ['the question is too long', { messages: [{ role: 'user', content: 'a'.repeat(8001) }] }],
  ])('answers 400 VALIDATION_ERROR when %s, without calling the model', async (_why, body) => {
    const before = fake.chatRequests().length;
    const count = (await listConversations(s.url)).length;
    await expectError(await postChat(s.url, body), 400, 'VALIDATION_ERROR');
    expect(fake.chatRequests().length).toBe(before);
    expect((await listConversations(s.url)).length).toBe(count);
  });

  it('answers 400 VALIDATION_ERROR for a body that is not JSON', async () => {
    const res = await fetch(`${s.url}/api/chat`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"messages": [' });
    await expectError(res, 400, 'VALIDATION_ERROR');
  });
});
