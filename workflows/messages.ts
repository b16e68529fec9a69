/**
 * Every message of the case workflow, with its argument and result types, the task queue's
 * default name and the workflow-id helpers. The API imports this file and nothing else from
 * workflows/ (this file takes the feature sets' table from features.ts), so it never loads the
 * workflow body.
 */
import { defineQuery, defineUpdate } from '@temporalio/workflow';
import type {
  Actor,
  CaseEvent,
  CaseState,
  CaseView,
  Drift,
  ImportedFrom,
  InboundOutcome,
  InboundReferences,
  OpenCaseInput,
  OutboundMessage,
  Policy,
  ReconciliationReport,
  Source,
  System,
} from '../domain/index.js';
import type { ImportReport } from '../imports/report.js';
import { NEWEST_FEATURES, type FeatureSetName } from './features.js';

export const CASE_WORKFLOW_TYPE = 'caseWorkflow';

// The feature set this code starts case runs with, named in their input (workflows/features.ts).
export { NEWEST_FEATURES };

/** What a starter puts in a new case's input to name its features: nothing while naming is off. */
export const namedFeatures = (on: boolean): Pick<CaseWorkflowInput, 'features'> =>
  on ? { features: NEWEST_FEATURES } : {};

export interface CaseWorkflowInput {
  open: OpenCaseInput;
  /** The statutory limits this case runs on, fixed when it opens. Default: DEFAULT_POLICY. */
  policy?: Policy;
  /**
   * A case brought in from a spreadsheet: it opens where the record says it stands, with clocks
   * back-dated from the record's dates, and its history starts with the record and its row.
   */
  imported?: ImportedFrom;
  /** Tests only: continue as new once history reaches this many events. */
  continueAsNewAfterEvents?: number;
  /** Set when the workflow continues as new: everything the next run needs, nothing more. */
  carried?: CarriedState;
  /**
   * The code's features this run has, by the set's name (workflows/features.ts). Starters name
   * `NEWEST_FEATURES` (unless `NAME_CASE_FEATURES=off`), and a named run names it for the run it
   * continues as; runs started without it decide by patch markers, as before.
   */
  features?: FeatureSetName;
}

export interface CarriedState {
  state: CaseState;
  /** Changes not yet acknowledged by each system, in order. */
  outbox: Record<System, OutboundMessage[]>;
  /** Answers to the latest updates by id, so a retry after continue-as-new still applies once. */
  recentUpdates: Array<[string, CaseView]>;
  /**
   * Workflow time of the last activity on the case (a change, or an event a system sent): the
   * retention dormancy runs from it (domain/retention.ts). Absent: none since the opening state.
   */
  lastActivityAt?: string;
}

export interface ApplyEventRequest {
  event: CaseEvent;
  actor: Actor;
  /** The policy in force where the change was made (configuration); clocks it starts keep it. */
  policy?: Policy;
}

export const applyEventUpdate = defineUpdate<CaseView, [ApplyEventRequest]>('applyEvent');

/** An event a system told us of: applied once per key, or held with the reason it does not fit. */
export interface InboundRequest {
  source: Source;
  id: string;
  event: CaseEvent;
  policy?: Policy;
  /** The references it came with: when they name the case by `caseId`, the rest must agree with it. */
  references?: InboundReferences;
  /** Why it must be held whatever it says, found by the API (a reference another case already holds). */
  conflict?: string;
}
export const applyInboundUpdate = defineUpdate<InboundOutcome, [InboundRequest]>('applyInbound');

/** The inbox of inbound events that matched no case, kept until a supervisor links each one. */
export const INBOX_WORKFLOW_TYPE = 'unmatchedInboxWorkflow';
/** One inbox per deployment (task queue), so separate deployments on one namespace never share it. */
export const inboxWorkflowId = (taskQueue: string) => `integrations-unmatched-${taskQueue}`;
export interface UnmatchedEvent {
  key: string;
  source: Source;
  id: string;
  event: CaseEvent;
  references: Record<string, string>;
  occurredAt: string;
  receivedAt: string;
}
/** `full`: the inbox holds as many events as it keeps (STATE_BOUNDS.inboxWaiting); the sender should retry later. */
export const holdUnmatchedUpdate = defineUpdate<'unmatched' | 'duplicate' | 'full', [UnmatchedEvent]>('holdUnmatched');
/** Takes an event out of the inbox to be applied to a case; undefined if it is not there. */
export const takeUnmatchedUpdate = defineUpdate<UnmatchedEvent | undefined, [string]>('takeUnmatched');
export const unmatchedQuery = defineQuery<UnmatchedEvent[]>('unmatched');
export const caseStateQuery = defineQuery<CaseState>('caseState');

/** What reconciliation found at the systems: recorded on the case, missing changes sent again. */
export interface ReconcileRequest {
  at: string;
  drift: Drift[];
  /** Acknowledged changes a system no longer holds, as the history recorded them. */
  resend: OutboundMessage[];
}
export const reconcileUpdate = defineUpdate<{ requeued: number }, [ReconcileRequest]>('reconcile');

/** Checks every open case against each system; started by the deployment's Schedule. */
export const RECONCILIATION_WORKFLOW_TYPE = 'reconciliationWorkflow';
export interface ReconciliationInput {
  /** Set on continue-as-new: the report so far and where the listing of cases stopped. */
  carried?: { report: ReconciliationReport; pageToken: string };
}
export const reconciliationProgressQuery = defineQuery<ReconciliationReport>('reconciliationProgress');
/** One Schedule per deployment (task queue), like the unmatched inbox. */
export const reconciliationScheduleId = (taskQueue: string) => `reconciliation-${taskQueue}`;

/** Failure types an update can end with: the domain's rejection kinds, named once. */
export type { Rejection } from '../domain/index.js';

/**
 * The search attributes a case carries, and how its state maps to them: part of the contract, since
 * the API searches by them and the import starts cases with them. Their module is plain data and
 * domain functions, so importing them here still loads no workflow body.
 */
export {
  CLOCK_STATUSES,
  SA,
  SEARCH_ATTRIBUTE_KEYS,
  searchAttributesOf,
  type ClockStatus,
} from './search-attributes.js';

const PREFIX = 'case-';
export const caseWorkflowId = (caseId: string) => `${PREFIX}${caseId}`;
export const caseIdFromWorkflowId = (workflowId: string): string | undefined =>
  workflowId.startsWith(PREFIX) ? workflowId.slice(PREFIX.length) : undefined;

/** A spreadsheet import: validated in full, then brought in a chunk at a time. */
export const IMPORT_WORKFLOW_TYPE = 'importWorkflow';
export const importWorkflowId = (importId: string) => `import-${importId}`;
export interface ImportInput {
  importId: string;
  /** The file's name as uploaded, for the report and each case's "imported from" entry. */
  file: string;
  dryRun: boolean;
  /** Who asked for it (the token's subject). */
  by: string;
  policy: Policy;
  /** Tests only: the first retry of a failed pass after this many ms (default 1 s), so its bounded attempts run out fast. */
  firstRetryMs?: number;
}
/** Memo key of what an import set on a case (kept current by corrections), read without the worker. */
export const IMPORTED_MEMO = 'imported';
export const importProgressQuery = defineQuery<ImportReport>('importProgress');
