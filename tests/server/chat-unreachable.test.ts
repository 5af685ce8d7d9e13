/**
 * A model endpoint that refuses connections (SECURITY.md F4): LLM_BASE_URL points at a loopback port nobody
 * listens on. The answer fails with LLM_UNAVAILABLE after the configured attempts with backoff, the question is
 * stored, and the server keeps serving.
 */
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HealthResponseSchema } from '@pagewise/shared';
import type { OpenAIChatModel } from '../../server/src/answer/llm.js';
import { startTestServer, type TestServer } from '../support/server.js';
import { all, chat, getConversation, shape } from '../support/chat.js';

let s: TestServer;

/** A loopback port that was free a moment ago and has nothing listening now. */
async function closedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

beforeAll(async () => {
  s = await startTestServer({ LLM_BASE_URL: `http://127.0.0.1:${await closedPort()}/v1`, LLM_MAX_ATTEMPTS: '3', LLM_RETRY_BUDGET_MS: '10000' });
});

afterAll(async () => {
  await s?.close();
});

describe('connection refused', () => {
  it('ends the stream with LLM_UNAVAILABLE after 3 attempts with backoff, and stores the question', async () => {
    const question = 'Is anybody there?';
    const r = await chat(s.url, { messages: [{ role: 'user', content: question }] });

    expect(shape(r.events)).toEqual(['start', 'sources', 'citations', 'error']);
    expect(r.last).toMatchObject({ type: 'error', code: 'LLM_UNAVAILABLE' });
    expect(all(r.events, 'done')).toEqual([]);
    expect((s.services.chatModel as OpenAIChatModel).lastAttempts).toBe(3);
    // Two jittered backoffs (0.5 s and 1 s, at most 25 % shorter) separate the attempts.
    expect(r.ms).toBeGreaterThanOrEqual(1100);
    expect(r.ms).toBeLessThan(10_000);

    const conv = await getConversation(s.url, r.start.conversationId);
    expect(conv.messages.map((m) => ({ role: m.role, content: m.content, status: m.status, code: m.error?.code ?? null }))).toEqual([
      { role: 'user', content: question, status: 'complete', code: null },
      { role: 'assistant', content: '', status: 'error', code: 'LLM_UNAVAILABLE' },
    ]);
  });

  it('keeps serving: health answers and a follow-up fails the same way, not with a crash', async () => {
    const health = HealthResponseSchema.parse(await (await fetch(`${s.url}/api/health`)).json());
    expect(health.chat.mode).toBe('llm');
    const r = await chat(s.url, {
      messages: [
        { role: 'user', content: 'Is anybody there?' },
        { role: 'assistant', content: '' },
        { role: 'user', content: 'Hello again?' },
      ],
    });
    // The rewrite call fails too and falls back to the question; the answer then fails cleanly.
    expect(r.start.query).toBe('Hello again?');
    expect(r.last).toMatchObject({ type: 'error', code: 'LLM_UNAVAILABLE' });
  });
});
