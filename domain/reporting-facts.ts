/**
 * What the reporting read model keeps of a case beyond its stays (#20): who it is assigned to, and
 * the current appeal's 24-week duty as the case's own clock has it. Sent on the model's messages
 * only (the Home Office and HMCTS hear nothing new), and never personal data: the assignee is a
 * staff id. Pure: the live projection and the rebuild derive and classify with the same rules.
 */
import type { CaseState } from './case.js';
import { addDays, lastDayOf } from './days.js';
import type { Stage } from './stages.js';

/**
 * The current appeal's 24-week duty. Its presence is the domain's own decision on membership (the
 * facts on the day the appeal started, the tribunal's flag, commencement, out of country): the
 * model does not judge it again from the cohort.
 */
export interface DutyFacts {
  /** The day the appeal started for the duty (its lodging; for a late appeal, the day time was extended; after a remittal, that day). */
  startedOn: string;
  /** The last day of the 24 weeks (168 days counting the day after `startedOn` as the first; moved on by a reinstatement). */
  lastDay: string;
  /** `decided`: determined (the clock stopped on the promulgation); `ended`: the appeal ended another way. */
  state: 'open' | 'decided' | 'exception' | 'ended';
  /** The day the clock stopped: the determination's promulgation (an excepted clock keeps it too). */
  decidedOn: string | null;
}

export interface ReportingFacts {
  /** Staff id of the case's assignee; null: unassigned. */
  assignee: string | null;
  /** Null: no appeal in the duty (none brought, or not in its group). */
  duty: DutyFacts | null;
}

const TRIBUNAL_CLOCK = 'tribunal-24-weeks';

/** A clock's or a clock view's state (the view shows a stopped clock as met or breached: both decided). */
const dutyState = (c: { state: string; stoppedOn?: string }): DutyFacts['state'] => {
  if (c.state === 'ended' || c.state === 'exception') return c.state;
  return c.stoppedOn ? 'decided' : 'open';
};

/** The facts of a case as it stands. */
export function reportingFacts(state: Pick<CaseState, 'assignee' | 'clocks'>): ReportingFacts {
  const clock = state.clocks.find((c) => c.name === TRIBUNAL_CLOCK);
  return {
    assignee: state.assignee,
    duty: clock
      ? {
          // The clock runs from the day after the appeal started (clocks.ts `startTribunalClock`).
          startedOn: addDays(clock.startedOn, -1),
          lastDay: lastDayOf(clock.deadline),
          state: dutyState(clock),
          decidedOn: clock.stoppedOn ?? null,
        }
      : null,
  };
}

/**
 * The same facts read from a change's answer (the case view), for changes recorded before the
 * messages carried them: the rebuild fills the model from these where the history has an answer.
 */
export function factsFromView(view: {
  assignee: string | null;
  clocks: ReadonlyArray<{
    name: string;
    startedAt: string;
    /** Absent from answers recorded before views showed it: read back from the deadline then. */
    lastDay?: string;
    deadline: string;
    state: string;
    stoppedOn?: string;
  }>;
}): ReportingFacts {
  const clock = view.clocks.find((c) => c.name === TRIBUNAL_CLOCK);
  return {
    assignee: view.assignee,
    duty: clock
      ? {
          startedOn: addDays(clock.startedAt, -1),
          lastDay: clock.lastDay ?? lastDayOf(clock.deadline),
          state: dutyState(clock),
          decidedOn: clock.stoppedOn ?? null,
        }
      : null,
  };
}

/**
 * Where an appeal stands against the duty on `today`, each in exactly one: decided on or before
 * its last day, or after; open with its last day not yet passed, or passed; an exception recorded
 * (the limit not reasonably practicable); ended without a determination (withdrawn, struck out,
 * abandoned, decision withdrawn: no duty left to meet).
 */
export const DUTY_OUTCOMES = [
  'decidedInTime',
  'decidedLate',
  'openInTime',
  'openPastLimit',
  'exception',
  'ended',
] as const;
export type DutyOutcome = (typeof DUTY_OUTCOMES)[number];

/** What decides an appeal's outcome on a day: the store groups its appeals by exactly this. */
export interface DutyStanding {
  state: DutyFacts['state'];
  /** Determined after its last day. */
  decidedLate: boolean;
  /** `today` is after its last day (the limit closes at the end of the last day in London). */
  pastLastDay: boolean;
}

export const dutyStanding = (d: DutyFacts, today: string): DutyStanding => ({
  state: d.state,
  decidedLate: d.decidedOn !== null && d.decidedOn > d.lastDay,
  pastLastDay: today > d.lastDay,
});

export function dutyOutcome(s: DutyStanding): DutyOutcome {
  if (s.state === 'ended' || s.state === 'exception') return s.state;
  if (s.state === 'decided') return s.decidedLate ? 'decidedLate' : 'decidedInTime';
  return s.pastLastDay ? 'openPastLimit' : 'openInTime';
}

/**
 * Decided in time over everything the duty has been settled for: decided (in time or late) or
 * already past the limit undecided (it can no longer be met). Exceptions and ended appeals are
 * out, as in the summary's rate; open appeals still in time are not settled yet. Null: none settled.
 */
export function complianceRate(c: Record<DutyOutcome, number>): number | null {
  const settled = c.decidedInTime + c.decidedLate + c.openPastLimit;
  return settled === 0 ? null : c.decidedInTime / settled;
}

/** The workload report counts apart an assignee's cases this long in their stage or longer. */
export const LONG_STAY_WEEKS = 20;

/** Open work: exit is final, so a case there is on nobody's list (as in the ageing report). */
export const isOpenWork = (stage: Stage) => stage !== 'exit';
