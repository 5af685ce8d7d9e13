/**
 * Chunks of ingested documents, read back from SQLite: each cites pages that exist, its text is exactly its
 * page's text (as the API serves it to the viewer) at its character span (what the viewer highlights), and no
 * page text is left out of every chunk. The chunk rows themselves (order, spans) are the subject here, and no API
 * lists all of a document's chunks, so they are read from the database.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DocumentSummary } from '@pagewise/shared';
import { getPage, listDocuments, settled, uploadOk } from '../support/api.js';
import { fixtureFile } from '../support/fixtures.js';
import { textPdf } from '../support/pdfs.js';
import { startTestServer, type TestServer } from '../support/server.js';

const CHUNK_SIZE = 300;
const CHUNK_OVERLAP = 60;

interface ChunkRow {
  id: number;
  ord: number;
  page_start: number;
  page_end: number;
  char_start: number;
  char_end: number;
  text: string;
}

let s: TestServer;
let docs: DocumentSummary[];
/** Page texts as GET /api/documents/:id/pages/:n serves them, per document. */
const pageTexts = new Map<string, Map<number, string>>();

beforeAll(async () => {
  s = await startTestServer({ CHUNK_SIZE: String(CHUNK_SIZE), CHUNK_OVERLAP: String(CHUNK_OVERLAP) });
  const boilerplate = 'Confidential draft: not for distribution outside the review group.';
  const generated = await textPdf([
    Array.from({ length: 30 }, () => boilerplate),
    ['A page between the repeated ones.'],
    Array.from({ length: 30 }, (_, i) => (i % 3 === 0 ? 'Total net sales' : `Row ${i}: 81,797 12,345 —`)),
  ]);
  const { documents } = await uploadOk(s.url, [
    { path: fixtureFile('sec-10-q', '2022 Q3 AAPL.pdf') },
    { path: fixtureFile('ntsb', '20080104X00020.pdf') },
    { path: fixtureFile('pdfjs', 'issue6387.pdf') },
  ]);
  const gen = await uploadOk(s.url, [{ name: 'repeated-lines.pdf', data: generated }]);
  docs = [];
  for (const d of [...documents, ...gen.documents]) docs.push(await settled(s.url, d.id));
  for (const d of docs) {
    const pages = new Map<number, string>();
    for (let n = 1; n <= (d.pages ?? 0); n++) pages.set(n, (await getPage(s.url, d.id, n)).text);
    pageTexts.set(d.id, pages);
  }
});
afterAll(() => s.close());

function chunksOf(id: string): ChunkRow[] {
  return s.services.db
    .prepare('SELECT id, ord, page_start, page_end, char_start, char_end, text FROM chunks WHERE document_id = ? ORDER BY ord')
    .all(id) as ChunkRow[];
}

const pagesOf = (id: string): Map<number, string> => pageTexts.get(id)!;

describe('chunks of ingested documents', () => {
  it('are all ready, with one stored page per physical page', async () => {
    expect(docs.map((d) => [d.name, d.status])).toEqual(docs.map((d) => [d.name, 'ready']));
    for (const d of docs) {
      expect(d.pages, d.name).toBeGreaterThan(0);
      expect(pagesOf(d.id).size, d.name).toBe(d.pages);
      expect((await fetch(`${s.url}/api/documents/${d.id}/pages/${d.pages! + 1}`)).status, `${d.name}: page after the last`).toBe(404);
    }
  });

  it('cite pages that exist: 1 ≤ page_start ≤ page_end ≤ pages (one page per chunk)', () => {
    for (const d of docs) {
      const chunks = chunksOf(d.id);
      expect(chunks.length, d.name).toBe(d.chunks);
      expect(chunks.length).toBeGreaterThan(0);
      for (const c of chunks) {
        expect(c.page_start).toBeGreaterThanOrEqual(1);
        expect(c.page_end).toBeGreaterThanOrEqual(c.page_start);
        expect(c.page_end).toBeLessThanOrEqual(d.pages!);
        expect(c.page_end).toBe(c.page_start);
      }
    }
  });

  it('hold exactly their page text at [char_start, char_end), within the size limit, in reading order', () => {
    for (const d of docs) {
      const pages = pagesOf(d.id);
      let prev: ChunkRow | null = null;
      for (const c of chunksOf(d.id)) {
        const page = pages.get(c.page_start)!;
        expect(c.char_start).toBeGreaterThanOrEqual(0);
        expect(c.char_end).toBeLessThanOrEqual(page.length);
        expect(page.slice(c.char_start, c.char_end), `${d.name} chunk ${c.ord}`).toBe(c.text);
        expect(c.text.length).toBeLessThanOrEqual(CHUNK_SIZE);
        if (prev) {
          expect(c.ord).toBe(prev.ord + 1);
          const order = c.page_start - prev.page_start || c.char_start - prev.char_start;
          expect(order, `${d.name} chunk ${c.ord}`).toBeGreaterThan(0);
        }
        prev = c;
      }
    }
  });

  it('leave no text of any page outside every chunk', () => {
    for (const d of docs) {
      const pages = pagesOf(d.id);
      const covered = new Map([...pages].map(([n, text]) => [n, new Uint8Array(text.length)]));
      for (const c of chunksOf(d.id)) covered.get(c.page_start)!.fill(1, c.char_start, c.char_end);
      for (const [n, text] of pages) {
        const mask = covered.get(n)!;
        const lost = [...text].filter((ch, i) => !/\s/.test(ch) && !mask[i]).length;
        expect(lost, `${d.name} page ${n}`).toBe(0);
      }
    }
  });

  it('report the same chunk counts over the API as in the store', async () => {
    const listed = await listDocuments(s.url);
    for (const d of docs) expect(listed.find((x) => x.id === d.id)?.chunks, d.name).toBe(s.services.docs.chunkIds(d.id).length);
  });
});
