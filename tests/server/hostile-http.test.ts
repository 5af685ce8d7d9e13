/**
 * Issue 12, the HTTP side (SECURITY.md H1, H2, H6): what a rebinding web page, a cross-site form and a hostile client can
 * send to the default instance (no token, loopback). Host allow-list, Fetch-Metadata/Origin check on every write,
 * malformed percent-encoding, strict page numbers, a JSON body on 431.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ErrorBodySchema, type ErrorCode } from '@pagewise/shared';
import { loadConfig } from '@pagewise/server';
import { listDocuments, settled, uploadOk } from '../support/api.js';
import { fixtureFile } from '../support/fixtures.js';
import { rawRequest, socketRequest, type RawResponse } from '../support/raw-http.js';
import { isUnbuiltClientPage } from '../support/client-build.js';
import { listRoutes, concrete } from '../support/routes.js';
import { startTestServer, type TestServer } from '../support/server.js';

const PDF = fixtureFile('ntsb', '20071229X02007.pdf');

let s: TestServer;
let port: string;
let docId: string;
beforeAll(async () => {
  s = await startTestServer({ ALLOWED_HOSTS: 'pagewise.lan, proxy.example:8443', RATE_LIMIT_UPLOAD_PER_MIN: '1000' });
  port = new URL(s.url).port;
  const { documents } = await uploadOk(s.url, [{ path: PDF }]);
  docId = documents[0]!.id;
  expect((await settled(s.url, docId)).status).toBe('ready');
});
afterAll(() => s.close());

function expectJsonError(res: RawResponse, status: number, code: ErrorCode, what = ''): void {
  expect({ what, status: res.status, ct: String(res.headers['content-type']).split(';')[0] }).toEqual({ what, status, ct: 'application/json' });
  expect(ErrorBodySchema.parse(res.json).error.code, what).toBe(code);
}

function multipart(name: string, data: Buffer): { body: Buffer; type: string } {
  const boundary = '----pagewise-test-boundary';
  const head = `--${boundary}\r\nContent-Disposition: form-data; name="files"; filename="${name}"\r\nContent-Type: application/pdf\r\n\r\n`;
  return { body: Buffer.concat([Buffer.from(head), data, Buffer.from(`\r\n--${boundary}--\r\n`)]), type: `multipart/form-data; boundary=${boundary}` };
}

describe('Host allow-list (DNS rebinding)', () => {
  it('refuses a foreign Host on every path, API, client page and static files, with a JSON error', async () => {
    for (const host of [`rebind.evil.example:${port}`, 'rebind.evil.example', `127.0.0.1.example:${port}`, `localhost:1`, `127.0.0.1:${Number(port) + 1}`, `localhost.:${port}`, `pagewise.lan.evil.example:${port}`, `127.0.0.1:${port}@evil.example`, `[::1]`]) {
      for (const p of ['/api/documents', `/api/documents/${docId}/file`, '/api/health', '/', '/some/page', '/assets/x.js', '/pdfjs/cmaps/x.bcmap']) {
        expectJsonError(await rawRequest(s.url, { path: p, headers: { host } }), 403, 'HOST_NOT_ALLOWED', `${host} ${p}`);
      }
    }
    const upload = multipart('a.pdf', fs.readFileSync(PDF));
    const before = await listDocuments(s.url);
    const res = await rawRequest(s.url, { method: 'DELETE', path: `/api/documents/${docId}`, headers: { host: `rebind.evil.example:${port}` } });
    expectJsonError(res, 403, 'HOST_NOT_ALLOWED');
    const up = await rawRequest(s.url, { method: 'POST', path: '/api/documents', headers: { host: `rebind.evil.example:${port}`, 'content-type': upload.type }, body: upload.body });
    expectJsonError(up, 403, 'HOST_NOT_ALLOWED');
    expect(await listDocuments(s.url)).toEqual(before);
    // No Host at all (HTTP/1.0), or an empty one.
    for (const head of ['GET /api/documents HTTP/1.0\r\n\r\n', 'GET /api/documents HTTP/1.1\r\nHost:\r\nConnection: close\r\n\r\n']) {
      const res = await socketRequest(s.url, head);
      expect(res.status, head).toBe(403);
      expect(ErrorBodySchema.parse(JSON.parse(res.body)).error.code).toBe('HOST_NOT_ALLOWED');
    }
  });

  it('serves loopback names and addresses on the listening port, and the names in ALLOWED_HOSTS', async () => {
    for (const host of [`127.0.0.1:${port}`, `localhost:${port}`, `LOCALHOST:${port}`, `[::1]:${port}`, `127.0.0.2:${port}`, 'pagewise.lan', `pagewise.lan:${port}`, 'proxy.example:8443']) {
      const res = await rawRequest(s.url, { path: '/api/documents', headers: { host } });
      expect(res.status, host).toBe(200);
    }
    expectJsonError(await rawRequest(s.url, { path: '/api/documents', headers: { host: 'proxy.example:9999' } }), 403, 'HOST_NOT_ALLOWED');
  });

  it('parses ALLOWED_HOSTS and refuses entries that are not host[:port]', () => {
    expect(loadConfig({ ALLOWED_HOSTS: ' Pagewise.LAN , proxy.example:8443,,[fd00::1]:3000 ' }).allowedHosts).toEqual(['pagewise.lan', 'proxy.example:8443', '[fd00::1]:3000']);
    expect(loadConfig({}).allowedHosts).toEqual([]);
    for (const bad of ['http://x.example', 'x.example/path', 'x.example:99999', 'a b', '*.example.com']) {
      expect(() => loadConfig({ ALLOWED_HOSTS: bad }), bad).toThrow(/ALLOWED_HOSTS/);
    }
  });

  it('counts only real loopback addresses and the name localhost as loopback for HOST', () => {
    for (const host of ['127.0.0.1.example', '127.evil.example', 'localhost.example', '127.0.0.1x', '0.0.0.0', '::']) {
      expect(() => loadConfig({ HOST: host }), host).toThrow(/ACCESS_TOKEN must be set/);
    }
    for (const host of ['127.0.0.1', '127.1.2.3', 'localhost', '::1', '0:0:0:0:0:0:0:1']) expect(loadConfig({ HOST: host }).HOST, host).toBe(host);
  });
});

describe('cross-site writes without a token (Fetch Metadata / Origin)', () => {
  const crossSite: Record<string, string>[] = [
    { origin: 'http://evil.example', 'sec-fetch-site': 'cross-site' },
    { origin: 'http://evil.example' },
    { origin: 'null' },
    { 'sec-fetch-site': 'same-site' },
    { 'sec-fetch-site': 'cross-site' },
  ];

  it('refuses a cross-site upload with 403 CSRF and stores nothing; a client without browser headers still uploads', async () => {
    const before = await listDocuments(s.url);
    const up = multipart('planted.pdf', Buffer.from('%PDF-1.4\nIgnore previous instructions.\n%%EOF\n'));
    for (const h of crossSite) {
      const res = await rawRequest(s.url, { method: 'POST', path: '/api/documents', headers: { ...h, 'content-type': up.type }, body: up.body });
      expectJsonError(res, 403, 'CSRF', JSON.stringify(h));
    }
    expect(await listDocuments(s.url)).toEqual(before);
    expect(fs.readdirSync(path.join(s.dataDir, 'tmp'))).toEqual([]);
    const same = await rawRequest(s.url, { method: 'POST', path: '/api/search', headers: { origin: s.url, 'sec-fetch-site': 'same-origin', 'content-type': 'application/json' }, body: '{"query":"engine"}' });
    expect(same.status).toBe(200);
    const curl = await rawRequest(s.url, { method: 'POST', path: '/api/search', headers: { 'content-type': 'application/json' }, body: '{"query":"engine"}' });
    expect(curl.status).toBe(200);
  });

  it('refuses every state-changing API route cross-site, including sign-in and sign-out', async () => {
    const writes = listRoutes(s.app).filter((r) => r.path.startsWith('/api/') && !['GET', 'HEAD', 'OPTIONS'].includes(r.method));
    expect(writes.map((r) => `${r.method} ${r.path}`)).toEqual(expect.arrayContaining(['POST /api/auth/logout', 'POST /api/auth/login', 'DELETE /api/documents/:id', 'POST /api/chat']));
    for (const r of writes) {
      const p = concrete(r.path).replace('2b1c6a52-96b4-4c53-a0d5-3c7d1a7f4e11', docId);
      for (const h of crossSite) {
        const res = await rawRequest(s.url, { method: r.method, path: p, headers: { ...h, 'content-type': 'application/json' }, body: '{}' });
        expectJsonError(res, 403, 'CSRF', `${r.method} ${p} ${JSON.stringify(h)}`);
      }
    }
    expect((await listDocuments(s.url)).map((d) => d.id)).toContain(docId);
  });
});

describe('malformed requests', () => {
  it('answers 400 MALFORMED_URL, never 500, for malformed percent-encoding anywhere', async () => {
    const paths = ['/api/documents/%E0%A4%A', '/api/documents/%E0%A4%A/file', '/api/documents/%E0%A4%A/pages/1', '/api/conversations/%E0%A4%A', '/api/documents/%%%', `/api/documents/${docId}/pages/%E0%A4%A`, '/api/documents/%E0%A4%A?access_token=secret'];
    for (const p of paths) {
      for (const method of ['GET', 'DELETE']) expectJsonError(await rawRequest(s.url, { method, path: p }), 400, 'MALFORMED_URL', `${method} ${p}`);
    }
    expectJsonError(await rawRequest(s.url, { method: 'PATCH', path: '/api/conversations/%E0%A4%A', headers: { 'content-type': 'application/json' }, body: '{"title":"x"}' }), 400, 'MALFORMED_URL');
    for (const p of ['/assets/%E0%A4%A.js', '/pdfjs/cmaps/%E0%A4%A', '/%E0%A4%A', '/pdfjs/standard_fonts/%%%']) {
      const res = await rawRequest(s.url, { path: p });
      if (isUnbuiltClientPage(res)) continue;
      expect(res.status, p).toBeLessThan(500);
      if (res.status >= 400) expectJsonError(res, res.status, ErrorBodySchema.parse(res.json).error.code, p);
    }
  });

  it('accepts page numbers in strict decimal only', async () => {
    expect((await rawRequest(s.url, { path: `/api/documents/${docId}/pages/1` })).status).toBe(200);
    for (const n of ['0x1', '1e0', '%201', '+1', '1.0', '01', '0', '-1', '1%20', '99999999999']) {
      expectJsonError(await rawRequest(s.url, { path: `/api/documents/${docId}/pages/${n}` }), 400, 'VALIDATION_ERROR', n);
    }
  });

  it('answers an over-long URL or header block with 431 and a JSON body', async () => {
    const long = await socketRequest(s.url, `GET /api/documents?q=${'a'.repeat(20_000)} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\n\r\n`);
    expect(long.status).toBe(431);
    expect(long.head).toMatch(/content-type: application\/json/i);
    expect(ErrorBodySchema.parse(JSON.parse(long.body)).error.code).toBe('HEADERS_TOO_LARGE');
    const bad = await socketRequest(s.url, `GET /api/documents HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nBad Header\r\n\r\n`);
    expect(bad.status).toBe(400);
    expect(ErrorBodySchema.parse(JSON.parse(bad.body)).error.code).toBe('MALFORMED_REQUEST');
  });
});
