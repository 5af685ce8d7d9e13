/**
 * Model endpoint faults (SECURITY.md F4, test plan T5) against a fake endpoint with short timeouts: the
 * stream's error code, the number of attempts, the wall time, what is stored (the question always; a partial
 * answer as `incomplete`), and that the next chat in the same conversation succeeds.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ErrorCode, MessageStatus } from '@pagewise/shared';
import { fixtureFile } from '../support/fixtures.js';
import { startFakeLlm, type FakeLlm, type FakeMode } from '../support/fake-llm.js';
import { startTestServer, type TestServer } from '../support/server.js';
import { all, chat, getConversation, ingestAll, only, shape, type ChatResult } from '../support/chat.js';

const TIMEOUT_MS = 1500;
let s: TestServer;
let fake: FakeLlm;

beforeAll(async () => {
  fake = await startFakeLlm();
  s = await startTestServer({
    LLM_BASE_URL: fake.baseUrl,
    LLM_FIRST_BYTE_TIMEOUT_MS: String(TIMEOUT_MS),
    LLM_IDLE_TIMEOUT_MS: String(TIMEOUT_MS),
    LLM_RETRY_BUDGET_MS: '5000',
    LLM_MAX_ATTEMPTS: '3',
    CHAT_TOP_K: '3',
  });
  await ingestAll(s.url, [fixtureFile('ntsb', '20071229X02007.pdf')]);
});

afterAll(async () => {
  await s?.close();
  await fake?.close();
});

const OK_ANSWER = 'The airplane contacted trees on final approach [1].';
const OK: FakeMode = { kind: 'ok', content: OK_ANSWER };

/** One question in a new conversation under the queued modes; returns the result and the attempts it took. */
async function ask(question: string, ...modes: FakeMode[]): Promise<{ r: ChatResult; attempts: number }> {
  fake.reset();
  fake.next(...modes);
  const before = fake.chatRequests().length;
  const r = await chat(s.url, { messages: [{ role: 'user', content: question }] });
  return { r, attempts: fake.chatRequests().length - before };
}

/** After a fault: the question is stored, then a new question in the same conversation is answered. */
async function expectRecovery(r: ChatResult, question: string, stored: { status: MessageStatus; content: string; code: ErrorCode | null }) {
  const conv = await getConversation(s.url, r.start.conversationId);
  expect(conv.messages.map((m) => ({ role: m.role, content: m.content, status: m.status, code: m.error?.code ?? null }))).toEqual([
    { role: 'user', content: question, status: 'complete', code: null },
    { role: 'assistant', ...stored },
  ]);

  fake.reset(); // drop modes the fault left unused (an OK queued to catch a retry that should not happen)
  fake.next(OK);
  const again = await chat(s.url, { conversationId: r.start.conversationId, messages: [{ role: 'user', content: 'Please try again.' }] });
  expect(again.start.conversationId).toBe(r.start.conversationId);
  expect(again.answer).toBe(OK_ANSWER);
  expect(only(again.events, 'done').status).toBe('complete');
  expect((await getConversation(s.url, r.start.conversationId)).messages.map((m) => m.status)).toEqual(['complete', stored.status, 'complete', 'complete']);
}

/** A failed answer: start, sources, whatever was streamed, citations, and a final error event with this code. */
function expectError(r: ChatResult, code: ErrorCode) {
  expect(r.last).toMatchObject({ type: 'error', code });
  expect(all(r.events, 'done')).toEqual([]);
  // Whatever was streamed is checked (a verification event) before the error; nothing streamed, nothing checked.
  const expected = r.answer ? ['start', 'sources', 'citations', 'verification', 'error'] : ['start', 'sources', 'citations', 'error'];
  expect(shape(r.events).filter((t) => t !== 'answer')).toEqual(expected);
}

const status = (code: number, headers?: Record<string, string>): FakeMode => ({ kind: 'status', status: code, headers });

describe('rate limiting (row 37)', () => {
  it('429 with retry-after: 1 three times → LLM_RATE_LIMITED after exactly 3 attempts, waiting as told', async () => {
    const q = 'Rate limited question?';
    const limited = status(429, { 'retry-after': '1' });
    const { r, attempts } = await ask(q, limited, limited, limited, OK);
    expectError(r, 'LLM_RATE_LIMITED');
    expect(attempts).toBe(3);
    expect(r.ms).toBeGreaterThanOrEqual(1900);
    expect(r.ms).toBeLessThan(5000);
    await expectRecovery(r, q, { status: 'error', content: '', code: 'LLM_RATE_LIMITED' });
  });

  it('429 asking to wait beyond the retry budget → LLM_RATE_LIMITED at once, without waiting', async () => {
    const q = 'Rate limited for a minute?';
    const { r, attempts } = await ask(q, status(429, { 'retry-after': '60' }), OK);
    expectError(r, 'LLM_RATE_LIMITED');
    expect(attempts).toBe(1);
    expect(r.ms).toBeLessThan(1000);
    await expectRecovery(r, q, { status: 'error', content: '', code: 'LLM_RATE_LIMITED' });
  });

  it('429 once then ok → the answer completes on the second attempt, about a second later', async () => {
    const { r, attempts } = await ask('Rate limited once?', status(429, { 'retry-after': '1' }), OK);
    expect(attempts).toBe(2);
    expect(r.ms).toBeGreaterThanOrEqual(950);
    expect(r.answer).toBe(OK_ANSWER);
    expect(only(r.events, 'done').status).toBe('complete');
  });
});

describe('endpoint failures before the first token (row 38)', () => {
  it.each([500, 503, 502])('%i three times → LLM_UNAVAILABLE after 3 attempts', async (code) => {
    const q = `Upstream ${code}?`;
    const { r, attempts } = await ask(q, status(code), status(code), status(code), OK);
    expectError(r, 'LLM_UNAVAILABLE');
    expect(attempts).toBe(3);
    await expectRecovery(r, q, { status: 'error', content: '', code: 'LLM_UNAVAILABLE' });
  });

  it('503 then ok → retried, and the answer completes', async () => {
    const { r, attempts } = await ask('Upstream 503 once?', status(503), OK);
    expect(attempts).toBe(2);
    expect(only(r.events, 'done').status).toBe('complete');
  });

  // The fake's `reset` mode destroys the socket in the same tick as its first writes, so nothing reaches the
  // server: a connection dropped before the first byte, which is retried like a refused one.
  it('a connection dropped before any byte, three times → LLM_UNAVAILABLE after 3 attempts', async () => {
    const q = 'Connection dropped?';
    const drop: FakeMode = { kind: 'reset', content: 'The approach was ' };
    const { r, attempts } = await ask(q, drop, drop, drop, OK);
    expectError(r, 'LLM_UNAVAILABLE');
    expect(attempts).toBe(3);
    expect(r.answer).toBe('');
    await expectRecovery(r, q, { status: 'error', content: '', code: 'LLM_UNAVAILABLE' });
  });

  it('a connection dropped once → retried, and the answer completes', async () => {
    const { r, attempts } = await ask('Connection dropped once?', { kind: 'reset' }, OK);
    expect(attempts).toBe(2);
    expect(r.answer).toBe(OK_ANSWER);
    expect(only(r.events, 'done').status).toBe('complete');
  });

  it.each([400, 401, 404])('%i → LLM_REJECTED after exactly 1 attempt (4xx is never retried)', async (code) => {
    const q = `Rejected ${code}?`;
    const { r, attempts } = await ask(q, status(code), OK);
    expectError(r, 'LLM_REJECTED');
    expect(attempts).toBe(1);
    await expectRecovery(r, q, { status: 'error', content: '', code: 'LLM_REJECTED' });
  });
});

describe('timeouts (rows 39-40)', () => {
  it('no response headers → LLM_TIMEOUT after the first-byte timeout, one attempt', async () => {
    const q = 'Hanging before headers?';
    const { r, attempts } = await ask(q, { kind: 'hang-headers' }, OK);
    expectError(r, 'LLM_TIMEOUT');
    expect(attempts).toBe(1);
    expect(r.ms).toBeGreaterThanOrEqual(TIMEOUT_MS - 100);
    expect(r.ms).toBeLessThan(5000);
    await expectRecovery(r, q, { status: 'error', content: '', code: 'LLM_TIMEOUT' });
  });

  it('a stream that stalls mid-answer → LLM_TIMEOUT after the idle timeout, partial answer stored as incomplete', async () => {
    const q = 'Stalling mid-answer?';
    const content = 'The pilot, age 85, misjudged the clearance over the trees [1].';
    const { r, attempts } = await ask(q, { kind: 'hang-mid', content, afterChunks: 5 });
    expectError(r, 'LLM_TIMEOUT');
    expect(attempts).toBe(1);
    expect(r.answer).toBe(content.slice(0, 15));
    expect(r.ms).toBeGreaterThanOrEqual(TIMEOUT_MS - 100);
    expect(r.ms).toBeLessThan(5000);
    await expectRecovery(r, q, { status: 'incomplete', content: content.slice(0, 15), code: 'LLM_TIMEOUT' });
  });
});

describe('bad responses (row 41)', () => {
  it('non-JSON data: line after some text → LLM_BAD_RESPONSE, partial text kept as incomplete', async () => {
    const q = 'Garbage stream?';
    const { r, attempts } = await ask(q, { kind: 'garbage', content: 'The pilot misjudged ' });
    expectError(r, 'LLM_BAD_RESPONSE');
    expect(attempts).toBe(1);
    expect(r.answer).toBe('The pilot misjudged ');
    await expectRecovery(r, q, { status: 'incomplete', content: 'The pilot misjudged ', code: 'LLM_BAD_RESPONSE' });
  });

  it('data: {"error": …} in the stream → LLM_BAD_RESPONSE, partial text kept as incomplete', async () => {
    const q = 'Error event in stream?';
    const { r } = await ask(q, { kind: 'error-event', content: 'Trees and wires ' });
    expectError(r, 'LLM_BAD_RESPONSE');
    expect(r.answer).toBe('Trees and wires ');
    await expectRecovery(r, q, { status: 'incomplete', content: 'Trees and wires ', code: 'LLM_BAD_RESPONSE' });
  });

  it('an HTML page with status 200 → LLM_BAD_RESPONSE, not retried', async () => {
    const q = 'HTML instead of a stream?';
    const { r, attempts } = await ask(q, { kind: 'html200' }, OK);
    expectError(r, 'LLM_BAD_RESPONSE');
    expect(attempts).toBe(1);
    expect(r.answer).toBe('');
    await expectRecovery(r, q, { status: 'error', content: '', code: 'LLM_BAD_RESPONSE' });
  });
});

describe('truncated answers (row 42)', () => {
  it('a stream that ends without [DONE] or a finish reason → done with status incomplete, finishReason missing', async () => {
    const q = 'Stream ends early?';
    const content = 'The airplane came to rest upright [1].';
    const { r } = await ask(q, { kind: 'no-done', content });
    expect(shape(r.events)).toEqual(['start', 'sources', 'answer', 'citations', 'verification', 'done']);
    expect(only(r.events, 'done')).toMatchObject({ status: 'incomplete', finishReason: 'missing' });
    expect(r.answer).toBe(content);
    await expectRecovery(r, q, { status: 'incomplete', content, code: null });
  });

  it('finish_reason length → done with status incomplete, finishReason length', async () => {
    const q = 'Answer cut by the token limit?';
    const content = 'The pilot reported a total flight experience of';
    const { r } = await ask(q, { kind: 'length', content });
    expect(only(r.events, 'done')).toMatchObject({ status: 'incomplete', finishReason: 'length' });
    expect(r.answer).toBe(content);
    await expectRecovery(r, q, { status: 'incomplete', content, code: null });
  });
});
