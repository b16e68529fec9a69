/** What a client sees of a case: its state plus what it may do next. Pure. */
import type { CaseState } from './case.js';
import { decidedInTime, type Clock } from './clocks.js';
import { DEFAULT_POLICY } from './policy.js';
import { timeLimits } from './limits.js';
import { allowedEvents, type EventType } from './events.js';
import type { Role } from './roles.js';

export interface CaseView {
  caseId: string;
  stage: CaseState['stage'];
  status: CaseState['status'];
  identifiers: CaseState['identifiers'];
  person: CaseState['person'];
  cohort: CaseState['cohort'];
  assignee: string | null;
  flags: CaseState['flags'];
  counts: CaseState['counts'];
  abscondingPeriods: CaseState['abscondingPeriods'];
  dates: CaseState['dates'];
  clocks: ClockView[];
  sync: CaseState['sync'];
  held: CaseState['held'];
  reconciliation?: CaseState['reconciliation'];
  allowedEvents: EventType[];
  openedAt: string;
  version: number;
}

export function caseView(state: CaseState, role?: Role): CaseView {
  return {
    caseId: state.caseId,
    stage: state.stage,
    status: state.status,
    identifiers: state.identifiers,
    person: state.person,
    cohort: state.cohort,
    assignee: state.assignee,
    flags: state.flags,
    counts: state.counts,
    abscondingPeriods: state.abscondingPeriods,
    dates: state.dates,
    clocks: clockViews(state),
    sync: state.sync,
    held: state.held,
    ...(state.reconciliation ? { reconciliation: state.reconciliation } : {}),
    allowedEvents: allowedEvents(state, role),
    openedAt: state.openedAt,
    version: state.version,
  };
}

export interface ClockView {
  name: string;
  startedAt: string;
  /** The last day on which the thing may still be done: a London date, what people are told. */
  lastDay: string;
  /** The instant the limit closes: the end of `lastDay` in London. */
  deadline: string;
  state: Clock['state'] | 'expired';
  /** Escalation level reached (0 before the first warning). */
  level: number;
  warnings: string[];
  stoppedOn?: string;
  breachedAt?: string;
  exception?: { reason: string; at: string };
  decidedInTime?: boolean;
}

/** The time limits of a case as a client sees them: the window open now, and its clocks. */
export function clockViews(state: CaseState): ClockView[] {
  // A window's own length is kept on the case; the default policy stands in only for older cases.
  return timeLimits(state, DEFAULT_POLICY).map(
    ({ name, startedOn, lastDay, closes, state: s, level, warnings, clock: c }) => ({
      name,
      startedAt: startedOn,
      lastDay,
      deadline: closes,
      state: s,
      level,
      warnings,
      ...(c?.stoppedOn ? { stoppedOn: c.stoppedOn, decidedInTime: decidedInTime(c) } : {}),
      ...(c?.breachedAt ? { breachedAt: c.breachedAt } : {}),
      ...(c?.exception ? { exception: c.exception } : {}),
    }),
  );
}
