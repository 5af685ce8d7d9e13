// `npm run test:models`: runs the real-model suites (vitest.models.config.ts) when the endpoints are set, and
// says on one line why it skipped them when they are not.
import { spawnSync } from 'node:child_process';

const missing = ['LLM_BASE_URL', 'LLM_MODEL', 'EMBED_BASE_URL', 'EMBED_MODEL'].filter((n) => !process.env[n]);
if (missing.length) {
  process.stdout.write(`test:models skipped: ${missing.join(', ')} not set (run eval "$(npm run -s models:up)" first)\n`);
  process.exit(0);
}
const r = spawnSync('npx', ['--no-install', 'vitest', 'run', '--config', 'vitest.models.config.ts', ...process.argv.slice(2)], { stdio: 'inherit' });
process.exit(r.status ?? 1);
