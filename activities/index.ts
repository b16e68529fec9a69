/**
 * Activities: the only code that talks to the Home Office and courts systems. The factory takes
 * one port per system, so tests and production wire different adapters into the same code.
 */
import type { Client } from '@temporalio/client';
import type { DeliveredInTask, OutboundMessage, Receipt, System } from '../domain/index.js';
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

/** A delivery whose answer carries the message it answers: how a delivery within the workflow task answers. */
export const carryingTheMessage =
  (deliver: (message: OutboundMessage) => Promise<Receipt>) =>
  async (message: OutboundMessage): Promise<DeliveredInTask> => ({ ...(await deliver(message)), message });

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
  return {
    /** Delivers one change to one system; retried by Temporal until delivered or rejected. */
    async deliver(message: OutboundMessage): Promise<Receipt> {
      return ports[message.system].deliver(message);
    },
    /**
     * The same delivery run within the workflow task (a local activity, workflows/delivery.ts). Its
     * answer carries the message: a local activity's marker in history keeps its result but not its
     * input, and the record (the reporting rebuild, reconciliation) reads what was sent from history.
     */
    deliverInTask: carryingTheMessage((message) => ports[message.system].deliver(message)),
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
