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
  type Receipt,
  type System,
} from '../domain/index.js';
import type { SystemPort } from './ports.js';
import type { CsvLimits } from '../imports/validate.js';
import { createImportActivities, type ImportPace } from './import.js';
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
  /** The reporting read model, opened by its nightly reconciliation (the delivery port opens its own). */
  openReportingStore: () => Promise<ReportingStore>;
}

/**
 * A delivery whose answer carries the message it answers, a refusal included: how a delivery within
 * the workflow task answers. Anything else (unreachable, timed out) still fails the try.
 */
export const carryingTheMessage =
  (deliver: (message: OutboundMessage) => Promise<Receipt>) =>
  async (message: OutboundMessage): Promise<AnsweredInTask> => {
    try {
      return { ...(await deliver(message)), message };
    } catch (err) {
      if (err instanceof ApplicationFailure && err.type === SYNC_REJECTED) return { message, rejected: err.message };
      throw err;
    }
  };

export function createActivities({
  ports,
  client,
  namespace,
  taskQueue,
  importDir,
  csvLimits,
  importPace,
  openReportingStore,
}: ActivityDeps) {
  /** One change to its system; a try given up on (timed out, cancelled) stops its request too. */
  const send = (message: OutboundMessage) =>
    ports[message.system].deliver(message, Context.current().cancellationSignal);
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
    ...createReconcileActivities({ client, namespace, taskQueue, ports }),
    ...createImportActivities({
      client,
      namespace,
      taskQueue,
      importDir,
      ...(csvLimits ? { csvLimits } : {}),
      ...(importPace ? { pace: importPace } : {}),
    }),
    ...createLinkActivities({ client }),
    ...createReportingReconcileActivities({ client, namespace, taskQueue, openStore: openReportingStore }),
  };
}

export type Activities = ReturnType<typeof createActivities>;
