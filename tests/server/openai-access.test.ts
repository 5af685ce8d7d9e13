/**
 * Issue 20 on a token instance with no model configured: the access token is the API key (a wrong or missing
 * one is a 401 in the OpenAI shape, and counts toward the same failed-credential limit as /api), errors on /v1
 * take the OpenAI shape while /api keeps its own, and the extractive answer comes back in the OpenAI format,
 * streamed (SSE `data:` chunks ending in `[DONE]`) or not, its sources resolving to real pages.
 */
import fs from 'node:fs';
import OpenAI, { APIError } from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ErrorBodySchema, OpenAIErrorBodySchema } from '@pagewise/shared';
import { NO_MODEL_NOTE } from '../../server/src/answer/extractive.js';
import { expectSourcesResolve, langchainModel, markersOf, openaiClient, sourcesOf } from '../support/openai.js';
import { fixtureFile } from '../support/fixtures.js';
import { rawRequest } from '../support/raw-http.js';
import { listRoutes } from '../support/routes.js';
import { startTestServer, waitForIngestion, type TestServer } from '../support/server.js';

const TOKEN = 'test-access-token-0123456789abcdef';
const AUTH = { authorization: `Bearer ${TOKEN}` };
const PIPER = fixtureFile('ntsb', '20071229X02007.pdf');
const QUESTION = 'What happened to the Piper PA-22-150 on final approach?';

async function uploadWithToken(url: string, file: string): Promise<void> {
  const form = new FormData();
  form.append('files', new Blob([fs.readFileSync(file)], { type: 'application/pdf' }), 'piper.pdf');
  const res = await fetch(`${url}/api/documents`, { method: 'POST', body: form, headers: AUTH });
  expect(res.status).toBe(202);
  await waitForIngestion(url, 120_000, AUTH);
}

function expectOpenAIError(res: { status: number; json: unknown }, status: number, code: string): void {
  expect(res.status).toBe(status);
  const body = OpenAIErrorBodySchema.parse(res.json);
  expect(Object.keys(body.error).sort()).toEqual(['code', 'message', 'param', 'type']);
  expect(body.error.code).toBe(code);
  expect(body.error.message.length).toBeGreaterThan(10);
}

describe('a token instance without a model', () => {
  let s: TestServer;
  beforeAll(async () => {
    s = await startTestServer({ ACCESS_TOKEN: TOKEN });
    await uploadWithToken(s.url, PIPER);
  });
  afterAll(() => s?.close());

  it('answers 401 invalid_api_key in the OpenAI shape on every /v1 route for a wrong or missing key', async () => {
    const routes = listRoutes(s.app).filter((r) => r.path.startsWith('/v1/'));
    expect(routes.map((r) => `${r.method} ${r.path}`).sort()).toEqual(['GET /v1/models', 'GET /v1/models/*id', 'POST /v1/chat/completions']);
    for (const r of routes) {
      for (const headers of [{}, { authorization: 'Bearer sk-wrong-key-0123456789' }] as Record<string, string>[]) {
        const res = await rawRequest(s.url, { method: r.method, path: r.path.replace('*id', 'pagewise'), headers: { ...headers, 'content-type': 'application/json' }, body: r.method === 'POST' ? '{}' : undefined });
        expectOpenAIError(res, 401, 'invalid_api_key');
        expect(OpenAIErrorBodySchema.parse(res.json).error.type).toBe('invalid_request_error');
      }
    }
    const err = await openaiClient(s.url, 'sk-wrong').chat.completions.create({ model: 'pagewise', messages: [{ role: 'user', content: QUESTION }] }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OpenAI.AuthenticationError);
    expect((err as APIError).status).toBe(401);
    expect((err as APIError).code).toBe('invalid_api_key');
    expect((err as APIError).message).toMatch(/access token \(ACCESS_TOKEN\) as the API key/);
    const lc = await langchainModel(s.url, { apiKey: 'sk-wrong' }).invoke(QUESTION).catch((e: unknown) => e);
    expect((lc as { status?: number }).status).toBe(401);
    // /api keeps its own shape.
    const api = await rawRequest(s.url, { path: '/api/documents', headers: { authorization: 'Bearer sk-wrong-key-0123456789' } });
    expect(ErrorBodySchema.parse(api.json).error.code).toBe('UNAUTHENTICATED');
  });

  it('answers other /v1 errors in the OpenAI shape: unknown route, not JSON, a bad field, a question missing', async () => {
    expectOpenAIError(await rawRequest(s.url, { path: '/v1/completions', headers: AUTH }), 404, 'not_found');
    const post = (body: string) => rawRequest(s.url, { method: 'POST', path: '/v1/chat/completions', headers: { ...AUTH, 'content-type': 'application/json' }, body });
    expectOpenAIError(await post('{"model": "pagewise", "messages": ['), 400, 'validation_error');
    const bad = await post(JSON.stringify({ model: 'pagewise', messages: [{ role: 'user', content: QUESTION }], temperature: 7 }));
    expectOpenAIError(bad, 400, 'validation_error');
    expect(OpenAIErrorBodySchema.parse(bad.json).error.param).toBe('temperature');
    const last = await post(JSON.stringify({ model: 'pagewise', messages: [{ role: 'user', content: QUESTION }, { role: 'assistant', content: 'x' }] }));
    expectOpenAIError(last, 400, 'validation_error');
    expect(OpenAIErrorBodySchema.parse(last.json).error.message).toMatch(/last message must be from the user/);
    const tokens = await post(JSON.stringify({ model: 'pagewise', messages: [{ role: 'user', content: QUESTION }], max_tokens: 1_000_000 }));
    expectOpenAIError(tokens, 400, 'validation_error');
    expect(OpenAIErrorBodySchema.parse(tokens.json).error.param).toBe('max_tokens');
  });

  it('gives the extractive answer in the OpenAI format, non-streaming and streaming, with sources that resolve', async () => {
    const client = openaiClient(s.url, TOKEN);
    const r = await client.chat.completions.create({ model: 'pagewise', messages: [{ role: 'user', content: QUESTION }] });
    const content = r.choices[0]!.message.content!;
    expect(content.startsWith(NO_MODEL_NOTE)).toBe(true);
    expect(r.choices[0]!.finish_reason).toBe('stop');
    expect((r.choices[0]!.message as unknown as Record<string, unknown>).reasoning_content).toBeUndefined();
    expect(r.usage).toMatchObject({ prompt_tokens: 0, completion_tokens: 0, total_tokens: 0 });
    const sources = sourcesOf(r);
    expect(sources.length).toBeGreaterThan(0);
    expect(sources.filter((x) => x.cited).map((x) => x.n)).toEqual(markersOf(content));
    expect(markersOf(content).length).toBeGreaterThan(0);
    for (const x of sources) expect(x.document).toBe('piper.pdf');
    await expectSourcesResolve(s.url, sources, AUTH);

    const streamed: string[] = [];
    let last: OpenAI.Chat.Completions.ChatCompletionChunk | null = null;
    for await (const c of await client.chat.completions.create({ model: 'pagewise', messages: [{ role: 'user', content: QUESTION }], stream: true })) {
      streamed.push(c.choices[0]?.delta.content ?? '');
      last = c;
    }
    expect(streamed.join('')).toBe(content);
    expect(last!.choices[0]!.finish_reason).toBe('stop');
    expect(sourcesOf(last)).toEqual(sources);
  });

  it('frames the stream as OpenAI does: data-only SSE lines, the role first, [DONE] last', async () => {
    const res = await fetch(`${s.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { ...AUTH, 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'pagewise', stream: true, messages: [{ role: 'user', content: QUESTION }] }),
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/event-stream/);
    const frames = (await res.text()).split('\n\n').filter(Boolean);
    expect(frames.every((f) => f.startsWith('data: ') && !f.includes('\n'))).toBe(true);
    expect(frames.at(-1)).toBe('data: [DONE]');
    const first = JSON.parse(frames[0]!.slice(6)) as { choices: { delta: unknown }[] };
    expect(first.choices[0]!.delta).toEqual({ role: 'assistant', content: '' });
  });
});

describe('wrong keys on /v1 count toward the failed-credential limit of the whole API', () => {
  let s: TestServer;
  beforeAll(async () => {
    s = await startTestServer({ ACCESS_TOKEN: TOKEN, RATE_LIMIT_AUTH_FAILURES_PER_MIN: '4' });
  });
  afterAll(() => s?.close());

  it('answers 429 rate_limit_exceeded with Retry-After after a few wrong keys, then refuses the right token on /api too', async () => {
    const client = openaiClient(s.url, TOKEN);
    expect((await client.models.list()).data.map((m) => m.id)).toEqual(['pagewise']);
    const statuses: number[] = [];
    for (let i = 0; i < 4; i++) statuses.push((await rawRequest(s.url, { path: '/v1/models', headers: { authorization: `Bearer sk-guess-${i}` } })).status);
    expect(statuses).toEqual([401, 401, 401, 401]);
    const blocked = await rawRequest(s.url, { path: '/v1/models', headers: AUTH });
    expectOpenAIError(blocked, 429, 'rate_limit_exceeded');
    expect(OpenAIErrorBodySchema.parse(blocked.json).error.type).toBe('rate_limit_error');
    expect(Number(blocked.headers['retry-after'])).toBeGreaterThan(0);
    const api = await rawRequest(s.url, { path: '/api/documents', headers: AUTH });
    expect(api.status).toBe(429);
    expect(ErrorBodySchema.parse(api.json).error.code).toBe('RATE_LIMITED');
  });
});
