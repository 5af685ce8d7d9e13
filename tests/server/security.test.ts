/**
 * Safe exposure (issue 5, SECURITY.md H1-H5): deny-by-default auth over every route the router has, the
 * loopback rule, session cookie flags, CSRF, security headers, rate limits.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ErrorBodySchema, HealthResponseSchema } from '@pagewise/shared';
import { loadConfig } from '@pagewise/server';
import { fixtureFile } from '../support/fixtures.js';
import { REPO_ROOT } from '../support/corpora.js';
import { concrete, listRoutes } from '../support/routes.js';
import { startTestServer, upload, waitForIngestion, type TestServer } from '../support/server.js';

const TOKEN = 'test-access-token-0123456789abcdef';
const PUBLIC = new Set(['GET /api/health', 'POST /api/auth/login', 'POST /api/auth/logout', 'GET /api/auth/session']);

let s: TestServer;
beforeAll(async () => {
  s = await startTestServer({ ACCESS_TOKEN: TOKEN, RATE_LIMIT_LOGIN_PER_MIN: '5', RATE_LIMIT_UPLOAD_PER_MIN: '1000', RATE_LIMIT_AUTH_FAILURES_PER_MIN: '1000' });
});
afterAll(() => s.close());

async function login(): Promise<string> {
  const res = await fetch(`${s.url}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', origin: s.url },
    body: JSON.stringify({ token: TOKEN }),
  });
  expect(res.status).toBe(200);
  const cookie = res.headers.get('set-cookie') ?? '';
  return cookie.split(';')[0]!;
}

describe('access token', () => {
  it('answers 401 UNAUTHENTICATED on every non-public API route without a token and with a wrong one', async () => {
    const routes = listRoutes(s.app).filter((r) => r.path.startsWith('/api/'));
    expect(routes.length).toBeGreaterThanOrEqual(12);
    const protectedRoutes = routes.filter((r) => !PUBLIC.has(`${r.method} ${r.path}`));
    expect(protectedRoutes.map((r) => `${r.method} ${r.path}`)).toEqual(expect.arrayContaining(['POST /api/documents', 'POST /api/chat', 'GET /api/documents/:id/file', 'POST /api/search']));
    for (const r of protectedRoutes) {
      const variants: Record<string, string>[] = [{}, { authorization: 'Bearer wrong-token-wrong-token' }, { cookie: 'pagewise_session=forged' }];
      for (const headers of variants) {
        const res = await fetch(`${s.url}${concrete(r.path)}`, {
          method: r.method,
          headers: { 'content-type': 'application/json', ...headers },
          body: r.method === 'GET' || r.method === 'DELETE' ? undefined : '{}',
        });
        expect(res.status, `${r.method} ${r.path} ${JSON.stringify(headers)}`).toBe(401);
        expect(ErrorBodySchema.parse(await res.json()).error.code).toBe('UNAUTHENTICATED');
      }
    }
  });

  it('keeps health public but without details', async () => {
    expect(await (await fetch(`${s.url}/api/health`)).json()).toEqual({ ok: true });
    await s.services.index();
    const full = HealthResponseSchema.parse(await (await fetch(`${s.url}/api/health`, { headers: { authorization: `Bearer ${TOKEN}` } })).json());
    expect(full.embedder).toEqual({ state: 'ready', id: 'builtin-hash-v1:768', kind: 'builtin', dimension: 768, fallbackReason: null });
  });

  it('accepts the bearer token and a session cookie that is HttpOnly and SameSite=Strict', async () => {
    expect((await fetch(`${s.url}/api/documents`, { headers: { authorization: `Bearer ${TOKEN}` } })).status).toBe(200);
    const res = await fetch(`${s.url}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: s.url },
      body: JSON.stringify({ token: TOKEN }),
    });
    const setCookie = res.headers.get('set-cookie') ?? '';
    expect(setCookie).toMatch(/^pagewise_session=[A-Za-z0-9_-]{30,};/);
    expect(setCookie).toMatch(/HttpOnly/i);
    expect(setCookie).toMatch(/SameSite=Strict/i);
    expect(setCookie).toMatch(/Path=\//i);
    expect(setCookie).not.toContain(TOKEN);
    const cookie = setCookie.split(';')[0]!;
    expect((await fetch(`${s.url}/api/documents`, { headers: { cookie } })).status).toBe(200);
    expect(await (await fetch(`${s.url}/api/auth/session`, { headers: { cookie } })).json()).toEqual({ required: true, authenticated: true });
    // Signing out ends the session.
    await fetch(`${s.url}/api/auth/logout`, { method: 'POST', headers: { cookie, origin: s.url } });
    expect((await fetch(`${s.url}/api/documents`, { headers: { cookie } })).status).toBe(401);
  });

  it('refuses cookie-authenticated writes from another origin (CSRF) but not from its own page', async () => {
    const cookie = await login();
    const cross = await fetch(`${s.url}/api/search`, {
      method: 'POST',
      headers: { cookie, 'content-type': 'application/json', origin: 'http://127.0.0.2:8080', 'sec-fetch-site': 'cross-site' },
      body: JSON.stringify({ query: 'x' }),
    });
    expect(cross.status).toBe(403);
    expect(ErrorBodySchema.parse(await cross.json()).error.code).toBe('CSRF');
    const same = await fetch(`${s.url}/api/search`, {
      method: 'POST',
      headers: { cookie, 'content-type': 'application/json', origin: s.url, 'sec-fetch-site': 'same-origin' },
      body: JSON.stringify({ query: 'x' }),
    });
    expect(same.status).toBe(200);
    expect(cross.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('rate-limits sign-in attempts with 429 RATE_LIMITED and Retry-After', async () => {
    let last: Response | null = null;
    for (let i = 0; i < 8; i++) {
      last = await fetch(`${s.url}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ token: `wrong-${i}` }) });
      if (last.status === 429) break;
      expect(last.status).toBe(401);
    }
    expect(last!.status).toBe(429);
    expect(Number(last!.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(ErrorBodySchema.parse(await last!.json()).error.code).toBe('RATE_LIMITED');
  });
});

describe('binding', () => {
  it('refuses a non-loopback HOST without ACCESS_TOKEN, in config and at `npm start`', () => {
    expect(() => loadConfig({ HOST: '0.0.0.0' })).toThrow(/ACCESS_TOKEN must be set/);
    expect(() => loadConfig({ HOST: '0.0.0.0', ACCESS_TOKEN: 'short' })).toThrow(/at least 16/);
    expect(loadConfig({ HOST: '0.0.0.0', ACCESS_TOKEN: TOKEN }).HOST).toBe('0.0.0.0');
    expect(loadConfig({ HOST: '127.0.0.1' }).ACCESS_TOKEN).toBeUndefined();
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pagewise-bind-'));
    const run = spawnSync(process.execPath, ['--import', 'tsx', path.join(REPO_ROOT, 'server/src/main.ts')], {
      env: { ...process.env, HOST: '0.0.0.0', PORT: '0', DATA_DIR: dir, ACCESS_TOKEN: '' },
      encoding: 'utf8',
      timeout: 30_000,
      cwd: REPO_ROOT,
    });
    fs.rmSync(dir, { recursive: true, force: true });
    expect(run.status).toBe(2);
    expect(run.stderr).toContain('ACCESS_TOKEN must be set');
  });
});

describe('security headers', () => {
  it('sends CSP without unsafe-eval, nosniff, frame-ancestors and no x-powered-by on the page, the API and downloads', async () => {
    const auth = { authorization: `Bearer ${TOKEN}` };
    // Without a credential an upload is refused before anything is stored.
    // (A small body: a large one is cut off by the early 401, which is the point, but races the client's send.)
    expect((await upload(s.url, [{ name: 'a.pdf', data: new TextEncoder().encode('%PDF-1.4 tiny') }])).status).toBe(401);
    expect(fs.readdirSync(path.join(s.dataDir, 'tmp'))).toEqual([]);
    const up = await fetch(`${s.url}/api/documents`, { method: 'POST', headers: auth, body: (() => {
      const f = new FormData();
      f.append('files', new Blob([fs.readFileSync(fixtureFile('ntsb', '20071229X02007.pdf'))]), 'a.pdf');
      return f;
    })() });
    expect(up.status).toBe(202);
    const id = ((await up.json()) as { documents: { id: string }[] }).documents[0]!.id;
    await waitForIngestion(s.url, 60_000, auth);
    for (const [url, headers] of [
      [`${s.url}/`, {}],
      [`${s.url}/api/health`, {}],
      [`${s.url}/api/documents`, auth],
      [`${s.url}/api/documents/${id}/file`, auth],
    ] as const) {
      const res = await fetch(url, { headers });
      const csp = res.headers.get('content-security-policy') ?? '';
      expect(csp, url).toMatch(/default-src '(self|none)'/);
      expect(csp, url).not.toContain("'unsafe-eval'");
      expect(csp, url).toMatch(/frame-ancestors 'self'|sandbox/);
      expect(res.headers.get('x-content-type-options'), url).toBe('nosniff');
      expect(res.headers.get('x-powered-by'), url).toBeNull();
      await res.arrayBuffer();
    }
    const file = await fetch(`${s.url}/api/documents/${id}/file`, { headers: auth });
    expect(file.headers.get('content-disposition')).toMatch(/^attachment;/);
    expect(file.headers.get('content-type')).toBe('application/pdf');
  });
});
