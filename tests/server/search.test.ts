/**
 * Hybrid search over real HTTP on real filings and reports: the response contract, finding the page a phrase
 * comes from, filtering to chosen documents, validation, and searching only documents that are ready.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DocumentSummary, SearchResult } from '@pagewise/shared';
import { expectError, getPage, postJson, search, settled, uploadOk } from '../support/api.js';
import { fixtureFile } from '../support/fixtures.js';
import { distinctivePhrase, pdfinfoPages } from '../support/pdfs.js';
import { startTestServer, type TestServer } from '../support/server.js';

const SEC = fixtureFile('sec-10-q', '2023 Q2 AAPL.pdf');
const NTSB_A = fixtureFile('ntsb', '20080117X00072.pdf');
const NTSB_B = fixtureFile('ntsb', '20080116X00061.pdf');
const FILES = [SEC, NTSB_A, NTSB_B];

/** First, middle and last page of the 10-Q that have a distinctive phrase (statement tables may have none). */
function secPagesWithPhrases(): Record<'first' | 'middle' | 'last', number> {
  const pages = Array.from({ length: pdfinfoPages(SEC) }, (_, i) => i + 1).filter((n) => {
    try {
      return distinctivePhrase(FILES, SEC, n).length > 0;
    } catch {
      return false;
    }
  });
  expect(pages.length).toBeGreaterThan(pdfinfoPages(SEC) / 2);
  return { first: pages[0]!, middle: pages[Math.floor(pages.length / 2)]!, last: pages[pages.length - 1]! };
}

let s: TestServer;
const docs = new Map<string, DocumentSummary>();
/** Pages of the 10-Q to find by phrase: poppler's work, done before the tests rather than while they are collected. */
let secPages: Record<'first' | 'middle' | 'last', number>;

beforeAll(async () => {
  secPages = secPagesWithPhrases();
  s = await startTestServer();
  const { documents } = await uploadOk(s.url, FILES.map((p) => ({ path: p })));
  for (const [i, d] of documents.entries()) docs.set(FILES[i]!, await settled(s.url, d.id));
  for (const d of docs.values()) expect(d.status, JSON.stringify(d.error)).toBe('ready');
});
afterAll(() => s.close());

const idOf = (file: string) => docs.get(file)!.id;
const nameOf = (id: string) => [...docs.values()].find((d) => d.id === id)!.name;

describe('POST /api/search', () => {
  it('answers with the search contract: names, 1-based pages, spans into the page text, scores best first', async () => {
    const results = await search(s.url, { query: 'net sales by reportable segment and product category', k: 8 });
    expect(results.length).toBe(8);
    const pageTexts = new Map<string, string>();
    for (const r of results) {
      expect(r.documentName).toBe(nameOf(r.documentId));
      expect(r.page).toBeGreaterThanOrEqual(1);
      expect(r.page).toBeLessThanOrEqual(docs.get(SEC)!.pages!);
      expect(r.text.trim().length).toBeGreaterThan(0);
      expect(r.score).toBeGreaterThan(0);
      const key = `${r.documentId}:${r.page}`;
      if (!pageTexts.has(key)) pageTexts.set(key, (await getPage(s.url, r.documentId, r.page)).text);
      expect(pageTexts.get(key)!.slice(r.charStart, r.charEnd)).toBe(r.text);
    }
    const scores = results.map((r) => r.score);
    expect(scores).toEqual([...scores].sort((a, b) => b - a));
    // One passage per page: the best one.
    expect(new Set(results.map((r) => `${r.documentId}:${r.page}`)).size).toBe(results.length);
    expect(results.slice(0, 3).map((r) => r.documentId)).toEqual([idOf(SEC), idOf(SEC), idOf(SEC)]);
  });

  it.each([
    { what: 'the first page with one in the 10-Q', file: SEC, at: () => secPages.first },
    { what: 'the middle page with one in the 10-Q', file: SEC, at: () => secPages.middle },
    { what: 'the last page with one in the 10-Q', file: SEC, at: () => secPages.last },
    { what: 'page 1 of the first NTSB report', file: NTSB_A, at: () => 1 },
    { what: 'page 1 of the second NTSB report', file: NTSB_B, at: () => 1 },
  ])('finds the page a distinctive phrase comes from ($what) in the top 3', async ({ file, at }) => {
    const page = at();
    const phrase = distinctivePhrase(FILES, file, page);
    const results = await search(s.url, { query: phrase, k: 3 });
    expect(
      results.map((r: SearchResult) => [r.documentId, r.page]),
      `page ${page}, query: ${phrase}`,
    ).toContainEqual([idOf(file), page]);
  });

  it('restricts results to documentIds before ranking', async () => {
    const query = 'airplane pilot accident landing';
    const all = await search(s.url, { query, k: 20 });
    const ids = new Set(all.map((r) => r.documentId));
    expect(ids.has(idOf(NTSB_A)) && ids.has(idOf(NTSB_B))).toBe(true);

    const onlyB = await search(s.url, { query, k: 20, documentIds: [idOf(NTSB_B)] });
    expect(onlyB.length).toBeGreaterThan(0);
    expect(new Set(onlyB.map((r) => r.documentId))).toEqual(new Set([idOf(NTSB_B)]));
    // Filtering happens before ranking: every page of B with a passage is there, not just B's share of the top 20.
    const chunksOfB = s.services.docs.getChunks(s.services.docs.chunkIds(idOf(NTSB_B)));
    const pagesOfB = [...new Set([...chunksOfB.values()].map((c) => c.page_start))].sort((a, b) => a - b);
    expect(pagesOfB.length).toBeGreaterThan(0);
    expect(onlyB.map((r) => r.page).sort((a, b) => a - b)).toEqual(pagesOfB);

    const phraseA = distinctivePhrase(FILES, NTSB_A, 1);
    expect(await search(s.url, { query: phraseA, k: 5, documentIds: [idOf(NTSB_B), idOf(SEC)] }).then((r) => r.map((x) => x.documentId))).not.toContain(idOf(NTSB_A));
    expect(await search(s.url, { query, documentIds: ['00000000-0000-4000-8000-000000000000'] })).toEqual([]);
  });

  it('returns at most k results and defaults k to 8', async () => {
    expect((await search(s.url, { query: 'revenue', k: 2 })).length).toBe(2);
    expect((await search(s.url, { query: 'million' })).length).toBe(8);
  });

  it.each([
    ['an empty query', { query: '' }],
    ['a blank query', { query: '   ' }],
    ['k = 0', { query: 'revenue', k: 0 }],
    ['k above the maximum', { query: 'revenue', k: 51 }],
    ['a fractional k', { query: 'revenue', k: 2.5 }],
    ['an over-long query', { query: 'x'.repeat(2001) }],
    ['documentIds that is not an array', { query: 'revenue', documentIds: 'abc' }],
    ['no query at all', { k: 3 }],
  ])('answers %s with 400 VALIDATION_ERROR', async (_what, body) => {
    await expectError(await postJson(`${s.url}/api/search`, body), 400, 'VALIDATION_ERROR');
  });

  it('answers a body that is not JSON with 400 VALIDATION_ERROR', async () => {
    const res = await fetch(`${s.url}/api/search`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"query": ' });
    await expectError(res, 400, 'VALIDATION_ERROR');
  });

  it('searches only documents that are ready', async () => {
    const phrase = distinctivePhrase(FILES, NTSB_A, 1);
    const id = idOf(NTSB_A);
    expect((await search(s.url, { query: phrase, k: 3 })).map((r) => r.documentId)).toContain(id);
    // The API cannot hold a document in these states on demand (ingestion would move it on), so the test sets
    // the status row itself: arranging the state, not checking an outcome.
    const setStatus = s.services.db.prepare('UPDATE documents SET status = ? WHERE id = ?');
    for (const status of ['processing', 'queued', 'failed']) {
      setStatus.run(status, id);
      try {
        const results = await search(s.url, { query: phrase, k: 50 });
        expect(results.map((r) => r.documentId), status).not.toContain(id);
        const filtered = await search(s.url, { query: phrase, k: 50, documentIds: [id] });
        expect(filtered, status).toEqual([]);
      } finally {
        setStatus.run('ready', id);
      }
    }
    expect((await search(s.url, { query: phrase, k: 3 })).map((r) => r.documentId)).toContain(id);
  });
});
