/**
 * Sync failures in the summary come from the reporting read model (#20), not a visibility count:
 * the Home Office rejects a case's delivery for good, the workflow tells the model (a message of
 * its own: a rejection is no change), the summary's `syncFailures` and its list of cases show the
 * case, and a re-send (a change) clears it. A flag set by hand in the model shows in the summary
 * and not in visibility (the summary reads the model), and the nightly reconciliation finds it and
 * repairs it; a rebuild from the histories gives the same flags as live. A namespace of its own:
 * every case counted is this file's.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { rebuildReporting } from '../activities/reporting-history.js';
import { openReportingStore } from '../reporting/index.js';
import { caseApi } from './case-api.js';
import { rejectedDelivery, useStack } from './harness.js';
import { allCasesBehind, modelCaughtUp, reconciledNow, runOnModel } from './reporting-steps.js';
import { eventually } from './systems.js';

const stack = useStack({ namespacePrefix: 'reporting-sync' });
const api = caseApi(stack, 'reporting-sync');

const syncFailures = async (source?: 'visibility') => {
  const res = await stack.call('GET', `/reports/summary${source ? `?source=${source}` : ''}`, { role: 'supervisor' });
  expect(res.status).toBe(200);
  return res.body.syncFailures as number;
};
const listed = () => allCasesBehind(stack, '/reports/cases?report=summary&figure=syncFailures');
/** Visibility's own count, asked directly: what the summary used to send. */
const visibilityCount = async () => (await stack.client.workflow.count('CaseSyncFailed = true')).count;
/** Until visibility's count (a moment behind the case) is `n`. */
const visibilityAt = (n: number) =>
  eventually(async () => ((await visibilityCount()) === n ? true : undefined), 30_000, `visibility to count ${n}`);
/** The case's flag as the model's figures row holds it. */
const modelFlag = async (caseId: string) =>
  (await stack.reporting.figures()).find((f) => f.caseId === caseId)?.syncFailed;

/** Each case's flag as a rebuild from the histories makes it. */
async function rebuiltFlags() {
  const fresh = openReportingStore(join(mkdtempSync(join(tmpdir(), 'rebuilt-')), 'reporting.sqlite'));
  try {
    await rebuildReporting(stack.client, fresh);
    return (await fresh.figures()).map((f) => [f.caseId, f.syncFailed]);
  } finally {
    await fresh.close();
  }
}

describe('sync failures from the reporting read model', () => {
  it(
    'counts a rejected delivery, lists its case, and clears it on re-send, as visibility does',
    { timeout: 240_000 },
    async () => {
      const [failing, other] = [await stack.openCase(), await stack.openCase()];
      await modelCaughtUp(stack, api, [failing, other]);
      expect(await syncFailures()).toBe(0);

      // The Home Office refuses the case's next change for good.
      await rejectedDelivery(stack, failing);
      await eventually(async () => ((await modelFlag(failing)) ? true : undefined), 30_000, 'the model to hear it');
      expect(await syncFailures()).toBe(1);
      expect(await listed()).toEqual([failing]);
      await visibilityAt(1);
      expect(await syncFailures('visibility')).toBe(1);
      // The change the rejection came with is all the case moved: the flag needed no change of its own.
      await modelCaughtUp(stack, api, [failing, other]);
      expect(await rebuiltFlags()).toEqual((await stack.reporting.figures()).map((f) => [f.caseId, f.syncFailed]));

      // The summary reads the model: a flag set there by hand shows, though visibility has one.
      await runOnModel(stack, [['UPDATE figures SET sync_failed = 1 WHERE case_id = $1', other]]);
      expect(await syncFailures()).toBe(2);
      expect(await listed()).toEqual([failing, other].sort());
      expect(await visibilityCount()).toBe(1);

      // The nightly reconciliation compares the flags with visibility's and remakes the case.
      const report = await reconciledNow(stack);
      expect(report.reportingModel.drift.syncFailures).toEqual([{ key: 'failed', model: 2, visibility: 1 }]);
      expect(report.reportingModel.examples).toEqual([other]);
      expect(report.reportingModel.after).toEqual({ stages: [], statuses: [], syncFailures: [] });
      expect(await syncFailures()).toBe(1);
      expect(await listed()).toEqual([failing]);

      // Corrected on their side and re-sent: a change, whose figures carry the cleared flag.
      await api.apply(failing, 'supervisor', { type: 'sync.resent', system: 'homeOffice' });
      await modelCaughtUp(stack, api, [failing]);
      expect(await modelFlag(failing)).toBe(false);
      expect(await syncFailures()).toBe(0);
      expect(await listed()).toEqual([]);
      await visibilityAt(0);
      expect(await syncFailures('visibility')).toBe(0);
      expect(await rebuiltFlags()).toEqual([failing, other].sort().map((id) => [id, false]));
    },
  );
});
