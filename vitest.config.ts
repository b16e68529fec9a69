import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    // Worker threads crash the Temporal SDK's native bridge: one process per test file.
    pool: 'forks',
    globalSetup: ['test/global-setup.ts'],
    reporters: ['default', './test/summary-reporter.ts'],
    include: ['test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // Two cores: run files two at a time so Temporal, the worker and the tests do not starve.
    maxWorkers: 2,
  },
});
