/**
 * The flow and ageing reports (#20), answered from the reporting store in one grouped query each:
 * their cost grows with the weeks and stages asked for, not with the number of cases.
 */
import { addDays, bucketed, daysBetween, nearestRank, STAGES, type Stage } from '../domain/index.js';
import type { ReportingStore } from './store.js';

export interface FlowPeriod {
  start: string;
  end: string;
  entered: Record<Stage, number>;
  left: Record<Stage, number>;
  /** Stays in the stage open at the end of `end` (entered by then, not left by then). */
  open: Record<Stage, number>;
}

/** The Monday on or before a day (London calendar dates: the weekday of the date itself). */
export const mondayOf = (date: string) => addDays(date, -((new Date(`${date}T00:00:00Z`).getUTCDay() + 6) % 7));

const zeroes = () => Object.fromEntries(STAGES.map((s) => [s, 0])) as Record<Stage, number>;

/**
 * Weeks Monday to Sunday, from the week holding `from` to the week holding `to`, each with the
 * stays entered and left in it by stage and those open at its end (every stage listed, 0 when none).
 */
export async function flowReport(store: ReportingStore, from: string, to: string): Promise<FlowPeriod[]> {
  const first = mondayOf(from);
  const weeks = Math.floor(daysBetween(first, to) / 7) + 1;
  const periods: FlowPeriod[] = Array.from({ length: weeks }, (_, i) => ({
    start: addDays(first, 7 * i),
    end: addDays(first, 7 * i + 6),
    entered: zeroes(),
    left: zeroes(),
    open: zeroes(),
  }));
  const last = periods[periods.length - 1]!.end;
  for (const which of ['entered', 'left'] as const)
    for (const { week, stage, n } of await store.weeklyCounts(which, first, last)) periods[week]![which][stage] = n;
  for (const { day, stage, n } of await store.openAtEnd(periods.map((p) => p.end)))
    periods[Math.floor(daysBetween(first, day) / 7)]!.open[stage] = n;
  return periods;
}

export interface StageAgeing {
  open: number;
  p50Days: number | null;
  p90Days: number | null;
  buckets: Array<{ fromDays: number; toDays: number | null; count: number }>;
  /** The open cases longest in the stage, oldest first: where to look first. */
  oldest: Array<{ caseId: string; enteredOn: string; days: number }>;
}

/** How many of each stage's longest-waiting cases the ageing report names. */
export const OLDEST_LISTED = 5;

/**
 * Open cases by days in their stage on `today` (age = days since the case entered its stage).
 * Exit is final, not open work: it is left out.
 */
export async function ageingReport(store: ReportingStore, today: string): Promise<Partial<Record<Stage, StageAgeing>>> {
  const [rows, oldest] = await Promise.all([store.openAges(today), store.oldestOpen(OLDEST_LISTED)]);
  return Object.fromEntries(
    STAGES.filter((s) => s !== 'exit').map((stage) => {
      const histogram = rows.filter((r) => r.stage === stage);
      return [
        stage,
        {
          open: histogram.reduce((sum, h) => sum + h.n, 0),
          p50Days: nearestRank(histogram, 50),
          p90Days: nearestRank(histogram, 90),
          buckets: bucketed(histogram),
          oldest: oldest
            .filter((o) => o.stage === stage)
            .map(({ caseId, enteredOn }) => ({ caseId, enteredOn, days: daysBetween(enteredOn, today) })),
        },
      ];
    }),
  );
}
