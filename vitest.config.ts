import { defineConfig } from 'vitest/config';

process.env.TZ = 'UTC';

/**
 * `vitest list` only collects tests: then each worker evaluates the test files in one shared module graph, which
 * turns a minute of re-importing the server per file into seconds. Runs keep every file isolated.
 */
const listing = process.argv[2] === 'list';

export default defineConfig({
  test: {
    // The default output, and one line per skipped suite naming why (missing corpora, no root, …).
    reporters: ['default', './tests/support/skip-reporter.ts'],
    projects: [
      {
        test: {
          name: 'shared',
          isolate: !listing,
          environment: 'node',
          sequence: { groupOrder: 0 },
          include: ['tests/shared/**/*.test.ts'],
        },
      },
      {
        test: {
          name: 'shared-jsdom',
          isolate: !listing,
          environment: 'jsdom',
          include: ['tests/shared/**/*.test.ts'],
          sequence: { groupOrder: 0 },
        },
      },
      {
        test: {
          name: 'client',
          isolate: !listing,
          environment: 'jsdom',
          include: ['tests/client/**/*.test.{ts,tsx}'],
          sequence: { groupOrder: 0 },
        },
      },
      {
        test: {
          name: 'server',
          isolate: !listing,
          environment: 'node',
          sequence: { groupOrder: 1 },
          include: ['tests/server/**/*.test.ts'],
          exclude: ['**/*.int.test.ts'],
          testTimeout: 120_000,
          hookTimeout: 120_000,
          // Each suite starts extraction workers; two suites at a time fill the two cores.
          maxWorkers: 2,
        },
      },
      {
        test: {
          // Timing-sensitive runs (health latency while hostile PDFs parse): alone, after the other suites.
          name: 'robustness',
          isolate: !listing,
          environment: 'node',
          include: ['tests/robustness/**/*.test.ts'],
          sequence: { groupOrder: 3 },
          maxWorkers: 1,
          testTimeout: 600_000,
          hookTimeout: 120_000,
        },
      },
      {
        test: {
          name: 'e2e',
          isolate: !listing,
          environment: 'node',
          // After the server suites: the browser needs a core of its own.
          sequence: { groupOrder: 2 },
          maxWorkers: 1,
          include: ['tests/e2e/**/*.test.ts'],
          testTimeout: 120_000,
          hookTimeout: 120_000,
        },
      },
    ],
  },
});
