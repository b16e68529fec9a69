/** What a client sees of a case: its state plus what it may do next. Pure. */
import type { CaseState } from './case.js';
import { decidedInTime, doneLate, type Clock } from './clocks.js';
import type { CaseEvent } from './events.js';
import { appealPending, appealPendingReason, removalBar } from './pending.js';
import { appealStartedOn, cohortOn } from './cohort.js';
import { DEFAULT_POLICY } from './policy.js';
import { timeLimits } from './limits.js';
import { allowedEvents, type EventType } from './events.js';
import type { Role } from './roles.js';
import type { CaseLink } from './links.js';
import { EXTERNAL_SYSTEMS, type ExternalSystem } from './systems.js';

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
  /** The external systems' sync (the reporting read model is the tracker's own: not shown). */
  sync: Pick<CaseState['sync'], ExternalSystem>;
  /** An appeal could still be brought in time, or one awaits a decision (2002 Act s.104). */
  appealPending: boolean;
  /** Why, in words, when it is. */
  appealPendingReason?: string;
  appealEnded?: CaseState['appealEnded'];
  /** The appellant's circumstances as they stood on the day the current appeal started (the 24-week test). */
  cohortAtAppeal?: CaseState['cohort'];
  cohortFacts?: CaseState['cohortFacts'];
  tribunalFlag?: CaseState['tribunalFlag'];
  onward?: CaseState['onward'];
  furtherSubmissions?: CaseState['furtherSubmissions'];
  judicialReview?: CaseState['judicialReview'];
  /** Why removal is barred now, if it is (an appeal pending, submissions awaiting consideration, a judicial review). */
  removalBarred?: string;
  held: HeldView[];
  /** Held events dropped from `held` to keep the case bounded (oldest first); the timeline still shows them. */
  heldDropped?: number;
  reconciliation?: CaseState['reconciliation'];
  allowedEvents: EventType[];
  openedAt: string;
  version: number;
  /** Other cases this one is linked to, and how (each shown on both cases). */
  links: CaseLink[];
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
    sync: Object.fromEntries(EXTERNAL_SYSTEMS.map((s) => [s, state.sync[s]])) as Pick<
      CaseState['sync'],
      ExternalSystem
    >,
    appealPending: appealPending(state),
    ...(appealPendingReason(state) ? { appealPendingReason: appealPendingReason(state)! } : {}),
    ...(state.appealEnded ? { appealEnded: state.appealEnded } : {}),
    ...(appealStartedOn(state) ? { cohortAtAppeal: cohortOn(state, appealStartedOn(state)!) } : {}),
    ...(state.cohortFacts?.length ? { cohortFacts: state.cohortFacts } : {}),
    ...(state.tribunalFlag ? { tribunalFlag: state.tribunalFlag } : {}),
    ...(state.onward ? { onward: state.onward } : {}),
    ...(state.furtherSubmissions ? { furtherSubmissions: state.furtherSubmissions } : {}),
    ...(state.judicialReview ? { judicialReview: state.judicialReview } : {}),
    ...(removalBar(state) ? { removalBarred: removalBar(state)! } : {}),
    held: state.held.map(({ key, type, reason, at, event }) => ({
      key,
      type,
      reason,
      receivedAt: at,
      ...(event ? { event } : {}),
    })),
    ...(state.heldDropped ? { heldDropped: state.heldDropped } : {}),
    ...(state.reconciliation ? { reconciliation: state.reconciliation } : {}),
    allowedEvents: allowedEvents(state, role),
    openedAt: state.openedAt,
    version: state.version,
    links: state.links ?? [],
  };
}

/** An inbound event kept because it did not fit, with the event itself. */
export interface HeldView {
  key: string;
  type: CaseEvent['type'];
  reason: string;
  receivedAt: string;
  event?: CaseEvent;
}

/**
 * A limit's state as the contract names it: `met` (done in time), `breached` (closed while running,
 * or done after its last day), `ended` (the appeal ended another way), `running`, `exception`.
 */
export const CLOCK_VIEW_STATES = ['running', 'met', 'breached', 'ended', 'exception'] as const;
export type ClockViewState = (typeof CLOCK_VIEW_STATES)[number];

function viewState(state: Clock['state'], c: Clock | undefined): ClockViewState {
  if (state !== 'stopped') return state;
  return c && doneLate(c) ? 'breached' : 'met';
}

export interface ClockView {
  name: string;
  startedAt: string;
  /** The last day on which the thing may still be done: a London date, what people are told. */
  lastDay: string;
  /** The instant the limit closes: the end of `lastDay` in London. */
  deadline: string;
  state: ClockViewState;
  /** Escalation level reached (0 before the first warning). */
  level: number;
  warnings: string[];
  stoppedOn?: string;
  breachedAt?: string;
  exception?: { reason: string; at: string };
  decidedInTime?: boolean;
  /** Done after its last day (e.g. evidence served late). */
  late?: boolean;
  endedOn?: string;
  extensions?: Clock['extensions'];
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
      state: viewState(s, c),
      level,
      warnings,
      ...(c?.stoppedOn ? { stoppedOn: c.stoppedOn, decidedInTime: decidedInTime(c) } : {}),
      ...(c && doneLate(c) ? { late: true } : {}),
      ...(c?.endedOn ? { endedOn: c.endedOn } : {}),
      ...(c?.extensions?.length ? { extensions: c.extensions } : {}),
      ...(c?.breachedAt ? { breachedAt: c.breachedAt } : {}),
      ...(c?.exception ? { exception: c.exception } : {}),
    }),
  );
}
