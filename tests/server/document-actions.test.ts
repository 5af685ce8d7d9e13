/**
 * Opening, downloading and renaming a document (issue 18): the PDF's own title (metadata /Title or XMP dc:title,
 * when it is a sensible title) beside the file name, rename through PATCH /api/documents/:id with stable errors,
 * the original PDF served under its display name, and titles of documents stored before titles were kept filled
 * in at start-up.
 */
import Database from 'better-sqlite3';
import fs from 'node:fs';
import path from 'node:path';
import { PDFDocument, PDFName, StandardFonts } from 'pdf-lib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DocumentResponseSchema } from '@pagewise/shared';
import { expectError, ingest, listDocuments } from '../support/api.js';
import { fixtureFile } from '../support/fixtures.js';
import { startTestServer, type TestServer } from '../support/server.js';

let s: TestServer;
const ids: Record<string, string> = {};

/** A one-page PDF with a junk Info /Title (a converter's file name) and a real title in its XMP metadata. */
async function xmpTitledPdf(): Promise<Uint8Array> {
  const doc = await PDFDocument.create({ updateMetadata: false });
  const font = await doc.embedFont(StandardFonts.Helvetica);
  doc.addPage([612, 792]).drawText('Pumps must be serviced every 500 operating hours.', { x: 72, y: 720, size: 12, font });
  doc.setTitle('Microsoft Word - pumps_v3.docx');
  const xmp =
    '<?xpacket begin="\ufeff" id="W5M0MpCehiHzreSzNTczkc9d"?><x:xmpmeta xmlns:x="adobe:ns:meta/">' +
    '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"><rdf:Description rdf:about="" xmlns:dc="http://purl.org/dc/elements/1.1/">' +
    '<dc:title><rdf:Alt><rdf:li xml:lang="x-default">Wartungshandbuch für Kreiselpumpen</rdf:li></rdf:Alt></dc:title>' +
    '</rdf:Description></rdf:RDF></x:xmpmeta><?xpacket end="w"?>';
  const stream = doc.context.stream(Buffer.from(xmp, 'utf8'), { Type: 'Metadata', Subtype: 'XML' });
  doc.catalog.set(PDFName.of('Metadata'), doc.context.register(stream));
  return doc.save({ useObjectStreams: false });
}

beforeAll(async () => {
  s = await startTestServer();
  ids.msft = (await ingest(s.url, { path: fixtureFile('sec-10-q', '2023 Q1 MSFT.pdf') })).id;
  ids.aapl = (await ingest(s.url, { path: fixtureFile('sec-10-q', '2023 Q3 AAPL.pdf') })).id;
  ids.ntsb = (await ingest(s.url, { path: fixtureFile('ntsb', '20071229X02007.pdf') })).id;
  ids.pumps = (await ingest(s.url, { name: 'pumps.pdf', data: await xmpTitledPdf() })).id;
}, 180_000);

afterAll(() => s?.close());

const patch = (id: string, body: unknown, headers: Record<string, string> = {}) =>
  fetch(`${s.url}/api/documents/${id}`, { method: 'PATCH', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });

describe('the PDF title', () => {
  it('shows the metadata title when it is a sensible one, and none for an accession number or no title', async () => {
    const docs = new Map((await listDocuments(s.url)).map((d) => [d.id, d]));
    expect(docs.get(ids.msft!)).toMatchObject({ name: '2023 Q1 MSFT.pdf', title: 'Form 10-Q for Microsoft Corp filed 01/24/2023' });
    expect(docs.get(ids.aapl!)).toMatchObject({ name: '2023 Q3 AAPL.pdf', title: null });
    expect(docs.get(ids.ntsb!)).toMatchObject({ name: '20071229X02007.pdf', title: null });
  });

  it("takes XMP dc:title when the Info title is a converter's file name", async () => {
    const doc = (await listDocuments(s.url)).find((d) => d.id === ids.pumps);
    expect(doc).toMatchObject({ name: 'pumps.pdf', title: 'Wartungshandbuch für Kreiselpumpen' });
  });
});

describe('PATCH /api/documents/:id', () => {
  it('renames a document and keeps the file name it was uploaded as', async () => {
    const res = await patch(ids.ntsb!, { name: '  Piper PA-22 accident, Tallahassee  ' });
    expect(res.status).toBe(200);
    const { document } = DocumentResponseSchema.parse(await res.json());
    expect(document).toMatchObject({ id: ids.ntsb, name: 'Piper PA-22 accident, Tallahassee', originalName: '20071229X02007.pdf', status: 'ready' });
    const listed = (await listDocuments(s.url)).find((d) => d.id === ids.ntsb);
    expect(listed).toMatchObject({ name: 'Piper PA-22 accident, Tallahassee', originalName: '20071229X02007.pdf' });
    // A second rename keeps the first file name, not the first display name.
    await patch(ids.ntsb!, { name: 'Piper accident' });
    expect((await listDocuments(s.url)).find((d) => d.id === ids.ntsb)).toMatchObject({ name: 'Piper accident', originalName: '20071229X02007.pdf' });
  });

  it('refuses bad names with VALIDATION_ERROR and changes nothing', async () => {
    for (const body of [{}, { name: '' }, { name: '   ' }, { name: 'a/b.pdf' }, { name: 'a\\b' }, { name: 'bell\u0007' }, { name: 'x'.repeat(256) }, { name: 42 }, { name: 'ok', extra: 1 }]) {
      await expectError(await patch(ids.aapl!, body), 400, 'VALIDATION_ERROR');
    }
    expect((await listDocuments(s.url)).find((d) => d.id === ids.aapl)?.name).toBe('2023 Q3 AAPL.pdf');
  });

  it('answers 404 NOT_FOUND for an unknown document and 403 CSRF for a cross-site rename', async () => {
    await expectError(await patch('2b1c6a52-96b4-4c53-a0d5-3c7d1a7f4e11', { name: 'x' }), 404, 'NOT_FOUND');
    await expectError(await patch('not-a-uuid', { name: 'x' }), 404, 'NOT_FOUND');
    await expectError(await patch(ids.aapl!, { name: 'x' }, { 'sec-fetch-site': 'cross-site' }), 403, 'CSRF');
    expect((await listDocuments(s.url)).find((d) => d.id === ids.aapl)?.name).toBe('2023 Q3 AAPL.pdf');
  });
});

describe('GET /api/documents/:id/file (download)', () => {
  it('serves the original bytes as an attachment named after the display name', async () => {
    await patch(ids.ntsb!, { name: 'Piper accident' });
    const res = await fetch(`${s.url}/api/documents/${ids.ntsb}/file`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/pdf');
    expect(res.headers.get('content-disposition')).toBe('attachment; filename="Piper accident.pdf"');
    expect(Buffer.from(await res.arrayBuffer()).equals(fs.readFileSync(fixtureFile('ntsb', '20071229X02007.pdf')))).toBe(true);
  });

  it('encodes a non-ASCII name safely (an ASCII fallback and RFC 5987 filename*)', async () => {
    const name = 'Übersicht "Q3" 東京.pdf';
    expect((await patch(ids.aapl!, { name })).status).toBe(200);
    const res = await fetch(`${s.url}/api/documents/${ids.aapl}/file`);
    const cd = res.headers.get('content-disposition') ?? '';
    expect(cd).toMatch(/^attachment; filename="[\x20-\x7e]+"; filename\*=UTF-8''[A-Za-z0-9%._~!$&'*+^`|-]+$/);
    expect(decodeURIComponent(/filename\*=UTF-8''(.+)$/.exec(cd)![1]!)).toBe(name);
    await res.arrayBuffer();
    await patch(ids.aapl!, { name: '2023 Q3 AAPL.pdf' });
  });
});

describe('documents stored before titles were kept', () => {
  it('get their title at start-up from the stored metadata, and nothing else changes', async () => {
    const before = await listDocuments(s.url);
    await s.close({ keepData: true });
    const db = new Database(path.join(s.dataDir, 'pagewise.db'));
    db.prepare('UPDATE documents SET pdf_title = NULL').run();
    db.prepare("DELETE FROM meta WHERE key = 'pdf_titles'").run();
    db.close();
    s = await startTestServer({}, s.dataDir);
    const after = await listDocuments(s.url);
    expect(after).toEqual(before);
    expect(after.find((d) => d.id === ids.msft)?.title).toBe('Form 10-Q for Microsoft Corp filed 01/24/2023');
  });
});
