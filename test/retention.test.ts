/**
 * What the tracker keeps, and for how long, end to end. A case dormant at a final exit for the
 * retention dormancy completes its workflow (cases are imported at exits back-dated past a short
 * dormancy: no test waits for real time); one not yet dormant, or with an appeal pending, does
 * not; a closed case still reads, a change to it is refused naming why, and a system's event
 * about it waits in the unmatched inbox. An import's uploaded
 * spreadsheet is deleted when the import ends, and its report still reads.
 */
import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { caseIdFor } from '../ids/case-id.js';
import { acceptedPath, uploadPath } from '../imports/files.js';
import { caseWorkflowId, importWorkflowId } from '../workflows/messages.js';
import { caseApi, positionOf } from './case-api.js';
import { daysAgo } from './dates.js';
import { uniqueHomeOfficeRef, useStack } from './harness.js';
import { eventually } from './systems.js';

const DORMANCY_DAYS = 10;
const stack = useStack({ env: { RETENTION_DORMANCY_DAYS: String(DORMANCY_DAYS) } });

const HEADER =
  'ho_ref,name,date_of_birth,nationality,stage,status,claim_date,decision_date,appeal_lodged_date,exit_date';
const withdrawn = (ref: string, exitedDaysAgo: number) =>
  `${ref},Ada Obi,1990-01-01,ERI,exit,withdrawn,${daysAgo(200)},,,${daysAgo(exitedDaysAgo)}`;
const appealLodged = (ref: string) =>
  `${ref},Ben Ade,1991-02-02,SDN,appeal,lodged,${daysAgo(200)},${daysAgo(100)},${daysAgo(95)},`;

/** Uploads a sheet and waits for the import's workflow to complete: its report as the API reads it. */
async function importSheet(rows: string[], dryRun = false) {
  const res = await fetch(`${stack.baseUrl}/imports?dryRun=${dryRun}&fileName=retention.csv`, {
    method: 'POST',
    headers: { authorization: `Bearer ${await stack.token('supervisor', 'sam')}`, 'content-type': 'text/csv' },
    body: `${HEADER}\n${rows.join('\n')}\n`,
  });
  const { importId } = (await res.json()) as { importId: string };
  expect(res.status).toBe(202);
  return importId;
}

const statusOf = async (workflowId: string) =>
  (await stack.client.workflow.getHandle(workflowId).describe()).status.name;

describe('retention', () => {
  it(
    'completes a case dormant at a final exit; not one short of its dormancy, nor one with an appeal pending',
    { timeout: 120_000 },
    async () => {
      const [dormant, recent, pending] = [uniqueHomeOfficeRef(), uniqueHomeOfficeRef(), uniqueHomeOfficeRef()];
      const importId = await importSheet([
        withdrawn(dormant, DORMANCY_DAYS + 20),
        withdrawn(recent, DORMANCY_DAYS - 7),
        appealLodged(pending),
      ]);
      await eventually(
        async () => ((await statusOf(importWorkflowId(importId))) === 'COMPLETED' ? true : undefined),
        60_000,
        'the import to finish',
      );
      const report = (await stack.call('GET', `/imports/${importId}`, { role: 'supervisor' })).body;
      expect(report.outcomes, JSON.stringify(report.rejections)).toMatchObject({ created: 3 });

      const [closed, open, appealing] = [dormant, recent, pending].map(caseIdFor) as [string, string, string];
      await eventually(
        async () => ((await statusOf(caseWorkflowId(closed))) === 'COMPLETED' ? true : undefined),
        30_000,
        'the dormant case to complete',
      );
      // The others had their first workflow task alongside it: asleep, not completing.
      expect(await statusOf(caseWorkflowId(open))).toBe('RUNNING');
      expect(await statusOf(caseWorkflowId(appealing))).toBe('RUNNING');
      const stillOpen = (await stack.call('GET', `/cases/${open}`, { role: 'supervisor' })).body;
      expect(positionOf(stillOpen)).toBe('exit:withdrawn');

      // Closed, it still reads (a query on a closed workflow, answered by a worker replaying it) …
      const read = await stack.call('GET', `/cases/${closed}`, { role: 'supervisor' });
      expect(read.status).toBe(200);
      expect(positionOf(read.body)).toBe('exit:withdrawn');
      expect(read.body.dates.exitedOn).toBe(daysAgo(DORMANCY_DAYS + 20));
      expect((await stack.call('GET', `/cases/${closed}/timeline`, { role: 'auditor' })).status).toBe(200);
      // … and a change to it is refused, naming why; the open one takes the same change.
      const refused = await stack.call('POST', `/cases/${closed}/events`, {
        role: 'caseworker',
        body: { type: 'further-submissions.lodged' },
      });
      expect(refused.status).toBe(409);
      expect(refused.body.type).toBe('urn:asylum-case-tracker:problem:case-closed');
      expect(refused.body.detail).toContain('dormant at a final exit');
      expect(refused.body.caseId).toBe(closed);
      // A system's event about it finds no open case: it waits in the unmatched inbox for a supervisor.
      const { webhook } = caseApi(stack, 'retention');
      // (Visibility may lag the close by a moment: until it shows, the event meets the closed workflow.)
      const reported = await eventually(
        async () => {
          const r = await webhook('home-office', {
            type: 'further-submissions.lodged',
            references: { homeOfficeRef: dormant },
          });
          return r.status === 202 ? r : undefined;
        },
        15_000,
        'the webhook to find no open case',
      );
      expect(reported.body.status).toBe('unmatched');
      const reopened = await stack.call('POST', `/cases/${open}/events`, {
        role: 'caseworker',
        body: { type: 'further-submissions.lodged' },
      });
      expect(reopened.status).toBe(200);
      expect(positionOf(reopened.body)).toBe('exit:further-submissions-pending');
    },
  );
});

describe('uploads', () => {
  it('are deleted when the import ends, and the report still reads', { timeout: 120_000 }, async () => {
    const dir = stack.config.imports.dir;
    const importId = await importSheet([withdrawn(uniqueHomeOfficeRef(), 1), 'not-a-ref,,,,,,,,,']);
    expect(existsSync(uploadPath(dir, importId))).toBe(true); // stored before 202, while the import runs
    await eventually(
      async () => ((await statusOf(importWorkflowId(importId))) === 'COMPLETED' ? true : undefined),
      60_000,
      'the import to finish',
    );
    expect(existsSync(uploadPath(dir, importId))).toBe(false);
    expect(existsSync(acceptedPath(dir, importId))).toBe(false);
    const report = (await stack.call('GET', `/imports/${importId}`, { role: 'supervisor' })).body;
    expect(report).toMatchObject({ phase: 'done', rows: 2, accepted: 1, rejected: 1 });
    expect(report.rejections[0]).toMatchObject({ row: 3 });
  });

  it('of a dry run are kept for its confirmation, then the run deletes its copy', { timeout: 120_000 }, async () => {
    const dir = stack.config.imports.dir;
    const dryRun = await importSheet([withdrawn(uniqueHomeOfficeRef(), 1)], true);
    await eventually(
      async () =>
        (await stack.call('GET', `/imports/${dryRun}`, { role: 'supervisor' })).body.phase === 'done'
          ? true
          : undefined,
      60_000,
      'the dry run to finish',
    );
    expect(existsSync(uploadPath(dir, dryRun))).toBe(true);
    const run = await stack.call('POST', `/imports/${dryRun}/run`, { role: 'supervisor' });
    expect(run.status).toBe(202);
    await eventually(
      async () => ((await statusOf(importWorkflowId(run.body.importId))) === 'COMPLETED' ? true : undefined),
      60_000,
      'the run to finish',
    );
    expect(existsSync(uploadPath(dir, run.body.importId))).toBe(false);
    expect((await stack.call('GET', `/imports/${run.body.importId}`, { role: 'supervisor' })).body).toMatchObject({
      phase: 'done',
      outcomes: { created: 1 },
    });
  });
});
