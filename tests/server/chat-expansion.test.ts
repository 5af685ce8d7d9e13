/**
 * Multi-query expansion through the configured model (issue 7): with QUERY_EXPANSION=on, one non-streamed
 * utility call turns the question into other wordings (synonyms, an English translation); each is searched and
 * the rankings are fused per page. A German question reaches an English page only through the translation; the
 * question's own best page stays among the sources; a failed call falls back to the question as asked.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { textPdf } from '../support/pdfs.js';
import { startFakeLlm, type FakeLlm } from '../support/fake-llm.js';
import { startTestServer, upload, waitForIngestion, type TestServer } from '../support/server.js';
import { chat } from '../support/chat.js';

const QUESTION = 'Warum landete das Flugzeug auf dem Bauch, und was sagt der Bericht zur Landung?';
const LINES = ['Why did the airplane land with the landing gear retracted?', 'gear-up landing retracted landing gear'];

let on: TestServer;
let off: TestServer;
let fake: FakeLlm;

async function library(s: TestServer): Promise<void> {
  const english = await textPdf([
    ['Maintenance log, hangar 4.', 'Oil changed on the left engine; propeller inspected.'],
    ['The pilot forgot to extend the landing gear.', 'The airplane made a gear-up landing with the landing gear retracted.'],
  ]);
  const german = await textPdf(
    Array.from({ length: 4 }, (_, i) => [`Bericht ${i + 1} zur Landung.`, `Das Flugzeug landete sicher; der Bericht nennt Wetter und Landung ${i + 1}.`]),
  );
  const res = await upload(s.url, [
    { name: 'gear-up.pdf', data: english },
    { name: 'berichte.pdf', data: german },
  ]);
  expect(res.status).toBe(202);
  await waitForIngestion(s.url);
}

beforeAll(async () => {
  fake = await startFakeLlm();
  const env = { LLM_BASE_URL: fake.baseUrl, LLM_MODEL: 'fake-chat', LLM_UTILITY_MODEL: 'fake-utility', LLM_MAX_ATTEMPTS: '1', CHAT_TOP_K: '2' };
  on = await startTestServer({ ...env, QUERY_EXPANSION: 'on' });
  off = await startTestServer({ ...env, QUERY_EXPANSION: 'off' });
  await Promise.all([library(on), library(off)]);
});

afterAll(async () => {
  await on?.close();
  await off?.close();
  await fake?.close();
});

const pagesOf = (sources: { documentName: string; page: number }[]) => sources.map((s) => `${s.documentName}#${s.page}`);

describe('query expansion through the model', () => {
  it('without expansion, the German question finds only German pages', async () => {
    fake.next({ kind: 'ok', content: 'Die Berichte nennen keinen Grund [1].' });
    const r = await chat(off.url, { messages: [{ role: 'user', content: QUESTION }] });
    expect(pagesOf(r.sources)).not.toContain('gear-up.pdf#2');
    expect(r.start.expansions ?? []).toEqual([]);
  });

  it('searches the other wordings: the translation brings the English page first, the best German page stays', async () => {
    const before = fake.chatRequests().length;
    fake.next({ kind: 'ok', content: `${QUESTION}\n1. ${LINES[0]}\n- "${LINES[1]}"` }, { kind: 'ok', content: 'The gear was retracted [1].' });
    const r = await chat(on.url, { messages: [{ role: 'user', content: QUESTION }] });

    const requests = fake.chatRequests().slice(before);
    expect(requests).toHaveLength(2);
    expect(requests[0]!.body).toMatchObject({ model: 'fake-utility' });
    expect(requests[0]!.body.stream).not.toBe(true);
    expect(requests[0]!.body.messages!.at(-1)!.content).toContain(QUESTION);
    expect(requests[1]!.body).toMatchObject({ model: 'fake-chat', stream: true });

    expect(r.start.query).toBe(QUESTION);
    expect(r.start.expansions).toEqual(LINES);
    const pages = pagesOf(r.sources);
    expect(pages[0]).toBe('gear-up.pdf#2');
    expect(pages.some((p) => p.startsWith('berichte.pdf#'))).toBe(true);
    expect(r.answer).toBe('The gear was retracted [1].');
  });

  it('falls back to the question as asked when the expansion call fails, and still answers', async () => {
    fake.next({ kind: 'status', status: 500 }, { kind: 'ok', content: 'Die Berichte nennen keinen Grund [1].' });
    const r = await chat(on.url, { messages: [{ role: 'user', content: QUESTION }] });
    expect(r.start.expansions).toEqual([]);
    expect(pagesOf(r.sources)).not.toContain('gear-up.pdf#2');
    expect(r.answer).toBe('Die Berichte nennen keinen Grund [1].');
  });

  it('searches only the whole lines after the reasoning when the reply was cut off at the token limit', async () => {
    fake.next(
      { kind: 'length', content: `Looking for the landing gear.</think>\n${QUESTION}\n${LINES[0]}\ngear-up landing retr` },
      { kind: 'ok', content: 'The gear was retracted [1].' },
    );
    const r = await chat(on.url, { messages: [{ role: 'user', content: QUESTION }] });
    expect(r.start.expansions).toEqual([LINES[0]]); // not the cut-off "gear-up landing retr"
    expect(r.answer).toBe('The gear was retracted [1].');
  });

  it('searches the question as asked when the reply was cut off inside the reasoning', async () => {
    // Templates that open <think> in the prompt send the reasoning with no opening tag.
    fake.next(
      { kind: 'length', content: 'The user asks about a landing.\nMaybe the gear was not extended.\nLet me think about synonyms such as belly' },
      { kind: 'ok', content: 'Die Berichte nennen keinen Grund [1].' },
    );
    const r = await chat(on.url, { messages: [{ role: 'user', content: QUESTION }] });
    expect(r.start.query).toBe(QUESTION);
    expect(r.start.expansions).toEqual([]);
  });

  it('keeps a follow-up as asked when its one-line rewrite was cut off', async () => {
    fake.next({ kind: 'length', content: 'gear-up landing ca' }, { kind: 'ok', content: 'The pilot forgot the gear [1].' });
    const history = [
      { role: 'user' as const, content: 'What happened to the airplane?' },
      { role: 'assistant' as const, content: 'It landed without its gear [1].' },
    ];
    const r = await chat(on.url, { messages: [...history, { role: 'user', content: 'Why?' }] });
    expect(r.start.query).toBe('Why?');
    expect(r.start.expansions).toEqual([]);
  });

  it('uses the first line as the standalone query of a follow-up', async () => {
    fake.next({ kind: 'ok', content: `gear-up landing cause\nlanding gear not extended` }, { kind: 'ok', content: 'The pilot forgot the gear [1].' });
    const r = await chat(on.url, {
      messages: [
        { role: 'user', content: 'What happened to the airplane?' },
        { role: 'assistant', content: 'It landed without its gear [1].' },
        { role: 'user', content: 'Why?' },
      ],
    });
    expect(r.start.query).toBe('gear-up landing cause');
    expect(r.start.expansions).toEqual(['landing gear not extended']);
    expect(pagesOf(r.sources)[0]).toBe('gear-up.pdf#2');
  });
});
