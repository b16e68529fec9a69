/**
 * Reconciliation finds what the systems lost and repairs it through the cases themselves: a change
 * deleted from the Home Office's store comes back, a case the Home Office forgot is sent again,
 * nothing is applied twice, and the next run finds nothing.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { reconcileUpdate, caseWorkflowId } from '../workflows/messages.js';
import { useStack } from './harness.js';
import { daysAgo } from './dates.js';
import { eventually, type RunningSystem } from './systems.js';

const stack = useStack();

/** Triggers a run as a supervisor would, and waits for a run that started after the request to finish. */
async function reconcile() {
  const asked = await stack.call('POST', '/reconciliations', { role: 'supervisor' });
  expect(asked.status).toBe(202);
  return eventually(
    async () => {
      const res = await stack.call('GET', '/reports/reconciliation', { role: 'supervisor' });
      const run = res.body.runs.find(
        (r: any) => r.status === 'completed' && r.report.startedAt >= asked.body.requestedAt,
      );
      return run?.report;
    },
    60_000,
    'a reconciliation run',
  );
}

/** Deletes records from a system's store while it is stopped, as an operator's mistake would. */
async function deleteFromStore(system: RunningSystem, doomed: (record: { caseId: string; seq: number }) => boolean) {
  await system.kill();
  const lines = readFileSync(system.data, 'utf8')
    .split('\n')
    .filter((l) => l.trim());
  writeFileSync(
    system.data,
    lines
      .filter((l) => !doomed(JSON.parse(l)))
      .map((l) => `${l}\n`)
      .join(''),
  );
  await system.start();
}

const settled = (caseId: string) =>
  eventually(
    async () => {
      const c = (await stack.call('GET', `/cases/${caseId}`, { role: 'supervisor' })).body;
      return c.sync.homeOffice.pending + c.sync.courts.pending === 0 ? c : undefined;
    },
    30_000,
    `deliveries of ${caseId}`,
  );

describe('reconciliation', () => {
  it(
    'reports drift, repairs it through the case in order and once, and a second run finds none',
    { timeout: 180_000 },
    async () => {
      const appealed = await stack.openCase();
      for (const [role, body] of [
        ['caseworker', { type: 'decision.refused', decidedOn: daysAgo(3) }],
        ['tribunal', { type: 'appeal.lodged' }],
        ['tribunal', { type: 'tribunal.listed', hearingDate: daysAgo(-30) }],
      ] as const)
        expect((await stack.call('POST', `/cases/${appealed}/events`, { role, body })).status).toBe(200);
      const forgotten = await stack.openCase();
      expect(
        (
          await stack.call('POST', `/cases/${forgotten}/events`, {
            body: { type: 'decision.refused', decidedOn: daysAgo(3) },
          })
        ).status,
      ).toBe(200);
      await settled(appealed);
      await settled(forgotten);
      const before = (await stack.systems.homeOffice.view(appealed))!;
      expect(before.messages.map((m) => m.seq)).toEqual([1, 2, 3]);

      // The Home Office loses the appeal (change 2) of one case and every record of the other.
      await deleteFromStore(
        stack.systems.homeOffice,
        (r) => (r.caseId === appealed && r.seq === 2) || r.caseId === forgotten,
      );
      expect((await stack.systems.homeOffice.view(appealed))!.messages.map((m) => m.seq)).toEqual([1, 3]);
      expect(await stack.systems.homeOffice.view(forgotten)).toBeUndefined();

      const first = await reconcile();
      expect(first).toMatchObject({
        cases: 2,
        casesWithDrift: 2,
        drift: { missing: 1, 'unknown-case': 1, stage: 0, unexpected: 0 },
        resent: 2,
        unreachable: { homeOffice: 0, courts: 0 },
      });
      expect(first.examples).toEqual(
        expect.arrayContaining([
          expect.objectContaining({ caseId: appealed, system: 'homeOffice', kind: 'missing', seq: 2 }),
          expect.objectContaining({ caseId: forgotten, kind: 'unknown-case' }),
        ]),
      );
      // Drift is recorded on the case itself.
      const onCase = (await stack.call('GET', `/cases/${appealed}`, { role: 'supervisor' })).body;
      expect(onCase.reconciliation.drift).toEqual([
        expect.objectContaining({ system: 'homeOffice', kind: 'missing', seq: 2 }),
      ]);

      // Repaired: the Home Office holds every change again, each once, in sequence order.
      const repaired = await eventually(
        async () => {
          const v = await stack.systems.homeOffice.view(appealed);
          return v?.messages.length === 3 ? v : undefined;
        },
        30_000,
        'the gap filled',
      );
      expect(repaired.messages.map((m) => m.key)).toEqual(before.messages.map((m) => m.key));
      expect(repaired.stage).toBe(before.stage);
      const refilled = await eventually(
        () => stack.systems.homeOffice.view(forgotten),
        30_000,
        'the forgotten case sent again',
      );
      expect(refilled.messages.map((m) => m.seq)).toEqual([1]);
      expect((await stack.systems.homeOffice.stats()).gapFills).toBe(1); // change 2 behind change 3; the forgotten case's 1 is in order
      expect((await stack.systems.courts.view(appealed))!.messages.map((m) => m.seq)).toEqual([2, 3]); // the courts lost nothing and got nothing twice

      const second = await reconcile();
      expect(second).toMatchObject({
        cases: 2,
        casesWithDrift: 0,
        drift: { missing: 0, 'unknown-case': 0, stage: 0, unexpected: 0 },
        resent: 0,
      });
      expect((await stack.call('GET', `/cases/${appealed}`, { role: 'supervisor' })).body.reconciliation.drift).toEqual(
        [],
      );
    },
  );

  it('counts a system it cannot reach instead of reporting drift there', { timeout: 120_000 }, async () => {
    await stack.systems.courts.faults({ down: true });
    try {
      const report = await reconcile();
      expect(report.unreachable.courts).toBe(report.cases);
      expect(report.unreachable.homeOffice).toBe(0);
      expect(report.casesWithDrift).toBe(0);
    } finally {
      await stack.systems.courts.faults({ down: false });
    }
  });

  it('refuses a re-send of a change the system never acknowledged, changing nothing', async () => {
    const caseId = await stack.openCase();
    const handle = stack.client.workflow.getHandle(caseWorkflowId(caseId));
    const forged = {
      key: `${caseId}:5:homeOffice`,
      system: 'homeOffice',
      caseId,
      seq: 5,
      type: 'claim.screened',
      at: new Date().toISOString(),
      actor: { id: 'x', role: 'caseworker' },
      event: { type: 'claim.screened' },
      after: {},
    } as never;
    await expect(
      handle.executeUpdate(reconcileUpdate, { args: [{ at: new Date().toISOString(), drift: [], resend: [forged] }] }),
    ).rejects.toMatchObject({ cause: { message: expect.stringMatching(/not a change homeOffice acknowledged/) } });
    expect((await stack.call('GET', `/cases/${caseId}`)).body.reconciliation).toBeUndefined();
  });

  it('is for supervisors: others get 403', async () => {
    expect((await stack.call('POST', '/reconciliations', { role: 'caseworker' })).status).toBe(403);
    expect((await stack.call('GET', '/reports/reconciliation', { role: 'tribunal' })).status).toBe(403);
  });
});
