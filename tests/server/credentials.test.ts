/**
 * Issue 12, items 2, 5 and 6 on a token instance (SECURITY.md H2, H4, H7): cross-site sign-in and sign-out are refused,
 * every failed credential (bearer or cookie) counts toward a per-address limit, and secrets never reach the log.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ErrorBodySchema } from '@pagewise/shared';
import { createLogger } from '../../server/src/logger.js';
import { spawnServer, type ChildServer } from '../support/child-server.js';
import { rawRequest } from '../support/raw-http.js';
import { startTestServer, type TestServer } from '../support/server.js';

const TOKEN = 'test-access-token-0123456789abcdef';
const CROSS = { origin: 'http://evil.example', 'sec-fetch-site': 'cross-site' };

async function login(url: string): Promise<string> {
  const res = await fetch(`${url}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json', origin: url }, body: JSON.stringify({ token: TOKEN }) });
  expect(res.status).toBe(200);
  return (res.headers.get('set-cookie') ?? '').split(';')[0]!;
}

describe('cross-site requests on a token instance', () => {
  let s: TestServer;
  beforeAll(async () => {
    s = await startTestServer({ ACCESS_TOKEN: TOKEN });
  });
  afterAll(() => s.close());

  it('refuses cross-site sign-out (the session survives), sign-in and bearer writes with 403 CSRF', async () => {
    const cookie = await login(s.url);
    const out = await rawRequest(s.url, { method: 'POST', path: '/api/auth/logout', headers: { ...CROSS, cookie } });
    expect(out.status).toBe(403);
    expect(ErrorBodySchema.parse(out.json).error.code).toBe('CSRF');
    expect((await rawRequest(s.url, { path: '/api/documents', headers: { cookie } })).status).toBe(200);

    const inn = await rawRequest(s.url, { method: 'POST', path: '/api/auth/login', headers: { 'sec-fetch-site': 'cross-site', 'content-type': 'application/json' }, body: JSON.stringify({ token: TOKEN }) });
    expect(inn.status).toBe(403);
    expect(inn.headers['set-cookie']).toBeUndefined();

    const bearer = await rawRequest(s.url, { method: 'POST', path: '/api/search', headers: { ...CROSS, authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' }, body: '{"query":"x"}' });
    expect(bearer.status).toBe(403);
    const sdk = await rawRequest(s.url, { method: 'POST', path: '/api/search', headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' }, body: '{"query":"x"}' });
    expect(sdk.status).toBe(200);
  });
});

describe('failed credentials are rate-limited per address', () => {
  let s: TestServer;
  beforeAll(async () => {
    s = await startTestServer({ ACCESS_TOKEN: TOKEN, RATE_LIMIT_AUTH_FAILURES_PER_MIN: '5' });
  });
  afterAll(() => s.close());

  it('answers 429 RATE_LIMITED with Retry-After after a few wrong bearer or cookie guesses, even to the right token', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 4; i++) statuses.push((await rawRequest(s.url, { path: '/api/documents', headers: { authorization: `Bearer guess-${i}-0123456789abcdef` } })).status);
    for (let i = 0; i < 4; i++) statuses.push((await rawRequest(s.url, { path: '/api/documents', headers: { cookie: `pagewise_session=forged-${i}` } })).status);
    expect(statuses.slice(0, 5)).toEqual([401, 401, 401, 401, 401]);
    expect(statuses.slice(5)).toEqual([429, 429, 429]);
    const limited = await rawRequest(s.url, { path: '/api/documents', headers: { authorization: `Bearer ${TOKEN}` } });
    expect(limited.status).toBe(429);
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    expect(ErrorBodySchema.parse(limited.json).error.code).toBe('RATE_LIMITED');
    // A request without any credential is not a guess: still a plain 401, and health stays public.
    expect((await rawRequest(s.url, { path: '/api/health' })).status).toBe(200);
  });
});

describe('secrets never reach the log', () => {
  it('redacts query strings and secret-bearing headers in every log line', () => {
    const lines: string[] = [];
    const sink = new Writable({ write: (c: Buffer, _e, cb) => (lines.push(c.toString('utf8')), cb()) });
    const log = createLogger({ level: 'trace' }, sink);
    const err = new Error('GET /api/x?access_token=secret-1 failed');
    log.error({ err, url: '/api/documents/%E0?access_token=secret-2', method: 'GET' }, 'unhandled');
    log.warn({ req: { headers: { authorization: 'Bearer secret-3', cookie: 'pagewise_session=secret-4', 'x-api-key': 'secret-5', 'proxy-authorization': 'Basic secret-6' } } }, 'request');
    log.info({ headers: { Authorization: 'Bearer secret-7', 'X-Api-Key': 'secret-8' }, target: 'http://llm.example/v1?key=secret-9' }, 'call');
    log.child({ part: 'x' }).info({ nested: { deeper: { url: 'http://h/p?token=secret-10' } } }, 'nested');
    const out = lines.join('');
    expect(lines.length).toBe(4);
    expect(out).not.toMatch(/secret-\d/);
    expect(out).toContain('/api/documents/%E0');
    expect(out).toContain('[redacted]');
  });

  it('a running server never writes ?access_token=… to its log, whatever the request', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pagewise-logs-'));
    let srv: ChildServer | null = null;
    try {
      srv = await spawnServer(dir, { LOG_LEVEL: 'debug', ACCESS_TOKEN: TOKEN, INGEST_WORKERS: '1' });
      for (const p of ['/api/documents/%E0%A4%A', '/api/documents/%%%', '/api/documents', '/api/conversations/%E0%A4%A/x', '/%E0%A4%A', '/api/health']) {
        await rawRequest(srv.url, { path: `${p}?access_token=secret-token-in-query`, headers: { authorization: 'Bearer secret-token-in-header', cookie: 'pagewise_session=secret-cookie' } });
      }
      await new Promise((r) => setTimeout(r, 300));
      expect(srv.output()).toContain('/api/documents');
      expect(srv.output()).not.toContain('secret-');
    } finally {
      if (srv) await srv.kill9();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
