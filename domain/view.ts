/** What a client sees of a case: its state plus what it may do next. Pure. */
import type { CaseState } from './case.js';
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
  dates: CaseState['dates'];
  clocks: unknown[];
  sync: CaseState['sync'];
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
    dates: state.dates,
    clocks: [],
    sync: state.sync,
    allowedEvents: allowedEvents(state, role),
    openedAt: state.openedAt,
    version: state.version,
  };
}
