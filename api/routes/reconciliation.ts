/**
 * Reconciliation for supervisors: run it now, and read what the latest runs found. The runs are
 * workflows started by the deployment's Schedule; their reports are their results (or, while one
 * runs, its progress query): no second store.
 */
import type { Client, WorkflowExecutionInfo } from '@temporalio/client';
import { z } from '../zod.js';
import { DRIFT_KINDS, RECONCILED_SYSTEMS, type ReconciliationReport } from '../../domain/index.js';
import { requestReconciliation } from '../../schedules/reconciliation.js';
import {
  reconciliationProgressQuery,
  reconciliationScheduleId,
  RECONCILIATION_WORKFLOW_TYPE,
} from '../../workflows/messages.js';
import { deadlineFor } from '../deadline.js';
import { rateLimited, route, type Route } from '../route.js';
import { driftSchema } from '../schemas.js';

const counts = <K extends string>(keys: readonly K[]) =>
  z.object(Object.fromEntries(keys.map((k) => [k, z.number().int()])) as Record<K, z.ZodNumber>);

const countDrift = z.array(z.object({ key: z.string(), model: z.number().int(), visibility: z.number().int() }));
const modelDrift = z.object({
  stages: countDrift,
  statuses: countDrift,
  syncFailures: countDrift.openapi({ description: 'Cases with a sync failure (key `failed`), when the counts differ' }),
});

const reportingModelSchema = z
  .object({
    cases: z.number().int().openapi({ description: 'Cases visibility lists for this deployment' }),
    drift: modelDrift.openapi({
      description: 'Counts by stage, by status and of sync failures the model and visibility differed on',
    }),
    repaired: z.number().int().openapi({
      description:
        'Cases whose stored stage, status or sync-failure flag differed (or one side lacked), remade from their histories',
    }),
    examples: z.array(z.string()).openapi({ description: 'The first repaired cases' }),
    after: modelDrift.openapi({ description: 'Counts still differing after the repair' }),
    dayCountsCorrected: z.number().int().openapi({
      description:
        'Rows of the per-day stay counts behind flow and ageing that differed from a recount of the stays (corrected)',
    }),
  })
  .openapi('ReportingModelReconciliation', {
    description: 'The reporting read model checked against visibility and repaired (#20)',
  });

export const reconciliationReportSchema = z
  .object({
    startedAt: z.string(),
    finishedAt: z.string().optional(),
    cases: z.number().int(),
    casesWithDrift: z.number().int(),
    drift: counts(DRIFT_KINDS),
    resent: z.number().int(),
    unreachable: counts(RECONCILED_SYSTEMS),
    examples: z.array(driftSchema.extend({ caseId: z.string() })),
    reportingModel: reportingModelSchema.optional(),
  })
  .openapi('ReconciliationReport');

const reconciliationSchema = z
  .object({
    schedule: z.object({
      id: z.string(),
      paused: z.boolean(),
      note: z.string().optional(),
      nextRunAt: z.string().optional(),
    }),
    runs: z.array(
      z.object({
        workflowId: z.string(),
        status: z.string(),
        startedAt: z.string(),
        report: reconciliationReportSchema.optional(),
      }),
    ),
  })
  .openapi('Reconciliation');

type Assert<T extends true> = T;
export type _ReportMatchesDomain = Assert<
  ReconciliationReport extends z.infer<typeof reconciliationReportSchema> ? true : false
>;

/** Runs shown: the latest few, newest first. */
const RUNS_SHOWN = 5;

export function reconciliationRoutes(deps: { client: Client; taskQueue: string; timeoutMs: number }): Route[] {
  const { client, taskQueue } = deps;
  const within = deadlineFor(client, deps.timeoutMs);

  async function reportOf(run: WorkflowExecutionInfo): Promise<ReconciliationReport | undefined> {
    const handle = client.workflow.getHandle(run.workflowId, run.runId);
    if (run.status.name === 'RUNNING') return handle.query(reconciliationProgressQuery);
    if (run.status.name === 'COMPLETED') return (await handle.result()) as ReconciliationReport;
    return undefined; // failed, cancelled or terminated: the status says so
  }

  return [
    route({
      method: 'post',
      path: '/reconciliations',
      summary: 'Reconcile every open case with the Home Office and HMCTS now (queued behind a run in progress)',
      tags: ['reports'],
      roles: ['supervisor'],
      responses: {
        202: {
          description: 'Requested; GET /reports/reconciliation shows it',
          content: {
            'application/json': { schema: z.object({ status: z.literal('requested'), requestedAt: z.string() }) },
          },
        },
      },
      async handler(_input, _req, res) {
        const requestedAt = new Date().toISOString();
        await within(() => requestReconciliation(client, taskQueue));
        res.status(202).location('/reports/reconciliation').json({ status: 'requested', requestedAt });
      },
    }),
    route({
      method: 'get',
      path: '/reports/reconciliation',
      summary:
        'What the latest reconciliation runs found: drift by kind, changes re-sent, systems unreachable, example cases',
      tags: ['reports'],
      roles: ['supervisor', 'auditor'],
      responses: {
        200: {
          description: 'The schedule and the latest runs, newest first',
          content: { 'application/json': { schema: reconciliationSchema } },
        },
        429: rateLimited,
      },
      async handler(_input, _req, res) {
        const body = await within(async () => {
          const described = await client.schedule.getHandle(reconciliationScheduleId(taskQueue)).describe();
          const listed: WorkflowExecutionInfo[] = [];
          for await (const run of client.workflow.list({
            query: `WorkflowType = '${RECONCILIATION_WORKFLOW_TYPE}' AND TaskQueue = '${taskQueue}'`,
            pageSize: 50,
          })) {
            // A run that continued as new is one part of a longer run; its last part carries the report.
            if (run.status.name !== 'CONTINUED_AS_NEW') listed.push(run);
            if (listed.length >= 50) break;
          }
          const latest = listed.sort((a, b) => b.startTime.getTime() - a.startTime.getTime()).slice(0, RUNS_SHOWN);
          const runs = await Promise.all(
            latest.map(async (run) => {
              const report = await reportOf(run);
              return {
                workflowId: run.workflowId,
                status: run.status.name.toLowerCase(),
                startedAt: report?.startedAt ?? run.startTime.toISOString(),
                ...(report ? { report } : {}),
              };
            }),
          );
          const next = described.info.nextActionTimes[0];
          return {
            schedule: {
              id: described.scheduleId,
              paused: described.state.paused,
              ...(described.state.note ? { note: described.state.note } : {}),
              ...(next && !described.state.paused ? { nextRunAt: next.toISOString() } : {}),
            },
            runs,
          };
        });
        res.json(body);
      },
    }),
  ];
}
