/**
 * The claim check end to end (issue 15): a real server over a real NTSB report, the fake OpenAI-compatible model
 * answering one true figure from the cited passage and one fabricated figure citing the same passage. The
 * `verification` event marks the fabricated claim unsupported and the true one supported with the exact
 * supporting span; the stored conversation keeps it; extractive answers are checked the same way; the model's
 * quote check lifts a partial claim only with a quote that really is in the passage, and any failure of it
 * leaves the offline verdict.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Source } from '@pagewise/shared';
import { fixtureFile } from '../support/fixtures.js';
import { startFakeLlm, type FakeLlm } from '../support/fake-llm.js';
import { startTestServer, type TestServer } from '../support/server.js';
import { chat, getConversation, ingestAll, only, pageText, shape } from '../support/chat.js';

const PIPER = fixtureFile('ntsb', '20071229X02007.pdf');
const TOP_K = 4;
const QUESTION = 'How much flight experience did the pilot of the Piper PA-22-150 have?';

let fake: FakeLlm;
let s: TestServer;
let withQuotes: TestServer;
let extractive: TestServer;

beforeAll(async () => {
  fake = await startFakeLlm();
  s = await startTestServer({ LLM_BASE_URL: fake.baseUrl, LLM_MODEL: 'fake-chat', CHAT_TOP_K: String(TOP_K) });
  withQuotes = await startTestServer({ LLM_BASE_URL: fake.baseUrl, LLM_MODEL: 'fake-chat', CHAT_TOP_K: String(TOP_K), CLAIM_CHECK_MODEL: 'on', CLAIM_CHECK_TIMEOUT_MS: '1500' });
  extractive = await startTestServer({ CHAT_TOP_K: String(TOP_K) });
  await Promise.all([s, withQuotes, extractive].map((x) => ingestAll(x.url, [PIPER])));
});

afterAll(async () => {
  await Promise.all([s?.close(), withQuotes?.close(), extractive?.close()]);
  await fake?.close();
});

/** The passage (of those the chat will be given) that says `what`, numbered as the model will see it. */
async function passageWith(url: string, what: string): Promise<Source> {
  const res = await fetch(`${url}/api/search`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: QUESTION, k: TOP_K }) });
  const { results } = (await res.json()) as { results: Source[] };
  const i = results.findIndex((r) => r.text.includes(what));
  expect(i, `a retrieved passage says ${what}`).toBeGreaterThanOrEqual(0);
  return { ...results[i]!, n: i + 1 };
}

describe('the verification event', () => {
  it('marks a fabricated figure unsupported and a true one supported, with its exact span, and stores it', async () => {
    const p = await passageWith(s.url, '2,319 hours');
    const trueClaim = `The pilot reported a total flight experience of 2,319 hours [${p.n}].`;
    const fabricated = `He had logged 999,999,999 hours in the accident airplane [${p.n}].`;
    fake.next({ kind: 'ok', content: `${trueClaim} ${fabricated}` });

    const r = await chat(s.url, { messages: [{ role: 'user', content: QUESTION }] });
    expect(shape(r.events)).toEqual(['start', 'sources', 'answer', 'citations', 'verification', 'done']);
    const v = only(r.events, 'verification');
    expect(v.counts).toEqual({ supported: 1, partial: 0, unsupported: 1, uncited: 0 });
    const [ok, bad] = v.claims;
    expect(ok).toMatchObject({ index: 0, text: trueClaim, start: 0, end: trueClaim.length, citations: [p.n], verdict: 'supported' });
    expect(bad).toMatchObject({ index: 1, text: fabricated, citations: [p.n], verdict: 'unsupported' });
    expect(r.answer.slice(bad!.start, bad!.end)).toBe(fabricated);

    // The span: a sentence of the cited chunk holding the figure, not the whole chunk, at the same place on its page.
    const support = ok!.support!;
    expect(support.citation).toBe(p.n);
    const source = r.sources.find((x) => x.n === p.n)!;
    expect(source.text.slice(support.charStart, support.charEnd)).toBe(support.quote);
    expect(support.quote).toContain('2,319 hours');
    expect(support.quote.length).toBeLessThan(source.text.length / 2);
    const page = await pageText(s.url, source.documentId, source.page);
    expect(page.slice(source.charStart + support.charStart, source.charStart + support.charEnd)).toBe(support.quote);

    const stored = await getConversation(s.url, r.start.conversationId);
    const { type: _type, ...payload } = v;
    expect(stored.messages[1]!.verification).toEqual(payload);
    expect(stored.messages[0]!.verification).toBeNull();
  });

  it('checks an extractive answer the same way: its passages support it, the note is no claim', async () => {
    const r = await chat(extractive.url, { messages: [{ role: 'user', content: QUESTION }] });
    expect(shape(r.events)).toEqual(['start', 'sources', 'answer', 'citations', 'verification', 'done']);
    const v = only(r.events, 'verification');
    const cited = only(r.events, 'citations').citations.length;
    expect(cited).toBeGreaterThan(0);
    expect(v.counts).toEqual({ supported: cited, partial: 0, unsupported: 0, uncited: 0 });
    expect(v.claims.map((c) => c.citations)).toEqual(only(r.events, 'citations').citations.map((c) => [c.n]));
  });
});

describe('the model quote check of partial claims', () => {
  // Its figure is in the passage, none of its words: partly supported offline.
  const partialClaim = (n: number) => `The octogenarian flier was 85 [${n}].`;

  it('accepts a verbatim quote from the passage and lifts the claim to supported, with the quote as its span', async () => {
    const p = await passageWith(withQuotes.url, 'The pilot, age 85,');
    fake.next({ kind: 'ok', content: partialClaim(p.n) }, { kind: 'ok', content: '1: The pilot, age 85,' });
    const before = fake.chatRequests().length;
    const r = await chat(withQuotes.url, { messages: [{ role: 'user', content: QUESTION }] });
    const calls = fake.chatRequests().slice(before);
    expect(calls.map((c) => c.body.stream)).toEqual([true, false]);
    expect(calls[1]!.body.messages!.map((m) => m.content).join('\n')).toContain('The octogenarian flier was 85');
    const [claim] = only(r.events, 'verification').claims;
    expect(claim).toMatchObject({ verdict: 'supported', support: { citation: p.n, quote: 'The pilot, age 85,' } });
    const source = r.sources.find((x) => x.n === p.n)!;
    expect(source.text.slice(claim!.support!.charStart, claim!.support!.charEnd)).toBe('The pilot, age 85,');
  });

  it('keeps the offline verdict for a quote that is not in the passage, and when the call fails or times out', async () => {
    const p = await passageWith(withQuotes.url, 'The pilot, age 85,');
    for (const second of [{ kind: 'ok', content: '1: The octogenarian flier was 85 years of age.' }, { kind: 'status', status: 500 }, { kind: 'hang-headers' }] as const) {
      fake.next({ kind: 'ok', content: partialClaim(p.n) }, second);
      const t0 = performance.now();
      const r = await chat(withQuotes.url, { messages: [{ role: 'user', content: QUESTION }] });
      expect(performance.now() - t0).toBeLessThan(10_000);
      expect(r.last.type).toBe('done');
      expect(only(r.events, 'verification').claims.map((c) => c.verdict)).toEqual(['partial']);
    }
  });
});
