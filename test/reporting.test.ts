/**
 * The reporting read model end to end (#20): a population of cases moved through back-dated paths
 * over HTTP; the flow and ageing reports equal what the test itself booked, computed here on its
 * own; a change made while the store is locked arrives once it is free, once, across a killed
 * worker; and a model rebuilt from the histories equals the live one. The worker is a separate
 * process, in a namespace of this file's own (the rebuild reads every case in it).
 */
import Database from 'better-sqlite3';
import pg from 'pg';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { openReporting, openReportingStore, type ReportingConfig } from '../reporting/index.js';
import { rebuildReporting } from '../activities/reporting-history.js';
import type { OutboundMessage } from '../domain/index.js';
import { deliveredInTask, historiesOfCase, scheduledMessage } from '../history/read.js';
import { caseWorkflowId } from '../workflows/messages.js';
import { useStack } from './harness.js';
import { caseApi } from './case-api.js';
import { days, modelCaughtUp, monday, plus, T, today } from './reporting-steps.js';

const stack = useStack({ workerProcess: true, namespacePrefix: 'reporting' });
const api = caseApi(stack, 'reporting');

/** What the test did: each case's stays, booked as it made them. */
interface Booked {
  stage: string;
  enteredOn: string;
  leftOn: string | null;
}
const booked = new Map<string, Booked[]>();
const cases: string[] = [];

async function open(claimDate: string): Promise<string> {
  const caseId = await stack.openCase({ claimDate });
  booked.set(caseId, [{ stage: 'claim', enteredOn: claimDate, leftOn: null }]);
  cases.push(caseId);
  return caseId;
}
/** An event applied over HTTP; a new stage opens a stay on `day` (the event's own date, or today). */
async function move(caseId: string, as: 'caseworker' | 'tribunal', event: Record<string, unknown>, day = today) {
  const after = await api.apply(caseId, as, event);
  const stays = booked.get(caseId)!;
  const current = stays.at(-1)!;
  if (after.stage !== current.stage) {
    current.leftOn = day;
    stays.push({ stage: after.stage, enteredOn: day, leftOn: null });
  }
}
const refuse = (caseId: string, on: string) =>
  move(caseId, 'caseworker', { type: 'decision.refused', decidedOn: on, sentOn: on }, on);
const lodge = (caseId: string, on: string) => move(caseId, 'tribunal', { type: 'appeal.lodged', lodgedOn: on }, on);

/**
 * Holds the model's write lock, as a long rebuild would: the SQLite file's, or on the cluster
 * topology PostgreSQL's tables. Readers carry on; writers wait and fail.
 */
async function lockModel(reporting: ReportingConfig): Promise<() => Promise<void>> {
  if (reporting.postgresUrl) {
    const c = new pg.Client({ connectionString: reporting.postgresUrl });
    await c.connect();
    await c.query('BEGIN');
    await c.query('LOCK TABLE positions, stays IN EXCLUSIVE MODE');
    return async () => {
      await c.query('ROLLBACK');
      await c.end();
    };
  }
  const lock = new Database(reporting.dbFile);
  lock.exec('BEGIN EXCLUSIVE');
  return async () => {
    lock.exec('ROLLBACK');
    lock.close();
  };
}

/** The cases a figure's `cases` link lists, two a page, every page followed (as a client would). */
async function followAll(href: string) {
  expect(href).toMatch(/^\/reports\/cases\?/);
  const ids: string[] = [];
  let token: string | undefined;
  do {
    const res = await stack.call('GET', `${href}&pageSize=2${token ? `&pageToken=${encodeURIComponent(token)}` : ''}`, {
      role: 'auditor',
    });
    expect(res.status).toBe(200);
    ids.push(...res.body.caseIds);
    token = res.body.nextPageToken;
  } while (token);
  return ids;
}

/** Every case's model has caught up with the case (its position at the case's version). */
const settled = () => modelCaughtUp(stack, api, cases);

describe('the reporting read model', () => {
  it(
    'gives flow and ageing equal to what the cases went through, computed on its own',
    { timeout: 180_000 },
    async () => {
      await open(T(-100)); // still at claim
      const c2 = await open(T(-90));
      await refuse(c2, T(-60)); // no appeal: its window closed long ago, so the workflow's timer moves it on
      const c3 = await open(T(-80));
      await refuse(c3, T(-50));
      await lodge(c3, T(-45));
      const c4 = await open(T(-70));
      await refuse(c4, T(-40));
      await lodge(c4, T(-35));
      await move(c4, 'tribunal', { type: 'tribunal.listed', hearingDate: T(20) }); // listed today
      const c5 = await open(T(-20));
      await move(c5, 'caseworker', { type: 'claim.screened' }); // no new stage
      await move(await open(T(-10)), 'caseworker', { type: 'claim.withdrawn' });
      await settled();
      // The workflow's own change: the appeal window's expiry, recorded today (its event carries no date).
      const exhausted = await api.until(c2, 'exit:appeal-rights-exhausted');
      await settled();
      const c2Stays = booked.get(c2)!;
      c2Stays.at(-1)!.leftOn = today;
      c2Stays.push({ stage: exhausted.stage, enteredOn: today, leftOn: null });

      const stays = [...booked.values()].flat();
      // Flow: weeks Monday to Sunday over the range asked.
      const from = T(-120);
      const flow = await stack.call('GET', `/reports/flow?from=${from}&to=${today}`, { role: 'auditor' });
      expect(flow.status).toBe(200);
      expect(Date.parse(flow.body.asOf)).toBeGreaterThan(Date.now() - 60_000);
      const first = monday(from);
      const weeks = Math.floor(days(first, today) / 7) + 1;
      const stages = Object.keys(flow.body.periods[0].entered);
      const count = (day: string | null, start: string, stage: string, s: Booked) =>
        s.stage === stage && day !== null && day >= start && day <= plus(start, 6);
      // Open at the end of a week: entered by its Sunday and not left by then.
      const openAt = (end: string, stage: string, s: Booked) =>
        s.stage === stage && s.enteredOn <= end && (s.leftOn === null || s.leftOn > end);
      const expected = Array.from({ length: weeks }, (_, i) => {
        const start = plus(first, 7 * i);
        return {
          start,
          end: plus(start, 6),
          entered: Object.fromEntries(
            stages.map((st) => [st, stays.filter((s) => count(s.enteredOn, start, st, s)).length]),
          ),
          left: Object.fromEntries(stages.map((st) => [st, stays.filter((s) => count(s.leftOn, start, st, s)).length])),
          open: Object.fromEntries(stages.map((st) => [st, stays.filter((s) => openAt(plus(start, 6), st, s)).length])),
          cases: {
            open: Object.fromEntries(
              stages.map((st) => [st, `/reports/cases?report=flow&week=${start}&stage=${st}&which=open`]),
            ),
          },
        };
      });
      expect(flow.body.periods).toEqual(expected);
      // Enough for the comparison to mean something: a stage's open count that rose and fell.
      expect(new Set(expected.map((p) => p.open.claim)).size).toBeGreaterThan(2);
      // Each open figure's link lists exactly the cases booked in the stage at the week's end.
      const bookedOpen = (end: string, stage: string) =>
        [...booked]
          .filter(([, ss]) => ss.some((s) => openAt(end, stage, s)))
          .map(([caseId]) => caseId)
          .sort();
      for (const p of flow.body.periods.filter((_: unknown, i: number) => i % 3 === 0 || i === weeks - 1))
        for (const st of stages) {
          const listed = await followAll(p.cases.open[st]);
          expect(listed, `${st} open at ${p.end}`).toEqual(bookedOpen(p.end, st));
          expect(listed).toHaveLength(p.open[st]);
        }
      expect(stages).toEqual(expect.arrayContaining(['claim', 'decision', 'appeal', 'tribunal', 'exit']));

      // Ageing: open stays by days since entered, nearest-rank percentiles; exit is not open work.
      const ageing = await stack.call('GET', '/reports/ageing', { role: 'supervisor' });
      expect(ageing.status).toBe(200);
      const rank = (ages: number[], p: number) =>
        ages.length === 0 ? null : [...ages].sort((a, b) => a - b)[Math.ceil((p / 100) * ages.length) - 1];
      for (const [stage, a] of Object.entries<any>(ageing.body.stages)) {
        const ages = stays.filter((s) => s.stage === stage && s.leftOn === null).map((s) => days(s.enteredOn, today));
        expect({ stage, open: a.open, p50: a.p50Days, p90: a.p90Days }).toEqual({
          stage,
          open: ages.length,
          p50: rank(ages, 50),
          p90: rank(ages, 90),
        });
        for (const b of a.buckets)
          expect(b.count).toBe(ages.filter((d) => d >= b.fromDays && (b.toDays === null || d <= b.toDays)).length);
        // Named: the five longest in the stage, oldest first (ties by case id).
        const cmp = (x: string, y: string) => (x < y ? -1 : x > y ? 1 : 0);
        const longest = [...booked]
          .flatMap(([caseId, ss]) => ss.map((s) => ({ caseId, ...s })))
          .filter((s) => s.stage === stage && s.leftOn === null)
          .sort((x, y) => cmp(x.enteredOn, y.enteredOn) || cmp(x.caseId, y.caseId))
          .slice(0, 5)
          .map((s) => ({ caseId: s.caseId, enteredOn: s.enteredOn, days: days(s.enteredOn, today) }));
        expect(a.oldest, stage).toEqual(longest);
      }
      expect(Object.keys(ageing.body.stages)).not.toContain('exit');
      expect(ageing.body.stages.claim.open).toBe(2);
      expect(ageing.body.stages.claim.p90Days).toBe(100);

      // The same figures as CSV.
      const csv = await fetch(`${stack.baseUrl}/reports/flow?from=${from}&to=${today}&format=csv`, {
        headers: { authorization: `Bearer ${await stack.token('supervisor')}` },
      });
      expect(csv.headers.get('content-type')).toMatch(/^text\/csv/);
      const rows = parse(await csv.text(), { columns: true }) as Array<Record<string, string>>;
      expect(rows).toHaveLength(weeks * stages.length);
      for (const r of rows) {
        const p = expected.find((e) => e.start === r.start)!;
        expect([Number(r.entered), Number(r.left), Number(r.open)]).toEqual([
          p.entered[r.stage!],
          p.left[r.stage!],
          p.open[r.stage!],
        ]);
      }
    },
  );

  it('refuses a bad range, naming the field', async () => {
    const backwards = await stack.call('GET', `/reports/flow?from=${today}&to=${T(-1)}`, { role: 'supervisor' });
    expect(backwards.status).toBe(400);
    expect(backwards.headers.get('content-type')).toMatch(/problem\+json/);
    expect(backwards.body.errors.map((e: any) => e.field)).toEqual(['to']);
    const long = await stack.call('GET', `/reports/flow?from=${T(-800)}&to=${today}`, { role: 'supervisor' });
    expect(long.body.errors.map((e: any) => e.field)).toEqual(['to']);
    const notADate = await stack.call('GET', `/reports/flow?from=2026-02-30&to=${today}`, { role: 'supervisor' });
    expect(notADate.body.errors.map((e: any) => e.field)).toEqual(['from']);
    const caseworker = await stack.call('GET', '/reports/ageing', { role: 'caseworker' });
    expect(caseworker.status).toBe(403);
  });

  it(
    'holds a change while the store is locked, and applies it once when it is free, across a killed worker',
    { timeout: 180_000 },
    async () => {
      const caseId = await open(T(-30));
      await settled();
      const unlock = await lockModel(stack.config.reporting);
      try {
        // Answered while the store is locked: the delivery tried within the change's task failed at
        // once and went on as a scheduled activity, which retries (#21).
        await refuse(caseId, T(-3));
        await new Promise((r) => setTimeout(r, 3_000)); // attempts fail meanwhile, and are retried
        const version = (await api.read(caseId)).version;
        expect((await stack.reporting.positions()).find((p) => p.caseId === caseId)?.seq).toBeLessThan(version);
        await stack.killWorker(); // mid-retry: the next worker takes the delivery over
      } finally {
        await unlock();
      }
      await stack.startWorker();
      await settled();
      expect(
        (await stack.reporting.stays()).filter((s) => s.caseId === caseId).map((s) => [s.stage, s.enteredOn, s.leftOn]),
      ).toEqual([
        ['claim', T(-30), T(-3)],
        ['decision', T(-3), null],
      ]);
      // The opening went within its task; the refusal, tried there against the locked store, was scheduled.
      const events = (await historiesOfCase(stack.client, caseWorkflowId(caseId))).flat();
      const model = (m: OutboundMessage | undefined) => (m?.system === 'reporting' ? [m.seq] : []);
      expect(events.flatMap((e) => deliveredInTask(e).flatMap(model))).toEqual([0]);
      expect(events.flatMap((e) => model(scheduledMessage(e)))).toEqual([1]);
    },
  );

  it('forgets an erased case', { timeout: 60_000 }, async () => {
    const caseId = await open(T(-5));
    await settled();
    expect((await stack.reporting.stays()).some((s) => s.caseId === caseId)).toBe(true);
    const erased = await stack.call('POST', `/cases/${caseId}/erase`, {
      role: 'supervisor',
      body: { reason: 'opened in error for the wrong person' },
    });
    expect([200, 202]).toContain(erased.status);
    expect((await stack.reporting.stays()).some((s) => s.caseId === caseId)).toBe(false);
    expect((await stack.reporting.positions()).some((p) => p.caseId === caseId)).toBe(false);
    cases.splice(cases.indexOf(caseId), 1);
    booked.delete(caseId);
  });

  it('rebuilds from the histories a model equal to the live one', { timeout: 120_000 }, async () => {
    await settled();
    const live = { positions: await stack.reporting.positions(), stays: await stack.reporting.stays() };
    expect(live.positions.map((p) => p.caseId).sort()).toEqual([...cases].sort());
    // Into a fresh file (an SQLite file whatever the live backend: the two agree), and in place over
    // the live one (the worker running).
    const fresh = openReportingStore(join(mkdtempSync(join(tmpdir(), 'rebuilt-')), 'reporting.sqlite'));
    try {
      const { cases: n } = await rebuildReporting(stack.client, fresh);
      expect(n).toBe(cases.length);
      expect({ positions: await fresh.positions(), stays: await fresh.stays() }).toEqual(live);
    } finally {
      await fresh.close();
    }
    const inPlace = await openReporting(stack.config.reporting);
    try {
      await rebuildReporting(stack.client, inPlace);
    } finally {
      await inPlace.close();
    }
    expect({ positions: await stack.reporting.positions(), stays: await stack.reporting.stays() }).toEqual(live);
  });
});
