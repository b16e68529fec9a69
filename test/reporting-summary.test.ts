/**
 * The summary from the reporting read model (#20): equal to visibility's counts of the same cases;
 * the cases behind each figure, listed and paged, recorded in the access log, and linked from the
 * pages; and the nightly reconciliation finding a damaged model, reporting the drift, and repairing
 * it to what a rebuild makes. A namespace of its own: every case counted is this file's.
 */
import Database from 'better-sqlite3';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openReportingStore } from '../reporting/index.js';
import { rebuildReporting } from '../activities/reporting-history.js';
import { useStack } from './harness.js';
import { caseApi } from './case-api.js';
import { eventually } from './systems.js';
import {
  allCasesBehind,
  DAY,
  modelCaughtUp,
  monday,
  plus,
  reconciledNow,
  runOnModel,
  T,
  today,
} from './reporting-steps.js';

const stack = useStack({ namespacePrefix: 'report-summary' });
const api = caseApi(stack, 'report-summary');

/** What the test did: each case's stage, and when it entered it. */
const booked = new Map<string, { stage: string; enteredOn: string; claimedOn: string }>();

async function open(claimDate: string) {
  const caseId = await stack.openCase({ claimDate });
  booked.set(caseId, { stage: 'claim', enteredOn: claimDate, claimedOn: claimDate });
  return caseId;
}
async function refuse(caseId: string, on: string) {
  await api.apply(caseId, 'caseworker', { type: 'decision.refused', decidedOn: on, sentOn: on });
  booked.set(caseId, { ...booked.get(caseId)!, stage: 'decision', enteredOn: on });
}
async function lodge(caseId: string, on: string) {
  await api.apply(caseId, 'tribunal', { type: 'appeal.lodged', lodgedOn: on });
  booked.set(caseId, { ...booked.get(caseId)!, stage: 'appeal', enteredOn: on });
}

/** Every case's model has caught up with the case. */
const settled = () => modelCaughtUp(stack, api, booked.keys());

const summary = async (source?: 'visibility') => {
  const res = await stack.call('GET', `/reports/summary${source ? `?source=${source}` : ''}`, { role: 'supervisor' });
  expect(res.status).toBe(200);
  const { generatedAt: _ignored, ...figures } = res.body;
  return figures;
};
/** Visibility's count settles a moment after the change; the model's is already there. */
const sameAsVisibility = async () => {
  let last: unknown[] = [];
  await eventually(
    async () => {
      last = [await summary(), await summary('visibility')];
      return JSON.stringify(last[0]) === JSON.stringify(last[1]) ? true : undefined;
    },
    30_000,
    'the model and visibility to agree',
  ).catch(() => undefined);
  expect(last[0]).toEqual(last[1]);
  return last[0] as Record<string, any>;
};

const listed = (query: string) => allCasesBehind(stack, `/reports/cases?${query}`);
const sorted = (ids: Iterable<string>) => [...ids].sort();

describe('the summary from the reporting read model', () => {
  it('equals the visibility counts of the same cases, and the test’s own', { timeout: 180_000 }, async () => {
    await open(T(-100));
    await open(T(-40));
    // Refused days ago: the appeal window (14 days) is open, so the workflow moves none of them on.
    await refuse(await open(T(-60)), T(-3));
    await refuse(await open(T(-50)), T(-2));
    const appellant = await open(T(-45));
    await refuse(appellant, T(-6));
    await lodge(appellant, T(-1));
    await settled();
    const figures = await sameAsVisibility();
    const byStage = (stage: string) => [...booked.values()].filter((b) => b.stage === stage).length;
    expect(figures.backlogByStage).toMatchObject({ claim: byStage('claim'), decision: byStage('decision') });
    expect(figures.openCases).toBe(booked.size);
  });

  it('lists the cases behind each figure, paged and recorded in the access log', { timeout: 120_000 }, async () => {
    const inStage = (stage: string) => sorted([...booked].filter(([, b]) => b.stage === stage).map(([id]) => id));
    expect(await listed('report=summary&figure=backlogByStage&stage=decision')).toEqual(inStage('decision'));
    expect(sorted(await listed('report=summary&figure=openCases'))).toEqual(sorted(booked.keys()));
    // Ageing: open cases at claim 28 to 83 days since they entered it.
    const age = (d: string) => Math.round((Date.parse(`${today}T00:00:00Z`) - Date.parse(`${d}T00:00:00Z`)) / DAY);
    expect(await listed('report=ageing&stage=claim&fromDays=28&toDays=83')).toEqual(
      sorted(
        [...booked]
          .filter(([, b]) => b.stage === 'claim' && age(b.enteredOn) >= 28 && age(b.enteredOn) <= 83)
          .map(([id]) => id),
      ),
    );
    // Flow: the cases that entered claim in the week of one claim date (every case entered claim on its claim date).
    const week = monday(T(-40));
    const inWeek = (d: string) => d >= week && d <= plus(week, 6);
    expect(await listed(`report=flow&week=${T(-40)}&stage=claim&which=entered`)).toEqual(
      sorted([...booked].filter(([, b]) => inWeek(b.claimedOn)).map(([id]) => id)),
    );

    // Pages are sealed to their figure: a token of one list is refused on another.
    const first = await stack.call('GET', '/reports/cases?report=summary&figure=openCases&pageSize=1', {
      role: 'supervisor',
    });
    expect(first.body.nextPageToken).toEqual(expect.any(String));
    const other = await stack.call(
      'GET',
      `/reports/cases?report=summary&figure=backlogByStage&stage=claim&pageSize=1&pageToken=${first.body.nextPageToken}`,
      { role: 'supervisor' },
    );
    expect(other.status).toBe(400);
    expect(other.body.errors.map((e: any) => e.field)).toEqual(['pageToken']);
    const missing = await stack.call('GET', '/reports/cases?report=ageing&stage=claim', { role: 'supervisor' });
    expect(missing.body.errors.map((e: any) => e.field)).toEqual(['fromDays']);
    expect(
      (await stack.call('GET', '/reports/cases?report=summary&figure=openCases', { role: 'caseworker' })).status,
    ).toBe(403);

    // Who listed a case is in its access log.
    const [listedCase] = first.body.caseIds;
    const log = await stack.call('GET', `/cases/${listedCase}/access`, { role: 'auditor' });
    expect(log.body.entries).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ action: 'search-hit', route: 'GET /reports/cases', role: 'supervisor' }),
      ]),
    );

    // The overview links the figure to the page of its cases, and that page links each case.
    const cookie = { cookie: `case_tracker_token=${await stack.token('supervisor')}` };
    const overview = await (await fetch(`${stack.baseUrl}/app`, { headers: cookie })).text();
    const href = '/app/reports/cases?report=summary&amp;figure=backlogByStage&amp;stage=decision';
    expect(overview).toContain(`href="${href}"`);
    const page = await (await fetch(`${stack.baseUrl}${href.replaceAll('&amp;', '&')}`, { headers: cookie })).text();
    expect(sorted(page.match(/(?<=href="\/app\/cases\/)AC-[0-9A-Z]+/g) ?? [])).toEqual(inStage('decision'));
  });

  it(
    'is checked against visibility nightly: drift reported, repaired to what a rebuild makes',
    { timeout: 180_000 },
    async () => {
      await settled();
      const [gone, moved, unknown] = [...booked.keys()];
      // Damage the file as an operator's mistake would: a case lost, one moved, one's figures lost.
      await runOnModel(stack, [
        ...['positions', 'stays', 'figures'].map(
          (table) => [`DELETE FROM ${table} WHERE case_id = $1`, gone] as [string, string],
        ),
        [`UPDATE positions SET stage = 'tribunal' WHERE case_id = $1`, moved],
        ['DELETE FROM figures WHERE case_id = $1', unknown],
      ]);
      const visibility = await summary('visibility');
      expect(await summary()).not.toEqual(visibility);

      const report = await reconciledNow(stack);
      const model = report.reportingModel;
      expect(model.cases).toBe(booked.size);
      expect(model.drift.stages).toEqual(
        expect.arrayContaining([
          { key: 'tribunal', model: 1, visibility: 0 },
          expect.objectContaining({ key: booked.get(gone!)!.stage }),
        ]),
      );
      expect(model.drift.statuses.length).toBeGreaterThan(0);
      expect(model.examples).toEqual(expect.arrayContaining([gone, moved, unknown]));
      expect(model.repaired).toBe(model.examples.length);
      expect(model.after).toEqual({ stages: [], statuses: [], syncFailures: [] });
      // The lost case's stays went behind the day counts' back: the recount after the repair saw it.
      expect(model.dayCountsCorrected).toBeGreaterThan(0);

      // Repaired equals rebuilt, and the figures equal visibility's again.
      const fresh = openReportingStore(join(mkdtempSync(join(tmpdir(), 'rebuilt-')), 'reporting.sqlite'));
      try {
        await rebuildReporting(stack.client, fresh);
        const of = async (s: typeof fresh) => ({
          positions: await s.positions(),
          stays: await s.stays(),
          figures: await s.figures(),
          assignments: await s.assignments(),
          dutyAppeals: await s.dutyAppeals(),
          // What flow and ageing read: the day counts.
          entered: await s.weeklyCounts('entered', T(-800), T(0)),
          left: await s.weeklyCounts('left', T(-800), T(0)),
          ages: await s.openAges(T(0)),
        });
        expect(await of(stack.reporting)).toEqual(await of(fresh));
      } finally {
        await fresh.close();
      }
      expect(await summary()).toEqual(visibility);

      // A store file made before the figures opens, and gains them.
      const old = join(mkdtempSync(join(tmpdir(), 'old-')), 'reporting.sqlite');
      const before = new Database(old);
      before.exec(`CREATE TABLE positions (case_id TEXT PRIMARY KEY, seq INTEGER NOT NULL, stage TEXT NOT NULL, entered_on TEXT NOT NULL) STRICT;
      INSERT INTO positions VALUES ('AC-000000000000', 3, 'claim', '${T(-3)}');`);
      before.close();
      const reopened = openReportingStore(old);
      try {
        expect(await reopened.positions()).toHaveLength(1);
        expect(await reopened.figures()).toEqual([]);
      } finally {
        await reopened.close();
      }
    },
  );
});
