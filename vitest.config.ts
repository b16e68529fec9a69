import { defineConfig } from 'vitest/config';

/**
 * Two tiers. `unit`: pure domain, configuration and format tests (`*.unit.test.ts`), no Temporal
 * server, seconds. `stack`: everything else, on one real Temporal server the global setup starts.
 * `npm test` runs both; `npm run test:unit` the first alone.
 */
export default defineConfig({
  test: {
    // Worker threads crash the Temporal SDK's native bridge: one process per test file.
    pool: 'forks',
    reporters: ['default', './test/summary-reporter.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // Two cores: run files two at a time so Temporal, the worker and the tests do not starve.
    maxWorkers: 2,
    projects: [
      { extends: true, test: { name: 'unit', include: ['test/**/*.unit.test.ts'] } },
      { extends: true, test: { name: 'stack', include: ['test/**/*.test.ts'], exclude: ['test/**/*.unit.test.ts'], globalSetup: ['test/global-setup.ts'] } },
    ],
  },
});
