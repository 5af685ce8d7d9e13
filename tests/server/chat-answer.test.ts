/**
 * A cited answer over real ingested NTSB reports, through POST /api/chat against a fake DeepSeek/OpenAI endpoint:
 * event order, citations resolved to the passages given (out-of-range markers dropped), the prompt the model
 * received, the stored conversation, and documentIds scoping (issue 3, items 1 and 8).
 */
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SearchResponseSchema, type Source } from '@pagewise/shared';
import { fixtureFile } from '../support/fixtures.js';
import { startFakeLlm, type FakeLlm } from '../support/fake-llm.js';
import { startTestServer, type TestServer } from '../support/server.js';
import { all, chat, getConversation, ingestAll, only, pageText, shape, squash } from '../support/chat.js';

const PIPER = fixtureFile('ntsb', '20071229X02007.pdf'); // Piper PA-22-150 hits trees on final approach
const CESSNA = fixtureFile('ntsb', '20080108X00029.pdf'); // Cessna 210 XB-GTS, Continental IO-470 engine
const TOP_K = 4;

let s: TestServer;
let fake: FakeLlm;
let ids: Map<string, string>;
const idOf = (p: string) => ids.get(path.basename(p))!;

beforeAll(async () => {
  fake = await startFakeLlm();
  s = await startTestServer({ LLM_BASE_URL: fake.baseUrl, LLM_MODEL: 'fake-chat', CHAT_TOP_K: String(TOP_K) });
  ids = await ingestAll(s.url, [PIPER, CESSNA]);
});

afterAll(async () => {
  await s?.close();
  await fake?.close();
});

async function searchFor(query: string, documentIds?: string[]) {
  const res = await fetch(`${s.url}/api/search`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ query, k: TOP_K, documentIds }),
  });
  expect(res.status).toBe(200);
  return SearchResponseSchema.parse(await res.json()).results;
}

/** A short quote from a passage, on one line, free of brackets (they would read as citation markers). */
const quoteOf = (text: string) => squash(text).replace(/[[\]【】［］]/g, '').slice(0, 40).trim();

describe('POST /api/chat with a model: a cited answer over real PDFs', () => {
  const question = 'What happened to the Piper PA-22-150 on final approach?';

  it('streams start, sources, answer deltas, citations and done, with each [n] resolved to the passage it names', async () => {
    // The passages chat will retrieve are the search results for the same query and k: quote two of them so
    // each citation can be checked against the text it supports.
    const expected = await searchFor(question);
    expect(expected.length).toBe(TOP_K);
    const [q1, q2] = [quoteOf(expected[0]!.text), quoteOf(expected[1]!.text)];
    expect(q1.length).toBeGreaterThan(20);
    const content = `The report says "${q1}" [1]. It also says "${q2}" [2]. The weather was sunny [9].`;
    fake.next({ kind: 'ok', content, chunkSize: 4 });
    const before = fake.chatRequests().length;

    const r = await chat(s.url, { messages: [{ role: 'user', content: question }] });

    expect(shape(r.events)).toEqual(['start', 'sources', 'answer', 'citations', 'verification', 'done']);
    expect(all(r.events, 'answer').length).toBeGreaterThan(5);
    expect(r.start).toMatchObject({ mode: 'llm', query: question });

    // Sources: numbered 1..k, the same passages search returns, from the uploaded documents.
    expect(r.sources.map((x) => x.n)).toEqual([1, 2, 3, 4]);
    expect(r.sources.map((x) => ({ documentId: x.documentId, documentName: x.documentName, page: x.page, text: x.text }))).toEqual(
      expected.map((x) => ({ documentId: x.documentId, documentName: x.documentName, page: x.page, text: x.text })),
    );

    // [9] names no passage: gone from the streamed text, everything else verbatim.
    expect(r.answer).toBe(`The report says "${q1}" [1]. It also says "${q2}" [2]. The weather was sunny .`);
    expect(r.answer).not.toContain('[9]');

    const { citations } = only(r.events, 'citations');
    expect(citations.map((c) => c.n)).toEqual([1, 2]);
    for (const c of citations) expect(c).toEqual(r.sources.find((x) => x.n === c.n));
    expect(squash(citations[0]!.text)).toContain(q1);
    expect(squash(citations[1]!.text)).toContain(q2);
    for (const c of citations) {
      // The cited page of the cited document really holds the passage, at the span given for highlighting.
      expect(c.documentName).toBe([...ids].find(([, id]) => id === c.documentId)?.[0]);
      const text = await pageText(s.url, c.documentId, c.page);
      expect(text).toContain(c.text.slice(0, 40));
      expect(text.slice(c.charStart, c.charEnd)).toBe(c.text);
    }

    const done = only(r.events, 'done');
    expect(done).toMatchObject({ status: 'complete', finishReason: 'stop', usage: { promptTokens: 100, completionTokens: 20, reasoningTokens: 0 } });
    expect(done.timings.totalMs).toBeGreaterThanOrEqual(done.timings.firstTokenMs!);
    expect(r.last.type).toBe('done');

    // What the model was given: one streamed request with the system rules, every passage fenced with its
    // number, document and page, and the question.
    const reqs = fake.chatRequests().slice(before);
    expect(reqs).toHaveLength(1);
    const sent = reqs[0]!.body;
    expect(sent).toMatchObject({ model: 'fake-chat', stream: true });
    expect(sent.messages!.map((m) => m.role)).toEqual(['system', 'user']);
    expect(sent.messages![0]!.content).toMatch(/\[2\]/);
    const user = sent.messages![1]!.content;
    for (const src of r.sources) {
      expect(user).toContain(`<passage n="${src.n}" document="${src.documentName}" page="${src.page}">\n${src.text}\n</passage>`);
    }
    expect(user).toContain(`Question: ${question}`);
    expect(user.indexOf('</passages>')).toBeLessThan(user.indexOf(`Question: ${question}`));
  });

  it('stores the question and the answer with its citations in the conversation', async () => {
    fake.next({ kind: 'ok', content: 'The airplane contacted trees and then utility wires [1][1]. Also [1, 7].' });
    const r = await chat(s.url, { messages: [{ role: 'user', content: question }] });
    expect(r.answer).toBe('The airplane contacted trees and then utility wires [1][1]. Also [1].');
    const { citations } = only(r.events, 'citations');
    expect(citations).toEqual([r.sources[0]]);

    const conv = await getConversation(s.url, r.start.conversationId);
    expect(conv.title).toBe(question);
    expect(conv.messages.map((m) => ({ id: m.id, role: m.role, content: m.content, status: m.status, reasoning: m.reasoning, error: m.error }))).toEqual([
      { id: r.start.userMessageId, role: 'user', content: question, status: 'complete', reasoning: null, error: null },
      { id: r.start.assistantMessageId, role: 'assistant', content: r.answer, status: 'complete', reasoning: null, error: null },
    ]);
    expect(conv.messages[1]!.citations).toEqual(citations);
  });
});

describe('POST /api/chat with documentIds', () => {
  const question = 'What engine did the Cessna 210 XB-GTS have?';

  it('retrieves and prompts only passages of the chosen documents', async () => {
    // Unscoped, this question finds the Cessna report: scoping is what keeps it out.
    const unscoped = await searchFor(question);
    expect(unscoped.some((x) => x.documentId === idOf(CESSNA))).toBe(true);

    fake.next({ kind: 'ok', content: 'The documents given do not say [1].' });
    const before = fake.chatRequests().length;
    const r = await chat(s.url, { messages: [{ role: 'user', content: question }], documentIds: [idOf(PIPER)] });

    expect(r.sources.length).toBeGreaterThan(0);
    expect(new Set(r.sources.map((x: Source) => x.documentId))).toEqual(new Set([idOf(PIPER)]));
    expect(only(r.events, 'citations').citations.map((c) => c.documentId)).toEqual([idOf(PIPER)]);
    expect(only(r.events, 'done').status).toBe('complete');

    const reqs = fake.chatRequests().slice(before);
    expect(reqs).toHaveLength(1);
    const prompt = reqs[0]!.body.messages!.map((m) => m.content).join('\n');
    expect(prompt).not.toContain(path.basename(CESSNA));
    expect(prompt).not.toContain('XB-GTS, serial number');
    expect(prompt).not.toContain('Teledyne Continental');
    expect(prompt.match(/<passage n=/g)).toHaveLength(r.sources.length);
    expect(prompt).toContain(`document="${path.basename(PIPER)}"`);
  });

  it('scoped to the other document, cites only that one', async () => {
    fake.next({ kind: 'ok', content: 'A Teledyne Continental engine [1].' });
    const r = await chat(s.url, { messages: [{ role: 'user', content: question }], documentIds: [idOf(CESSNA)] });
    expect(new Set(r.sources.map((x) => x.documentId))).toEqual(new Set([idOf(CESSNA)]));
    expect(r.sources.some((x) => squash(x.text).includes('Teledyne Continental'))).toBe(true);
    expect(only(r.events, 'citations').citations[0]!.documentName).toBe(path.basename(CESSNA));
  });
});
