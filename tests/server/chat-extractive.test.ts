/**
 * Chat with no model configured (no LLM_BASE_URL; issue 3, item 6): the answer is extractive: one clear line
 * that no language model is configured, then the best passages, each cited and resolvable to its page.
 */
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HealthResponseSchema, pageRef } from '@pagewise/shared';
import { fixtureFile } from '../support/fixtures.js';
import { startTestServer, type TestServer } from '../support/server.js';
import { chat, getConversation, ingestAll, only, pageText, shape, squash } from '../support/chat.js';

const PIPER = fixtureFile('ntsb', '20071229X02007.pdf');
const CESSNA = fixtureFile('ntsb', '20080108X00029.pdf');

let s: TestServer;
let ids: Map<string, string>;

beforeAll(async () => {
  s = await startTestServer({ CHAT_TOP_K: '5' });
  ids = await ingestAll(s.url, [PIPER, CESSNA]);
});

afterAll(async () => {
  await s?.close();
});

describe('chat without a model (extractive)', () => {
  it('reports chat.mode extractive in health', async () => {
    const health = HealthResponseSchema.parse(await (await fetch(`${s.url}/api/health`)).json());
    expect(health.chat).toEqual({ mode: 'extractive', model: null });
  });

  it('answers with the no-model line and the top passages, each cited [n] and resolvable to its page', async () => {
    const question = 'What engine did the Cessna 210 have?';
    const r = await chat(s.url, { messages: [{ role: 'user', content: question }] });

    expect(shape(r.events)).toEqual(['start', 'sources', 'answer', 'citations', 'verification', 'done']);
    expect(r.start).toMatchObject({ mode: 'extractive', query: question });
    expect(r.sources.map((x) => x.n)).toEqual([1, 2, 3, 4, 5]);

    const [note, blank, ...lines] = r.answer.split('\n');
    expect(note).toMatch(/^No language model is configured/);
    expect(note).toContain('LLM_BASE_URL');
    expect(blank).toBe('');
    expect(lines).toHaveLength(3);

    const { citations } = only(r.events, 'citations');
    expect(citations).toEqual(r.sources.slice(0, 3));
    for (const [i, c] of citations.entries()) {
      // Each line names the document and page of the passage it cites, quotes its start, and ends with [n].
      const line = lines[i]!;
      expect(line.startsWith(`- **${c.documentName}, ${pageRef(c.page, c.pageLabel)}**: `)).toBe(true);
      expect(line.endsWith(` [${c.n}]`)).toBe(true);
      expect(line).toContain(squash(c.text).slice(0, 60));
      expect(c.documentName).toBe([...ids].find(([, id]) => id === c.documentId)?.[0]);
      const text = await pageText(s.url, c.documentId, c.page);
      expect(text).toContain(c.text.slice(0, 40));
      expect(text.slice(c.charStart, c.charEnd)).toBe(c.text);
    }
    // The best passage comes from the report the question is about, and the engine passage is among the sources.
    expect(citations[0]!.documentName).toBe(path.basename(CESSNA));
    expect(r.sources.some((x) => squash(x.text).includes('Teledyne Continental'))).toBe(true);

    expect(only(r.events, 'done')).toMatchObject({ status: 'complete', finishReason: 'extractive', usage: null });

    const conv = await getConversation(s.url, r.start.conversationId);
    expect(conv.messages[1]).toMatchObject({ role: 'assistant', content: r.answer, status: 'complete', reasoning: null });
    expect(conv.messages[1]!.citations).toEqual(citations);
  });

  it('searches follow-ups as asked (nothing to rewrite with) and honours documentIds', async () => {
    const first = await chat(s.url, { messages: [{ role: 'user', content: 'What happened to the Piper?' }] });
    const followUp = 'What about its engine?';
    const r = await chat(s.url, {
      conversationId: first.start.conversationId,
      documentIds: [ids.get(path.basename(PIPER))!],
      messages: [
        { role: 'user', content: 'What happened to the Piper?' },
        { role: 'assistant', content: first.answer },
        { role: 'user', content: followUp },
      ],
    });
    expect(r.start.query).toBe(followUp);
    expect(new Set(r.sources.map((x) => x.documentName))).toEqual(new Set([path.basename(PIPER)]));
    expect(only(r.events, 'citations').citations.length).toBe(Math.min(3, r.sources.length));
    expect(only(r.events, 'done').status).toBe('complete');
    expect((await getConversation(s.url, first.start.conversationId)).messages).toHaveLength(4);
  });
});
