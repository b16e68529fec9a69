/**
 * Activities: the only code that talks to the Home Office and courts systems. The factory takes
 * one port per system, so tests and production wire different adapters into the same code.
 */
import { ApplicationFailure, Context } from '@temporalio/activity';
import type { Client } from '@temporalio/client';
import {
  SYNC_REJECTED,
  type AnsweredInTask,
  type OutboundMessage,
  type TriedInTask,
  type Receipt,
  type System,
} from '../domain/index.js';
import type { SystemPort } from './ports.js';
import type { CsvLimits } from '../imports/validate.js';
import { createImportActivities, type ImportPace } from './import.js';
import type { ImportPriorityMode } from '../imports/priority.js';
import { createReconcileActivities } from './reconcile.js';
import { createLinkActivities } from './links.js';
import { createReportingReconcileActivities } from './reporting-reconcile.js';
import type { ReportingStore } from '../reporting/index.js';

export interface ActivityDeps {
  ports: Record<System, SystemPort>;
  /** Reconciliation reads case histories and updates cases through Temporal; a link is recorded on the other case so. */
  client: Client;
  namespace: string;
  taskQueue: string;
  /** Uploaded import files, shared with the API. */
  importDir: string;
  /** How long a spreadsheet's row and cell may be (default: DEFAULT_CSV_LIMITS). */
  csvLimits?: CsvLimits;
  /** How fast imports bring rows in (default: adaptive, at most 32 at once). */
  importPace?: ImportPace;
  /** Whether imported cases start as bulk work (default: off; auto: where the server can set them back). */
  importPriority?: ImportPriorityMode;
  /** Whether imported cases name their feature set in their input (`NAME_CASE_FEATURES`); default on. */
  nameCaseFeatures?: boolean;
  /** The reporting read model, opened by its nightly reconciliation (the delivery port opens its own). */
  openReportingStore: () => Promise<ReportingStore>;
}

/**
 * A delivery whose answer carries the message it answers, a refusal included: how a delivery within
 * the workflow task answers. Anything else (unreachable, timed out) still fails the try.
 */
export const carryingTheMessage =
  (deliver: (message: OutboundMessage, cancelled?: AbortSignal) => Promise<Receipt>) =>
  async (message: OutboundMessage, cancelled?: AbortSignal): Promise<AnsweredInTask> => {
    try {
      return { ...(await deliver(message, cancelled)), message };
    } catch (err) {
      if (err instanceof ApplicationFailure && err.type === SYNC_REJECTED) return { message, rejected: err.message };
      throw err;
    }
  };

/**
 * How long one message of a batch tried within the task may wait for its system. Below the local
 * activity's own 2 s (workflows/delivery.ts), so that one slow system fails its own message and the
 * batch still answers for the others.
 */
export const TRY_WITHIN_MS = 1_500;

/**
 * Several systems' next messages tried at once within the workflow task, one local activity for all
 * (one marker and one activation for the answers, not one each). Each is answered on its own: a
 * receipt, a refusal, or `failed` when its system did not answer within `withinMs` or could not be
 * reached; only that message then goes the durable way.
 */
export const triedTogether =
  (deliver: (message: OutboundMessage, cancelled?: AbortSignal) => Promise<Receipt>, withinMs = TRY_WITHIN_MS) =>
  (messages: OutboundMessage[]): Promise<TriedInTask[]> => {
    const cancelled = Context.current().cancellationSignal;
    const answer = carryingTheMessage(deliver);
    return Promise.all(
      messages.map(async (message): Promise<TriedInTask> => {
        const giveUp = AbortSignal.any([cancelled, AbortSignal.timeout(withinMs)]);
        try {
          return await Promise.race([answer(message, giveUp), aborted(giveUp)]);
        } catch (err) {
          return { message, failed: err instanceof Error ? err.message : String(err) };
        }
      }),
    );
  };

/** Rejects when `signal` aborts: a port that ignores the signal (a database write) is still given up on. */
const aborted = (signal: AbortSignal) =>
  new Promise<never>((_, reject) => {
    if (signal.aborted) reject(signal.reason as Error);
    signal.addEventListener('abort', () => reject(signal.reason as Error), { once: true });
  });

export function createActivities({
  ports,
  client,
  namespace,
  taskQueue,
  importDir,
  csvLimits,
  importPace,
  importPriority,
  nameCaseFeatures,
  openReportingStore,
}: ActivityDeps) {
  /** One change to its system; a try given up on (timed out, cancelled) stops its request too. */
  const send = (message: OutboundMessage, cancelled = Context.current().cancellationSignal) =>
    ports[message.system].deliver(message, cancelled);
  return {
    /** Delivers one change to one system; retried by Temporal until delivered or rejected. */
    async deliver(message: OutboundMessage): Promise<Receipt> {
      return send(message);
    },
    /**
     * The same delivery run within the workflow task (a local activity, workflows/delivery.ts). Its
     * answer carries the message: a local activity's marker in history keeps its result but not its
     * input, and the record (the reporting rebuild, reconciliation) reads what was sent from history.
     */
    deliverInTask: carryingTheMessage(send),
    /** Each system's next message tried together within the workflow task: runs since `features-2026-12-tries-together`. */
    deliverTogetherInTask: triedTogether(send),
    ...createReconcileActivities({ client, namespace, taskQueue, ports }),
    ...createImportActivities({
      client,
      namespace,
      taskQueue,
      importDir,
      ...(csvLimits ? { csvLimits } : {}),
      ...(importPace ? { pace: importPace } : {}),
      ...(importPriority ? { priority: importPriority } : {}),
      ...(nameCaseFeatures !== undefined ? { nameFeatures: nameCaseFeatures } : {}),
    }),
    ...createLinkActivities({ client }),
    ...createReportingReconcileActivities({ client, namespace, taskQueue, openStore: openReportingStore }),
  };
}

export type Activities = ReturnType<typeof createActivities>;
