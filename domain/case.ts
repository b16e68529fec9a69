/**
 * The state of one case: plain JSON (records, arrays, ISO date strings) so that it survives
 * queries and continue-as-new unchanged.
 */
import type { Clock } from './clocks.js';
import type { ImportedFrom } from './import.js';
import type { HeldEvent } from './inbound.js';
import type { CaseLink, LinkBack } from './links.js';
import type { Drift } from './reconcile.js';
import type { Position, Stage, Status } from './stages.js';
import { perSystem, type System } from './systems.js';

export interface Person {
  name: string;
  /** ISO date, YYYY-MM-DD. */
  dateOfBirth: string;
  nationality: string;
}

export interface Cohort {
  supportedAccommodation: boolean;
  foreignNationalOffender: boolean;
  detained: boolean;
  /** The appeal can only be brought or continued from outside the UK (recorded by `cohort.changed`). */
  outOfCountry?: boolean;
}

/** One dated fact about the appellant's circumstances, as recorded by `cohort.changed`. */
export interface CohortFact {
  effectiveOn: string;
  changes: Partial<Cohort>;
  reason: string;
  /** Who recorded it (actor id), and when (workflow time). */
  by?: string;
  recordedAt: string;
}

/** What a grant at decision gave: refugee status or humanitarian protection. */
export const GRANTS = ['refugee', 'humanitarian-protection'] as const;
export type Grant = (typeof GRANTS)[number];

export const COURTS = ['first-tier', 'upper-tribunal', 'court-of-appeal'] as const;
export type Court = (typeof COURTS)[number];
export type Party = 'appellant' | 'respondent';

/** The onward challenge in progress: who brought it, at which court, and whether for permission or the appeal itself. */
export interface OnwardChallenge {
  party: Party;
  court: Court;
  kind: 'permission' | 'appeal';
  lodgedOn: string;
}

export interface Identifiers {
  caseId: string;
  homeOfficeRef: string;
  uan?: string;
  gwf?: string;
  hmctsRef?: string;
  courtCaseNumber?: string;
  /** Police National Computer ID, as displayed (YY/serial and check letter). */
  pnc?: string;
  /** Prison number, e.g. A1234BC. */
  prisonNumber?: string;
  /** The local authority's own reference. */
  localAuthorityRef?: string;
}

export interface OpenCaseInput {
  caseId: string;
  homeOfficeRef: string;
  uan?: string;
  gwf?: string;
  person: Person;
  /** ISO date the claim was lodged; may be long past for migrated cases. */
  claimDate: string;
  cohort: Cohort;
  assignee?: string;
  /** ISO date-time the tracker accepted the case (the API's clock, fixed in the workflow input). */
  openedAt: string;
}

export interface CaseState {
  caseId: string;
  stage: Stage;
  status: Status;
  identifiers: Identifiers;
  person: Person;
  cohort: Cohort;
  assignee: string | null;
  flags: { absconded: boolean };
  counts: { claims: number; appeals: number; abscondings: number };
  /** Each time the person absconded, from the day it was recorded to the day they reported again. */
  abscondingPeriods: AbscondingPeriod[];
  dates: {
    claimDate: string;
    refusedOn?: string;
    outOfCountry?: boolean;
    /** The window's length in force when it opened (absent in histories from before it was kept). */
    appealWindowDays?: number;
    onwardWindowDays?: number;
    /**
     * Each window's last day, fixed when it opened: counted in days and moved past weekends and bank
     * holidays by the calendar in force then, so a later change of calendar never moves it (absent in
     * histories from before: those count plain days).
     */
    appealWindowLastDay?: string;
    onwardWindowLastDay?: string;
    /** The day the onward window after an allowed appeal closed unused: the determination is final. */
    onwardWindowClosedOn?: string;
    /** The day an onward court remitted the appeal for a fresh First-tier hearing. */
    remittedOn?: string;
    /** After the First-tier refused permission: the day it refused, and the last day to renew to the Upper Tribunal. */
    permissionRefusedOn?: string;
    renewalWindowLastDay?: string;
    /** The day the Upper Tribunal decided the appeal: permission to go to the Court of Appeal runs from it. */
    onwardDecidedOn?: string;
    /** The day the last further submissions were rejected (a judicial review may follow). */
    furtherSubmissionsRejectedOn?: string;
    appealLodgedOn?: string;
    hearingDate?: string;
    determinedOn?: string;
    /** The day the notice of refusal was sent: the appeal window runs from it (absent: the decision date). */
    sentOn?: string;
    /** The day the hearing was held, when the decision was reserved. */
    heardOn?: string;
    /** The day the determination was sent to the parties: the 24-week duty is met then. */
    promulgatedOn?: string;
    onThePapers?: boolean;
    /** The tribunal's decision on a late appeal. */
    extensionGrantedOn?: string;
    extensionRefusedOn?: string;
    exitedOn?: string;
  };
  /** How the last appeal ended without a determination, if it did. */
  appealEnded?: AppealEnding;
  /** Where a struck-out appeal stood, so reinstatement returns it there. */
  struckOutFrom?: Position;
  /** The last determination, which onward-appeal outcomes are read against. */
  determination?: 'allowed' | 'dismissed';
  openedAt: string;
  /** Sequence number of the last change applied; 0 for a case just opened. */
  version: number;
  /** Delivery to each external system, as the workflow's sync loops report it. */
  sync: Record<System, SyncStatus>;
  /** Statutory clocks started on this case (the latest of each name). */
  clocks: Clock[];
  /** Keys of every inbound event applied or held here: the same event twice applies once. */
  inbound: string[];
  /** Inbound events that did not fit the case when they came, with why. */
  held: HeldEvent[];
  /** Held events dropped from `held` (oldest first) to keep the state bounded; still in history (absent: none). */
  heldDropped?: number;
  /** What the last reconciliation found wrong at the systems (absent until one found drift). */
  reconciliation?: { at: string; drift: Drift[] };
  /** Set on a case brought in from a spreadsheet: the record as last imported, and from where. */
  imported?: ImportedFrom;
  /** The cohort before any dated fact was recorded (absent until the first `cohort.changed`). */
  cohortBase?: Cohort;
  /** Dated facts of the appellant's circumstances, in the order recorded; `cohort` is them all applied. */
  cohortFacts?: CohortFact[];
  /** The tribunal's own decision on 24-week membership for the current appeal, overriding the facts. */
  tribunalFlag?: { inCohort: boolean; reason: string; on: string };
  /** The onward challenge under way, and the last court that decided one (the next may go only higher). */
  onward?: OnwardChallenge;
  onwardDecidedBy?: Court;
  /** Further submissions awaiting consideration: when lodged, and where the case stood. */
  furtherSubmissions?: { lodgedOn: string; from: Position };
  /** A judicial review lodged and not yet decided: it bars removal. */
  judicialReview?: { lodgedOn: string; against: JudicialReviewTarget };
  /** Other cases this one is linked to (both cases record a link); absent on cases that never had one. */
  links?: CaseLink[];
  /** Links made here that the other case has yet to record, in order (the workflow sends them). */
  linkBacks?: LinkBack[];
}

export const JUDICIAL_REVIEW_TARGETS = ['certification', 'inadmissibility', 'further-submissions'] as const;
export type JudicialReviewTarget = (typeof JUDICIAL_REVIEW_TARGETS)[number];

export const APPEAL_ENDINGS = ['withdrawn', 'struck-out', 'abandoned', 'decision-withdrawn'] as const;
export interface AppealEnding {
  how: (typeof APPEAL_ENDINGS)[number];
  /** London date it ended. */
  on: string;
}

export interface AbscondingPeriod {
  /** ISO date absconding was recorded. */
  from: string;
  /** ISO date the person reported again; absent while still absconded. */
  to?: string;
}

export interface SyncStatus {
  /** Sequence number of the last change the system has acknowledged (0: none yet). */
  delivered: number;
  /** Changes waiting for delivery, in order. */
  pending: number;
  /** A permanent rejection: delivery to this system stops here until a supervisor re-sends. */
  failure: { seq: number; reason: string; at: string } | null;
  lastReceipt?: string;
}

const NO_SYNC: SyncStatus = { delivered: 0, pending: 0, failure: null };

/**
 * A state carried from a run of older code gains what newer code expects (the notifier, clocks),
 * so continue-as-new across a deployment keeps working.
 */
export function upgradeState(state: CaseState): CaseState {
  return {
    ...state,
    sync: Object.assign(
      perSystem(() => NO_SYNC),
      state.sync,
    ),
    clocks: state.clocks ?? [],
    inbound: state.inbound ?? [],
    held: state.held ?? [],
    abscondingPeriods: state.abscondingPeriods ?? [],
  };
}

/** Pure: the API answers with the same state the workflow starts from. */
export function openCase(input: OpenCaseInput): CaseState {
  return {
    caseId: input.caseId,
    stage: 'claim',
    status: 'lodged',
    identifiers: {
      caseId: input.caseId,
      homeOfficeRef: input.homeOfficeRef,
      ...(input.uan ? { uan: input.uan } : {}),
      ...(input.gwf ? { gwf: input.gwf } : {}),
    },
    person: input.person,
    cohort: input.cohort,
    assignee: input.assignee ?? null,
    flags: { absconded: false },
    counts: { claims: 1, appeals: 0, abscondings: 0 },
    abscondingPeriods: [],
    dates: { claimDate: input.claimDate },
    openedAt: input.openedAt,
    version: 0,
    sync: perSystem(() => NO_SYNC),
    clocks: [],
    inbound: [],
    held: [],
  };
}

/** Every external identifier of a case, for search ("find by any reference"). */
export function externalRefs(state: CaseState): string[] {
  const { caseId: _ours, ...theirs } = state.identifiers;
  return Object.values(theirs).filter((v): v is string => typeof v === 'string' && v.length > 0);
}
