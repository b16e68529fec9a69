/**
 * Time in stage, the 24-week compliance rate by week of lodging, and workload by assignee (#20),
 * each from one grouped query of the reporting store: their cost grows with the stages, weeks and
 * assignees asked for, not with the number of cases. The rules are the domain's
 * (domain/reporting.ts, domain/reporting-facts.ts).
 */
import {
  addDays,
  complianceRate,
  daysBetween,
  DUTY_OUTCOMES,
  dutyOutcome,
  LONG_STAY_WEEKS,
  nearestRank,
  STAGES,
  type DutyOutcome,
  type Stage,
} from '../domain/index.js';
import { mondayOf } from './reports.js';
import type { ReportingStore } from './store.js';

export interface StageTime {
  stage: Stage;
  /** The stay began with the appellant in the 24-week duty's group (the stay's cohort flag). */
  cohort: boolean;
  count: number;
  p50Days: number | null;
  p90Days: number | null;
}

/** Stays completed (left) within [from, to]: every stage, in the duty's group and not, each listed. */
export async function timeInStageReport(store: ReportingStore, from: string, to: string): Promise<StageTime[]> {
  const rows = await store.completedStays(from, to);
  return STAGES.flatMap((stage) =>
    [true, false].map((cohort) => {
      const histogram = rows.filter((r) => r.stage === stage && r.cohort === cohort);
      return {
        stage,
        cohort,
        count: histogram.reduce((sum, h) => sum + h.n, 0),
        p50Days: nearestRank(histogram, 50),
        p90Days: nearestRank(histogram, 90),
      };
    }),
  );
}

export type CompliancePeriod = { start: string; end: string; lodged: number; rate: number | null } & Record<
  DutyOutcome,
  number
>;

/**
 * Appeals in the duty by the week (Monday to Sunday) they started in, from the week holding `from`
 * to the week holding `to`, each where it stands on `today`.
 */
export async function complianceReport(
  store: ReportingStore,
  from: string,
  to: string,
  today: string,
): Promise<CompliancePeriod[]> {
  const first = mondayOf(from);
  const weeks = Math.floor(daysBetween(first, to) / 7) + 1;
  const counts = Array.from(
    { length: weeks },
    () => Object.fromEntries(DUTY_OUTCOMES.map((o) => [o, 0])) as Record<DutyOutcome, number>,
  );
  for (const { week, n, ...standing } of await store.dutyByWeek(first, addDays(first, 7 * weeks - 1), today))
    counts[week]![dutyOutcome(standing)] += n;
  return counts.map((c, i) => ({
    start: addDays(first, 7 * i),
    end: addDays(first, 7 * i + 6),
    lodged: DUTY_OUTCOMES.reduce((sum, o) => sum + c[o], 0),
    ...c,
    rate: complianceRate(c),
  }));
}

export interface AssigneeWork {
  /** Staff id; null: unassigned. */
  assignee: string | null;
  stage: Stage;
  open: number;
  /** The day the longest-waiting of these cases entered the stage. */
  oldestEnteredOn: string;
  /** Of `open`, those in the stage LONG_STAY_WEEKS weeks or longer on `today`. */
  longStays: number;
}

/** A stay entered on or before this day is LONG_STAY_WEEKS weeks or longer in its stage on `today`. */
export const longStayBy = (today: string) => addDays(today, -7 * LONG_STAY_WEEKS);

/** Open cases (exit is not open work) by assignee and stage, unassigned last. */
export async function workloadReport(store: ReportingStore, today: string): Promise<AssigneeWork[]> {
  const order = (s: Stage) => STAGES.indexOf(s);
  return (await store.openWork(longStayBy(today)))
    .map(({ long, ...r }) => ({ ...r, longStays: long }))
    .sort(
      (a, b) =>
        Number(a.assignee === null) - Number(b.assignee === null) ||
        (a.assignee ?? '').localeCompare(b.assignee ?? '') ||
        order(a.stage) - order(b.stage),
    );
}
