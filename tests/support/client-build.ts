/**
 * Browser tests run against the built client: build it first when it is missing or stale. Called from the browser
 * suites' beforeAll (not a vitest globalSetup, which would also run, and build, during `vitest list`).
 */
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { REPO_ROOT } from './corpora.js';

export function ensureClient(): void {
  execFileSync(process.execPath, [path.join(REPO_ROOT, 'scripts', 'ensure-client.mjs')], { stdio: 'inherit' });
}
