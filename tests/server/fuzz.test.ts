/**
 * Property-based fuzzing of every route of a running server (issue 12, SECURITY.md H1, H2, H6, U3): random
 * paths and percent-encodings, methods, headers (Host, Origin, Sec-Fetch-Site, credentials, content types and
 * encodings) and bodies (JSON, text, multipart uploads with hostile file names) go to the routes the router
 * really has, on a no-token and a token instance. Properties: no 5xx, every error is the JSON error body, and
 * nothing is written outside DATA_DIR. Bounded: a few hundred requests, well under a minute.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ErrorBodySchema, OpenAIErrorBodySchema } from '@pagewise/shared';
import { isUnbuiltClientPage } from '../support/client-build.js';
import { REPO_ROOT } from '../support/corpora.js';
import { fixtureFile } from '../support/fixtures.js';
import { rawRequest } from '../support/raw-http.js';
import { listRoutes, type RouteInfo } from '../support/routes.js';
import { startTestServer, waitForIngestion, type TestServer } from '../support/server.js';

const TOKEN = 'fuzz-access-token-0123456789abcdef';
const MARK = 'fuzzmark';
const RUNS = Number(process.env.FUZZ_RUNS ?? 300);

const SEGMENTS = [
  '1', '0', '-1', '0x1', '1e3', '+1', '%201', '01', '99999999999', '..', '.', '%2e%2e', '%2E%2E%2F', '..%2f..%2f', '%2F', '%5C',
  '%00', '%0a', '%E0%A4%A', '%%%', '%', '%C0%AE%C0%AE', '%F0%9F%98%80', '%FF', '~', 'CON', 'a'.repeat(300), `${MARK}.pdf`,
  '2b1c6a52-96b4-4c53-a0d5-3c7d1a7f4e11', '00000000-0000-0000-0000-000000000000', 'etc', 'passwd', 'index.html',
];
const FILE_NAMES = [`../../${MARK}.pdf`, `..\\..\\${MARK}.pdf`, `/tmp/${MARK}.pdf`, `%2e%2e%2f${MARK}.pdf`, `${MARK}\u0000.pdf`, `${MARK}.pdf`, `CON`, `${MARK}${'x'.repeat(300)}.pdf`];

const segment = (ids: string[]) =>
  fc.oneof(
    fc.constantFrom(...SEGMENTS, ...ids),
    fc.stringMatching(/^[A-Za-z0-9._~%!$&'()*+,;=:@-]{0,40}$/),
    fc.array(fc.integer({ min: 0, max: 255 }), { maxLength: 6 }).map((bytes) => bytes.map((b) => `%${b.toString(16).padStart(2, '0')}`).join('')),
  );

function fillRoute(route: string, values: string[]): string {
  let i = 0;
  return route.replace(/[:*][a-zA-Z]+/g, () => values[i++ % values.length] ?? 'x');
}

const query = fc.oneof(
  fc.constant(''),
  fc.constant('?access_token=fuzz-secret'),
  fc.stringMatching(/^\?[A-Za-z0-9=&%._-]{0,40}$/),
);

const headerSets = (origin: string, port: string) =>
  fc.record(
    {
      // Mostly requests the server should serve, so that they reach the handlers; some hostile ones.
      host: fc.oneof({ arbitrary: fc.constantFrom(`127.0.0.1:${port}`, `localhost:${port}`, `[::1]:${port}`), weight: 8 }, { arbitrary: fc.constantFrom(`rebind.evil.example:${port}`, `127.0.0.1.example:${port}`, 'localhost', `127.0.0.1:${port}@x`), weight: 1 }),
      origin: fc.oneof({ arbitrary: fc.constant(origin), weight: 4 }, { arbitrary: fc.constantFrom('http://evil.example', 'null', `${origin}.evil.example`), weight: 1 }),
      'sec-fetch-site': fc.oneof({ arbitrary: fc.constantFrom('same-origin', 'none'), weight: 4 }, { arbitrary: fc.constantFrom('same-site', 'cross-site', 'bogus'), weight: 1 }),
      authorization: fc.constantFrom(`Bearer ${TOKEN}`, 'Bearer wrong-wrong-wrong-wrong', 'Basic Zm9vOmJhcg==', 'Bearer', `Bearer ${TOKEN} extra`),
      cookie: fc.constantFrom('pagewise_session=forged', 'pagewise_session=%E0%A4%A', 'a=b; pagewise_session=', '=;=;'),
      'content-type': fc.constantFrom('application/json', 'multipart/form-data; boundary=fuzzb', 'multipart/form-data', 'text/plain', 'application/json; charset=utf-16', 'application/x-www-form-urlencoded', 'garbage/'),
      'content-encoding': fc.constantFrom('gzip', 'deflate', 'br', 'identity', 'bogus'),
      'x-forwarded-for': fc.constantFrom('1.2.3.4', 'not-an-ip', '::1, 10.0.0.1'),
      accept: fc.constantFrom('text/event-stream', '*/*', 'application/json'),
    },
    { requiredKeys: ['host'] },
  );

const multipartBody = fc.record({ name: fc.constantFrom(...FILE_NAMES), field: fc.constantFrom('files', 'file', '../files'), bytes: fc.uint8Array({ maxLength: 200 }) }).map(({ name, field, bytes }) =>
  Buffer.concat([
    Buffer.from(`--fuzzb\r\nContent-Disposition: form-data; name="${field}"; filename="${name}"\r\nContent-Type: application/pdf\r\n\r\n%PDF-1.4\n`),
    Buffer.from(bytes),
    Buffer.from('\r\n--fuzzb--\r\n'),
  ]),
);

const body = fc.oneof(
  fc.constant(undefined),
  fc.jsonValue({ maxDepth: 3 }).map((v) => JSON.stringify(v) ?? 'null'),
  fc.constantFrom('{"query":"engine"}', '{"messages":[{"role":"user","content":"engine failure"}]}', '{"title":"x"}', '{"token":"x"}', '{', '{"__proto__":{"x":1}}'),
  fc.string({ maxLength: 200 }),
  multipartBody,
);

interface Sandbox {
  root: string;
  server: TestServer;
  ids: string[];
}

async function sandbox(env: Record<string, string>, auth: Record<string, string>): Promise<Sandbox> {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'pagewise-fuzz-'));
  fs.writeFileSync(path.join(root, 'outside.txt'), 'untouched');
  const server = await startTestServer({ RATE_LIMIT_UPLOAD_PER_MIN: '100000', RATE_LIMIT_CHAT_PER_MIN: '100000', RATE_LIMIT_LOGIN_PER_MIN: '100000', RATE_LIMIT_AUTH_FAILURES_PER_MIN: '100000', ...env }, path.join(root, 'data'));
  const form = new FormData();
  form.append('files', new Blob([fs.readFileSync(fixtureFile('ntsb', '20071229X02007.pdf'))]), 'a.pdf');
  const res = await fetch(`${server.url}/api/documents`, { method: 'POST', body: form, headers: auth });
  const ids = ((await res.json()) as { documents: { id: string }[] }).documents.map((d) => d.id);
  await waitForIngestion(server.url, 60_000, auth);
  return { root, server, ids };
}

/** Files named after the fuzz mark anywhere we can look outside DATA_DIR. */
function marksOutside(root: string): string[] {
  const found: string[] = [];
  for (const dir of [os.tmpdir(), REPO_ROOT, path.join(REPO_ROOT, 'server'), root, '/tmp']) {
    for (const f of fs.existsSync(dir) ? fs.readdirSync(dir) : []) if (f.includes(MARK)) found.push(path.join(dir, f));
  }
  return found;
}

async function fuzz(box: Sandbox, routes: RouteInfo[]): Promise<number> {
  const port = new URL(box.server.url).port;
  let sent = 0;
  const request = fc.record({
    route: fc.constantFrom(...routes),
    method: fc.oneof(fc.constant(null), fc.constantFrom('GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS')),
    values: fc.array(segment(box.ids), { minLength: 1, maxLength: 3 }),
    extra: fc.oneof(fc.constant(''), segment(box.ids).map((x) => `/${x}`)),
    query,
    headers: headerSets(box.server.url, port),
    body,
  });
  await fc.assert(
    fc.asyncProperty(request, async (r) => {
      const method = r.method ?? r.route.method;
      const p = `${fillRoute(r.route.path, r.values)}${r.extra}${r.query}`;
      const res = await rawRequest(box.server.url, { method, path: p, headers: r.headers, body: method === 'GET' || method === 'HEAD' ? undefined : r.body, timeoutMs: 20_000 });
      sent++;
      const what = `${method} ${p} ${JSON.stringify(r.headers)} → ${res.status} ${res.body.slice(0, 200)}`;
      if (isUnbuiltClientPage(res)) return;
      expect(res.status, what).toBeLessThan(500);
      if (res.status >= 400 && method !== 'HEAD') {
        expect(String(res.headers['content-type']), what).toMatch(/^application\/json/);
        // The OpenAI-compatible endpoint answers in OpenAI's error shape, everything else in Pagewise's.
        const shape = /^\/v1(?:[/?#]|$)/.test(p) ? OpenAIErrorBodySchema : ErrorBodySchema;
        expect(shape.safeParse(res.json).success, what).toBe(true);
      }
    }),
    { numRuns: RUNS, seed: process.env.FUZZ_SEED ? Number(process.env.FUZZ_SEED) : undefined, endOnFailure: true },
  );
  return sent;
}

async function expectContained(box: Sandbox): Promise<void> {
  await waitForIngestion(box.server.url, 60_000, { authorization: `Bearer ${TOKEN}` });
  expect(fs.readdirSync(box.root).sort()).toEqual(['data', 'outside.txt']);
  expect(fs.readFileSync(path.join(box.root, 'outside.txt'), 'utf8')).toBe('untouched');
  expect(marksOutside(box.root)).toEqual([]);
  const data = path.join(box.root, 'data');
  expect(fs.readdirSync(path.join(data, 'tmp')), 'DATA_DIR/tmp').toEqual([]);
  for (const f of fs.readdirSync(path.join(data, 'files'))) expect(f).toMatch(/^[0-9a-f-]{36}\.pdf$/);
  const health = await rawRequest(box.server.url, { path: '/api/health' });
  expect(health.status).toBe(200);
}

const ALL_ROUTES = (s: TestServer) => [
  ...listRoutes(s.app),
  { method: 'GET', path: '/' },
  { method: 'GET', path: '/assets/:file' },
  { method: 'GET', path: '/pdfjs/cmaps/:file' },
  { method: 'GET', path: '/pdfjs/standard_fonts/:file' },
  { method: 'GET', path: '/api/:anything' },
  { method: 'POST', path: '/v1/:anything' },
];

describe('fuzzing every route', () => {
  const boxes: Sandbox[] = [];
  afterAll(async () => {
    for (const b of boxes) {
      await b.server.close();
      fs.rmSync(b.root, { recursive: true, force: true });
    }
  });

  for (const [name, env] of [['no token', {}], ['token', { ACCESS_TOKEN: TOKEN }]] as const) {
    describe(name, () => {
      let box: Sandbox;
      beforeAll(async () => {
        box = await sandbox(env, 'ACCESS_TOKEN' in env ? { authorization: `Bearer ${TOKEN}` } : {});
        boxes.push(box);
        expect(box.ids).toHaveLength(1);
      });

      it('answers every random request without a 5xx, with the JSON error body, and writes nothing outside DATA_DIR', async () => {
        const routes = ALL_ROUTES(box.server);
        expect(routes.length).toBeGreaterThanOrEqual(17);
        const started = Date.now();
        const sent = await fuzz(box, routes);
        console.log(`fuzz (${name}): ${sent} requests in ${Date.now() - started} ms`);
        await expectContained(box);
      });
    });
  }
});
