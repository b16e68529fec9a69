/**
 * `npm run chaos [-- --minutes 4 --cases 100000 --concurrency 8]`: the long reliability run, the
 * scenario of test/chaos-scenario.ts on a benchmark stack of its own. Exits 1 on any loss,
 * duplicate, reorder, client mistake answered 5xx, or change made by the fuzz corpus.
 */
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { runChaos, summary } from '../test/chaos-scenario.js';
import { startBenchStack } from './stack.js';

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const { values } = parseArgs({
    options: {
      minutes: { type: 'string', default: '4' },
      cases: { type: 'string', default: '100000' },
      concurrency: { type: 'string', default: '8' },
    },
  });
  const stack = await startBenchStack();
  let failed = true;
  try {
    const result = await runChaos(stack, {
      durationMs: Number(values.minutes) * 60_000,
      cases: Number(values.cases),
      concurrency: Number(values.concurrency),
    });
    console.log(`\nFaults: ${result.faults.join('; ')}`);
    console.log(
      `Client retries after a 5xx or a dropped connection: ${result.retriesAfter5xxOrDrop}; client mistakes answered 5xx: ${result.clientMistakesAnswered5xx}`,
    );
    console.log(
      `Fuzz corpus: ${result.fuzz.sent} requests, ${result.fuzz.unavailable} answered 503 while Temporal was down, ${result.fuzz.acceptedAsChange} accepted as a change, target case ${result.fuzz.targetChanged ? 'CHANGED' : 'unchanged'}`,
    );
    console.log(summary(result));
    for (const p of result.problems.slice(0, 20)) console.log(`  ${p}`);
    failed =
      result.lost +
        result.duplicated +
        result.outOfOrder +
        result.clientMistakesAnswered5xx +
        result.fuzz.acceptedAsChange >
        0 || result.fuzz.targetChanged;
  } finally {
    await stack.stop();
  }
  process.exit(failed ? 1 : 0);
}
