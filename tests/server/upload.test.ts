/**
 * Upload validation over real HTTP (SECURITY.md U1-U3): every rejection has its status, stable code and the
 * error body; rejected bytes never stay on disk; client file names never become paths.
 */
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UploadResponseSchema } from '@pagewise/shared';
import { expectError, listDocuments, postJson } from '../support/api.js';
import { textPdf } from '../support/pdfs.js';
import { startTestServer, upload, type TestServer } from '../support/server.js';

const PNG = Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52, 0, 0, 0, 1, 0, 0, 0, 1, 8, 6, 0, 0, 0]);
const ZIP = Uint8Array.from([0x50, 0x4b, 0x03, 0x04, 0x14, 0, 0, 0, 8, 0, ...new Array(40).fill(0)]);
const HTML = new TextEncoder().encode('<!doctype html><html><body><script>alert(1)</script></body></html>');
const TEXT = new TextEncoder().encode('Just some plain text that claims to be a PDF by its name only.\n'.repeat(4));

function tmpFiles(s: TestServer): string[] {
  return fs.readdirSync(path.join(s.dataDir, 'tmp'));
}

/** Every regular file under dir, relative to it. */
function walk(dir: string, base = dir): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    return e.isDirectory() ? walk(p, base) : [path.relative(base, p)];
  });
}

/** Poll a condition every 20 ms for up to 5 s. */
async function until(cond: () => boolean): Promise<void> {
  for (let i = 0; i < 250 && !cond(); i++) await new Promise((r) => setTimeout(r, 20));
  expect(cond()).toBe(true);
}

/** POST a raw body to the upload route with the given content type. */
function rawUpload(s: TestServer, contentType: string, body: string): Promise<Response> {
  return fetch(`${s.url}/api/documents`, { method: 'POST', headers: { 'content-type': contentType }, body });
}

describe('POST /api/documents validation', () => {
  let s: TestServer;
  let pdf: Uint8Array;
  beforeAll(async () => {
    s = await startTestServer({ MAX_UPLOAD_MB: '1', MAX_FILES_PER_UPLOAD: '2' });
    pdf = await textPdf([['Upload validation fixture: a perfectly ordinary PDF page.']]);
  });
  afterAll(() => s.close());

  it('rejects an empty file and a 1-byte file with 400 EMPTY_FILE', async () => {
    await expectError(await upload(s.url, [{ name: 'empty.pdf', data: new Uint8Array(0) }]), 400, 'EMPTY_FILE');
    await expectError(await upload(s.url, [{ name: 'one.pdf', data: Uint8Array.of(0x25) }]), 400, 'EMPTY_FILE');
    expect(tmpFiles(s)).toEqual([]);
  });

  it.each([
    ['PNG', PNG],
    ['ZIP', ZIP],
    ['HTML', HTML],
    ['text', TEXT],
  ])('rejects %s bytes named .pdf with 415 NOT_A_PDF', async (_kind, data) => {
    const message = await expectError(await upload(s.url, [{ name: 'looks-like.pdf', data }]), 415, 'NOT_A_PDF');
    expect(message).toContain('looks-like.pdf');
    expect(tmpFiles(s)).toEqual([]);
  });

  it('rejects a file over MAX_UPLOAD_MB with 413 FILE_TOO_LARGE and leaves no temp file', async () => {
    const big = new Uint8Array(2 * 1024 * 1024).fill(0x20);
    big.set(new TextEncoder().encode('%PDF-1.7\n'));
    const message = await expectError(await upload(s.url, [{ name: 'big.pdf', data: big }]), 413, 'FILE_TOO_LARGE');
    expect(message).toContain('1 MB');
    expect(tmpFiles(s)).toEqual([]);
    expect(fs.readdirSync(path.join(s.dataDir, 'files'))).toEqual([]);
  });

  it('rejects more files than MAX_FILES_PER_UPLOAD with 413 TOO_MANY_FILES', async () => {
    const files = ['a', 'b', 'c'].map((n) => ({ name: `${n}.pdf`, data: pdf }));
    await expectError(await upload(s.url, files), 413, 'TOO_MANY_FILES');
    expect(tmpFiles(s)).toEqual([]);
    expect(await listDocuments(s.url)).toEqual([]);
  });

  it('rejects a file in the wrong field with 400 MALFORMED_UPLOAD', async () => {
    const form = new FormData();
    form.append('file', new Blob([new Uint8Array(pdf)], { type: 'application/pdf' }), 'a.pdf');
    const message = await expectError(await fetch(`${s.url}/api/documents`, { method: 'POST', body: form }), 400, 'MALFORMED_UPLOAD');
    expect(message).toContain('"file"');
  });

  it('answers 400 NO_FILES to a form with no file in it', async () => {
    const form = new FormData();
    form.append('note', 'no files here');
    await expectError(await fetch(`${s.url}/api/documents`, { method: 'POST', body: form }), 400, 'NO_FILES');
  });

  it.each([
    ['a garbage body', 'multipart/form-data; boundary=xyz', 'this is not a multipart body at all'],
    ['no boundary parameter', 'multipart/form-data', '--xyz\r\ncontent-disposition: form-data; name="files"\r\n\r\nx\r\n--xyz--\r\n'],
    ['an empty body', 'multipart/form-data; boundary=xyz', ''],
    ['a malformed part header', 'multipart/form-data; boundary=xyz', '--xyz\r\nthis header has no colon\r\n\r\nbody\r\n--xyz--\r\n'],
    [
      'a body cut off inside a file part',
      'multipart/form-data; boundary=xyz',
      '--xyz\r\ncontent-disposition: form-data; name="files"; filename="cut.pdf"\r\ncontent-type: application/pdf\r\n\r\n%PDF-1.7\n' + 'x'.repeat(5000),
    ],
    [
      'a file part with an empty field name',
      'multipart/form-data; boundary=xyz',
      '--xyz\r\ncontent-disposition: form-data; name=""; filename="a.pdf"\r\n\r\n%PDF-1.7 hello\r\n--xyz--\r\n',
    ],
  ])('answers %s with 400 MALFORMED_UPLOAD and no temp file', async (_what, contentType, body) => {
    await expectError(await rawUpload(s, contentType, body), 400, 'MALFORMED_UPLOAD');
    expect(tmpFiles(s)).toEqual([]);
  });

  it('removes the temp file when the client aborts mid-upload, and keeps serving', async () => {
    const { port } = new URL(s.url);
    const headers = { 'content-type': 'multipart/form-data; boundary=xyz', 'content-length': String(900 * 1024) };
    const req = http.request({ host: '127.0.0.1', port, path: '/api/documents', method: 'POST', headers });
    req.on('error', () => undefined);
    req.write('--xyz\r\ncontent-disposition: form-data; name="files"; filename="aborted.pdf"\r\n\r\n%PDF-1.7\n');
    req.write(Buffer.alloc(300 * 1024, 0x20));
    await until(() => tmpFiles(s).length === 1);
    req.destroy();
    await until(() => tmpFiles(s).length === 0);
    expect((await fetch(`${s.url}/api/health`)).status).toBe(200);
    expect((await listDocuments(s.url)).map((d) => d.name)).not.toContain('aborted.pdf');
  });

  it('answers a JSON body with 415 UNSUPPORTED_MEDIA_TYPE', async () => {
    await expectError(await postJson(`${s.url}/api/documents`, { files: ['a.pdf'] }), 415, 'UNSUPPORTED_MEDIA_TYPE');
  });

  it('accepts the PDF of a mixed upload and lists the PNG as rejected', async () => {
    const res = await upload(s.url, [
      { name: 'good.pdf', data: pdf },
      { name: 'picture.pdf', data: PNG },
    ]);
    expect(res.status).toBe(202);
    const body = UploadResponseSchema.parse(await res.json());
    expect(body.documents).toEqual([{ id: expect.any(String), name: 'good.pdf', status: 'queued', duplicate: false }]);
    expect(body.rejected).toEqual([{ name: 'picture.pdf', error: { code: 'NOT_A_PDF', message: expect.any(String) } }]);
    expect(tmpFiles(s)).toEqual([]);
    expect((await listDocuments(s.url)).map((d) => d.name)).toContain('good.pdf');
  });

  it('stores hostile file names under server ids and keeps the name as display text only', async () => {
    const names = ['../../x.pdf', '<img src=x onerror=alert(1)>.pdf', '..\\..\\evil.pdf', '/etc/passwd.pdf'];
    const bodies: Uint8Array[] = [];
    for (const [i, name] of names.entries()) {
      const data = await textPdf([[`Hostile name fixture number ${i}.`]]);
      bodies.push(data);
      const res = await upload(s.url, [{ name, data }]);
      expect(res.status).toBe(202);
      const [doc] = UploadResponseSchema.parse(await res.json()).documents;
      expect(doc!.name).not.toMatch(/[/\\]/);
      expect(doc!.name.length).toBeGreaterThan(0);
      expect(fs.existsSync(path.join(s.dataDir, 'files', `${doc!.id}.pdf`))).toBe(true);
    }
    const stored = await listDocuments(s.url);
    expect(stored.map((d) => d.name)).toEqual(expect.arrayContaining(['x.pdf', '<img src=x onerror=alert(1)>.pdf', 'evil.pdf', 'passwd.pdf']));
    const ids = new Set(stored.map((d) => d.id));
    for (const rel of walk(s.dataDir)) {
      const [top, ...rest] = rel.split(path.sep);
      if (top === 'files') {
        expect(rest).toHaveLength(1);
        expect(ids.has(rest[0]!.replace(/\.pdf$/, ''))).toBe(true);
      } else {
        expect(['pagewise.db', 'pagewise.db-wal', 'pagewise.db-shm', 'index', 'tmp']).toContain(top);
      }
    }
    // Nothing escaped the data directory.
    for (const escaped of ['x.pdf', 'evil.pdf']) expect(fs.existsSync(path.resolve(s.dataDir, '..', escaped))).toBe(false);
  });
});
