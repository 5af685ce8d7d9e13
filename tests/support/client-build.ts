/**
 * The built web client in tests.
 * - Browser tests run against the built client: `ensureClient()` builds it first when it is missing or stale. It is
 *   called from the browser suites' beforeAll (not a vitest globalSetup, which would also run, and build, during
 *   `vitest list`).
 * - Without `npm run build` the server answers client pages with a documented 503 text ("The web client is not
 *   built yet"): the one 5xx a request may get in a checkout where the client was never built.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { REPO_ROOT } from './corpora.js';

export function ensureClient(): void {
  execFileSync(process.execPath, [path.join(REPO_ROOT, 'scripts', 'ensure-client.mjs')], { stdio: 'inherit' });
}

export const CLIENT_BUILT = fs.existsSync(path.join(REPO_ROOT, 'client', 'dist', 'index.html'));

export function isUnbuiltClientPage(res: { status: number; body: string; headers: Record<string, unknown> }): boolean {
  if (CLIENT_BUILT || res.status !== 503 || !String(res.headers['content-type']).startsWith('text/plain')) return false;
  return res.body === '' /* HEAD */ || res.body.startsWith('The web client is not built yet');
}
