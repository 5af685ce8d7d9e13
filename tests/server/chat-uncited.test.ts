/**
 * What the answer does when a model breaks the citation rules, as small open-weight models do (Gemma 3 270M
 * cited nothing in real transcripts): an answer that cites no passage says so at its end, in the stream and
 * in the stored message, and points to the sources shown; an answer that says the documents do not hold the
 * answer needs no such note; worded markers ([Passage 1]) count as citations. Against a fake endpoint.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ECHO_NOTE, NO_CITATION_NOTE } from '../../server/src/answer/fallbacks.js';
import { SYSTEM_PROMPT } from '../../server/src/answer/prompt.js';
import { fixtureFile } from '../support/fixtures.js';
import { startFakeLlm, type FakeLlm } from '../support/fake-llm.js';
import { startTestServer, type TestServer } from '../support/server.js';
import { chat, getConversation, ingestAll, only } from '../support/chat.js';

let s: TestServer;
let fake: FakeLlm;

beforeAll(async () => {
  fake = await startFakeLlm();
  s = await startTestServer({ LLM_BASE_URL: fake.baseUrl, LLM_MODEL: 'fake-chat', CHAT_TOP_K: '3' });
  await ingestAll(s.url, [fixtureFile('ntsb', '20071229X02007.pdf')]);
});

afterAll(async () => {
  await s?.close();
  await fake?.close();
});

const question = 'What did the Piper hit on final approach?';

describe('answers that break the citation rules', () => {
  it('an answer that cites nothing says so at its end, streamed and stored, with the passages still given as sources', async () => {
    fake.next({ kind: 'ok', content: 'The airplane hit trees and wires.', chunkSize: 5 });
    const r = await chat(s.url, { messages: [{ role: 'user', content: question }] });
    expect(r.sources.length).toBeGreaterThan(0);
    expect(r.answer).toBe(`The airplane hit trees and wires.\n\n${NO_CITATION_NOTE}`);
    expect(only(r.events, 'citations').citations).toEqual([]);
    expect(only(r.events, 'done').status).toBe('complete');
    const stored = await getConversation(s.url, r.start.conversationId);
    expect(stored.messages[1]!.content).toBe(r.answer);
    // The model's sentence is an uncited claim; the product's own note is not a claim at all.
    expect(only(r.events, 'verification').claims.map((c) => [c.text, c.verdict])).toEqual([['The airplane hit trees and wires.', 'uncited']]);
  });

  it.each([
    'Your documents do not contain the answer to this question.',
    'The passages do not mention the World Cup.',
    'Diese Information ist nicht in Ihren Dokumenten enthalten.',
  ])('an abstention without a citation gets no note: %j', async (content) => {
    fake.next({ kind: 'ok', content });
    const r = await chat(s.url, { messages: [{ role: 'user', content: question }] });
    expect(r.answer).toBe(content);
    expect(only(r.events, 'citations').citations).toEqual([]);
  });

  it('a worded marker counts as a citation, so no note', async () => {
    fake.next({ kind: 'ok', content: 'It hit trees [Passage 1].' });
    const r = await chat(s.url, { messages: [{ role: 'user', content: question }] });
    expect(r.answer).toBe('It hit trees [1].');
    expect(only(r.events, 'citations').citations.map((c) => c.n)).toEqual([1]);
  });

  it('the model is reminded of the rules right after the question, where small models still read them', async () => {
    fake.next({ kind: 'ok', content: 'It hit trees [1].' });
    const before = fake.chatRequests().length;
    await chat(s.url, { messages: [{ role: 'user', content: question }] });
    const user = fake.chatRequests()[before]!.body.messages!.at(-1)!.content;
    expect(user.indexOf(`Question: ${question}`)).toBeGreaterThan(user.indexOf('</passages>'));
    expect(user.slice(user.indexOf(`Question: ${question}`))).toMatch(/\[1\].*not in your documents/s);
  });

  it('a model that repeats its instructions is stopped: no echoed text, no citation from the echoed examples', async () => {
    // What the base Gemma 3 270M did with every question: it wrote the system prompt back, "[2]" and "[1][3]" included.
    fake.next({ kind: 'ok', content: SYSTEM_PROMPT, chunkSize: 6 });
    const r = await chat(s.url, { messages: [{ role: 'user', content: question }] });
    expect(r.answer).toBe(ECHO_NOTE);
    expect(only(r.events, 'citations').citations).toEqual([]);
    expect(only(r.events, 'done')).toMatchObject({ status: 'complete', finishReason: 'echo' });
    // The product's note stands in for an answer: it holds no claim to check.
    expect(r.events.filter((e) => e.type === 'verification').flatMap((e) => (e.type === 'verification' ? e.claims : []))).toEqual([]);
    const stored = await getConversation(s.url, r.start.conversationId);
    expect(stored.messages[1]!.content).toBe(ECHO_NOTE);
  });

  it('a short answer that happens to use the prompt\'s own wording is not taken for an echo', async () => {
    fake.next({ kind: 'ok', content: 'This is not in your documents.' });
    const r = await chat(s.url, { messages: [{ role: 'user', content: question }] });
    expect(r.answer).toBe('This is not in your documents.');
  });
});
