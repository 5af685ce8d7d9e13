/** Browser tests run against the built client: build it first when it is missing or stale. */
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { REPO_ROOT } from '../support/corpora.js';

export default function setup(): void {
  execFileSync(process.execPath, [path.join(REPO_ROOT, 'scripts', 'ensure-client.mjs')], { stdio: 'inherit' });
}
