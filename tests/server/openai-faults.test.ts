/**
 * Issue 20: failures of the model endpoint and of the server reach OpenAI clients as OpenAI errors. Before
 * anything was sent (non-streaming) the response status says what failed (502 for an endpoint that refused or
 * broke, 503 for a restart); within a stream a `data: {"error": …}` line, which the openai client throws. A
 * client that goes away aborts the upstream request, as on /api/chat.
 */
import OpenAI, { APIError } from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ingestAll, until } from '../support/chat.js';
import { startFakeLlm, type FakeLlm } from '../support/fake-llm.js';
import { fixtureFile } from '../support/fixtures.js';
import { openaiClient } from '../support/openai.js';
import { startTestServer, type TestServer } from '../support/server.js';

const QUESTION = 'What happened to the Piper PA-22-150 on final approach?';
const MESSAGES = [{ role: 'user' as const, content: QUESTION }];
/** Long enough that text passes the echo check (the first 48 characters are held) before the fake stalls. */
const LONG = 'The airplane descended toward the turf runway and contacted trees before the threshold [1]. '.repeat(20);

let s: TestServer;
let fake: FakeLlm;
let client: OpenAI;

beforeAll(async () => {
  fake = await startFakeLlm();
  s = await startTestServer({ LLM_BASE_URL: fake.baseUrl, LLM_MODEL: 'fake-chat', LLM_MAX_ATTEMPTS: '1', LLM_IDLE_TIMEOUT_MS: '60000' });
  await ingestAll(s.url, [fixtureFile('ntsb', '20071229X02007.pdf')]);
  client = openaiClient(s.url);
});

afterAll(async () => {
  await s?.close();
  await fake?.close();
});

async function failure(p: Promise<unknown>): Promise<APIError> {
  const err = await p.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(APIError);
  return err as APIError;
}

describe('failures as OpenAI errors', () => {
  it('non-streaming: an endpoint that refuses is a 502 llm_rejected, one that breaks mid-answer a 502 llm_bad_response', async () => {
    fake.next({ kind: 'status', status: 401 });
    const refused = await failure(client.chat.completions.create({ model: 'pagewise', messages: MESSAGES }));
    expect(refused.status).toBe(502);
    expect(refused.error).toMatchObject({ code: 'llm_rejected', type: 'server_error' });
    expect(refused.message).toMatch(/refused the credentials/);

    fake.next({ kind: 'garbage', content: 'Partial answer ' });
    const broken = await failure(client.chat.completions.create({ model: 'pagewise', messages: MESSAGES }));
    expect(broken.status).toBe(502);
    expect(broken.error).toMatchObject({ code: 'llm_bad_response' });
  });

  it('streaming: the text so far, then the error, which the openai client throws', async () => {
    fake.next({ kind: 'error-event', content: 'The airplane descended ' });
    let text = '';
    const err = await failure(
      (async () => {
        for await (const c of await client.chat.completions.create({ model: 'pagewise', messages: MESSAGES, stream: true })) text += c.choices[0]?.delta.content ?? '';
      })(),
    );
    expect(text).toBe('The airplane descended ');
    expect(err.error).toMatchObject({ code: 'llm_bad_response', type: 'server_error' });
  });

  it('a restart ends a stream with shutting_down and a waiting completion with 503', async () => {
    fake.next({ kind: 'hang-mid', content: LONG, afterChunks: 30 }, { kind: 'hang-headers' });
    const before = fake.chatRequests().length;
    let text = '';
    const streamed = (async () => {
      for await (const c of await client.chat.completions.create({ model: 'pagewise', messages: MESSAGES, stream: true })) text += c.choices[0]?.delta.content ?? '';
    })();
    expect(await until(() => text.length > 0, 20_000)).toBe(true);
    const waiting = client.chat.completions.create({ model: 'pagewise', messages: MESSAGES });
    // Both at the model (the second waiting for headers), so that neither scripted reply is left for the next test.
    expect(await until(() => s.services.streams.size === 2 && fake.chatRequests().length === before + 2, 20_000)).toBe(true);
    s.services.streams.shutdown();
    expect((await failure(streamed)).error).toMatchObject({ code: 'shutting_down' });
    const err = await failure(waiting);
    expect(err.status).toBe(503);
    expect(err.error).toMatchObject({ code: 'shutting_down', type: 'server_error' });
    expect(await until(() => fake.openResponses() === 0, 10_000), 'the upstream requests were aborted').toBe(true);
  });

  it('a client that goes away aborts the upstream request', async () => {
    fake.next({ kind: 'hang-mid', content: LONG, afterChunks: 30 });
    const controller = new AbortController();
    let text = '';
    const streamed = (async () => {
      for await (const c of await client.chat.completions.create({ model: 'pagewise', messages: MESSAGES, stream: true }, { signal: controller.signal })) {
        text += c.choices[0]?.delta.content ?? '';
      }
    })().catch(() => undefined);
    expect(await until(() => text.length > 0, 20_000)).toBe(true);
    controller.abort();
    await streamed;
    expect(await until(() => fake.openResponses() === 0 && s.services.streams.size === 0, 10_000)).toBe(true);
  });
});
