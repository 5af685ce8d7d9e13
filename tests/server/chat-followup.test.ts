/**
 * Reasoning and follow-ups (issue 3, items 2 and 3): reasoning from `reasoning_content` or from `<think>` tags in
 * the content (split across chunks) streams as `reasoning` events, is stored apart and never goes back to the
 * model; a follow-up is first rewritten by a non-streamed call on the utility model, and a failed rewrite falls
 * back to the question as asked.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SearchResponseSchema } from '@pagewise/shared';
import { fixtureFile } from '../support/fixtures.js';
import { startFakeLlm, type FakeLlm, type RecordedRequest } from '../support/fake-llm.js';
import { startTestServer, type TestServer } from '../support/server.js';
import { all, chat, getConversation, ingestAll, only, shape } from '../support/chat.js';

let s: TestServer;
let fake: FakeLlm;

beforeAll(async () => {
  fake = await startFakeLlm();
  s = await startTestServer({
    LLM_BASE_URL: fake.baseUrl,
    LLM_MODEL: 'fake-reasoner',
    LLM_UTILITY_MODEL: 'fake-utility',
    LLM_MAX_ATTEMPTS: '1',
    CHAT_TOP_K: '4',
  });
  await ingestAll(s.url, [fixtureFile('ntsb', '20071229X02007.pdf'), fixtureFile('ntsb', '20080108X00029.pdf')]);
});

afterAll(async () => {
  await s?.close();
  await fake?.close();
});

/** Chat requests made by the turn that `run` performs. */
async function during<T>(run: () => Promise<T>): Promise<{ result: T; requests: RecordedRequest[] }> {
  const before = fake.chatRequests().length;
  const result = await run();
  return { result, requests: fake.chatRequests().slice(before) };
}

const promptText = (r: RecordedRequest) => r.body.messages!.map((m) => `${m.role}: ${m.content}`).join('\n');

describe('reasoning', () => {
  const question = 'Why did the Piper PA-22-150 crash?';
  const thought = 'Passage one says the airplane hit trees; the pilot misjudged clearance.';

  it('streams reasoning_content as reasoning events, never in the answer, and stores it apart', async () => {
    fake.next({ kind: 'ok', reasoning: thought, content: 'The pilot misjudged clearance over the trees [1].' });
    const r = await chat(s.url, { messages: [{ role: 'user', content: question }] });

    expect(shape(r.events)).toEqual(['start', 'sources', 'reasoning', 'answer', 'citations', 'verification', 'done']);
    expect(all(r.events, 'reasoning').length).toBeGreaterThan(3);
    expect(r.reasoning).toBe(thought);
    expect(r.answer).toBe('The pilot misjudged clearance over the trees [1].');
    expect(only(r.events, 'done')).toMatchObject({ status: 'complete', usage: { reasoningTokens: 5 } });

    const conv = await getConversation(s.url, r.start.conversationId);
    expect(conv.messages[1]).toMatchObject({ role: 'assistant', content: r.answer, reasoning: thought, status: 'complete' });
  });

  it('splits <think> tags out of the content even when every tag is cut across chunks', async () => {
    const inner = 'Trees, then wires. Cite passage 1.';
    fake.next({ kind: 'ok', content: `<think>${inner}</think>\n\nThe airplane struck trees and wires [1].`, chunkSize: 2 });
    const r = await chat(s.url, { messages: [{ role: 'user', content: question }] });

    expect(shape(r.events)).toEqual(['start', 'sources', 'reasoning', 'answer', 'citations', 'verification', 'done']);
    expect(r.reasoning).toBe(inner);
    expect(r.answer).toBe('The airplane struck trees and wires [1].');
    for (const e of all(r.events, 'answer')) expect(e.delta).not.toMatch(/<|>|think|wires\. Cite/);
    for (const e of all(r.events, 'reasoning')) expect(e.delta).not.toMatch(/<|>/);

    const conv = await getConversation(s.url, r.start.conversationId);
    expect(conv.messages[1]).toMatchObject({ content: r.answer, reasoning: inner, status: 'complete' });
    expect(conv.messages[1]!.citations.map((c) => c.n)).toEqual([1]);
  });

  it('never sends reasoning back to the model in the next turn', async () => {
    const secret = 'SECRET-REASONING-7731 about the trees';
    fake.next({ kind: 'ok', reasoning: secret, content: 'He hit trees [1].' });
    const first = await chat(s.url, { messages: [{ role: 'user', content: question }] });
    expect(first.reasoning).toBe(secret);

    // The client sends the previous turn back as a raw model reply would read, <think> block included.
    const previous = `<think>${secret}</think>\n${first.answer}`;
    fake.next({ kind: 'ok', content: 'Piper PA-22-150 weather at the time of the accident' }, { kind: 'ok', content: 'Calm winds [1].' });
    const { result: second, requests } = await during(() =>
      chat(s.url, {
        conversationId: first.start.conversationId,
        messages: [
          { role: 'user', content: question },
          { role: 'assistant', content: previous },
          { role: 'user', content: 'And what was the weather?' },
        ],
      }),
    );
    expect(only(second.events, 'done').status).toBe('complete');
    expect(requests).toHaveLength(2); // the rewrite, then the answer
    for (const req of requests) {
      const text = promptText(req);
      expect(text).not.toContain('SECRET-REASONING-7731');
      expect(text).not.toContain('<think>');
      expect(text).not.toContain('</think>');
      expect(text).toContain('He hit trees [1].');
    }
    // The earlier answer is history in the answer prompt: its own assistant turn, reasoning removed.
    expect(requests[1]!.body.messages!.map((m) => m.role)).toEqual(['system', 'user', 'assistant', 'user']);
    expect(requests[1]!.body.messages![2]!.content).toBe('He hit trees [1].');

    const conv = await getConversation(s.url, first.start.conversationId);
    expect(conv.messages.map((m) => [m.role, m.status])).toEqual([
      ['user', 'complete'],
      ['assistant', 'complete'],
      ['user', 'complete'],
      ['assistant', 'complete'],
    ]);
    expect(conv.messages[1]!.reasoning).toBe(secret);
    expect(conv.messages[1]!.content).toBe('He hit trees [1].');
    expect(conv.messages[2]!.content).toBe('And what was the weather?');
  });
});

describe('follow-up rewriting', () => {
  const q1 = 'What happened to the Piper PA-22-150 at the private airstrip?';
  const a1 = 'It contacted trees and utility wires on final approach [1].';
  const followUp = 'What about its engine?';
  const history = [
    { role: 'user', content: q1 },
    { role: 'assistant', content: a1 },
    { role: 'user', content: followUp },
  ];

  it('asks nothing extra on a first question', async () => {
    fake.next({ kind: 'ok', content: a1 });
    const { result, requests } = await during(() => chat(s.url, { messages: [{ role: 'user', content: q1 }] }));
    expect(requests).toHaveLength(1);
    expect(requests[0]!.body).toMatchObject({ model: 'fake-reasoner', stream: true });
    expect(result.start.query).toBe(q1);
  });

  it('rewrites a follow-up with a non-streamed utility-model call and retrieves with the rewrite', async () => {
    const rewrite = 'Piper PA-22 engine details';
    fake.next({ kind: 'ok', content: rewrite }, { kind: 'ok', content: 'The passages do not describe the engine [1].' });
    const { result: r, requests } = await during(() => chat(s.url, { messages: history }));

    expect(requests).toHaveLength(2);
    const [rw, answer] = requests as [RecordedRequest, RecordedRequest];
    expect(rw.body.stream === false || rw.body.stream === undefined).toBe(true);
    expect(rw.body.model).toBe('fake-utility');
    const rwText = promptText(rw);
    for (const part of [q1, a1, followUp]) expect(rwText).toContain(part);
    expect(rwText).not.toContain('<passage');

    expect(answer.body).toMatchObject({ model: 'fake-reasoner', stream: true });
    expect(answer.body.messages!.at(-1)!.content).toContain(`Question: ${followUp}`);

    expect(r.start.query).toBe(rewrite);
    expect(only(r.events, 'done').status).toBe('complete');
    // Retrieval ran on the rewrite: the sources are what search returns for it.
    const res = await fetch(`${s.url}/api/search`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: rewrite, k: 4 }),
    });
    const expected = SearchResponseSchema.parse(await res.json()).results;
    expect(r.sources.map((x) => [x.documentId, x.page, x.text])).toEqual(expected.map((x) => [x.documentId, x.page, x.text]));
  });

  it('drops reasoning and quotes from the rewrite', async () => {
    fake.next({ kind: 'ok', reasoning: 'The user means the Piper.', content: '"Piper PA-22-150 engine"' }, { kind: 'ok', content: 'No engine data [1].' });
    const r = await chat(s.url, { messages: history });
    expect(r.start.query).toBe('Piper PA-22-150 engine');
  });

  it('falls back to the question as asked when the rewrite call fails, and still answers', async () => {
    fake.next({ kind: 'status', status: 500 }, { kind: 'ok', content: 'The passages do not say [1].' });
    const { result: r, requests } = await during(() => chat(s.url, { messages: history }));
    expect(requests).toHaveLength(2); // LLM_MAX_ATTEMPTS=1: one failed rewrite, then the answer
    expect(requests[0]!.body.model).toBe('fake-utility');
    expect(requests[1]!.body.stream).toBe(true);
    expect(r.start.query).toBe(followUp);
    expect(r.answer).toBe('The passages do not say [1].');
    expect(only(r.events, 'done').status).toBe('complete');
    expect(all(r.events, 'error')).toEqual([]);
  });
});
