/** What a client sees of a case: its state plus what it may do next. Pure. */
import type { CaseState } from './case.js';
import { decidedInTime, type Clock } from './clocks.js';
import { lastDayOf } from './days.js';
import { DEFAULT_POLICY } from './policy.js';
import { nextTimer } from './timers.js';
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

/** The statutory clocks of a case: its stored clocks, and the appeal windows open now. */
export function clockViews(state: CaseState): ClockView[] {
  const windows: ClockView[] = [];
  const due = nextTimer(state, DEFAULT_POLICY); // a window's own length is kept on the case; the default only for older cases
  if (due) {
    const startedAt = (due.type === 'appeal-window.expired' ? state.dates.refusedOn : state.dates.determinedOn) ?? '';
    windows.push({ name: due.type === 'appeal-window.expired' ? 'appeal-window' : 'onward-appeal-window', startedAt, lastDay: due.lastDay, deadline: due.at, state: 'running', level: 0, warnings: [] });
  }
  return [
    ...windows,
    ...state.clocks.map((c) => ({
      name: c.name,
      startedAt: c.startedOn,
      lastDay: lastDayOf(c.deadline),
      deadline: c.deadline,
      state: c.state,
      level: c.level,
      warnings: c.warnings,
      ...(c.stoppedOn ? { stoppedOn: c.stoppedOn, decidedInTime: decidedInTime(c) } : {}),
      ...(c.breachedAt ? { breachedAt: c.breachedAt } : {}),
      ...(c.exception ? { exception: c.exception } : {}),
    })),
  ];
}
