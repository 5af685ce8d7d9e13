/** A document shared between extraction workers (ranges handed to idle workers) comes out whole: every page once, in its place. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SearchResponse } from '@pagewise/shared';
import { STEAL_MIN_PAGES } from '../../server/src/ingest/document-extraction.js';
import { getPage } from '../support/api.js';
import { textPdf } from '../support/pdfs.js';
import { startTestServer, upload, waitForIngestion, type TestServer } from '../support/server.js';

const PAGES = STEAL_MIN_PAGES * 20 + 7;
const marker = (n: number) => `zq${(n * 7919).toString(36)}marker`;

/** How many ranges (workers) a document was read in, from the server's 'document read' log line. */
function rangesOf(logs: string[], documentId: string): number | undefined {
  const lines = logs.map((l) => JSON.parse(l) as { msg?: string; documentId?: string; ranges?: number });
  return lines.find((l) => l.msg === 'document read' && l.documentId === documentId)?.ranges;
}

let s: TestServer;
const logs: string[] = [];
beforeAll(async () => {
  s = await startTestServer({ INGEST_WORKERS: '2', LOG_LEVEL: 'info' }, undefined, (line) => logs.push(line));
  await s.services.index();
});
afterAll(() => s.close());

describe('splitting a long document across workers', () => {
  it('extracts every page exactly once with its own text, and finds late pages', async () => {
    const pages = Array.from({ length: PAGES }, (_, i) => [`Section ${i + 1}`, `This page carries the token ${marker(i + 1)} and ordinary words about page ${i + 1}.`]);
    const res = await upload(s.url, [{ name: 'long.pdf', data: await textPdf(pages) }]);
    expect(res.status).toBe(202);
    const id = ((await res.json()) as { documents: { id: string }[] }).documents[0]!.id;
    await waitForIngestion(s.url, 180_000);
    expect(rangesOf(logs, id)).toBeGreaterThan(1);

    const doc = ((await (await fetch(`${s.url}/api/documents/${id}`)).json()) as { document: { status: string; pages: number; pagesDone: number } }).document;
    expect(doc).toMatchObject({ status: 'ready', pages: PAGES, pagesDone: PAGES });
    // Every page is served with its own text, and page PAGES + 1 does not exist.
    for (let n = 1; n <= PAGES; n++) expect((await getPage(s.url, id, n)).text, `page ${n}`).toContain(marker(n));
    expect((await fetch(`${s.url}/api/documents/${id}/pages/${PAGES + 1}`)).status).toBe(404);
    // Every page has passages.
    const chunkPages = [...s.services.docs.getChunks(s.services.docs.chunkIds(id)).values()].map((c) => c.page_start);
    expect(new Set(chunkPages).size).toBe(PAGES);

    for (const n of [1, Math.ceil(PAGES / 2), Math.ceil(PAGES / 2) + 1, PAGES]) {
      const r = (await (await fetch(`${s.url}/api/search`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ query: marker(n), k: 3 }),
      })).json()) as SearchResponse;
      expect(r.results[0]?.page, `page ${n}`).toBe(n);
    }
  });
});

describe('the text limit of a shared document', () => {
  it('counts over all ranges: a document over MAX_CHARS_PER_DOC fails even when each worker read less', async () => {
    const pages = Array.from({ length: PAGES }, (_, i) => [`Page ${i + 1} of a long report with ordinary words, numbered ${marker(i + 1)}.`]);
    const pdf = await textPdf(pages);
    // Measure the text as extracted, then set the limit so that no half reaches it but the whole does.
    const probe = await startTestServer({ INGEST_WORKERS: '2' });
    let total: number;
    try {
      const res = await upload(probe.url, [{ name: 'probe.pdf', data: pdf }]);
      const id = ((await res.json()) as { documents: { id: string }[] }).documents[0]!.id;
      await waitForIngestion(probe.url, 180_000);
      total = 0;
      for (let n = 1; n <= PAGES; n++) total += (await getPage(probe.url, id, n)).text.length;
    } finally {
      await probe.close();
    }
    const limitedLogs: string[] = [];
    const limited = await startTestServer({ INGEST_WORKERS: '2', LOG_LEVEL: 'info', MAX_CHARS_PER_DOC: String(Math.floor(total * 0.8)) }, undefined, (line) => limitedLogs.push(line));
    try {
      const res = await upload(limited.url, [{ name: 'long.pdf', data: pdf }]);
      const id = ((await res.json()) as { documents: { id: string }[] }).documents[0]!.id;
      await waitForIngestion(limited.url, 180_000);
      expect(rangesOf(limitedLogs, id)).toBeGreaterThan(1);
      const doc = ((await (await fetch(`${limited.url}/api/documents/${id}`)).json()) as { document: { status: string; chunks: number; error: { code: string } | null } }).document;
      expect(doc).toMatchObject({ status: 'failed', chunks: 0, error: { code: 'TOO_MUCH_TEXT' } });
    } finally {
      await limited.close();
    }
  });
});
