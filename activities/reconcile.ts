/**
 * Reconciliation's activity: for a page of open cases, ask each system what it holds, read what
 * it acknowledged from the case's history, and hand the case what was found (drift to record,
 * changes to send again). The case workflow re-sends; this never writes to a system itself, so a
 * change reaches a system only through the case's in-order delivery.
 */
import { heartbeat } from '@temporalio/activity';
import type { Client } from '@temporalio/client';
import pMap from 'p-map';
import {
  compareWithSystem,
  RECONCILED_SYSTEMS,
  type CaseReconciliation,
  type Drift,
  type OutboundMessage,
  type ReconciledSystem,
  type SystemView,
} from '../domain/index.js';
import { acknowledgedMessages, historiesOfCase } from '../history/read.js';
import {
  CASE_WORKFLOW_TYPE,
  caseIdFromWorkflowId,
  caseStateQuery,
  caseWorkflowId,
  reconcileUpdate,
} from '../workflows/messages.js';
import type { SystemPort } from './ports.js';

export interface ReconcileDeps {
  client: Client;
  namespace: string;
  taskQueue: string;
  ports: Record<ReconciledSystem, SystemPort>;
  /** Cases checked at once; each costs a query, a history read and one call per system. */
  concurrency?: number;
  pageSize?: number;
}

export interface CasesPage {
  results: CaseReconciliation[];
  /** Where the listing goes on; absent after the last page. */
  nextPageToken?: string;
}

export function createReconcileActivities({
  client,
  namespace,
  taskQueue,
  ports,
  concurrency = 8,
  pageSize = 100,
}: ReconcileDeps) {
  async function reconcileCase(caseId: string, runKey: string): Promise<CaseReconciliation> {
    const handle = client.workflow.getHandle(caseWorkflowId(caseId));
    // Order matters: what the case counts as delivered is read first, then each system's view,
    // then the history. A change acknowledged after the view was read is then never taken for missing.
    const state = await handle.query(caseStateQuery);
    const views = await Promise.all(
      RECONCILED_SYSTEMS.map(async (system) => {
        try {
          return { system, view: await ports[system].view(caseId) };
        } catch {
          return { system, unreachable: true as const };
        }
      }),
    );
    const acknowledged = acknowledgedMessages(await historiesOfCase(client, caseWorkflowId(caseId)));
    const drift: Drift[] = [];
    const resend: OutboundMessage[] = [];
    const unreachable: ReconciledSystem[] = [];
    for (const v of views) {
      if ('unreachable' in v) {
        unreachable.push(v.system);
        continue;
      }
      const sent = acknowledged.filter((m) => m.system === v.system && m.seq <= state.sync[v.system].delivered);
      const found = compareWithSystem(v.system, sent, v.view as SystemView | null);
      drift.push(...found.drift);
      resend.push(...found.resend);
    }
    let resent = 0;
    // A case with nothing wrong, now or last time, gets no update: reconciliation adds no history to it.
    if (drift.length > 0 || (state.reconciliation?.drift.length ?? 0) > 0) {
      const answer = await handle.executeUpdate(reconcileUpdate, {
        args: [{ at: new Date().toISOString(), drift, resend }],
        updateId: `reconcile-${runKey}`,
      });
      resent = answer.requeued;
    }
    return { caseId, drift, resent, unreachable };
  }

  return {
    /** One page of open cases on this deployment's task queue, checked `concurrency` at a time. */
    /** `run` names the reconciliation run: a case's update carries it, so a retried page applies once. */
    async reconcileCases({ run, pageToken }: { run: string; pageToken?: string }): Promise<CasesPage> {
      const listed = await client.workflowService.listWorkflowExecutions({
        namespace,
        pageSize,
        query: `WorkflowType = '${CASE_WORKFLOW_TYPE}' AND ExecutionStatus = 'Running' AND TaskQueue = '${taskQueue}'`,
        ...(pageToken ? { nextPageToken: Buffer.from(pageToken, 'base64') } : {}),
      });
      const caseIds = (listed.executions ?? []).flatMap((e) => {
        const id = caseIdFromWorkflowId(e.execution?.workflowId ?? '');
        return id ? [id] : [];
      });
      const results = await pMap(
        caseIds,
        async (caseId) => {
          const result = await reconcileCase(caseId, `${run}-${caseId}`);
          heartbeat();
          return result;
        },
        { concurrency },
      );
      const next = listed.nextPageToken?.length ? Buffer.from(listed.nextPageToken).toString('base64') : undefined;
      return { results, ...(next ? { nextPageToken: next } : {}) };
    },
  };
}
