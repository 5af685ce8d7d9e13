/** A document shared between extraction workers (ranges handed to idle workers) comes out whole: every page once, in its place. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SearchResponse } from '@pagewise/shared';
import { STEAL_MIN_PAGES } from '../../server/src/ingest/ranges.js';
import { textPdf } from '../support/pdfs.js';
import { startTestServer, upload, waitForIngestion, type TestServer } from '../support/server.js';

const PAGES = STEAL_MIN_PAGES * 20 + 7;
const marker = (n: number) => `zq${(n * 7919).toString(36)}marker`;

let s: TestServer;
beforeAll(async () => {
  s = await startTestServer({ INGEST_WORKERS: '2' });
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
    expect(s.services.queue.splitDocuments).toBe(1);

    const doc = ((await (await fetch(`${s.url}/api/documents/${id}`)).json()) as { document: { status: string; pages: number; pagesDone: number } }).document;
    expect(doc).toMatchObject({ status: 'ready', pages: PAGES, pagesDone: PAGES });
    const rows = s.services.db.prepare('SELECT page_number, text FROM pages WHERE document_id = ? ORDER BY page_number').all(id) as { page_number: number; text: string }[];
    expect(rows.map((r) => r.page_number)).toEqual(Array.from({ length: PAGES }, (_, i) => i + 1));
    for (const r of rows) expect(r.text).toContain(marker(r.page_number));
    const perPage = s.services.db.prepare('SELECT page_start, COUNT(*) AS n FROM chunks WHERE document_id = ? GROUP BY page_start').all(id) as { n: number }[];
    expect(perPage).toHaveLength(PAGES);

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
      total = (probe.services.db.prepare('SELECT SUM(LENGTH(text)) AS n FROM pages WHERE document_id = ?').get(id) as { n: number }).n;
    } finally {
      await probe.close();
    }
    const limited = await startTestServer({ INGEST_WORKERS: '2', MAX_CHARS_PER_DOC: String(Math.floor(total * 0.8)) });
    try {
      const res = await upload(limited.url, [{ name: 'long.pdf', data: pdf }]);
      const id = ((await res.json()) as { documents: { id: string }[] }).documents[0]!.id;
      await waitForIngestion(limited.url, 180_000);
      expect(limited.services.queue.splitDocuments).toBe(1);
      const doc = ((await (await fetch(`${limited.url}/api/documents/${id}`)).json()) as { document: { status: string; error: { code: string } | null } }).document;
      expect(doc).toMatchObject({ status: 'failed', error: { code: 'TOO_MUCH_TEXT' } });
      const left = limited.services.db.prepare('SELECT COUNT(*) AS n FROM chunks WHERE document_id = ?').get(id) as { n: number };
      expect(left.n).toBe(0);
    } finally {
      await limited.close();
    }
  });
});
