import { defineConfig } from 'vitest/config';
import LongFirstSequencer from './test/sequencer.js';

/**
 * Three tiers. `unit`: pure domain, configuration and format tests (`*.unit.test.ts`), no Temporal
 * server, seconds. `workflow`: the real workflow code on a real worker with stubbed activities
 * (`*.workflow.test.ts`), on a dev server the SDK's test environment starts from the project's
 * Temporal CLI; no API, no reference systems. `stack`: everything else, end to end, on one real
 * Temporal server the global setup starts. `npm test` runs all three; `npm run test:unit` and
 * `npm run test:workflow` one each.
 */
// The tests run locally: the explicit local switch allows the dev secrets (config/index.ts), for every process they start.
process.env.LOCAL_MODE ??= '1';

export default defineConfig({
  test: {
    // Worker threads crash the Temporal SDK's native bridge: one process per test file.
    pool: 'forks',
    reporters: ['default', './test/summary-reporter.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // Two cores: run files two at a time so Temporal, the worker and the tests do not starve.
    maxWorkers: 2,
    // The long files start first, so the two forks finish together (test/sequencer.ts says why).
    sequence: { sequencer: LongFirstSequencer },
    projects: [
      // Pure tests share one module graph per fork: importing it again for each of 40 files cost more than the tests.
      { extends: true, test: { name: 'unit', include: ['test/**/*.unit.test.ts'], isolate: false } },
      {
        extends: true,
        test: { name: 'workflow', include: ['test/**/*.workflow.test.ts'], globalSetup: ['test/workflow-setup.ts'] },
      },
      {
        extends: true,
        test: {
          name: 'stack',
          include: ['test/**/*.test.ts'],
          exclude: ['test/**/*.unit.test.ts', 'test/**/*.workflow.test.ts'],
          globalSetup: ['test/global-setup.ts'],
        },
      },
    ],
  },
});
