import { defineConfig } from 'vitest/config';

process.env.TZ = 'UTC';

export default defineConfig({
  test: {
    // The default output, and one line per skipped suite naming why (missing corpora, no root, …).
    reporters: ['default', './tests/support/skip-reporter.ts'],
    projects: [
      {
        test: {
          name: 'shared',
          environment: 'node',
          sequence: { groupOrder: 0 },
          include: ['tests/shared/**/*.test.ts'],
        },
      },
      {
        test: {
          name: 'shared-jsdom',
          environment: 'jsdom',
          include: ['tests/shared/**/*.test.ts'],
          sequence: { groupOrder: 0 },
        },
      },
      {
        test: {
          name: 'client',
          environment: 'jsdom',
          include: ['tests/client/**/*.test.{ts,tsx}'],
          sequence: { groupOrder: 0 },
        },
      },
      {
        test: {
          name: 'server',
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
