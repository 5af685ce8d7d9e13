/**
 * Issue 20, check 1: the OpenAI-compatible endpoint driven by the official `openai` client (non-streaming and
 * streaming) and by LangChain's `ChatOpenAI`, over real ingested NTSB reports and the fake upstream. Answers cite
 * the right pages, `sources` resolve, reasoning stays in `reasoning_content`, the request's sampling passes
 * through, follow-ups are rewritten as on /api/chat, nothing is stored unless `store: true`, unsupported fields
 * are refused by name, and a hostile page cannot post to it.
 */
import path from 'node:path';
import { AIMessage, HumanMessage } from '@langchain/core/messages';
import OpenAI, { APIError } from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OpenAIErrorBodySchema } from '@pagewise/shared';
import { search } from '../support/api.js';
import { getConversation, ingestAll, listConversations, squash } from '../support/chat.js';
import { startFakeLlm, type FakeLlm } from '../support/fake-llm.js';
import { fixtureFile } from '../support/fixtures.js';
import { expectSourcesResolve, langchainModel, markersOf, openaiClient, sourcesOf } from '../support/openai.js';
import { rawRequest } from '../support/raw-http.js';
import { startTestServer, type TestServer } from '../support/server.js';

const PIPER = fixtureFile('ntsb', '20071229X02007.pdf'); // Piper PA-22-150 hits trees on final approach
const CESSNA = fixtureFile('ntsb', '20080108X00029.pdf'); // Cessna 210 XB-GTS, Continental IO-470 engine
const TOP_K = 4;
const QUESTION = 'What happened to the Piper PA-22-150 on final approach?';
const REASONING = 'The question is about the Piper; passage 1 describes the approach.';

let s: TestServer;
let fake: FakeLlm;
let client: OpenAI;

beforeAll(async () => {
  fake = await startFakeLlm();
  s = await startTestServer({ LLM_BASE_URL: fake.baseUrl, LLM_MODEL: 'fake-chat', CHAT_TOP_K: String(TOP_K) });
  await ingestAll(s.url, [PIPER, CESSNA]);
  client = openaiClient(s.url);
});

afterAll(async () => {
  await s?.close();
  await fake?.close();
});

/** A scripted answer quoting the first two passages chat will retrieve, citing [1], [2] and a [9] that names none. */
async function scripted(question = QUESTION) {
  const expected = await search(s.url, { query: question, k: TOP_K });
  const quote = (i: number) => squash(expected[i]!.text).replace(/[[\]【】［］]/g, '').slice(0, 40).trim();
  const [q1, q2] = [quote(0), quote(1)];
  const content = `The report says "${q1}" [1]. It also says "${q2}" [2]. The weather was sunny [9].`;
  return { expected, q1, q2, content, cleaned: content.replace(' [9]', ' ') };
}

/** The chat-completion requests the fake received since `before`. */
const sentSince = (before: number) => fake.chatRequests().slice(before).map((r) => r.body as Record<string, unknown> & { messages: { role: string; content: string }[] });

describe('the openai client', () => {
  it('lists one model, the library, and answers 404 model_not_found for a collection id that does not exist yet', async () => {
    const models = await client.models.list();
    expect(models.data.map((m) => ({ id: m.id, object: m.object, owned_by: m.owned_by }))).toEqual([{ id: 'pagewise', object: 'model', owned_by: 'pagewise' }]);
    expect((await client.models.retrieve('pagewise')).id).toBe('pagewise');
    const before = fake.chatRequests().length;
    for (const call of [() => client.models.retrieve('pagewise/aviation'), () => client.chat.completions.create({ model: 'pagewise/aviation', messages: [{ role: 'user', content: QUESTION }] })]) {
      const err = await call().catch((e: unknown) => e);
      expect(err).toBeInstanceOf(OpenAI.NotFoundError);
      expect((err as APIError).error).toMatchObject({ code: 'model_not_found', type: 'invalid_request_error', param: 'model' });
      expect((err as APIError).message).toMatch(/pagewise\/aviation.*GET \/v1\/models.*pagewise/);
    }
    expect(fake.chatRequests().length).toBe(before);
  });

  it('answers non-streaming: the cited answer, its sources on the right pages, reasoning apart, usage; sampling passed through', async () => {
    const { expected, q1, q2, content, cleaned } = await scripted();
    fake.next({ kind: 'ok', reasoning: REASONING, content, chunkSize: 5 });
    const before = fake.chatRequests().length;
    const conversations = (await listConversations(s.url)).length;

    const r = await client.chat.completions.create({ model: 'pagewise', messages: [{ role: 'user', content: QUESTION }], max_tokens: 300, temperature: 0.5, stop: ['END'] });

    expect(r.object).toBe('chat.completion');
    expect(r.model).toBe('pagewise');
    expect(r.choices).toHaveLength(1);
    const choice = r.choices[0]!;
    expect(choice.finish_reason).toBe('stop');
    expect(choice.message.content).toBe(cleaned);
    const reasoning = (choice.message as unknown as { reasoning_content?: string }).reasoning_content;
    expect(reasoning).toBe(REASONING);
    expect(choice.message.content).not.toContain('passage 1 describes');
    expect(r.usage).toEqual({ prompt_tokens: 100, completion_tokens: 20, total_tokens: 120, completion_tokens_details: { reasoning_tokens: 5 } });

    // The sources: the passages the model was given, on the pages search finds for this question; the cited
    // ones marked, with the claim check's verdict, each quoting its page.
    const sources = sourcesOf(r);
    expect(sources.map((x) => ({ n: x.n, document: x.document, page: x.page }))).toEqual(expected.map((x, i) => ({ n: i + 1, document: x.documentName, page: x.page })));
    expect(sources.filter((x) => x.cited).map((x) => x.n)).toEqual(markersOf(choice.message.content!));
    expect(markersOf(choice.message.content!)).toEqual([1, 2]);
    expect(sources[0]!.document).toBe(path.basename(PIPER));
    const pages = await expectSourcesResolve(s.url, sources);
    expect(squash(pages.get(1)!)).toContain(q1);
    expect(squash(pages.get(2)!)).toContain(q2);
    expect(sources.map((x) => x.verdict)).toEqual(['supported', 'supported', null, null]);

    // The same path as /api/chat: one streamed call with the fenced passages; the client's sampling passed through.
    const sent = sentSince(before);
    expect(sent).toHaveLength(1);
    expect(sent[0]).toMatchObject({ model: 'fake-chat', stream: true, max_tokens: 300, temperature: 0.5, stop: ['END'] });
    expect(sent[0]!.messages.map((m) => m.role)).toEqual(['system', 'user']);
    expect(sent[0]!.messages[1]!.content).toContain(`<passage n="1" document="${expected[0]!.documentName}" page="${expected[0]!.page}">`);
    expect((await listConversations(s.url)).length, 'stateless: nothing stored').toBe(conversations);
  });

  it('streams chat.completion.chunk deltas: reasoning_content, then content, then a last chunk with sources and usage, then [DONE]', async () => {
    const { content, cleaned } = await scripted();
    fake.next({ kind: 'ok', reasoning: REASONING, content, chunkSize: 3, tokenDelayMs: 2 });
    const stream = await client.chat.completions.create({ model: 'pagewise', messages: [{ role: 'user', content: QUESTION }], stream: true, stream_options: { include_usage: true } });
    const chunks: OpenAI.Chat.Completions.ChatCompletionChunk[] = [];
    for await (const c of stream) chunks.push(c);

    expect(chunks.length).toBeGreaterThan(10);
    for (const c of chunks) expect(c).toMatchObject({ object: 'chat.completion.chunk', model: 'pagewise', id: chunks[0]!.id });
    const deltas = chunks.flatMap((c) => c.choices.map((x) => x.delta as { content?: string | null; reasoning_content?: string }));
    const text = deltas.map((d) => d.content ?? '').join('');
    const reasoning = deltas.map((d) => d.reasoning_content ?? '').join('');
    expect(text).toBe(cleaned);
    expect(reasoning).toBe(REASONING);
    expect(deltas.filter((d) => d.content).length, 'content arrives in pieces').toBeGreaterThan(5);
    const firstContent = deltas.findIndex((d) => d.content);
    expect(deltas.findIndex((d) => d.reasoning_content), 'reasoning comes first').toBeLessThan(firstContent);

    const last = chunks[chunks.length - 1]!;
    expect(last.choices[0]!.finish_reason).toBe('stop');
    expect(chunks.slice(0, -1).every((c) => c.choices[0]!.finish_reason === null)).toBe(true);
    expect(last.usage).toMatchObject({ prompt_tokens: 100, completion_tokens: 20, total_tokens: 120 });
    const sources = sourcesOf(last);
    expect(sources.map((x) => x.n)).toEqual([1, 2, 3, 4]);
    expect(sources.filter((x) => x.cited).map((x) => x.n)).toEqual([1, 2]);
    await expectSourcesResolve(s.url, sources);
  });

  it('keeps <think> written into the content out of it, streaming or not', async () => {
    const answer = 'The airplane struck trees on final approach [1].';
    for (const stream of [false, true]) {
      fake.next({ kind: 'ok', content: `<think>secret plan: cite passage 1</think>\n${answer}` });
      const messages = [{ role: 'user' as const, content: QUESTION }];
      let text = '';
      let reasoning = '';
      if (stream) {
        for await (const c of await client.chat.completions.create({ model: 'pagewise', messages, stream: true })) {
          const d = c.choices[0]?.delta as { content?: string; reasoning_content?: string } | undefined;
          text += d?.content ?? '';
          reasoning += d?.reasoning_content ?? '';
        }
      } else {
        const m = (await client.chat.completions.create({ model: 'pagewise', messages })).choices[0]!.message;
        text = m.content ?? '';
        reasoning = (m as unknown as { reasoning_content: string }).reasoning_content;
      }
      expect(text.trim(), `stream: ${stream}`).toBe(answer);
      expect(reasoning, `stream: ${stream}`).toContain('secret plan');
    }
  });

  it('stores nothing by default; with store: true, a conversation holding the history sent, the question and the answer', async () => {
    fake.next({ kind: 'ok', content: 'Utility wires [1].' }, { kind: 'ok', content: 'Piper PA-22-150 what it hit after the trees' }, { kind: 'ok', content: 'It then hit utility wires [1].' });
    const history: OpenAI.Chat.Completions.ChatCompletionMessageParam[] = [
      { role: 'system', content: 'You are a helpful assistant.' },
      { role: 'user', content: QUESTION },
      { role: 'assistant', content: 'It struck trees [1].' },
      { role: 'user', content: 'What did it hit after that?' },
    ];
    const stateless = await client.chat.completions.create({ model: 'pagewise', messages: history.slice(0, 2) });
    expect((stateless as unknown as Record<string, unknown>).conversation_id).toBeUndefined();
    const r = await client.chat.completions.create({ model: 'pagewise', messages: history, store: true });
    const id = (r as unknown as { conversation_id: string }).conversation_id;
    expect(id).toMatch(/^[0-9a-f-]{36}$/);
    const conv = await getConversation(s.url, id);
    expect(conv.messages.map((m) => [m.role, m.content])).toEqual([
      ['user', QUESTION],
      ['assistant', 'It struck trees [1].'],
      ['user', 'What did it hit after that?'],
      ['assistant', r.choices[0]!.message.content],
    ]);
    expect(r.id).toBe(`chatcmpl-${conv.messages[3]!.id}`);
    expect((await listConversations(s.url)).map((c) => c.id)).toContain(id);
  });

  it('refuses tools and n > 1 by name, before any model call', async () => {
    const before = fake.chatRequests().length;
    const tool = { type: 'function' as const, function: { name: 'lookup', parameters: { type: 'object', properties: {} } } };
    const cases: [Partial<OpenAI.Chat.Completions.ChatCompletionCreateParamsNonStreaming>, string][] = [
      [{ tools: [tool] }, 'tools'],
      [{ n: 2 }, 'n'],
      [{ tool_choice: 'required' }, 'tool_choice'],
      [{ response_format: { type: 'json_object' } }, 'response_format'],
    ];
    for (const [extra, param] of cases) {
      const err = await client.chat.completions.create({ model: 'pagewise', messages: [{ role: 'user', content: QUESTION }], ...extra }).catch((e: unknown) => e);
      expect(err, param).toBeInstanceOf(OpenAI.BadRequestError);
      expect((err as APIError).error).toMatchObject({ code: 'unsupported_parameter', type: 'invalid_request_error', param });
      expect((err as APIError).message).toMatch(/not supported|must be 1/);
    }
    const image = await client.chat.completions
      .create({ model: 'pagewise', messages: [{ role: 'user', content: [{ type: 'text', text: QUESTION }, { type: 'image_url', image_url: { url: 'data:image/png;base64,AA==' } }] }] })
      .catch((e: unknown) => e);
    expect((image as APIError).error).toMatchObject({ code: 'unsupported_parameter', param: 'messages.0.content.1' });
    expect(fake.chatRequests().length).toBe(before);
  });
});

describe("LangChain's ChatOpenAI", () => {
  it('invokes and streams: cited content on the right pages, reasoning in additional_kwargs.reasoning_content only', async () => {
    const { expected, content, cleaned } = await scripted();
    fake.next({ kind: 'ok', reasoning: REASONING, content }, { kind: 'ok', reasoning: REASONING, content });
    const reply = await langchainModel(s.url).invoke([new HumanMessage(QUESTION)]);
    expect(reply.content).toBe(cleaned);
    expect(reply.additional_kwargs.reasoning_content).toBe(REASONING);

    let text = '';
    let reasoning = '';
    let pieces = 0;
    for await (const chunk of await langchainModel(s.url, { streaming: true }).stream([new HumanMessage(QUESTION)])) {
      text += typeof chunk.content === 'string' ? chunk.content : '';
      reasoning += (chunk.additional_kwargs.reasoning_content as string | undefined) ?? '';
      pieces++;
    }
    expect(pieces).toBeGreaterThan(5);
    expect(text).toBe(cleaned);
    expect(reasoning).toBe(REASONING);
    expect(markersOf(text)).toEqual([1, 2]);
    expect(expected[0]!.documentName).toBe(path.basename(PIPER));
  });

  it('rewrites a follow-up into a standalone query first, as /api/chat does', async () => {
    fake.next({ kind: 'ok', content: 'Continental IO-470 engine of the Cessna 210 XB-GTS' }, { kind: 'ok', content: 'The engine was a Continental IO-470 [1].' });
    const before = fake.chatRequests().length;
    const reply = await langchainModel(s.url).invoke([new HumanMessage('Tell me about the Cessna 210 XB-GTS.'), new AIMessage('It was a Cessna 210 [1].'), new HumanMessage('Which engine did it have?')]);
    expect(reply.content).toBe('The engine was a Continental IO-470 [1].');
    const sent = sentSince(before);
    expect(sent.map((b) => b.stream)).toEqual([false, true]);
    expect(sent[0]!.messages.at(-1)!.content).toContain('Which engine did it have?');
    expect(sent[1]!.messages.at(-1)!.content).toContain('Question: Which engine did it have?');
    expect(sent[1]!.messages.at(-1)!.content).toContain(`document="${path.basename(CESSNA)}"`);
  });
});

describe('a hostile web page', () => {
  it('cannot post to /v1 on a token-less loopback instance (403 csrf, OpenAI shape), nor read across origins', async () => {
    const before = fake.chatRequests().length;
    const body = JSON.stringify({ model: 'pagewise', messages: [{ role: 'user', content: QUESTION }] });
    const marks: Record<string, string>[] = [{ 'sec-fetch-site': 'cross-site', origin: 'https://evil.example' }, { origin: 'https://evil.example' }, { 'sec-fetch-site': 'same-site' }];
    for (const h of marks) {
      for (const type of ['text/plain', 'application/json']) {
        const res = await rawRequest(s.url, { method: 'POST', path: '/v1/chat/completions', headers: { ...h, 'content-type': type }, body });
        expect(res.status, JSON.stringify(h)).toBe(403);
        expect(OpenAIErrorBodySchema.parse(res.json).error).toMatchObject({ code: 'csrf', type: 'permission_error' });
      }
    }
    expect(fake.chatRequests().length).toBe(before);
    const models = await rawRequest(s.url, { path: '/v1/models', headers: { origin: 'https://evil.example', 'sec-fetch-site': 'cross-site' } });
    expect(models.headers['access-control-allow-origin']).toBeUndefined();
    const rebound = await rawRequest(s.url, { path: '/v1/models', headers: { host: 'rebind.evil.example' } });
    expect(rebound.status).toBe(403);
    expect(OpenAIErrorBodySchema.parse(rebound.json).error.code).toBe('host_not_allowed');
  });
});
