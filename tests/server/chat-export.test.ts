/**
 * Chat export to Markdown with the citations as footnotes (issue 18), and chat titles: a short summary from the
 * utility model when one is configured (CHAT_TITLES=model), the first words of the question otherwise.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectError } from '../support/api.js';
import { chat, getConversation, ingestAll } from '../support/chat.js';
import { startFakeLlm, type FakeLlm } from '../support/fake-llm.js';
import { fixtureFile } from '../support/fixtures.js';
import { startTestServer, type TestServer } from '../support/server.js';

let s: TestServer;
let fake: FakeLlm;
const Q = 'What happened to the Piper PA-22-150 on final approach near Tallahassee, and what did the pilot say?';

beforeAll(async () => {
  fake = await startFakeLlm();
  s = await startTestServer({ LLM_BASE_URL: fake.baseUrl, CHAT_TOP_K: '3', CHAT_TITLES: 'model' });
  await ingestAll(s.url, [fixtureFile('ntsb', '20071229X02007.pdf')]);
}, 180_000);
afterAll(async () => {
  await s?.close();
  await fake?.close();
});

describe('chat titles', () => {
  it('are a short summary from the utility model', async () => {
    fake.next({ kind: 'ok', content: 'The airplane hit trees, then wires [1].' }, { kind: 'ok', content: '"Piper PA-22 approach accident."' });
    const r = await chat(s.url, { messages: [{ role: 'user', content: Q }] });
    const titleCall = fake.chatRequests().at(-1)!;
    expect(titleCall.body.stream).toBeFalsy();
    expect(JSON.stringify(titleCall.body.messages)).toContain('Piper PA-22-150 on final approach');
    expect((await getConversation(s.url, r.start.conversationId)).title).toBe('Piper PA-22 approach accident');
  });

  it('fall back to the first words of the question when the model fails, and a follow-up keeps the title', async () => {
    fake.next({ kind: 'ok', content: 'It hit trees [1].' }, { kind: 'status', status: 400 });
    const r = await chat(s.url, { messages: [{ role: 'user', content: Q }] });
    const conv = await getConversation(s.url, r.start.conversationId);
    expect(conv.title).toBe(Q.slice(0, 80));
    const calls = fake.chatRequests().length;
    fake.next({ kind: 'ok', content: 'How old was the pilot of the Piper?' }, { kind: 'ok', content: 'He was 85 [1].' });
    await chat(s.url, { messages: [{ role: 'user', content: Q }, { role: 'assistant', content: 'It hit trees [1].' }, { role: 'user', content: 'How old was he?' }], conversationId: conv.id });
    // The follow-up's rewrite and its answer: no new title call.
    expect(fake.chatRequests().length - calls).toBe(2);
    expect(fake.chatRequests().slice(calls).some((r) => JSON.stringify(r.body.messages).includes('You name chats'))).toBe(false);
    expect((await getConversation(s.url, conv.id)).title).toBe(Q.slice(0, 80));
  });
});

describe('GET /api/conversations/:id/export.md', () => {
  it('exports the chat as Markdown with each citation as a footnote: document, page and quote', async () => {
    fake.next({ kind: 'ok', content: 'The airplane contacted trees [1], then utility wires [2].' }, { kind: 'ok', content: 'Trees and wires' });
    const r = await chat(s.url, { messages: [{ role: 'user', content: 'What did the airplane hit?' }] });
    const res = await fetch(`${s.url}/api/conversations/${r.start.conversationId}/export.md`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/markdown; charset=utf-8');
    expect(res.headers.get('content-disposition')).toBe('attachment; filename="Trees and wires.md"');
    const md = await res.text();
    expect(md.startsWith('# Trees and wires\n')).toBe(true);
    expect(md).toContain('**Question:** What did the airplane hit?');
    expect(md).toContain('The airplane contacted trees[^1], then utility wires[^2].');
    const conv = await getConversation(s.url, r.start.conversationId);
    const cites = conv.messages[1]!.citations;
    const verification = conv.messages[1]!.verification;
    for (const n of [1, 2]) {
      const c = cites.find((x) => x.n === n)!;
      const line = md.split('\n').find((l) => l.startsWith(`[^${n}]: `))!;
      expect(line).toContain(`${c.documentName}, page ${c.pageLabel ?? c.page}`);
      // The quote: the span the claim check found supporting the claim, else the passage.
      const quote = verification?.claims.find((x) => x.support?.citation === n)?.support?.quote ?? c.text;
      expect(line).toContain(`: "${quote.replace(/\s+/g, ' ').trim().slice(0, 40)}`);
      expect(c.text.replace(/\s+/g, ' ')).toContain(quote.replace(/\s+/g, ' ').trim().slice(0, 40));
    }
  });

  it('numbers footnotes across answers, and 404 for an unknown conversation', async () => {
    fake.next({ kind: 'ok', content: 'Trees [1].' }, { kind: 'ok', content: 'Impact' });
    const r = await chat(s.url, { messages: [{ role: 'user', content: 'What did it hit first?' }] });
    fake.next({ kind: 'ok', content: 'What did the airplane hit after the trees?' }, { kind: 'ok', content: 'Wires [1].' });
    await chat(s.url, { messages: [{ role: 'user', content: 'What did it hit first?' }, { role: 'assistant', content: 'Trees [1].' }, { role: 'user', content: 'And then?' }], conversationId: r.start.conversationId });
    const md = await (await fetch(`${s.url}/api/conversations/${r.start.conversationId}/export.md`)).text();
    expect(md).toContain('Trees[^1].');
    expect(md).toContain('Wires[^2].');
    expect(md.match(/^\[\^\d+\]: /gm)).toHaveLength(2);
    await expectError(await fetch(`${s.url}/api/conversations/2b1c6a52-96b4-4c53-a0d5-3c7d1a7f4e11/export.md`), 404, 'NOT_FOUND');
  });
});
