/**
 * The document library over real HTTP: content-hash dedupe (SECURITY.md U4), downloading the original
 * (row 9) and deleting a document with everything stored for it.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HealthResponseSchema, type DocumentSummary } from '@pagewise/shared';
import { expectError, getDocument, getPage, ingest, listDocuments, search, uploadOk } from '../support/api.js';
import { fixtureFile } from '../support/fixtures.js';
import { distinctivePhrase, textPdf } from '../support/pdfs.js';
import { startTestServer, upload, type TestServer } from '../support/server.js';

const UNKNOWN_ID = '00000000-0000-4000-8000-000000000000';

let s: TestServer;
beforeAll(async () => {
  s = await startTestServer();
});
afterAll(() => s.close());

describe('dedupe by content', () => {
  it('gives the same id for the same bytes, across requests and within one request', async () => {
    const a = await textPdf([['Dedupe fixture A: the first distinct document.']]);
    const b = await textPdf([['Dedupe fixture B: the second distinct document.']]);

    const first = await uploadOk(s.url, [{ name: 'a.pdf', data: a }]);
    expect(first.status).toBe(202);
    expect(first.documents).toEqual([{ id: expect.any(String), name: 'a.pdf', status: 'queued', duplicate: false }]);
    const idA = first.documents[0]!.id;

    const again = await uploadOk(s.url, [{ name: 'a-renamed.pdf', data: a }]);
    expect(again.status).toBe(200);
    expect(again.documents).toEqual([{ id: idA, name: 'a.pdf', status: expect.any(String), duplicate: true }]);

    const twice = await uploadOk(s.url, [
      { name: 'b.pdf', data: b },
      { name: 'b-copy.pdf', data: b },
    ]);
    expect(twice.status).toBe(202);
    const [b1, b2] = twice.documents;
    expect(b1!.id).toBe(b2!.id);
    expect([b1!.duplicate, b2!.duplicate]).toEqual([false, true]);

    const nothingNew = await uploadOk(s.url, [
      { name: 'a.pdf', data: a },
      { name: 'b.pdf', data: b },
    ]);
    expect(nothingNew.status).toBe(200);
    expect(nothingNew.documents.map((d) => [d.id, d.duplicate])).toEqual([
      [idA, true],
      [b1!.id, true],
    ]);

    const docs = await listDocuments(s.url);
    expect(docs.map((d) => d.id).sort()).toEqual([idA, b1!.id].sort());
    expect(fs.readdirSync(path.join(s.dataDir, 'files')).sort()).toEqual([`${idA}.pdf`, `${b1!.id}.pdf`].sort());
  });

  it('creates one document when the same bytes arrive concurrently', async () => {
    const c = await textPdf([['Dedupe fixture C: uploaded by three clients at once.']]);
    const results = await Promise.all([1, 2, 3].map((i) => uploadOk(s.url, [{ name: `c${i}.pdf`, data: c }])));
    const ids = new Set(results.map((r) => r.documents[0]!.id));
    expect(ids.size).toBe(1);
    expect(results.filter((r) => !r.documents[0]!.duplicate)).toHaveLength(1);
    expect((await listDocuments(s.url)).filter((d) => ids.has(d.id))).toHaveLength(1);
  });
});

describe('GET /api/documents/:id/file', () => {
  it('returns the exact bytes as a PDF attachment that is never sniffed', async () => {
    const data = await textPdf([['Download fixture: served back byte for byte.']]);
    const { documents } = await uploadOk(s.url, [{ name: 'Bericht "Q3" – Übersicht.pdf', data }]);
    const res = await fetch(`${s.url}/api/documents/${documents[0]!.id}/file`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/pdf');
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    const disposition = res.headers.get('content-disposition') ?? '';
    expect(disposition).toMatch(/^attachment;/);
    expect(disposition).toContain(`filename*=UTF-8''Bericht%20%22Q3%22%20%E2%80%93%20%C3%9Cbersicht.pdf`);
    expect(Buffer.from(await res.arrayBuffer()).equals(Buffer.from(data))).toBe(true);
  });

  it('serves an HTML/PDF polyglot only as a sandboxed PDF download', async () => {
    const pdf = await textPdf([['Polyglot fixture: HTML in front of a PDF header.']]);
    const html = new TextEncoder().encode('<html><body><script>alert(document.cookie)</script></body></html>\n');
    const data = new Uint8Array(html.length + pdf.length);
    data.set(html);
    data.set(pdf, html.length);
    const doc = await ingest(s.url, { name: 'polyglot.html', data });
    expect(doc.status).toBe('ready');
    const res = await fetch(`${s.url}/api/documents/${doc.id}/file`);
    expect(res.headers.get('content-type')).toBe('application/pdf');
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('content-security-policy')).toContain('sandbox');
    expect(res.headers.get('content-disposition')).toMatch(/^attachment; filename="?polyglot\.html\.pdf"?$/);
    expect(Buffer.from(await res.arrayBuffer()).equals(Buffer.from(data))).toBe(true);
  });

  it('answers 404 NOT_FOUND for unknown and malformed ids', async () => {
    await expectError(await fetch(`${s.url}/api/documents/${UNKNOWN_ID}/file`), 404, 'NOT_FOUND');
    await expectError(await fetch(`${s.url}/api/documents/..%2F..%2Fpagewise.db/file`), 404, 'NOT_FOUND');
    await expectError(await fetch(`${s.url}/api/documents/${UNKNOWN_ID}`), 404, 'NOT_FOUND');
  });
});

describe('DELETE /api/documents/:id', () => {
  // Lexical rows have no API or store reader: whether any is left behind is a question about the database itself.
  const inFts = (ids: number[]) =>
    (s.services.db.prepare('SELECT COUNT(*) AS n FROM chunks_fts WHERE rowid IN (SELECT value FROM json_each(?))').get(JSON.stringify(ids)) as { n: number }).n;
  const pageTexts = async (d: DocumentSummary) => Promise.all(Array.from({ length: d.pages! }, (_, i) => getPage(s.url, d.id, i + 1).then((p) => p.text)));

  it('removes the row, pages, chunks, lexical entries, vectors and file, and nothing of other documents', async () => {
    const fileA = fixtureFile('ntsb', '20080108X00031.pdf');
    const fileB = fixtureFile('ntsb', '20080102X00002.pdf');
    const a = await ingest(s.url, { path: fileA });
    const b = await ingest(s.url, { path: fileB });
    expect([a.status, b.status]).toEqual(['ready', 'ready']);
    const phrase = distinctivePhrase([fileA, fileB], fileA, 1);
    expect((await search(s.url, { query: phrase, k: 5 })).map((r) => r.documentId)).toContain(a.id);

    const chunkIds = s.services.docs.chunkIds(a.id);
    expect(chunkIds.length).toBe(a.chunks);
    expect(inFts(chunkIds)).toBe(chunkIds.length);
    const bChunks = s.services.docs.chunkIds(b.id);
    const bPages = await pageTexts(b);
    expect(bPages.length).toBeGreaterThan(0);

    const res = await fetch(`${s.url}/api/documents/${a.id}`, { method: 'DELETE' });
    expect(res.status).toBe(204);
    expect(await res.text()).toBe('');

    await expectError(await fetch(`${s.url}/api/documents/${a.id}`), 404, 'NOT_FOUND');
    await expectError(await fetch(`${s.url}/api/documents/${a.id}/file`), 404, 'NOT_FOUND');
    await expectError(await fetch(`${s.url}/api/documents/${a.id}/pages/1`), 404, 'NOT_FOUND');
    expect(fs.existsSync(path.join(s.dataDir, 'files', `${a.id}.pdf`))).toBe(false);
    expect(s.services.docs.get(a.id)).toBeUndefined();
    expect(s.services.docs.chunkIds(a.id)).toEqual([]);
    expect(Array.from({ length: a.pages! }, (_, i) => s.services.docs.pages.get(a.id, i + 1)).filter(Boolean)).toEqual([]);
    expect(inFts(chunkIds)).toBe(0);
    expect((await listDocuments(s.url)).map((d) => d.id)).not.toContain(a.id);

    const after = await search(s.url, { query: phrase, k: 50 });
    expect(after.map((r) => r.documentId)).not.toContain(a.id);
    expect(s.services.docs.chunkIds(b.id)).toEqual(bChunks);
    expect(await pageTexts(b)).toEqual(bPages);
    expect((await getDocument(s.url, b.id)).status).toBe('ready');

    const health = HealthResponseSchema.parse(await (await fetch(`${s.url}/api/health`)).json());
    expect(health.index.vectors).toBe(s.services.docs.readyChunkIds().size);
  });

  it('answers 404 NOT_FOUND for a document that does not exist (or no longer does)', async () => {
    await expectError(await fetch(`${s.url}/api/documents/${UNKNOWN_ID}`, { method: 'DELETE' }), 404, 'NOT_FOUND');
    await expectError(await fetch(`${s.url}/api/documents/not-a-uuid`, { method: 'DELETE' }), 404, 'NOT_FOUND');
    const { documents } = await uploadOk(s.url, [{ name: 'gone.pdf', data: await textPdf([['Deleted twice fixture.']]) }]);
    expect((await fetch(`${s.url}/api/documents/${documents[0]!.id}`, { method: 'DELETE' })).status).toBe(204);
    await expectError(await fetch(`${s.url}/api/documents/${documents[0]!.id}`, { method: 'DELETE' }), 404, 'NOT_FOUND');
    expect(await upload(s.url, [{ name: 'gone.pdf', data: await textPdf([['Deleted twice fixture.']]) }]).then((r) => r.status)).toBe(202);
  });
});
