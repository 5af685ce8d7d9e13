/**
 * The extractive answer (no model configured; issue 18, defect 10) gives each passage whole, so a figure near the
 * end of a long passage (Apple's total net sales in its income statement) is not cut off, and says once that no
 * model is configured.
 */
import { NO_MODEL_NOTE } from '@pagewise/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chat, ingestAll, only, squash } from '../support/chat.js';
import { fixtureFile } from '../support/fixtures.js';
import { startTestServer, type TestServer } from '../support/server.js';

let s: TestServer;

beforeAll(async () => {
  s = await startTestServer({ CHAT_TOP_K: '5' });
  await ingestAll(s.url, [fixtureFile('sec-10-q', '2023 Q3 AAPL.pdf')]);
});

afterAll(async () => {
  await s?.close();
});

describe('the extractive answer', () => {
  it('quotes every cited passage whole, after the no-model note said once', async () => {
    const r = await chat(s.url, { messages: [{ role: 'user', content: 'What were Apple total net sales for the three months ended July 1, 2023?' }] });
    const { citations } = only(r.events, 'citations');
    expect(citations.length).toBeGreaterThan(0);
    expect(r.answer.startsWith(NO_MODEL_NOTE)).toBe(true);
    expect(r.answer.split('No language model is configured').length - 1).toBe(1);
    const answer = squash(r.answer);
    for (const c of citations) expect(answer).toContain(squash(c.text));
    expect(r.answer).toContain('81,797');
  });
});
