/**
 * The reporting read model reconciled with visibility (#20), a step of the nightly reconciliation:
 * every case of the deployment as visibility lists it (stage, status and sync-failure flag, from
 * its search attributes) against where the model has it. Counts that differ are the report's drift; each case
 * that differs, that one side lacks, or whose rows disagree with each other is remade from its
 * workflow history, as the rebuild would make it. Visibility lags a change by moments: a case
 * caught mid-change is remade too, harmlessly (its history already holds the change). Then the
 * per-day stay counts flow and ageing read are checked against the stays, and corrected.
 */
import { heartbeat } from '@temporalio/activity';
import type { Client } from '@temporalio/client';
import { decodeTypedSearchAttributes } from '@temporalio/common/lib/converter/payload-search-attributes.js';
import {
  countDrift,
  EXAMPLES_KEPT,
  modelCandidates,
  type ReportingModelReconciliation,
  type Standing,
} from '../domain/index.js';
import type { ReportingStore } from '../reporting/index.js';
import { CASE_WORKFLOW_TYPE, caseIdFromWorkflowId, SA } from '../workflows/messages.js';
import { reprojectCase } from './reporting-history.js';

export interface ReportingReconcileDeps {
  client: Client;
  namespace: string;
  taskQueue: string;
  /** The model, opened for the step and closed after it. */
  openStore: () => Promise<ReportingStore>;
}

export function createReportingReconcileActivities({
  client,
  namespace,
  taskQueue,
  openStore,
}: ReportingReconcileDeps) {
  /** Every case of this deployment, open or closed (the model keeps both), each by its latest run. */
  async function listed(): Promise<Map<string, Standing>> {
    const cases = new Map<string, Standing>();
    let nextPageToken: Uint8Array | undefined;
    do {
      const page = await client.workflowService.listWorkflowExecutions({
        namespace,
        pageSize: 1000,
        query: `WorkflowType = '${CASE_WORKFLOW_TYPE}' AND TaskQueue = '${taskQueue}' AND ExecutionStatus != 'ContinuedAsNew'`,
        ...(nextPageToken ? { nextPageToken } : {}),
      });
      for (const e of page.executions ?? []) {
        const caseId = caseIdFromWorkflowId(e.execution?.workflowId ?? '');
        const sa = decodeTypedSearchAttributes(e.searchAttributes?.indexedFields);
        const stage = sa.get(SA.stage);
        if (caseId && stage)
          cases.set(caseId, { stage, status: sa.get(SA.status) ?? null, syncFailed: sa.get(SA.syncFailed) ?? false });
      }
      nextPageToken = page.nextPageToken?.length ? page.nextPageToken : undefined;
      heartbeat();
    } while (nextPageToken);
    return cases;
  }

  const stored = async (store: ReportingStore) => {
    const standings = await store.standings();
    return {
      model: new Map([...standings].map(([id, { stage, status, syncFailed }]) => [id, { stage, status, syncFailed }])),
      inconsistent: [...standings].filter(([, s]) => !s.consistent).map(([id]) => id),
    };
  };

  return {
    async reconcileReportingModel(): Promise<ReportingModelReconciliation> {
      const store = await openStore();
      try {
        const visibility = await listed();
        const before = await stored(store);
        const drift = countDrift(before.model, visibility);
        const candidates = [...new Set([...modelCandidates(before.model, visibility), ...before.inconsistent])].sort();
        for (const caseId of candidates) {
          await reprojectCase(client, store, caseId);
          heartbeat();
        }
        const after = candidates.length > 0 ? countDrift((await stored(store)).model, await listed()) : drift;
        // Last, once the cases are remade: flow and ageing read the day counts, not the stays.
        const dayCountsCorrected = await store.recountDays();
        return {
          dayCountsCorrected,
          cases: visibility.size,
          drift,
          repaired: candidates.length,
          examples: candidates.slice(0, EXAMPLES_KEPT),
          after,
        };
      } finally {
        await store.close();
      }
    },
  };
}
