/**
 * One reconciliation run: every open case of the deployment, a page at a time, each checked
 * against each system by the reconcileCases activity. The report so far can be queried while it
 * runs and is the result when it ends; a long run continues as new carrying both. Last, the
 * reporting read model is checked against visibility and repaired (#20).
 */
import { continueAsNew, patched, proxyActivities, setHandler, workflowInfo } from '@temporalio/workflow';
import type { Activities } from '../activities/index.js';
import { addToReport, emptyReport, type ReconciliationReport } from '../domain/index.js';
import { reconciliationProgressQuery, type ReconciliationInput } from './messages.js';

// A page of 100 cases takes seconds; the heartbeat after each case shows it is alive. A page that
// fails is retried whole: cases already handled answer their update again, without applying it twice.
const { reconcileCases } = proxyActivities<Activities>({
  startToCloseTimeout: '10 minutes',
  heartbeatTimeout: '1 minute',
  retry: { initialInterval: '5 seconds', maximumInterval: '2 minutes' },
});

// The reporting read model against visibility, after the cases: one listing of every case, and
// each case that differs remade from its history (seconds a thousand cases).
const { reconcileReportingModel } = proxyActivities<Activities>({
  startToCloseTimeout: '2 hours',
  heartbeatTimeout: '2 minutes',
  retry: { initialInterval: '5 seconds', maximumInterval: '2 minutes' },
});

/** Pages per run before handing over, well inside history limits (about 6 events a page). */
const PAGES_PER_RUN = 500;

export async function reconciliationWorkflow(input: ReconciliationInput = {}): Promise<ReconciliationReport> {
  let report = input.carried?.report ?? emptyReport(new Date().toISOString());
  let pageToken = input.carried?.pageToken;
  setHandler(reconciliationProgressQuery, () => report);
  for (let pages = 1; ; pages++) {
    // The first run id names this whole run (the workflow id repeats when two runs start in one second).
    const page = await reconcileCases({ run: workflowInfo().firstExecutionRunId, ...(pageToken ? { pageToken } : {}) });
    for (const result of page.results) report = addToReport(report, result);
    pageToken = page.nextPageToken;
    if (!pageToken) break;
    if (pages >= PAGES_PER_RUN || workflowInfo().continueAsNewSuggested) {
      await continueAsNew<typeof reconciliationWorkflow>({ carried: { report, pageToken } });
    }
  }
  // Runs recorded before the model was reconciled here replay without the step.
  if (patched('reporting-model-reconciliation'))
    report = { ...report, reportingModel: await reconcileReportingModel() };
  report = { ...report, finishedAt: new Date().toISOString() };
  return report;
}
