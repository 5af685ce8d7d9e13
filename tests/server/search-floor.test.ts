/**
 * The search's relevance floor (issue 18, defect 11): `POST /api/search` returns only passages that match the
 * query well enough, so a query of nonsense words returns no results (the web app then says "No matches"),
 * while real queries, a single name and a question that shares only some of its words with the text still find
 * their passages.
 */
import type { SearchResult } from '@pagewise/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixtureFile } from '../support/fixtures.js';
import { startTestServer, upload, waitForIngestion, type TestServer } from '../support/server.js';

let s: TestServer;

beforeAll(async () => {
  s = await startTestServer();
  const res = await upload(s.url, [{ path: fixtureFile('ntsb', '20071229X02007.pdf') }, { path: fixtureFile('ntsb', '20080102X00002.pdf') }]);
  expect(res.status).toBe(202);
  await waitForIngestion(s.url);
});

afterAll(async () => {
  await s?.close();
});

async function search(query: string, k = 8): Promise<SearchResult[]> {
  const res = await fetch(`${s.url}/api/search`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query, k }) });
  expect(res.status).toBe(200);
  return ((await res.json()) as { results: SearchResult[] }).results;
}

describe('the relevance floor', () => {
  it.each(['zzqxv nothing', 'zzqxv', 'qwvbn plorkt xzzyq', 'banana smoothie recipe'])('returns no results for %j', async (query) => {
    expect(await search(query)).toEqual([]);
  });

  it.each([
    ['airplane contacted trees during final approach', 'approach'],
    ['utility wires', 'wires'],
    ['What was the probable cause of the accident?', 'probable cause'],
    ['Piper', 'Piper'],
    // A name the library knows keeps a query with a word it does not know.
    ['Piper zzqxv', 'Piper'],
  ])('still finds the passages of %j', async (query, expected) => {
    const results = await search(query);
    expect(results.length).toBeGreaterThan(0);
    expect(results.some((r) => r.text.toLowerCase().includes(expected.toLowerCase()))).toBe(true);
  });

  it('keeps the ranking: results above the floor come in the same order as before, best first', async () => {
    const results = await search('pilot misjudged clearance trees utility wires final approach', 20);
    const scores = results.map((r) => r.score);
    expect(scores).toEqual([...scores].sort((a, b) => b - a));
    expect(results.length).toBeGreaterThan(1);
  });
});
