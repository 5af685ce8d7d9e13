/**
 * A document overview when a model is configured (issue 18): after ingestion, in the background, one utility call
 * gives a short summary with citations and three suggested questions; it is stored and served by
 * GET /api/documents/:id/overview. A failure is recorded, never fatal: the document stays ready.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DocumentOverviewResponseSchema, type DocumentOverview } from '@pagewise/shared';
import { expectError, ingest } from '../support/api.js';
import { startFakeLlm, type FakeLlm } from '../support/fake-llm.js';
import { fixtureFile } from '../support/fixtures.js';
import { startTestServer, type TestServer } from '../support/server.js';

let fake: FakeLlm;
let s: TestServer;

const REPLY = JSON.stringify({
  summary: 'A Piper PA-22-150 struck trees and utility wires on final approach [1]. The pilot misjudged the clearance [2].',
  questions: ['What was the probable cause?', 'How experienced was the pilot?', 'What damage did the airplane sustain?'],
});

beforeAll(async () => {
  fake = await startFakeLlm();
  s = await startTestServer({ LLM_BASE_URL: fake.baseUrl, OVERVIEW: 'on' });
});
afterAll(async () => {
  await s?.close();
  await fake?.close();
});

async function overview(id: string): Promise<DocumentOverview> {
  const res = await fetch(`${s.url}/api/documents/${id}/overview`);
  expect(res.status).toBe(200);
  return DocumentOverviewResponseSchema.parse(await res.json()).overview;
}

async function settledOverview(id: string): Promise<DocumentOverview> {
  await expect.poll(async () => (await overview(id)).status, { timeout: 30_000, interval: 100 }).not.toBe('pending');
  return overview(id);
}

describe('document overview', () => {
  it('is generated once after ingestion, cached, with citations to the document\'s pages', async () => {
    fake.next({ kind: 'ok', content: `\`\`\`json\n${REPLY}\n\`\`\`` });
    const doc = await ingest(s.url, { path: fixtureFile('ntsb', '20071229X02007.pdf') });
    expect(doc.status).toBe('ready');
    const o = await settledOverview(doc.id);
    expect(o.status).toBe('ready');
    expect(o.summary).toBe('A Piper PA-22-150 struck trees and utility wires on final approach [1]. The pilot misjudged the clearance [2].');
    expect(o.questions).toEqual(['What was the probable cause?', 'How experienced was the pilot?', 'What damage did the airplane sustain?']);
    expect(o.citations.map((c) => c.n)).toEqual([1, 2]);
    for (const c of o.citations) {
      expect(c.documentId).toBe(doc.id);
      expect(c.page).toBeGreaterThanOrEqual(1);
    }
    const prompt = JSON.stringify(fake.chatRequests().at(-1)!.body.messages);
    expect(prompt).toContain('[1]');
    const calls = fake.chatRequests().length;
    // Cached: reading it again, or restarting, makes no new call.
    await overview(doc.id);
    s = await s.restart();
    await new Promise((r) => setTimeout(r, 500));
    expect((await overview(doc.id)).summary).toBe(o.summary);
    expect(fake.chatRequests().length).toBe(calls);
  });

  it('records a failure without failing the document', async () => {
    fake.next({ kind: 'status', status: 400 });
    const doc = await ingest(s.url, { path: fixtureFile('ntsb', '20080102X00002.pdf') });
    expect(doc.status).toBe('ready');
    const o = await settledOverview(doc.id);
    expect(o.status).toBe('failed');
    expect(o.error?.code).toBe('LLM_REJECTED');
    expect(o.summary).toBeNull();
  });

  it('records an unusable reply as a failure too', async () => {
    fake.next({ kind: 'ok', content: 'Sorry, I cannot help with that.' });
    const doc = await ingest(s.url, { path: fixtureFile('ntsb', '20080104X00020.pdf') });
    const o = await settledOverview(doc.id);
    expect(o.status).toBe('failed');
    expect(o.error?.code).toBe('LLM_BAD_RESPONSE');
  });

  it('answers 404 for an unknown document', async () => {
    await expectError(await fetch(`${s.url}/api/documents/2b1c6a52-96b4-4c53-a0d5-3c7d1a7f4e11/overview`), 404, 'NOT_FOUND');
  });
});

describe('without a model', () => {
  it('is off', async () => {
    const bare = await startTestServer({ OVERVIEW: 'on' });
    try {
      const doc = await ingest(bare.url, { path: fixtureFile('ntsb', '20071229X02007.pdf') });
      const res = await fetch(`${bare.url}/api/documents/${doc.id}/overview`);
      expect(DocumentOverviewResponseSchema.parse(await res.json()).overview).toMatchObject({ status: 'off', summary: null, questions: [] });
    } finally {
      await bare.close();
    }
  });
});
