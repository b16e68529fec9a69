/**
 * Bringing in messy legacy spreadsheets with known defects, in a namespace of their own: exactly
 * the expected rows refused (row and column), the rest opened at their stage with
 * back-dated clocks that escalate at once, report figures equal to the seeded truth, a re-import
 * all "unchanged", and a corrected file changing only the rows that changed, as events.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { spawnService } from '../scripts/processes.js';
import { caseIdFor } from '../ids/case-id.js';
import { useStackInOwnNamespace } from './harness.js';
import { messySpreadsheet, withRenamed } from './spreadsheet.js';
import { eventually } from './systems.js';
import { daysAgo } from './dates.js';
import { caseStateQuery, caseWorkflowId } from '../workflows/messages.js';
import { defaultPayloadConverter } from '@temporalio/common';
import { reportingMessagesOf } from '../activities/reporting-history.js';
import { decode, historiesOfCase, type HistoryEvent } from '../history/read.js';
import { BULK_PRIORITY_KEY, canChangePriority } from '../imports/priority.js';

// Validation of 5,000 messy rows is checked exactly; bringing rows in (a workflow each) is checked on
// 1,000 here to keep the suite short, and at 5,000 and 50,000 by `npm run bench:import`.
const big = messySpreadsheet(5000);
const sheet = messySpreadsheet(Number(process.env.IMPORT_ROWS ?? 1000), 11);

// Unpaced: this file checks what an import brings in, three times over 1,000 rows, on two cores shared
// with another file, where the adaptive pace (the default; its rules in import-pace.unit.test.ts, its
// effect in bench/import.ts) keeps halving for the machine's sake and the file took 140 s instead of 50.
// Imported cases as bulk work wherever the server can set them back (the cluster's), so that path is tested.
const stack = useStackInOwnNamespace('imports', { IMPORT_PACE: 'fixed', IMPORT_PRIORITY: 'auto' });

async function upload(csv: string, options: { dryRun?: boolean; multipart?: boolean; name?: string } = {}) {
  const token = await stack.token('supervisor', 'sam');
  const url = `${stack.baseUrl}/imports?dryRun=${options.dryRun ?? false}${options.multipart ? '' : `&fileName=${options.name ?? 'legacy.csv'}`}`;
  let init: RequestInit;
  if (options.multipart) {
    const form = new FormData();
    form.append('file', new Blob([csv], { type: 'text/csv' }), options.name ?? 'legacy.csv');
    init = { method: 'POST', headers: { authorization: `Bearer ${token}` }, body: form };
  } else {
    init = { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'text/csv' }, body: csv };
  }
  const res = await fetch(url, init);
  const body = (await res.json()) as any;
  expect(res.status, JSON.stringify(body)).toBe(202);
  const t0 = Date.now();
  const done = await eventually(
    async () => {
      const report = (await stack.call('GET', body.location, { role: 'supervisor' })).body;
      return report.phase === 'done' ? report : undefined;
    },
    400_000,
    `import ${body.importId}`,
  );
  if (process.env.IMPORT_TIMING)
    console.log(`import ${options.dryRun ? 'dry' : ''} ${Date.now() - t0} ms`, done.outcomes);
  return done;
}

/**
 * The opening's delivery within the task as runs under features-2026-12-import recorded it: its
 * activity `deliver`, whose answer is a bare receipt (their later changes went as scheduled ones).
 */
let rewritten = 0;
function asBeforeTheAnswerCarriedIt(e: HistoryEvent): HistoryEvent {
  const marker = e.markerRecordedEventAttributes;
  const data = decode<{ activity_type?: string }>(marker?.details?.data?.payloads?.[0]);
  if (data?.activity_type !== 'deliverTogetherInTask') return e;
  // Tried alone: an imported case's opening goes to the reporting model only.
  const answers = decode<Array<{ receiptId: string; message: { seq: number } }>>(marker!.details!.result!.payloads![0]);
  const result = answers?.length === 1 ? answers[0] : undefined;
  if (result?.message.seq !== 0) return e;
  rewritten += 1;
  return {
    ...e,
    markerRecordedEventAttributes: {
      ...marker,
      details: {
        data: { payloads: [defaultPayloadConverter.toPayload({ ...data, activity_type: 'deliver' })] },
        result: { payloads: [defaultPayloadConverter.toPayload({ receiptId: result!.receiptId })] },
      },
    },
  };
}

const wanted = sheet.rejections.map((r) => `${r.row}:${r.field}`);
const bigWanted = big.rejections.map((r) => `${r.row}:${r.field}`);
const caseOf = async (ref: string) =>
  (await stack.call('GET', `/cases/${caseIdFor(ref)}`, { role: 'supervisor' })).body;

describe('POST /imports', () => {
  it(
    'a dry run reports exactly the known defects by row and column, and opens nothing',
    { timeout: 120_000 },
    async () => {
      const report = await upload(big.csv, { dryRun: true, multipart: true, name: 'dry.csv' });
      expect(report).toMatchObject({
        file: 'dry.csv',
        dryRun: true,
        rows: 5000,
        accepted: big.accepted,
        rejected: big.rejections.length,
        processed: 0,
      });
      expect(report.rejections.map((r: any) => `${r.row}:${r.field}`)).toEqual(bigWanted);
      for (const r of report.rejections) expect(r.reason.length).toBeGreaterThan(5);
      expect(report.possibleDuplicates.map((d: any) => d.row)).toEqual(big.possibleDuplicates);
      expect((await stack.client.workflow.count("WorkflowType = 'caseWorkflow'")).count).toBe(0);
    },
  );

  it(
    'imports the accepted rows at their stage; a re-import is all unchanged; a corrected file changes only what changed',
    { timeout: 900_000 },
    async () => {
      const first = await upload(sheet.csv);
      expect(first.rejections.map((r: any) => `${r.row}:${r.field}`)).toEqual(wanted);
      expect(first).toMatchObject({
        processed: sheet.accepted,
        outcomes: { created: sheet.accepted, updated: 0, unchanged: 0, conflict: 0 },
      });

      // Bulk work where the server can set a case back (imports/priority.ts): each case started at the
      // bulk key and, once its first task was under way, set back to the default (an options-updated event). On a
      // server that cannot (the dev server's 1.29), started at the default and never touched.
      const bulk = canChangePriority((await stack.client.workflowService.getSystemInfo({})).serverVersion);
      // The last rows of the sheet too: their first tasks were the last to run, still waiting when
      // the chunk's rows were all started. Set back only once that task was under way: set back while
      // it waited, the server would have queued it again at the default, beside caseworkers' changes.
      for (const g of [...sheet.good.slice(0, 3), ...sheet.good.slice(-3)]) {
        const runs = await historiesOfCase(stack.client, caseWorkflowId(caseIdFor(g.ref)));
        const events = runs.flat(); // oldest run first: its start event leads
        const started = events[0]!.workflowExecutionStartedEventAttributes;
        const setBack = events.flatMap((e, i) =>
          e.workflowExecutionOptionsUpdatedEventAttributes
            ? [{ to: e.workflowExecutionOptionsUpdatedEventAttributes.priority?.priorityKey ?? 0, at: i }]
            : [],
        );
        const firstTaskStarted = events.findIndex((e) => e.workflowTaskStartedEventAttributes);
        expect({ startedAt: started?.priority?.priorityKey ?? 0, setBack: setBack.map((u) => u.to) }).toEqual(
          bulk ? { startedAt: BULK_PRIORITY_KEY, setBack: [0] } : { startedAt: 0, setBack: [] },
        );
        for (const u of setBack)
          expect(u.at, 'set back after the first task started').toBeGreaterThan(firstTaskStarted);
        const { raw } = await stack.client.workflow.getHandle(caseWorkflowId(caseIdFor(g.ref))).describe();
        expect(raw.workflowExecutionInfo?.priority?.priorityKey ?? 0).toBe(0);
      }

      // Where the record says, with where it came from first in its timeline.
      const listed = sheet.good.find((g) => g.cells.status === 'listed')!;
      expect(await caseOf(listed.ref)).toMatchObject({
        stage: 'tribunal',
        status: 'listed',
        version: expect.any(Number),
      });
      const timeline = (await stack.call('GET', `/cases/${caseIdFor(listed.ref)}/timeline`, { role: 'auditor' })).body;
      expect(timeline.entries[0]).toMatchObject({
        seq: 0,
        type: 'case.imported',
        actor: { id: 'sam' },
        to: 'tribunal:listed',
        note: `imported from legacy.csv, row ${listed.row}`,
      });

      // Back-dated: an appeal lodged 17+ weeks ago in the cohort has escalated already.
      const late = sheet.good.find(
        (g) =>
          g.cells.stage === 'appeal' &&
          !g.cells.status &&
          (g.weeksSinceAppeal ?? 0) >= 17 &&
          ['yes', 'Y', 'TRUE'].includes(g.cells.supported!),
      )!;
      const clock = await eventually(
        async () => {
          const c = (await caseOf(late.ref)).clocks.find((k: any) => k.name === 'tribunal-24-weeks');
          return c?.level >= 1 ? c : undefined;
        },
        60_000,
        'the back-dated escalation',
      );
      expect(clock.level).toBe(late.weeksSinceAppeal! >= 20 ? 2 : 1);
      // Owed when it came in, so applied in its first workflow task: no timer slept for it.
      const lateRuns = await historiesOfCase(stack.client, caseWorkflowId(caseIdFor(late.ref)));
      const lateEvents = lateRuns.flat();
      expect(lateEvents.filter((e) => e.timerFiredEventAttributes)).toEqual([]);
      // The escalation is delivered to the notifier after it is recorded on the case.
      const notices = await eventually(
        async () => {
          const n = (await (
            await fetch(`${stack.systems.notifier.url}/messages?caseId=${caseIdFor(late.ref)}`)
          ).json()) as any;
          return n.messages.length >= 1 ? n.messages : undefined;
        },
        60_000,
        'the escalation at the notifier',
      );
      expect(notices[0].type).toBe('clock.escalated');

      // The two numbers officials could not give.
      const summary = await eventually(
        async () => {
          const s = (await stack.call('GET', '/reports/summary', { role: 'supervisor' })).body;
          return s.openCases === sheet.accepted &&
            s.repeatAppeals === sheet.truth.repeatAppeals &&
            s.absconders === sheet.truth.absconders
            ? s
            : undefined;
        },
        60_000,
        'visibility to catch up',
      );
      expect(summary).toMatchObject({ repeatAppeals: sheet.truth.repeatAppeals, absconders: sheet.truth.absconders });

      const again = await upload(sheet.csv);
      expect(again.outcomes).toEqual({ created: 0, updated: 0, unchanged: sheet.accepted, conflict: 0 });

      const renamed = sheet.good.slice(10, 13).map((g) => g.row);
      const corrected = await upload(withRenamed(sheet, renamed), { name: 'legacy-corrected.csv' });
      expect(corrected.outcomes).toEqual({ created: 0, updated: 3, unchanged: sheet.accepted - 3, conflict: 0 });
      const one = sheet.good.find((g) => g.row === renamed[0])!;
      expect((await caseOf(one.ref)).person.name).toBe(`Corrected Name ${one.row}`);
      const history = (await stack.call('GET', `/cases/${caseIdFor(one.ref)}/timeline`, { role: 'auditor' })).body
        .entries;
      expect(history.at(-1)).toMatchObject({ type: 'import.corrected', actor: { role: 'system' } });

      // What each case told the reporting model, read back from its history (the rebuild's source):
      // the opening first. Runs under the features-2026-12-import patch delivered it within the task
      // by a marker that kept no message; read as those, the opening is made again from the start's
      // input, the same message.
      for (const g of [one, ...sheet.good.slice(0, 3)]) {
        const caseId = caseIdFor(g.ref);
        const runs = await historiesOfCase(stack.client, caseWorkflowId(caseId));
        const sent = reportingMessagesOf(caseId, runs);
        expect(sent[0]).toMatchObject({ seq: 0, event: { type: 'case.opened' } });
        expect(sent.map((m) => m.seq)).toEqual(sent.map((_, i) => i));
        const before = rewritten;
        expect(
          reportingMessagesOf(
            caseId,
            runs.map((events) => events.map(asBeforeTheAnswerCarriedIt)),
          ),
        ).toEqual(sent);
        expect(rewritten).toBe(before + 1); // the opening's marker was read as those runs recorded it
      }
    },
  );

  it(
    'npm run import uploads a file, follows it to the end and writes the report beside it',
    { timeout: 120_000 },
    async () => {
      const dir = mkdtempSync(join(tmpdir(), 'cli-import-'));
      const file = join(dir, 'team-sheet.csv');
      writeFileSync(
        file,
        'HO Ref,Full Name,DOB,Nationality,Stage,Claim Date\nK7000001,Cli Person,01/02/1990,ERI,claim,03/03/2025\nK70,Bad Ref,01/02/1990,ERI,claim,03/03/2025\n',
      );
      const lines: string[] = [];
      const cli = spawnService('import', 'scripts/import.ts', {
        args: [file, '--dry-run', '--url', stack.baseUrl],
        env: { JWT_SECRET: stack.config.auth.jwtSecret },
        onLine: (l) => lines.push(l),
      });
      expect(await cli.exited).toBe(0);
      expect(lines.join('\n')).toMatch(/Dry run imp-\w+ of team-sheet\.csv: 2 rows, 1 accepted, 1 rejected/);
      expect(lines.join('\n')).toContain('row 3  ho_ref');
      const report = JSON.parse(readFileSync(`${file}.report.json`, 'utf8'));
      expect(report).toMatchObject({ dryRun: true, rows: 2, accepted: 1, rejected: 1 });
    },
  );

  it('refuses what it cannot read, naming why, and changes nothing', { timeout: 180_000 }, async () => {
    const token = await stack.token('supervisor');
    const json = await fetch(`${stack.baseUrl}/imports`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: '{}',
    });
    expect(json.status).toBe(415);
    expect(json.headers.get('content-type')).toContain('application/problem+json');
    const headerless = await upload('just,some,columns\n1,2,3\n', { dryRun: true });
    expect(headerless.rejections.map((r: any) => r.field)).toEqual(
      expect.arrayContaining(['ho_ref', 'claim_date', 'stage']),
    );
    expect((await stack.call('POST', '/imports', { role: 'caseworker' })).status).toBe(403);
  });

  it(
    'brings in the later columns: a grant of humanitarian protection, references search finds, supported accommodation dated before the appeal',
    { timeout: 180_000 },
    async () => {
      const header =
        'ho_ref,name,date_of_birth,nationality,stage,status,grant,claim_date,decision_date,sent_on,appeal_lodged_date,' +
        'pnc,localAuthorityRef,supportedAccommodationFrom';
      const person = (n: number) => `Later Columns ${n},01/02/1990,ERI`;
      const appeal = (ref: string, n: number, supportedFrom: string) =>
        `${ref},${person(n)},appeal,,,${daysAgo(200)},${daysAgo(30)},${daysAgo(28)},${daysAgo(20)},,,${supportedFrom}`;
      const csv = [
        header,
        `P8100001,${person(1)},exit,granted,Humanitarian Protection,${daysAgo(200)},${daysAgo(60)},,,,,`,
        `P8100002,${person(2)},claim,,,${daysAgo(200)},,,,25/1234567A,LA-2025.0042,`,
        appeal('P8100003', 3, daysAgo(90)), // in supported accommodation before the appeal: the 24 weeks run
        appeal('P8100004', 4, daysAgo(10)), // only since after it: no clock
        `P8100005,${person(5)},exit,granted,,${daysAgo(200)},${daysAgo(60)},,,,,`, // granted, but which grant?
        `P8100006,${person(6)},claim,,,${daysAgo(200)},,,,25/1234567B,,`, // wrong check letter
      ].join('\n');
      const report = await upload(csv, { name: 'later-columns.csv' });
      expect(report.rejections).toEqual([
        { row: 6, field: 'grant', reason: expect.stringContaining('required') },
        { row: 7, field: 'pnc', reason: expect.stringContaining('check letter') },
      ]);
      expect(report.outcomes).toEqual({ created: 4, updated: 0, unchanged: 0, conflict: 0 });

      expect(await caseOf('P8100001')).toMatchObject({ stage: 'exit', status: 'granted' });
      const granted = await stack.client.workflow
        .getHandle(caseWorkflowId(caseIdFor('P8100001')))
        .query(caseStateQuery);
      expect(granted.imported?.record.grant).toBe('humanitarian-protection');

      expect((await caseOf('P8100002')).identifiers).toMatchObject({
        pnc: '25/1234567A',
        localAuthorityRef: 'LA-2025.0042',
      });
      for (const ref of ['25/1234567A', 'LA-2025.0042']) {
        const found = await eventually(
          async () => {
            const res = await stack.call('GET', `/cases?ref=${encodeURIComponent(ref)}`, { role: 'supervisor' });
            expect(res.status, JSON.stringify(res.body)).toBe(200);
            return res.body.cases.length > 0 ? res.body.cases : undefined;
          },
          60_000,
          `search by ${ref}`,
        );
        expect(found.map((c: any) => c.caseId)).toEqual([caseIdFor('P8100002')]);
      }

      const before = await caseOf('P8100003');
      expect(before).toMatchObject({
        status: 'lodged',
        dates: { sentOn: daysAgo(28) },
        cohortAtAppeal: { supportedAccommodation: true },
        cohortFacts: [{ effectiveOn: daysAgo(90), changes: { supportedAccommodation: true } }],
      });
      expect(before.clocks.find((c: any) => c.name === 'tribunal-24-weeks')).toMatchObject({
        state: 'running',
        level: 0,
      });
      const after = await caseOf('P8100004');
      expect(after).toMatchObject({
        cohort: { supportedAccommodation: true },
        cohortAtAppeal: { supportedAccommodation: false },
      });
      expect(after.clocks.find((c: any) => c.name === 'tribunal-24-weeks')).toBeUndefined();
    },
  );
});
