/**
 * Hostile PDFs made at test time end `failed` with a stable code and a sentence a person can act on
 * (SECURITY.md P1-P2), and the server keeps serving.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ERROR_CODES, HealthResponseSchema, type DocumentSummary } from '@pagewise/shared';
import { expectError, getDocument, ingest, settled, uploadOk } from '../support/api.js';
import { encryptPdf, garbagePdf, noTextPdf, textPdf } from '../support/pdfs.js';
import { startTestServer, type TestServer } from '../support/server.js';

let s: TestServer;
beforeAll(async () => {
  s = await startTestServer({ MAX_PAGES: '2' });
});
afterAll(() => s.close());

const page = (n: number) => [`Hostile fixture page ${n} with ordinary words on it.`];

/** A failed document's reason: a known code and a human sentence (no stack, no code in the text). */
function expectFailure(d: DocumentSummary, code: string): string {
  expect(d.status).toBe('failed');
  expect(d.error?.code).toBe(code);
  const message = d.error?.message ?? '';
  expect(ERROR_CODES).toContain(d.error?.code);
  expect(message.length).toBeGreaterThan(20);
  expect(message).toMatch(/^[A-Z].*\.$/);
  expect(message).not.toMatch(/\bat .*:\d+|Error:|Exception|undefined|null/);
  expect(message).not.toContain(code);
  return message;
}

describe('documents that cannot be ingested', () => {
  it('fails a PDF encrypted with a user password with PDF_ENCRYPTED', async () => {
    const d = await ingest(s.url, { name: 'locked.pdf', data: encryptPdf(await textPdf([page(1)]), 'open-sesame') });
    expect(expectFailure(d, 'PDF_ENCRYPTED')).toMatch(/password/i);
    expect(d.chunks).toBe(0);
  });

  it('reads a PDF encrypted with only an owner password (empty user password)', async () => {
    const d = await ingest(s.url, { name: 'owner-only.pdf', data: encryptPdf(await textPdf([['Owner password only: readable by anyone.']]), '') });
    expect(d, JSON.stringify(d.error)).toMatchObject({ status: 'ready', pages: 1 });
    const res = await fetch(`${s.url}/api/documents/${d.id}/pages/1`);
    expect(((await res.json()) as { page: { text: string } }).page.text).toBe('Owner password only: readable by anyone.');
  });

  it('fails a PDF whose only page has no text with NO_EXTRACTABLE_TEXT', async () => {
    const d = await ingest(s.url, { name: 'scan.pdf', data: await noTextPdf() });
    expect(expectFailure(d, 'NO_EXTRACTABLE_TEXT')).toMatch(/text/i);
    expect(d.pages).toBe(1);
    expect(d.chunks).toBe(0);
  });

  it('fails garbage after a %PDF- header with PDF_MALFORMED', async () => {
    const d = await ingest(s.url, { name: 'garbage.pdf', data: garbagePdf() });
    expectFailure(d, 'PDF_MALFORMED');
  });

  it('fails a PDF cut off after its header with PDF_MALFORMED', async () => {
    const d = await ingest(s.url, { name: 'stub.pdf', data: new TextEncoder().encode('%PDF-1.7\n%%EOF\n') });
    expectFailure(d, 'PDF_MALFORMED');
  });

  it('fails a PDF with more than MAX_PAGES pages with TOO_MANY_PAGES and accepts one with exactly MAX_PAGES', async () => {
    const three = await ingest(s.url, { name: 'three.pdf', data: await textPdf([page(1), page(2), page(3)]) });
    const message = expectFailure(three, 'TOO_MANY_PAGES');
    expect(message).toContain('3 pages');
    expect(message).toContain('at most 2');
    expect(three.chunks).toBe(0);
    // The document is there (failed); none of its pages is stored.
    for (const n of [1, 2, 3]) {
      expect(await expectError(await fetch(`${s.url}/api/documents/${three.id}/pages/${n}`), 404, 'NOT_FOUND')).toMatch(/^Page not found/);
    }

    const two = await ingest(s.url, { name: 'two.pdf', data: await textPdf([page(1), page(2)]) });
    expect(two).toMatchObject({ status: 'ready', pages: 2, pagesDone: 2 });
  });

  it('retries a failed document when the same bytes are uploaded again, and fails it the same way', async () => {
    const data = garbagePdf(2048, 99);
    const first = await ingest(s.url, { name: 'retry.pdf', data });
    expect(first.status).toBe('failed');
    const again = await uploadOk(s.url, [{ name: 'retry.pdf', data }]);
    expect(again.documents).toEqual([{ id: first.id, name: 'retry.pdf', status: 'queued', duplicate: true }]);
    const second = await settled(s.url, first.id);
    expectFailure(second, 'PDF_MALFORMED');
  });

  it('keeps serving after all of the above, with every document settled', async () => {
    const health = HealthResponseSchema.parse(await (await fetch(`${s.url}/api/health`)).json());
    expect(health.documents.queued ?? 0).toBe(0);
    expect(health.documents.processing ?? 0).toBe(0);
    expect(health.documents.failed).toBe(6);
    expect(health.documents.ready).toBe(2);
    const ok = await ingest(s.url, { name: 'after.pdf', data: await textPdf([['Still alive after hostile input.']]) });
    expect((await getDocument(s.url, ok.id)).status).toBe('ready');
  });
});
