/**
 * The life of a chat stream (SECURITY.md F5): a client that goes away mid-answer aborts the upstream
 * model request within a second and leaves the partial answer stored as `incomplete`; a client over its stream
 * cap gets 429 TOO_MANY_STREAMS with Retry-After before any stream opens, and the slot frees when a stream ends.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ErrorBodySchema, type ChatEvent } from '@pagewise/shared';
import { fixtureFile } from '../support/fixtures.js';
import { startFakeLlm, type FakeLlm } from '../support/fake-llm.js';
import { startTestServer, type TestServer } from '../support/server.js';
import { chat, getConversation, ingestAll, only, postChat, streamEvents, until } from '../support/chat.js';

let s: TestServer;
let fake: FakeLlm;

beforeAll(async () => {
  fake = await startFakeLlm();
  s = await startTestServer({ LLM_BASE_URL: fake.baseUrl, MAX_STREAMS_PER_CLIENT: '1', CHAT_TOP_K: '3' });
  await ingestAll(s.url, [fixtureFile('ntsb', '20071229X02007.pdf')]);
});

afterAll(async () => {
  await s?.close();
  await fake?.close();
});

const LONG = Array.from({ length: 40 }, (_, i) => `Sentence ${i + 1} about the approach over the trees [1].`).join(' ');

/** Open a chat and read events until `stop` says so; the stream stays open (abort `controller` to end it). */
async function openUntil(question: string, stop: (e: ChatEvent) => boolean) {
  const controller = new AbortController();
  const res = await postChat(s.url, { messages: [{ role: 'user', content: question }] }, controller.signal);
  const seen: ChatEvent[] = [];
  const it = streamEvents(res);
  for (;;) {
    const { done, value } = await it.next();
    if (done) throw new Error(`stream ended before the awaited event: ${JSON.stringify(seen.map((e) => e.type))}`);
    seen.push(value);
    if (stop(value)) break;
  }
  return { controller, seen, it };
}

describe('client disconnect mid-answer (row 36)', () => {
  it('aborts the upstream request within 1 s and stores the partial answer as incomplete', async () => {
    // Idle keep-alive sockets from earlier calls would hide what this test looks at: start from none.
    expect(await until(() => fake.openSockets() === 0, 10_000)).toBe(true);
    fake.reset();
    fake.next({ kind: 'ok', content: LONG, tokenDelayMs: 200 });

    const { controller, seen, it: events } = await openUntil('Tell me everything about the approach.', (e) => e.type === 'answer');
    const start = seen.find((e): e is Extract<ChatEvent, { type: 'start' }> => e.type === 'start')!;
    const firstDelta = (seen.at(-1) as Extract<ChatEvent, { type: 'answer' }>).delta;
    expect(firstDelta.length).toBeGreaterThan(0);
    expect(fake.openResponses()).toBe(1); // the upstream stream is live
    expect(fake.openSockets()).toBeGreaterThanOrEqual(1);

    controller.abort();
    await events.return(undefined).catch(() => undefined);
    const t0 = performance.now();
    // The upstream request is cut: its connection closes within a second.
    expect(await until(() => fake.openResponses() === 0, 1000)).toBe(true);
    expect(performance.now() - t0).toBeLessThan(1000);
    // No socket is left behind either. Node's fetch (undici) opens one spare, never-used connection right after
    // an in-flight response is aborted (nodejs/undici#5845) and drops it about 3 s later, so allow for that.
    expect(await until(() => fake.openSockets() === 0, 6000)).toBe(true);

    // The partial answer is stored once the server has noticed; nothing more is generated after the abort.
    let stored: Awaited<ReturnType<typeof getConversation>> | undefined;
    expect(
      await until(async () => {
        stored = await getConversation(s.url, start.conversationId);
        return stored.messages.length === 2;
      }, 2000, 50),
    ).toBe(true);
    const assistant = stored!.messages[1]!;
    expect(assistant).toMatchObject({ id: start.assistantMessageId, role: 'assistant', status: 'incomplete', error: null });
    expect(assistant.content.startsWith(firstDelta)).toBe(true);
    expect(LONG.startsWith(assistant.content)).toBe(true);
    expect(assistant.content.length).toBeLessThan(LONG.length / 4);
    expect(stored!.messages[0]).toMatchObject({ role: 'user', content: 'Tell me everything about the approach.', status: 'complete' });

    // The slot is free again and the fake was asked exactly once.
    expect(await until(() => s.services.streams.size === 0, 1000)).toBe(true);
    expect(fake.chatRequests()).toHaveLength(1);
  });
});

describe('stream caps (row 35)', () => {
  it('a second stream from the same client gets 429 TOO_MANY_STREAMS with Retry-After, as JSON, before any stream', async () => {
    fake.reset();
    fake.next({ kind: 'ok', content: LONG, tokenDelayMs: 100 });
    const first = await openUntil('A slow answer, please.', (e) => e.type === 'start');
    const convsBefore = ((await (await fetch(`${s.url}/api/conversations`)).json()) as { conversations: unknown[] }).conversations.length;

    const res = await postChat(s.url, { messages: [{ role: 'user', content: 'And another one at the same time?' }] });
    expect(res.status).toBe(429);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    expect(Number(res.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(ErrorBodySchema.parse(await res.json()).error.code).toBe('TOO_MANY_STREAMS');
    // Refused before anything happened: no conversation, no model call.
    const convsAfter = ((await (await fetch(`${s.url}/api/conversations`)).json()) as { conversations: unknown[] }).conversations.length;
    expect(convsAfter).toBe(convsBefore);
    expect(fake.chatRequests()).toHaveLength(1);

    first.controller.abort();
    await first.it.return(undefined).catch(() => undefined);
    expect(await until(() => s.services.streams.size === 0, 2000)).toBe(true);

    // The slot is released: the next chat streams normally.
    fake.next({ kind: 'ok', content: 'Trees [1].' });
    const next = await chat(s.url, { messages: [{ role: 'user', content: 'Now one at a time?' }] });
    expect(next.answer).toBe('Trees [1].');
    expect(only(next.events, 'done').status).toBe('complete');
  });

  it('a finished stream frees its slot: sequential chats are never refused', async () => {
    for (let i = 0; i < 3; i++) {
      fake.next({ kind: 'ok', content: `Answer ${i} [1].` });
      const r = await chat(s.url, { messages: [{ role: 'user', content: `Question ${i}?` }] });
      expect(r.answer).toBe(`Answer ${i} [1].`);
    }
    expect(s.services.streams.size).toBe(0);
  });
});
