/**
 * The short reliability run: under a steady load of stage changes, the worker is SIGKILLed, the
 * API killed mid-request, the Temporal dev server stopped and restarted on its database, each
 * system taken down (and HMCTS made slow and flaky); requests are repeated with the same keys.
 * On a stack of its own (its own dev server, or with TEMPORAL_TOPOLOGY=cluster its own Temporal
 * server on PostgreSQL with two workers and two API processes). The auditor
 * must find every acknowledged change in its case's history once and at each system once, in order.
 */
import { Worker } from '@temporalio/worker';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { loadConfig } from '../config/index.js';
import { dataConverter } from '../config/temporal.js';
import { caseWorkflowId } from '../workflows/messages.js';
import { runChaos, summary } from './chaos-scenario.js';
import { startProcessStack, type ProcessStack } from './stack.js';

let stack: ProcessStack;
/** The faults' window: each of the eight lands under load, with a few seconds between them. */
const WINDOW_MS = 50_000;
beforeAll(async () => {
  stack = await startProcessStack({ name: 'chaos' });
}, 180_000);
afterAll(async () => {
  await stack?.stop();
});

describe('reliability under faults', () => {
  it(
    'loses nothing, duplicates nothing, reorders nothing, and answers no client mistake with a 5xx',
    { timeout: 600_000 },
    async () => {
      const lines: string[] = [];
      const result = await runChaos(stack, {
        durationMs: WINDOW_MS,
        cases: 10_000,
        concurrency: 4,
        log: (l) => lines.push(l),
      });
      console.log(
        `${summary(result)} (retries ${result.retriesAfter5xxOrDrop}; faults: ${result.faults.length}, the last at ${result.lastFaultAt} ms, load until ${result.loadEndedAt} ms; fuzz ${result.fuzz.sent} sent, ${result.fuzz.unavailable} 503)`,
      );
      expect(result.problems).toEqual([]);
      expect(result).toMatchObject({ lost: 0, duplicated: 0, outOfOrder: 0, clientMistakesAnswered5xx: 0 });
      expect(result.faults).toHaveLength(8);
      expect(result.loadEndedAt).toBeGreaterThan(result.lastFaultAt); // every fault happened under load
      // A load, not a trickle: at least one change a second on the dev stack's two cores, faults and all.
      expect(result.accepted).toBeGreaterThan(WINDOW_MS / 1000);
      // The fuzz corpus ran all along and changed nothing.
      expect(result.fuzz.sent).toBeGreaterThan((WINDOW_MS / 1000) * 2.5);
      expect(result.fuzz).toMatchObject({ acceptedAsChange: 0, targetChanged: false });
      // On the cluster, worker 1 of 2 stays down a while: worker 2 alone must keep changes flowing.
      if (stack.topology === 'cluster') {
        const [workerFault, accepted] = Object.entries(result.acceptedDuringFault)[0]!;
        expect(workerFault).toMatch(/worker 1 of 2/);
        expect(accepted, 'changes acknowledged while one of the two workers was down').toBeGreaterThan(0);
      }
      expect(result.delivered).toBeGreaterThanOrEqual(result.accepted); // each change reaches the HO, appeal ones HMCTS too
      // Every history the faults shaped (restarts, tasks timed out, results and changes arriving
      // together) replays on the current code: a worker that lost its cache must come to the same commands.
      expect(await nondeterministic(result.caseIds)).toEqual([]);
    },
  );
});

/** The cases whose current run does not replay, with the SDK's reason. */
async function nondeterministic(caseIds: string[]): Promise<string[]> {
  const config = loadConfig({ LOCAL_MODE: '1' });
  if (!config.ok) throw new Error(config.error);
  async function* histories() {
    for (const caseId of caseIds) {
      const workflowId = caseWorkflowId(caseId);
      yield { workflowId, history: await stack.client.workflow.getHandle(workflowId).fetchHistory() };
    }
  }
  const failures: string[] = [];
  for await (const r of Worker.runReplayHistories(
    { workflowBundle: { codePath: inject('workflowBundlePath') }, dataConverter: dataConverter(config.config) },
    histories(),
  ))
    if (r.error) failures.push(`${r.workflowId}: ${r.error.message}`);
  return failures;
}
