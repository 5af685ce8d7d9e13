/**
 * The per-page quality report (issue 17, item 4): `GET /api/documents/:id/pages` lists every page with its character
 * count, text source and OCR confidence, and warns where the text is likely not what the page shows. It flags the
 * pdf.js test files whose fonts have no Unicode map (their text comes out as control characters, a shifted
 * alphabet or one repeated letter) and no page of a clean 10-Q; the library list counts the flagged pages.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DocumentPagesResponseSchema, type PageQuality } from '@pagewise/shared';
import { expectError, ingest, listDocuments } from '../support/api.js';
import { fixtureFile, fixturePdfs } from '../support/fixtures.js';
import { pdfinfoPages, textPdf } from '../support/pdfs.js';
import { startTestServer, type TestServer } from '../support/server.js';

let s: TestServer;
beforeAll(async () => {
  s = await startTestServer();
});
afterAll(() => s.close());

async function report(id: string): Promise<PageQuality[]> {
  const res = await fetch(`${s.url}/api/documents/${id}/pages`);
  expect(res.status).toBe(200);
  const body = DocumentPagesResponseSchema.parse(await res.json());
  expect(body.documentId).toBe(id);
  return body.pages;
}

const codes = (p: PageQuality) => p.warnings.map((w) => w.code);

describe('page quality report', () => {
  it.each([
    // pdffonts: embedded, no ToUnicode; pdf.js gives C0 controls for "其他参考数据" and "AV-Receiver"
    ['issue3405r.pdf', 'UNMAPPED_GLYPHS'],
    ['issue_cff_unsigned_bbox.pdf', 'UNMAPPED_GLYPHS'],
    // "What's an interval?" comes out as ";LEX W\u0004ER\u0004MRXIVZEP#"
    ['issue5501.pdf', 'UNMAPPED_GLYPHS'],
    // a font that maps every glyph to "x"
    ['bug1539074.pdf', 'REPEATED_GLYPH'],
  ])('flags %s (a font without a Unicode map) with %s', async (name, code) => {
    const d = await ingest(s.url, { path: fixtureFile('pdfjs', name) });
    const pages = await report(d.id);
    expect(pages.length).toBe(d.pages);
    expect(codes(pages[0]!)).toContain(code);
    expect(pages[0]!.warnings[0]!.message).toMatch(/^[A-Z].*\.$/);
    expect((await listDocuments(s.url)).find((x) => x.id === d.id)?.warningPages).toBeGreaterThanOrEqual(1);
  });

  it.each([...fixturePdfs('sec-10-q'), ...fixturePdfs('ntsb')])('flags no page of the clean %s, and lists every page with its characters and source', async (file) => {
    const d = await ingest(s.url, { path: file });
    expect(d).toMatchObject({ status: 'ready', warningPages: 0, ocrPages: 0 });
    const pages = await report(d.id);
    expect(pages.map((p) => p.number)).toEqual(Array.from({ length: pdfinfoPages(file) }, (_, i) => i + 1));
    for (const p of pages) {
      expect(p.warnings, `page ${p.number}`).toEqual([]);
      expect(p).toMatchObject({ source: 'text', ocrConfidence: null });
      expect(p.chars).toBeGreaterThan(100);
    }
  }, 60_000);

  it('marks an empty page as having no text, without a warning when it shows nothing', async () => {
    const d = await ingest(s.url, { name: 'blank-second.pdf', data: await textPdf([['Only the first page has words on it.'], []]) });
    const pages = await report(d.id);
    expect(pages.map((p) => [p.source, p.chars, codes(p)])).toEqual([
      ['text', 36, []],
      ['none', 0, []],
    ]);
  });

  it('answers 404 for an unknown document', async () => {
    await expectError(await fetch(`${s.url}/api/documents/7a1f9c3e-0000-4000-8000-000000000000/pages`), 404, 'NOT_FOUND');
  });
});
