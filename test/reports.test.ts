/**
 * A seeded population of a few hundred cases with known dates, in a namespace of its own: the
 * summary report must equal, number for number, what this test computes from the seed with its
 * own arithmetic (calendar days, not the domain's functions).
 */
import { describe, expect, it } from 'vitest';
import { grpcStatusOf } from '../api/problem.js';
import { CASE_WORKFLOW_TYPE } from '../workflows/messages.js';
import { SA } from '../workflows/search-attributes.js';
import { useStackInOwnNamespace } from './harness.js';
import { eventually } from './systems.js';
import { londonToday, plusDays } from './dates.js';

const CASES = 240;
const COMMENCEMENT = '2026-01-01';

const stack = useStackInOwnNamespace('reports', { POLICY_COMMENCEMENT_DATE: COMMENCEMENT });

const today = londonToday();

/** A small deterministic generator, so the population is the same on every run. */
function lcg(seed: number) {
  let x = seed;
  return () => (x = (x * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31;
}

interface Spec {
  cohort: { supportedAccommodation: boolean; foreignNationalOffender: boolean; detained: boolean };
  /** Weeks (plus 3 days, so no threshold falls within a day of today) since the appeal was lodged; null: no appeal. */
  weeks: number | null;
  refused: boolean;
  determinedAfterDays: number | null;
  exception: boolean;
  absconded: boolean;
}

function population(): Spec[] {
  const rnd = lcg(20_261_123);
  const pick = <T>(xs: T[]) => xs[Math.floor(rnd() * xs.length)]!;
  return Array.from({ length: CASES }, () => {
    const cohort = pick([
      { supportedAccommodation: true, foreignNationalOffender: false, detained: false },
      { supportedAccommodation: true, foreignNationalOffender: false, detained: false },
      { supportedAccommodation: false, foreignNationalOffender: true, detained: false },
      { supportedAccommodation: false, foreignNationalOffender: true, detained: true },
      { supportedAccommodation: false, foreignNationalOffender: false, detained: false },
    ]);
    const stage = pick(['claim', 'decision', 'appeal', 'appeal', 'appeal', 'appeal']);
    const weeks = stage === 'appeal' ? pick([2, 10, 17, 19, 21, 23, 25, 30, 50]) : null;
    const lodgedDaysAgo = weeks === null ? 0 : weeks * 7 + 3;
    // Determined in time (day 100) or late (day 175), where that day has already come.
    const determinedAfterDays =
      weeks !== null && rnd() < 0.35 ? (pick([100, 175].filter((d) => d < lodgedDaysAgo)) ?? null) : null;
    const exception =
      weeks !== null &&
      determinedAfterDays === null &&
      weeks >= 17 &&
      inCohort(cohort, lodgedOn(weeks)) &&
      rnd() < 0.25;
    return { cohort, weeks, refused: stage !== 'claim', determinedAfterDays, exception, absconded: rnd() < 0.1 };
  });
}

const lodgedOn = (weeks: number) => plusDays(today, -(weeks * 7 + 3));
const inCohort = (c: Spec['cohort'], lodged: string) =>
  !c.detained && (c.supportedAccommodation || c.foreignNationalOffender) && lodged >= COMMENCEMENT;

/** What the report must say, computed from the seed alone. */
function expected(specs: Spec[]) {
  const byStage = { claim: 0, decision: 0, appeal: 0, tribunal: 0, exit: 0 };
  const t = { open: 0, dueWithin4Weeks: 0, breached: 0, exceptions: 0, decidedInTime: 0, decidedLate: 0, ended: 0 };
  let openEscalations = 0;
  // No appeal here ends another way (test/reports-recount.test.ts seeds those); every one still
  // pending is at the refusal (its window open), awaiting the tribunal, or dismissed within the onward window.
  let appealsPending = 0;
  // Due within 4 weeks: the last day is one of the next 28 days, today included.
  const in4Weeks = plusDays(today, 28);
  for (const s of specs) {
    // A dismissal leaves 14 days to seek an onward appeal; after them the case exits (rights exhausted).
    const determinedOn =
      s.weeks !== null && s.determinedAfterDays !== null ? plusDays(lodgedOn(s.weeks), s.determinedAfterDays) : null;
    const stage =
      s.weeks === null
        ? s.refused
          ? 'decision'
          : 'claim'
        : determinedOn === null
          ? 'appeal'
          : today >= plusDays(determinedOn, 15)
            ? 'exit'
            : 'tribunal';
    byStage[stage] += 1;
    if (stage !== 'claim' && stage !== 'exit') appealsPending += 1;
    if (s.weeks === null) continue;
    const lodged = lodgedOn(s.weeks);
    if (!inCohort(s.cohort, lodged)) continue;
    const start = plusDays(lodged, 1);
    const lastDay = plusDays(start, 167); // day 168, counting the first day as 1
    const breached = today > lastDay;
    const escalated = today >= plusDays(start, 112);
    // An exception is open but no longer an escalation to act on: the tribunal has recorded why.
    if (s.exception) {
      t.exceptions += 1;
      t.open += 1;
    } else if (s.determinedAfterDays !== null) {
      if (plusDays(lodged, s.determinedAfterDays) <= lastDay) t.decidedInTime += 1;
      else t.decidedLate += 1;
    } else {
      t.open += 1;
      if (breached) t.breached += 1;
      else if (lastDay < in4Weeks) t.dueWithin4Weeks += 1;
      if (breached || escalated) openEscalations += 1;
    }
  }
  return {
    backlogByStage: byStage,
    openCases: specs.length,
    syncFailures: 0,
    absconders: specs.filter((s) => s.absconded).length,
    repeatAppeals: 0,
    openEscalations,
    appealsPending,
    // No further submissions and no onward challenge here (test/reports-recount.test.ts seeds those).
    furtherSubmissionsPending: 0,
    onwardPending: 0,
    appealsEnded: { withdrawn: 0, 'struck-out': 0, abandoned: 0, 'decision-withdrawn': 0 },
    twentyFourWeeks: {
      ...t,
      complianceRate: t.decidedInTime + t.decidedLate > 0 ? t.decidedInTime / (t.decidedInTime + t.decidedLate) : null,
    },
  };
}

async function seed(s: Spec) {
  const ok = async (role: 'caseworker' | 'tribunal', caseId: string, body: Record<string, unknown>) => {
    const res = await stack.call('POST', `/cases/${caseId}/events`, { role, body });
    if (res.status !== 200) throw new Error(`${body.type}: ${res.status} ${JSON.stringify(res.body)}`);
  };
  const caseId = await stack.openCase({ cohort: s.cohort });
  if (s.absconded) await ok('caseworker', caseId, { type: 'person.absconded' });
  if (!s.refused) return;
  await ok('caseworker', caseId, { type: 'decision.refused' });
  if (s.weeks === null) return;
  const lodged = lodgedOn(s.weeks);
  await ok('tribunal', caseId, { type: 'appeal.lodged', lodgedOn: lodged });
  if (s.exception)
    await ok('tribunal', caseId, { type: 'clock.exception', clock: 'tribunal-24-weeks', reason: 'no interpreter' });
  if (s.determinedAfterDays !== null) {
    const on = plusDays(lodged, s.determinedAfterDays);
    await ok('tribunal', caseId, { type: 'tribunal.listed', hearingDate: on });
    await ok('tribunal', caseId, { type: 'tribunal.determined', outcome: 'dismissed', determinedOn: on });
  }
}

describe('GET /reports/summary on a seeded population', () => {
  it('equals the figures computed independently from the seed', { timeout: 300_000 }, async () => {
    const specs = population();
    // Keep the population honest: every kind of figure is represented.
    const want = expected(specs);
    expect(want.twentyFourWeeks).toMatchObject({ open: expect.any(Number) });
    for (const [k, v] of Object.entries(want.twentyFourWeeks))
      if (k !== 'complianceRate' && k !== 'ended') expect(v, k).toBeGreaterThan(0);

    const queue = [...specs];
    await Promise.all(
      Array.from({ length: 4 }, async () => {
        for (let s = queue.shift(); s; s = queue.shift()) await seed(s);
      }),
    );

    let last: unknown;
    await eventually(
      async () => {
        const { status, body } = await stack.call('GET', '/reports/summary', { role: 'supervisor' });
        expect(status).toBe(200);
        const { generatedAt: _ignored, ...figures } = body;
        last = figures;
        return JSON.stringify(figures) === JSON.stringify(want) ? true : undefined;
      },
      90_000,
      'the report to settle',
    ).catch(() => undefined);
    expect(last).toEqual(want);
  });
});

describe('counting in one call what the summary counts one by one', () => {
  // When this fails the server has learnt to group by a keyword: backlog by stage and the clock
  // statuses can then be one count each instead of eleven.
  it("is refused by this server's visibility store: GROUP BY takes ExecutionStatus only", async () => {
    const refusal = (field: string) =>
      stack.client.workflow
        .count(`WorkflowType = '${CASE_WORKFLOW_TYPE}' GROUP BY ${field}`)
        .then(() => undefined, grpcStatusOf);
    for (const field of [SA.stage.name, SA.clock.name])
      expect(await refusal(field), field).toMatchObject({
        name: 'INVALID_ARGUMENT',
        // 1.29 (the dev server): "only supported for ExecutionStatus"; 1.32 (the cluster): "'GROUP BY' clause is not supported for search attribute …".
        details: expect.stringMatching(/only supported for ExecutionStatus|'GROUP BY' clause is not supported/),
      });
    await stack.openCase();
    const running = await eventually(
      async () =>
        (
          await stack.client.workflow.count(`WorkflowType = '${CASE_WORKFLOW_TYPE}' GROUP BY ExecutionStatus`)
        ).groups.find((g) => String(g.groupValues[0]) === 'Running'),
      10_000,
      'a running case counted',
    );
    expect(running.count).toBeGreaterThan(0);
  });
});
