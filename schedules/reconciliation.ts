/**
 * The deployment's reconciliation Schedule: one per task queue, nightly by default, paused when
 * configured 'off' (a supervisor can still run it on demand). Made to match the configuration
 * each time a worker starts, so changing the cron needs no migration step.
 */
import { ScheduleAlreadyRunning, ScheduleOverlapPolicy, type Client } from '@temporalio/client';
import {
  RECONCILIATION_WORKFLOW_TYPE,
  reconciliationScheduleId,
  type ReconciliationInput,
} from '../workflows/messages.js';

export interface ReconciliationScheduleConfig {
  taskQueue: string;
  /** A cron expression, or 'off'. */
  cron: string;
  /** IANA zone the cron is read in (a night in London is not a night in UTC half the year). */
  timezone: string;
}

const NIGHTLY = '0 2 * * *';

export async function ensureReconciliationSchedule(
  client: Client,
  { taskQueue, cron, timezone }: ReconciliationScheduleConfig,
): Promise<void> {
  const scheduleId = reconciliationScheduleId(taskQueue);
  const paused = cron === 'off';
  const spec = { cronExpressions: [paused ? NIGHTLY : cron], timezone };
  const args: [ReconciliationInput] = [{}];
  // Runs are named after the schedule (Temporal appends the time), so their ids say where they came from.
  const action = {
    type: 'startWorkflow' as const,
    workflowType: RECONCILIATION_WORKFLOW_TYPE,
    taskQueue,
    workflowId: scheduleId,
    args,
  };
  const note = paused ? 'RECONCILIATION_CRON=off: on demand only' : `cron ${cron} (${timezone})`;
  try {
    await client.schedule.create({
      scheduleId,
      spec,
      action,
      policies: { overlap: ScheduleOverlapPolicy.SKIP, catchupWindow: '1 hour' },
      state: { paused, note },
    });
  } catch (err) {
    if (!(err instanceof ScheduleAlreadyRunning)) throw err;
    await client.schedule
      .getHandle(scheduleId)
      .update((previous) => ({ ...previous, spec, action, state: { ...previous.state, paused, note } }));
  }
}

/**
 * Runs reconciliation now. If a run is already going, one more is queued to start when it ends,
 * so whoever asked gets a run that began after they asked.
 */
export async function requestReconciliation(client: Client, taskQueue: string): Promise<void> {
  await client.schedule.getHandle(reconciliationScheduleId(taskQueue)).trigger(ScheduleOverlapPolicy.BUFFER_ONE);
}
