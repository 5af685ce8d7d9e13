import { defineConfig } from 'vitest/config';

process.env.TZ = 'UTC';

// `npm run test:models` (through scripts/models/test.mjs): real open-weight models on loopback endpoints that
// `npm run models:up` starts. Not part of `npm test`: the suites are named *.int.test.ts.
export default defineConfig({
  test: {
    environment: 'node',
    include: ['tests/models/**/*.int.test.ts', 'tests/server/local-embedder-real.test.ts'],
    maxWorkers: 1,
    testTimeout: 240_000,
    hookTimeout: 700_000,
  },
});
