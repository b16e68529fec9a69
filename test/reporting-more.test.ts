/**
 * Time in stage, 24-week compliance by week of lodging, and workload by assignee (#20), end to
 * end: a population of cases moved over HTTP through back-dated paths (appeals decided in time and
 * late, open in time and past the limit, excepted, withdrawn, out of the duty's group, taken out
 * of the duty by the tribunal), assigned and reassigned; each report equals what the test itself
 * booked, counted here on its own; the CSV carries the same figures; each figure's `cases` link
 * lists exactly the cases booked for it; a rebuild from the histories fills the new tables as live.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { openReportingStore, type ReportingStore } from '../reporting/index.js';
import { rebuildReporting } from '../activities/reporting-history.js';
import { useStack } from './harness.js';
import { caseApi, clockOf } from './case-api.js';
import { eventually } from './systems.js';
import { allCasesBehind, days, modelCaughtUp, monday, plus, T, today } from './reporting-steps.js';

const stack = useStack({ workerProcess: true, namespacePrefix: 'reporting-more' });
const api = caseApi(stack, 'reporting-more');

const IN_GROUP = { supportedAccommodation: true, foreignNationalOffender: false, detained: false };
const OUT_OF_GROUP = { supportedAccommodation: false, foreignNationalOffender: false, detained: false };

/** What the test did to each case: its stays, its cohort, its assignee, and its appeal in the duty. */
interface Booked {
  stays: Array<{ stage: string; enteredOn: string; leftOn: string | null }>;
  cohort: boolean;
  assignee: string | null;
  /** The appeal's start and, once determined, its promulgation; ended: withdrawn; null: not in the duty. */
  duty: { startedOn: string; decidedOn: string | null; exception: boolean; ended: boolean } | null;
}
const booked = new Map<string, Booked>();

async function open(claimDate: string, { cohort = IN_GROUP, assignee }: { cohort?: object; assignee?: string } = {}) {
  const caseId = await stack.openCase({ claimDate, cohort, ...(assignee ? { assignee } : {}) });
  booked.set(caseId, {
    stays: [{ stage: 'claim', enteredOn: claimDate, leftOn: null }],
    cohort: cohort === IN_GROUP,
    assignee: assignee ?? null,
    duty: null,
  });
  return caseId;
}
/** An event applied over HTTP; a new stage opens a stay on `day` (the event's own date, or today). */
async function move(caseId: string, as: 'caseworker' | 'tribunal', event: Record<string, unknown>, day = today) {
  const after = await api.apply(caseId, as, event);
  const stays = booked.get(caseId)!.stays;
  const current = stays.at(-1)!;
  if (after.stage !== current.stage) {
    current.leftOn = day;
    stays.push({ stage: after.stage, enteredOn: day, leftOn: null });
  }
  return after;
}
/**
 * Refused on `decidedOn`, its notice sent three days ago (so the appeal window is still open and no
 * timer moves the case meanwhile), and an appeal lodged on `lodgedOn` (in time: lodged before the
 * window's last day).
 */
async function appeal(caseId: string, decidedOn: string, lodgedOn: string) {
  await move(caseId, 'caseworker', { type: 'decision.refused', decidedOn, sentOn: T(-3) }, decidedOn);
  await move(caseId, 'tribunal', { type: 'appeal.lodged', lodgedOn }, lodgedOn);
  const b = booked.get(caseId)!;
  if (b.cohort) b.duty = { startedOn: lodgedOn, decidedOn: null, exception: false, ended: false };
}
/** Determined on the papers, allowed (its onward window, from the promulgation, is still open: no timer). */
async function determine(caseId: string, promulgatedOn: string) {
  await move(
    caseId,
    'tribunal',
    { type: 'tribunal.determined', outcome: 'allowed', promulgatedOn, onThePapers: true },
    promulgatedOn,
  );
  booked.get(caseId)!.duty!.decidedOn = promulgatedOn;
}
/** The workflow's own breach of a back-dated appeal's 24 weeks, before anything else is done to it. */
const breached = (caseId: string) =>
  eventually(
    async () => (clockOf(await api.read(caseId), 'tribunal-24-weeks')?.state === 'breached' ? true : undefined),
    30_000,
    'the breach',
  );
async function assign(caseId: string, assignee: string) {
  await move(caseId, 'caseworker', { type: 'case.assigned', assignee });
  booked.get(caseId)!.assignee = assignee;
}

/** Every case's model has caught up with the case (its position at the case's version). */
const settled = () => modelCaughtUp(stack, api, booked.keys());

const LIMIT_DAYS = 24 * 7;
/** Where a booked appeal stands today, by the rules written out here. */
function outcome(d: NonNullable<Booked['duty']>): string {
  const lastDay = plus(d.startedOn, LIMIT_DAYS); // 168 days counting the day after the start as the first
  if (d.ended) return 'ended';
  if (d.exception) return 'exception';
  if (d.decidedOn) return d.decidedOn <= lastDay ? 'decidedInTime' : 'decidedLate';
  return today <= lastDay ? 'openInTime' : 'openPastLimit';
}
const rank = (ages: number[], p: number) =>
  ages.length === 0 ? null : [...ages].sort((a, b) => a - b)[Math.ceil((p / 100) * ages.length) - 1]!;

async function csvRows(path: string) {
  const res = await fetch(`${stack.baseUrl}${path}`, {
    headers: { authorization: `Bearer ${await stack.token('auditor')}` },
  });
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toMatch(/^text\/csv/);
  return parse(await res.text(), { columns: true }) as Array<Record<string, string>>;
}

/** Case ids once each, in the order the list gives them (ASCII ids: code-point order). */
const idsOf = (ids: Iterable<string>) => [...new Set(ids)].sort();
/** Rows without their links, to compare with the figures computed here. */
const figuresOf = (rows: any[]) => rows.map(({ cases: _cases, ...figures }) => figures);

const tables = async (store: ReportingStore) => ({
  positions: await store.positions(),
  stays: await store.stays(),
  assignments: await store.assignments(),
  dutyAppeals: await store.dutyAppeals(),
});

describe('time in stage, compliance and workload', () => {
  it('seeds a population through back-dated paths', { timeout: 240_000 }, async () => {
    const inTime = await open(T(-130), { assignee: 'staff-a' });
    await appeal(inTime, T(-110), T(-105));
    await determine(inTime, T(-5));

    const late = await open(T(-230), { assignee: 'staff-a' });
    await appeal(late, T(-205), T(-200));
    await breached(late);
    await determine(late, T(-4));

    const openInTime = await open(T(-60), { assignee: 'staff-b' });
    await appeal(openInTime, T(-35), T(-30));
    await move(openInTime, 'tribunal', { type: 'tribunal.listed', hearingDate: T(20) });
    await assign(openInTime, 'staff-a'); // reassigned: the latest counts

    const pastLimit = await open(T(-220), { assignee: 'staff-b' });
    await appeal(pastLimit, T(-195), T(-190));
    await breached(pastLimit);

    const excepted = await open(T(-70));
    await appeal(excepted, T(-45), T(-40));
    await move(excepted, 'tribunal', { type: 'clock.exception', clock: 'tribunal-24-weeks', reason: 'interpreter' });
    booked.get(excepted)!.duty!.exception = true;

    const withdrawn = await open(T(-90), { assignee: 'staff-b' });
    await appeal(withdrawn, T(-65), T(-60));
    await move(withdrawn, 'tribunal', { type: 'appeal.withdrawn', reason: 'the appellant withdrew' });
    booked.get(withdrawn)!.duty!.ended = true;

    const outOfGroup = await open(T(-120), { cohort: OUT_OF_GROUP, assignee: 'staff-b' });
    await appeal(outOfGroup, T(-104), T(-100));

    const flaggedOut = await open(T(-80));
    await appeal(flaggedOut, T(-55), T(-50));
    await move(flaggedOut, 'tribunal', { type: 'tribunal.24-week-flag-set', inCohort: false, reason: 'detained' });
    booked.get(flaggedOut)!.duty = null; // the clock never applied

    await open(T(-150), { assignee: 'staff-b' }); // long at claim
    await open(T(-10));
    await settled();
  });

  it('gives time in stage by stage and group equal to the stays completed in the range', async () => {
    const from = T(-120);
    const res = await stack.call('GET', `/reports/time-in-stage?from=${from}&to=${today}`, { role: 'auditor' });
    expect(res.status).toBe(200);
    expect(Date.parse(res.body.asOf)).toBeGreaterThan(Date.now() - 60_000);
    const completed = [...booked].flatMap(([caseId, b]) =>
      b.stays
        .filter((s) => s.leftOn !== null && s.leftOn >= from && s.leftOn <= today)
        .map((s) => ({ caseId, stage: s.stage, cohort: b.cohort, days: days(s.enteredOn, s.leftOn!) })),
    );
    const stages = [...new Set<string>(res.body.stages.map((s: any) => s.stage))];
    expect(stages).toEqual(expect.arrayContaining(['claim', 'decision', 'appeal', 'tribunal', 'exit']));
    const expected = stages.flatMap((stage) =>
      [true, false].map((cohort) => {
        const d = completed.filter((c) => c.stage === stage && c.cohort === cohort).map((c) => c.days);
        return { stage, cohort, count: d.length, p50Days: rank(d, 50), p90Days: rank(d, 90) };
      }),
    );
    expect(figuresOf(res.body.stages)).toEqual(expected);
    // Not a table of zeroes: both groups completed stays here.
    expect(expected.filter((e) => e.count > 0).map((e) => e.cohort)).toEqual(expect.arrayContaining([true, false]));
    for (const row of res.body.stages)
      expect(await allCasesBehind(stack, row.cases), `${row.stage} cohort ${row.cohort}`).toEqual(
        idsOf(completed.filter((c) => c.stage === row.stage && c.cohort === row.cohort).map((c) => c.caseId)),
      );

    const rows = await csvRows(`/reports/time-in-stage?from=${from}&to=${today}&format=csv`);
    expect(
      rows.map((r) => ({
        stage: r.stage,
        cohort: r.cohort === 'true',
        count: Number(r.count),
        p50Days: r.p50Days === '' ? null : Number(r.p50Days),
        p90Days: r.p90Days === '' ? null : Number(r.p90Days),
      })),
    ).toEqual(expected);
  });

  it('gives compliance by week of lodging equal to the appeals booked in the duty', async () => {
    const from = T(-210);
    const res = await stack.call('GET', `/reports/compliance?from=${from}&to=${today}`, { role: 'supervisor' });
    expect(res.status).toBe(200);
    const outcomes = ['decidedInTime', 'decidedLate', 'openInTime', 'openPastLimit', 'exception', 'ended'];
    const duty = [...booked].flatMap(([caseId, b]) => (b.duty ? [{ ...b.duty, caseId }] : []));
    // Every outcome is seeded at least once, so none is checked only as zero.
    expect(new Set(duty.map(outcome))).toEqual(new Set(outcomes));
    const first = monday(from);
    const weeks = Math.floor(days(first, today) / 7) + 1;
    const expected = Array.from({ length: weeks }, (_, i) => {
      const start = plus(first, 7 * i);
      const inWeek = duty.filter((d) => d.startedOn >= start && d.startedOn <= plus(start, 6)).map(outcome);
      const n = (o: string) => inWeek.filter((x) => x === o).length;
      const settledCount = n('decidedInTime') + n('decidedLate') + n('openPastLimit');
      return {
        start,
        end: plus(start, 6),
        lodged: inWeek.length,
        ...Object.fromEntries(outcomes.map((o) => [o, n(o)])),
        rate: settledCount === 0 ? null : n('decidedInTime') / settledCount,
      };
    });
    expect(figuresOf(res.body.periods)).toEqual(expected);
    for (const p of res.body.periods)
      for (const o of outcomes)
        expect(await allCasesBehind(stack, p.cases[o]), `${p.start} ${o}`).toEqual(
          idsOf(
            duty.filter((d) => d.startedOn >= p.start && d.startedOn <= p.end && outcome(d) === o).map((d) => d.caseId),
          ),
        );

    const rows = await csvRows(`/reports/compliance?from=${from}&to=${today}&format=csv`);
    expect(rows).toHaveLength(weeks);
    for (const r of rows) {
      const p: any = expected.find((e) => e.start === r.start);
      expect(outcomes.map((o) => Number(r[o]))).toEqual(outcomes.map((o) => p[o]));
      expect([Number(r.lodged), r.rate === '' ? null : Number(r.rate)]).toEqual([p.lodged, p.rate]);
    }
  });

  it('gives workload by assignee and stage equal to the open cases booked', async () => {
    const res = await stack.call('GET', '/reports/workload', { role: 'supervisor' });
    expect(res.status).toBe(200);
    expect(res.body.longStayWeeks).toBe(20);
    const open = [...booked].flatMap(([caseId, b]) =>
      b.stays
        .filter((s) => s.leftOn === null && s.stage !== 'exit')
        .map((s) => ({ ...s, caseId, assignee: b.assignee })),
    );
    const isLong = (s: { enteredOn: string }) => days(s.enteredOn, today) >= 140;
    const key = (r: { assignee: string | null; stage: string }) => `${r.assignee ?? ''}|${r.stage}`;
    const expected = [...new Set(open.map(key))].map((k) => {
      const group = open.filter((s) => key(s) === k);
      return {
        assignee: group[0]!.assignee,
        stage: group[0]!.stage,
        open: group.length,
        oldestEnteredOn: group.map((s) => s.enteredOn).sort()[0],
        longStays: group.filter(isLong).length,
      };
    });
    const byKey = (rows: any[]) => [...rows].sort((a, b) => key(a).localeCompare(key(b)));
    expect(byKey(figuresOf(res.body.rows))).toEqual(byKey(expected));
    for (const row of res.body.rows) {
      const group = open.filter((s) => key(s) === key(row));
      expect(await allCasesBehind(stack, row.cases.open), key(row)).toEqual(idsOf(group.map((s) => s.caseId)));
      expect(await allCasesBehind(stack, row.cases.longStays), `${key(row)} long`).toEqual(
        idsOf(group.filter(isLong).map((s) => s.caseId)),
      );
    }
    expect(expected.some((e) => e.longStays > 0)).toBe(true);
    expect(expected.some((e) => e.assignee === null)).toBe(true);
    // Unassigned last.
    expect(res.body.rows.at(-1).assignee).toBeNull();

    const rows = await csvRows('/reports/workload?format=csv');
    expect(
      byKey(
        rows.map((r) => ({
          assignee: r.assignee === '' ? null : r.assignee,
          stage: r.stage,
          open: Number(r.open),
          oldestEnteredOn: r.oldestEnteredOn,
          longStays: Number(r.longStays),
        })),
      ),
    ).toEqual(byKey(expected));
  });

  it('refuses a bad range naming the field, and readers other than supervisors and auditors', async () => {
    for (const path of ['/reports/time-in-stage', '/reports/compliance']) {
      const backwards = await stack.call('GET', `${path}?from=${today}&to=${T(-1)}`, { role: 'supervisor' });
      expect(backwards.status).toBe(400);
      expect(backwards.headers.get('content-type')).toMatch(/problem\+json/);
      expect(backwards.body.errors.map((e: any) => e.field)).toEqual(['to']);
      const notADate = await stack.call('GET', `${path}?from=2026-02-30&to=${today}`, { role: 'supervisor' });
      expect(notADate.body.errors.map((e: any) => e.field)).toEqual(['from']);
      expect((await stack.call('GET', `${path}?from=${T(-7)}&to=${today}`, { role: 'caseworker' })).status).toBe(403);
    }
    expect((await stack.call('GET', '/reports/workload', { role: 'caseworker' })).status).toBe(403);
    // The lists behind their figures, each missing or bad parameter named.
    const refused = {
      [`report=time-in-stage&stage=claim&from=${T(-7)}&to=${today}`]: ['cohort'],
      [`report=time-in-stage&stage=claim&cohort=yes&from=${T(-7)}&to=${today}`]: ['cohort'],
      [`report=compliance&outcome=decidedInTime&from=${today}&to=${T(-1)}`]: ['to'],
      [`report=compliance&outcome=lost&from=${T(-7)}&to=${today}`]: ['outcome'],
      [`report=compliance&outcome=ended`]: ['from', 'to'],
      'report=workload&stage=exit&assignee=staff-a': ['stage'],
      'report=workload&stage=claim': ['assignee'],
      'report=workload&stage=claim&assignee=staff-a&long=1': ['long'],
    };
    for (const [query, fields] of Object.entries(refused)) {
      const res = await stack.call('GET', `/reports/cases?${query}`, { role: 'supervisor' });
      expect(res.status, query).toBe(400);
      expect(res.headers.get('content-type')).toMatch(/problem\+json/);
      expect(
        res.body.errors.map((e: any) => e.field),
        query,
      ).toEqual(fields);
    }
  });

  it('rebuilds from the histories the new tables equal to the live ones', { timeout: 120_000 }, async () => {
    await settled();
    const live = await tables(stack.reporting);
    expect(live.dutyAppeals).toHaveLength([...booked.values()].filter((b) => b.duty).length);
    const fresh = openReportingStore(join(mkdtempSync(join(tmpdir(), 'rebuilt-')), 'reporting.sqlite'));
    try {
      await rebuildReporting(stack.client, fresh);
      expect(await tables(fresh)).toEqual(live);
    } finally {
      await fresh.close();
    }
  });
});
