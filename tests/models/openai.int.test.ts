/**
 * `npm run test:models`, issue 20 check 2: the OpenAI-compatible endpoint (`/v1`) of the real server (`npm start`
 * as a child process, with an access token) answering through the real local chat model and embedder that
 * `npm run models:up` starts, driven by the official `openai` client (non-streaming and streaming) and by
 * LangChain's `ChatOpenAI` (invoke, stream, a follow-up). Asserts what must hold whatever the model's quality:
 * an answer comes back in OpenAI's format, every source resolves to a page whose text contains its quote, the
 * `[n]` markers of the answer are the sources marked cited, `<think>` stays out of the content, `max_tokens`
 * bounds the completion, and a wrong key is a 401 in the OpenAI shape. Ends with one SUMMARY line.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { AIMessage, HumanMessage } from '@langchain/core/messages';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OpenAISource } from '@pagewise/shared';
import { spawnServer, type ChildServer } from '../support/child-server.js';
import { fixtureFile } from '../support/fixtures.js';
import { expectSourcesResolve, langchainModel, markersOf, openaiClient, sourcesOf } from '../support/openai.js';
import { waitForIngestion } from '../support/server.js';
import { median, MODEL_ENV } from './env.js';
import { ABSTAIN_RE, QUESTIONS } from './questions.js';

const env = process.env;
const TOKEN = 'models-test-access-token-0123456789';
const AUTH = { authorization: `Bearer ${TOKEN}` };
/** Small: the model is tiny and the machine's two cores are shared. */
const MAX_TOKENS = Number(env.MODELS_TEST_OPENAI_MAX_TOKENS ?? 48);
const PIPER_QUESTIONS = QUESTIONS.slice(0, 2);
const OUTSIDE = QUESTIONS.find((q) => q.outside)!;
const FILES = ['20071229X02007.pdf', '20080108X00029.pdf'].map((f) => fixtureFile('ntsb', f));

interface Answered {
  via: string;
  content: string;
  sources: OpenAISource[];
  ms: number;
  firstContentMs: number | null;
  completionTokens: number | null;
}

let server: ChildServer;
let dataDir: string;
const answered: Answered[] = [];

beforeAll(async () => {
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'pagewise-models-openai-'));
  server = await spawnServer(dataDir, { ...MODEL_ENV, ACCESS_TOKEN: TOKEN }, 60_000);
  const form = new FormData();
  for (const f of FILES) form.append('files', new Blob([fs.readFileSync(f)], { type: 'application/pdf' }), path.basename(f));
  const res = await fetch(`${server.url}/api/documents`, { method: 'POST', body: form, headers: AUTH });
  expect(res.status).toBe(202);
  await waitForIngestion(server.url, 600_000, AUTH);
}, 660_000);

afterAll(async () => {
  await server?.kill9();
  if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
  if (answered.length === 0) return;
  const firsts = answered.map((a) => a.firstContentMs).filter((x): x is number => x !== null);
  const resolved = answered.reduce((n, a) => n + a.sources.length, 0);
  const cited = answered.filter((a) => a.sources.some((s) => s.cited)).length;
  process.stdout.write(
    `SUMMARY openai chat=${env.LLM_MODEL} answers=${answered.length} (${answered.map((a) => a.via).join(',')}) sources_resolved=${resolved} answers_citing=${cited}/${answered.length} first_content_p50_ms=${Math.round(median(firsts))} answer_p50_ms=${Math.round(median(answered.map((a) => a.ms)))} max_tokens=${MAX_TOKENS}\n`,
  );
});

/** What every answer must satisfy, whatever the model wrote. */
async function check(a: Answered): Promise<void> {
  answered.push(a);
  expect(a.content.trim().length, `${a.via}: an answer was written`).toBeGreaterThan(0);
  expect(a.content, a.via).not.toMatch(/<\/?think>/);
  expect(a.sources.length, `${a.via}: retrieval found passages`).toBeGreaterThan(0);
  await expectSourcesResolve(server.url, a.sources, AUTH);
  expect(a.sources.filter((s) => s.cited).map((s) => s.n), `${a.via}: the cited sources are the answer's markers`).toEqual(
    markersOf(a.content).filter((n) => a.sources.some((s) => s.n === n)),
  );
  if (a.completionTokens !== null) expect(a.completionTokens, `${a.via}: max_tokens passed through`).toBeLessThanOrEqual(MAX_TOKENS);
}

async function viaOpenAI(question: string, stream: boolean): Promise<Answered> {
  const client = openaiClient(server.url, TOKEN, 240_000);
  const t0 = performance.now();
  const messages = [{ role: 'user' as const, content: question }];
  if (!stream) {
    const r = await client.chat.completions.create({ model: 'pagewise', messages, max_tokens: MAX_TOKENS, temperature: 0 });
    expect(r.object).toBe('chat.completion');
    expect(['stop', 'length']).toContain(r.choices[0]!.finish_reason);
    return { via: 'openai', content: r.choices[0]!.message.content ?? '', sources: sourcesOf(r), ms: performance.now() - t0, firstContentMs: null, completionTokens: r.usage?.completion_tokens ?? null };
  }
  let content = '';
  let first: number | null = null;
  let last: OpenAI.Chat.Completions.ChatCompletionChunk | null = null;
  for await (const c of await client.chat.completions.create({ model: 'pagewise', messages, max_tokens: MAX_TOKENS, temperature: 0, stream: true })) {
    const d = c.choices[0]?.delta.content;
    if (d) first ??= performance.now() - t0;
    content += d ?? '';
    last = c;
  }
  expect(['stop', 'length']).toContain(last!.choices[0]!.finish_reason);
  return { via: 'openai-stream', content, sources: sourcesOf(last), ms: performance.now() - t0, firstContentMs: first, completionTokens: last!.usage?.completion_tokens ?? null };
}

describe(`real models through /v1: chat ${env.LLM_MODEL}, embeddings ${env.EMBED_MODEL}`, () => {
  it('answers through the openai client, non-streaming and streaming', async () => {
    await check(await viaOpenAI(PIPER_QUESTIONS[0]!.q, false));
    await check(await viaOpenAI(PIPER_QUESTIONS[1]!.q, true));
  });

  it('answers through LangChain ChatOpenAI: invoke, stream, and a follow-up with history', async () => {
    const t0 = performance.now();
    const reply = await langchainModel(server.url, { apiKey: TOKEN, maxTokens: MAX_TOKENS, timeoutMs: 240_000 }).invoke([new HumanMessage(PIPER_QUESTIONS[0]!.q)]);
    const content = typeof reply.content === 'string' ? reply.content : '';
    const reasoning = String(reply.additional_kwargs.reasoning_content ?? '');
    if (reasoning.trim()) expect(content).not.toContain(reasoning.trim());
    expect(reply.usage_metadata?.output_tokens ?? 0).toBeLessThanOrEqual(MAX_TOKENS);
    // LangChain keeps no unknown top-level fields: the sources are checked through the openai client's calls.
    answered.push({ via: 'langchain', content, sources: [], ms: performance.now() - t0, firstContentMs: null, completionTokens: reply.usage_metadata?.output_tokens ?? null });
    expect(content.trim().length).toBeGreaterThan(0);
    expect(content).not.toMatch(/<\/?think>/);

    const t1 = performance.now();
    let streamed = '';
    let first: number | null = null;
    for await (const chunk of await langchainModel(server.url, { apiKey: TOKEN, maxTokens: MAX_TOKENS, streaming: true, timeoutMs: 240_000 }).stream([new HumanMessage(PIPER_QUESTIONS[1]!.q)])) {
      const piece = typeof chunk.content === 'string' ? chunk.content : '';
      if (piece) first ??= performance.now() - t1;
      streamed += piece;
    }
    answered.push({ via: 'langchain-stream', content: streamed, sources: [], ms: performance.now() - t1, firstContentMs: first, completionTokens: null });
    expect(streamed.trim().length).toBeGreaterThan(0);
    expect(streamed).not.toMatch(/<\/?think>/);

    const follow = await langchainModel(server.url, { apiKey: TOKEN, maxTokens: MAX_TOKENS, timeoutMs: 240_000 }).invoke([
      new HumanMessage(PIPER_QUESTIONS[0]!.q),
      new AIMessage(content),
      new HumanMessage('And what were the weather conditions?'),
    ]);
    expect(String(follow.content).trim().length).toBeGreaterThan(0);
    expect(String(follow.content)).not.toMatch(/<\/?think>/);
  });

  it('meets a question the documents cannot answer with an abstention or no citation', async () => {
    const a = await viaOpenAI(OUTSIDE.q, false);
    await check({ ...a, via: 'openai-outside' });
    expect(ABSTAIN_RE.test(a.content) || !a.sources.some((s) => s.cited), a.content).toBe(true);
  });

  it('refuses a wrong key with 401 invalid_api_key', async () => {
    const err = await openaiClient(server.url, 'sk-wrong-key').chat.completions.create({ model: 'pagewise', messages: [{ role: 'user', content: 'x' }] }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OpenAI.AuthenticationError);
    expect((err as InstanceType<typeof OpenAI.APIError>).code).toBe('invalid_api_key');
  });
});
