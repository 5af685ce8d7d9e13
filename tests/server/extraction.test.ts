/**
 * Extraction of real PDFs, checked against poppler (`pdfinfo`, `pdftotext`) as an independent oracle: page
 * counts, page text with no glued or dropped words, the PDF's own page labels, and CJK text.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DocumentSummary } from '@pagewise/shared';
import { getPage, search, settled, uploadOk } from '../support/api.js';
import { fixtureFile } from '../support/fixtures.js';
import { distinctiveWords, objectStreamPdf, pdfinfoPages, popplerPages, textPdf, words } from '../support/pdfs.js';
import { startTestServer, type TestServer } from '../support/server.js';

const SEC = fixtureFile('sec-10-q', '2023 Q3 AAPL.pdf');
// Its catalog shares an object stream with a 1.3 MB structure-tree name table (read lazily since the pdf.js patch).
const SEC_OBJSTM = fixtureFile('sec-10-q', '2023 Q1 MSFT.pdf');
const NTSB = fixtureFile('ntsb', '20080124X00100.pdf');
const LABELLED = fixtureFile('pdfjs', 'bug793632.pdf');
const CJK = fixtureFile('pdfjs', 'issue6387.pdf');

const DAMAGED_NEIGHBOUR_TEXT = 'The catalog shares its object stream with a damaged object.';

let s: TestServer;
const docs = new Map<string, DocumentSummary>();

beforeAll(async () => {
  s = await startTestServer();
  const labelled = await textPdf(
    [['Preface page one.'], ['Preface page two.'], ['Chapter text, first numbered page.'], ['Chapter text, second numbered page.']],
    { labels: [{ startPage: 1, style: 'r' }, { startPage: 3, style: 'D' }] },
  );
  const { documents } = await uploadOk(s.url, [{ path: SEC }, { path: NTSB }, { path: LABELLED }, { path: CJK }, { path: SEC_OBJSTM }]);
  const generated = await uploadOk(s.url, [
    { name: 'generated-labels.pdf', data: labelled },
    { name: 'damaged-neighbour.pdf', data: objectStreamPdf(DAMAGED_NEIGHBOUR_TEXT, '<</Broken [ 1 2 (unterminated') },
    { name: 'damaged-first.pdf', data: objectStreamPdf(DAMAGED_NEIGHBOUR_TEXT, ')broken -x', { neighbourFirst: true }) },
  ]);
  const keys = [SEC, NTSB, LABELLED, CJK, SEC_OBJSTM, 'generated', 'damaged-neighbour', 'damaged-first'];
  const ids = [...documents, ...generated.documents].map((d) => d.id);
  for (const [i, id] of ids.entries()) docs.set(keys[i]!, await settled(s.url, id));
});
afterAll(() => s.close());

function doc(key: string): DocumentSummary {
  const d = docs.get(key);
  if (!d) throw new Error(`no document for ${key}`);
  return d;
}

/** Our page text and poppler's, compared word by word. */
async function compareWithPoppler(file: string) {
  const d = doc(file);
  expect(d, JSON.stringify(d.error)).toMatchObject({ status: 'ready', pages: pdfinfoPages(file), pagesDone: pdfinfoPages(file) });
  expect(d.chunks).toBeGreaterThan(0);
  const poppler = popplerPages(file);
  const perPage: { page: number; precision: number; recall: number; ours: Set<string> }[] = [];
  for (let n = 1; n <= d.pages!; n++) {
    const page = await getPage(s.url, d.id, n);
    expect(page.number).toBe(n);
    const ours = words(page.text);
    const theirs = new Set(words(poppler[n - 1]!));
    const oursSet = new Set(ours);
    perPage.push({
      page: n,
      // Glued words ("netsales") are not words poppler finds: precision drops.
      precision: ours.filter((w) => theirs.has(w)).length / Math.max(1, ours.length),
      // Dropped text: poppler's words missing from ours.
      recall: [...theirs].filter((w) => oursSet.has(w)).length / Math.max(1, theirs.size),
      ours: oursSet,
    });
  }
  return { d, perPage };
}

describe('real PDFs against poppler', () => {
  it.each([
    ['a 10-Q filing', SEC],
    ['an NTSB report', NTSB],
    ['a 10-Q with a large structure tree in its catalog’s object stream', SEC_OBJSTM],
  ])('%s ends ready with pdfinfo’s page count and pdftotext’s words on every page', async (_what, file) => {
    const { d, perPage } = await compareWithPoppler(file);
    for (const p of perPage) {
      expect(p.precision, `page ${p.page}: share of our words that poppler also finds`).toBeGreaterThanOrEqual(0.98);
      expect(p.recall, `page ${p.page}: share of poppler's words that we also find`).toBeGreaterThanOrEqual(0.95);
    }
    // Words only poppler's text of that very page has appear on our page of the same number (no page shift).
    const pages = [1, Math.ceil(d.pages! / 2), d.pages!];
    let checked = 0;
    for (const n of pages) {
      const distinctive = distinctiveWords([file], file, n, 6);
      for (const w of distinctive) expect(perPage[n - 1]!.ours.has(w), `page ${n}: "${w}"`).toBe(true);
      checked += distinctive.length;
    }
    expect(checked).toBeGreaterThanOrEqual(6);
  });

  it('keeps the words of a 10-Q table row and its numbers apart', async () => {
    const d = doc(SEC);
    const all = (await Promise.all(Array.from({ length: d.pages! }, (_, i) => getPage(s.url, d.id, i + 1)))).map((p) => p.text).join('\n');
    expect(all).toMatch(/Apple Inc\./);
    expect(all).toMatch(/Total net sales/);
    // Thousands separators survive as written.
    expect(all).toMatch(/\b\d{1,3},\d{3}\b/);
  });
});

describe('object streams', () => {
  // pdf.js parsed every object of an object stream when it needed one; a damaged object that nothing refers to
  // then made the catalog beside it unreadable ("Invalid Root reference"). Poppler reads the page; so do we.
  it.each([
    ['after it', 'damaged-neighbour'],
    ['first in the stream', 'damaged-first'],
  ])('reads a page whose catalog shares an object stream with a damaged, unused object (%s)', async (_where, key) => {
    const d = doc(key);
    expect(d, JSON.stringify(d.error)).toMatchObject({ status: 'ready', pages: 1 });
    expect((await getPage(s.url, d.id, 1)).text).toBe(DAMAGED_NEIGHBOUR_TEXT);
  });
});

describe('page labels', () => {
  it('reports the labels of a PDF whose first pages are numbered i, ii, iii', async () => {
    const d = doc(LABELLED);
    expect(d.status).toBe('ready');
    const pages = await Promise.all([1, 2, 3, 4].map((n) => getPage(s.url, d.id, n)));
    expect(pages.map((p) => p.label)).toEqual(['i', 'ii', 'iii', '1']);
    expect(words(pages[0]!.text)).toEqual(expect.arrayContaining(words(popplerPages(LABELLED)[0]!)));
  });

  it('reports roman then decimal labels written by pdf-lib', async () => {
    const d = doc('generated');
    expect(d).toMatchObject({ status: 'ready', pages: 4 });
    const pages = await Promise.all([1, 2, 3, 4].map((n) => getPage(s.url, d.id, n)));
    expect(pages.map((p) => [p.number, p.label, p.text])).toEqual([
      [1, 'i', 'Preface page one.'],
      [2, 'ii', 'Preface page two.'],
      [3, '1', 'Chapter text, first numbered page.'],
      [4, '2', 'Chapter text, second numbered page.'],
    ]);
  });

  it('gives search results the label of their page', async () => {
    const results = await search(s.url, { query: 'chapter second numbered page', k: 3, documentIds: [doc('generated').id] });
    expect(results[0]).toMatchObject({ page: 4, pageLabel: '2' });
  });
});

describe('CJK', () => {
  it('extracts Japanese text as pdftotext does, with no spaces between characters', async () => {
    const d = doc(CJK);
    expect(d).toMatchObject({ status: 'ready', pages: pdfinfoPages(CJK) });
    const expected = /[\u3040-\u30ff\u4e00-\u9fff]{6,}/u.exec(popplerPages(CJK)[0]!)?.[0];
    expect(expected).toBeDefined();
    const page = await getPage(s.url, d.id, 1);
    expect(page.text).toContain(expected);
  });

  it('finds the Japanese page by a substring of it', async () => {
    const expected = /[\u3040-\u30ff\u4e00-\u9fff]{6,}/u.exec(popplerPages(CJK)[0]!)![0];
    const results = await search(s.url, { query: expected.slice(2, 8), k: 3 });
    expect(results[0]).toMatchObject({ documentId: doc(CJK).id, page: 1 });
  });
});

describe('page route', () => {
  it('answers 404 NOT_FOUND for a page past the end, and 400 VALIDATION_ERROR for page 0 (pages count from 1)', async () => {
    const d = doc(NTSB);
    for (const [n, status, code] of [[d.pages! + 1, 404, 'NOT_FOUND'], [0, 400, 'VALIDATION_ERROR']] as const) {
      const res = await fetch(`${s.url}/api/documents/${d.id}/pages/${n}`);
      expect(res.status).toBe(status);
      expect(await res.json()).toEqual({ error: { code, message: expect.any(String) } });
    }
  });
});
