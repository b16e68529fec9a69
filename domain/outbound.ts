/**
 * What each external system hears of a change: one message per change per system, keyed so the
 * receiver can apply it exactly once and check it arrives in order.
 */
import type { AppealEnding, CaseState, OnwardChallenge } from './case.js';
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

/**
 * The reporting read model hears when a case's sync-failure flag turns without a change (a
 * delivery rejected for good: no new seq), at the seq of the case's latest change, carrying the
 * case's figures with the new flag. A change that turns it (`sync.resent`) carries it in its own
 * figures. No other system is sent one.
 */
export const SYNC_STATUS = 'sync.status';
export interface SyncStatusChanged {
  type: typeof SYNC_STATUS;
  syncFailed: boolean;
}

/** A message telling the model the case's sync-failure flag turned, not a change. */
export const isSyncStatus = (message: { event: { type: string } }) => message.event.type === SYNC_STATUS;

/** Figures as a message carries them: `syncFailed` is absent from those queued before it was sent. */
export type SentFigures = Omit<CaseFigures, 'syncFailed'> & Partial<Pick<CaseFigures, 'syncFailed'>>;

export interface OutboundMessage {
  /** case id + sequence + system: the receiver's idempotency key. */
  key: string;
  system: System;
  caseId: string;
  seq: number;
  type: CaseEvent['type'] | typeof CASE_OPENED | typeof SYNC_STATUS;
  at: string;
  actor: Actor;
  event: CaseEvent | CaseOpened | SyncStatusChanged;
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
   * from messages queued before it was sent (the rebuild fills those cases from their state), and
   * their `syncFailed` from those queued before that was (the model keeps the flag it had).
   */
  figures?: SentFigures;
  /**
   * On the reporting model's messages only: the assignee and the current appeal's 24-week duty
   * (no personal data). Absent on messages recorded before they were sent: the model keeps what it had.
   */
  reporting?: ReportingFacts;
  /**
   * On HMCTS's messages only: where the appeal stands after the change, which the tribunal's case
   * events name (whose permission application is made or decided; an appeal abandoned by an exit).
   * No personal data. Absent on messages queued before it was sent: the encoder then falls back to
   * the tracker's own event ids for those changes.
   */
  appeal?: AppealStanding;
  /**
   * Set when reconciliation found the system no longer holds this acknowledged change: the
   * receiver accepts it behind later ones (a gap fill) instead of refusing it as out of order.
   */
  redelivery?: true;
}

/** The appeal's standing a courts message carries: its onward challenge and how it ended, if it did. */
export interface AppealStanding {
  onward?: OnwardChallenge;
  ended?: AppealEnding;
}

/** HMCTS's messages carry the appeal's standing; the other systems' payloads stay as they were. */
const COURTS_SYSTEM = 'courts' satisfies System;
const appealStanding = (s: CaseState): AppealStanding => ({
  ...(s.onward ? { onward: s.onward } : {}),
  ...(s.appealEnded ? { ended: s.appealEnded } : {}),
});

export interface Receipt {
  /** The receiving system's own id for what it stored. */
  receiptId: string;
  /** References the system assigned (HMCTS: its appeal reference and case number). */
  references?: { hmctsRef?: string; courtCaseNumber?: string };
}

/**
 * A delivery made within the workflow task (a local activity), answered: the receipt, or the
 * system's deliberate refusal, with the message it answers, because history keeps a local
 * activity's result and not its input. A refusal is an answer, not a failure, so that history
 * shows which message was refused.
 */
export type AnsweredInTask = (Receipt & { message: OutboundMessage }) | { message: OutboundMessage; rejected: string };

/**
 * One message of several tried together within the workflow task: answered, or `failed` (no answer
 * in time, unreachable), in which case it goes the durable way and its marker entry records nothing sent.
 */
export type TriedInTask = AnsweredInTask | { message: OutboundMessage; failed: string };

/** The last day of each clock still running or breached: what a direction's recipient must meet. */
export type Deadlines = Partial<Record<ClockName, string>>;
export const liveDeadlines = (state: CaseState): Deadlines =>
  Object.fromEntries(
    state.clocks
      .filter((c) => c.state === 'running' || c.state === 'breached')
      .map((c) => [c.name, lastDayOf(c.deadline)]),
  );

/** The case as a message shows it after the change. */
const afterOf = (state: CaseState): OutboundMessage['after'] => ({
  stage: state.stage,
  status: state.status,
  identifiers: state.identifiers,
  dates: state.dates,
  cohort: state.cohort,
  ...(state.onward ? { onward: state.onward } : {}),
  deadlines: liveDeadlines(state),
});

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
    after: afterOf(after),
    ...(system === REPORTING_SYSTEM ? { figures: caseFigures(after) } : {}),
    // The other systems' payloads stay as they were: they have no use for these.
    ...(system === REPORTING_SYSTEM ? { reporting: reportingFacts(after) } : {}),
    ...(system === COURTS_SYSTEM ? { appeal: appealStanding(after) } : {}),
  }));
}

/**
 * A case's sync-failure flag turned without a change: for the reporting model only, at the case's
 * current seq. Keyed apart from that change's message (the outbox takes a message off by its key),
 * and by the flag's new value: it turns on only between changes and off only by one (`sync.resent`),
 * so a seq has at most one of these.
 */
export function syncStatusMessage(state: CaseState, actor: Actor, at: string): OutboundMessage {
  const figures = caseFigures(state);
  return {
    key: `${messageKey(state.caseId, state.version, REPORTING_SYSTEM)}:sync-${figures.syncFailed ? 'failed' : 'cleared'}`,
    system: REPORTING_SYSTEM,
    caseId: state.caseId,
    seq: state.version,
    type: SYNC_STATUS,
    at,
    actor,
    event: { type: SYNC_STATUS, syncFailed: figures.syncFailed },
    after: afterOf(state),
    figures,
  };
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
    after: afterOf(state),
    figures: caseFigures(state),
    reporting: reportingFacts(state),
  };
}
