/**
 * What each external system hears of a change: one message per change per system, keyed so the
 * receiver can apply it exactly once and check it arrives in order.
 */
import type { CaseState } from './case.js';
import type { ClockName } from './clocks.js';
import { lastDayOf } from './days.js';
import { caseFigures, type CaseFigures } from './figures.js';
import { REPORTING_SYSTEM, type System } from './systems.js';
import type { CaseEvent } from './events.js';
import type { Actor } from './roles.js';
import { reportingFacts, type ReportingFacts } from './reporting-facts.js';

/**
 * The reporting read model hears of a case's opening too (seq 0, no event: a case opens by being
 * started): where it opened and since which day. No other system is sent one.
 */
export const CASE_OPENED = 'case.opened';
export interface CaseOpened {
  type: typeof CASE_OPENED;
  /** The day the case entered its opening stage: the claim's date, or an imported case's latest dated fact. */
  openedOn: string;
}

export interface OutboundMessage {
  /** case id + sequence + system: the receiver's idempotency key. */
  key: string;
  system: System;
  caseId: string;
  seq: number;
  type: CaseEvent['type'] | typeof CASE_OPENED;
  at: string;
  actor: Actor;
  event: CaseEvent | CaseOpened;
  /**
   * The case as it stands after the change: references, stage, the dates that drive clocks, the
   * onward challenge in progress and each live direction's last day. `onward` and `deadlines` are
   * absent from messages queued before they were sent (a system's own language then leaves out
   * what they fill: the court of a permission application, a direction's due date).
   */
  after: Pick<CaseState, 'stage' | 'status' | 'identifiers' | 'dates' | 'cohort'> &
    Partial<Pick<CaseState, 'onward'>> & { deadlines?: Deadlines };
  /**
   * The reporting read model's only: what the case adds to the summary after the change. Absent
   * from messages queued before it was sent (the rebuild fills those cases from their state).
   */
  figures?: CaseFigures;
  /**
   * On the reporting model's messages only: the assignee and the current appeal's 24-week duty
   * (no personal data). Absent on messages recorded before they were sent: the model keeps what it had.
   */
  reporting?: ReportingFacts;
  /**
   * Set when reconciliation found the system no longer holds this acknowledged change: the
   * receiver accepts it behind later ones (a gap fill) instead of refusing it as out of order.
   */
  redelivery?: true;
}

export interface Receipt {
  /** The receiving system's own id for what it stored. */
  receiptId: string;
  /** References the system assigned (HMCTS: its appeal reference and case number). */
  references?: { hmctsRef?: string; courtCaseNumber?: string };
}

/** The last day of each clock still running or breached: what a direction's recipient must meet. */
export type Deadlines = Partial<Record<ClockName, string>>;
export const liveDeadlines = (state: CaseState): Deadlines =>
  Object.fromEntries(
    state.clocks
      .filter((c) => c.state === 'running' || c.state === 'breached')
      .map((c) => [c.name, lastDayOf(c.deadline)]),
  );

export const messageKey = (caseId: string, seq: number, system: System) => `${caseId}:${seq}:${system}`;

export function outboundMessages(
  systems: readonly System[],
  after: CaseState,
  event: CaseEvent,
  actor: Actor,
  at: string,
): OutboundMessage[] {
  return systems.map((system) => ({
    key: messageKey(after.caseId, after.version, system),
    system,
    caseId: after.caseId,
    seq: after.version,
    type: event.type,
    at,
    actor,
    event,
    after: {
      stage: after.stage,
      status: after.status,
      identifiers: after.identifiers,
      dates: after.dates,
      cohort: after.cohort,
      ...(after.onward ? { onward: after.onward } : {}),
      deadlines: liveDeadlines(after),
    },
    ...(system === REPORTING_SYSTEM ? { figures: caseFigures(after) } : {}),
    // The other systems' payloads stay as they were: they have no use for these.
    ...(system === REPORTING_SYSTEM ? { reporting: reportingFacts(after) } : {}),
  }));
}

/** The opening of a case, for the reporting read model (seq 0: before any change). */
export function openingMessage(state: CaseState, actor: Actor, at: string, openedOn: string): OutboundMessage {
  return {
    key: messageKey(state.caseId, 0, REPORTING_SYSTEM),
    system: REPORTING_SYSTEM,
    caseId: state.caseId,
    seq: 0,
    type: CASE_OPENED,
    at,
    actor,
    event: { type: CASE_OPENED, openedOn },
    after: {
      stage: state.stage,
      status: state.status,
      identifiers: state.identifiers,
      dates: state.dates,
      cohort: state.cohort,
    },
    figures: caseFigures(state),
    reporting: reportingFacts(state),
  };
}
