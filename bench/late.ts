/**
 * Why a timer's work came late: reads the histories of the latest cases and tells, for each, where
 * the time went between the instant it was due and the workflow task that acted on it. The server
 * fires the timer (TimerFired), schedules a workflow task, a worker picks it up (started) and
 * completes it; a task that waits on a worker's sticky queue past its schedule-to-start timeout
 * times out and is scheduled again on the normal queue, where it must be replayed.
 */
import type { Client } from '@temporalio/client';
import pMap from 'p-map';
import proto from '@temporalio/proto';

const { temporal } = proto;

const EventType = temporal.api.enums.v1.EventType;
const msOf = (t: proto.temporal.api.history.v1.IHistoryEvent['eventTime']) =>
  Number(t?.seconds ?? 0) * 1000 + Math.floor((t?.nanos ?? 0) / 1e6);

export interface LateTrace {
  workflowId: string;
  /** Seconds after the due instant at which each step after the timer's fire happened. */
  steps: { event: string; at: number; detail?: string }[];
}

/** The events from the first timer fired at or after `dueMs` up to the next completed workflow task. */
export async function lateTrace(client: Client, workflowId: string, dueMs: number): Promise<LateTrace> {
  const events = (await client.workflow.getHandle(workflowId).fetchHistory()).events ?? [];
  const fired = events.findIndex(
    (e) => e.eventType === EventType.EVENT_TYPE_TIMER_FIRED && msOf(e.eventTime) >= dueMs - 1000,
  );
  const steps: LateTrace['steps'] = [];
  for (const e of fired < 0 ? [] : events.slice(fired)) {
    const name = EventType[e.eventType ?? 0]?.replace(/^EVENT_TYPE_/, '') ?? String(e.eventType);
    const timedOut = e.workflowTaskTimedOutEventAttributes?.timeoutType;
    const queue = e.workflowTaskScheduledEventAttributes?.taskQueue;
    steps.push({
      event: name,
      at: (msOf(e.eventTime) - dueMs) / 1000,
      ...(timedOut != null
        ? { detail: temporal.api.enums.v1.TimeoutType[timedOut] }
        : queue
          ? { detail: queue.kind === temporal.api.enums.v1.TaskQueueKind.TASK_QUEUE_KIND_STICKY ? 'sticky' : 'normal' }
          : {}),
    });
    if (e.eventType === EventType.EVENT_TYPE_WORKFLOW_TASK_COMPLETED) break;
  }
  return { workflowId, steps };
}

/** Across all the histories given: how many workflow tasks timed out, by kind. */
export async function taskTimeouts(client: Client, workflowIds: string[]): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  await pMap(
    workflowIds,
    async (id) => {
      const events = (await client.workflow.getHandle(id).fetchHistory()).events ?? [];
      for (const e of events) {
        const t = e.workflowTaskTimedOutEventAttributes?.timeoutType;
        if (t == null) continue;
        const kind = temporal.api.enums.v1.TimeoutType[t] ?? String(t);
        counts[kind] = (counts[kind] ?? 0) + 1;
      }
    },
    { concurrency: 16 },
  );
  return counts;
}

export const formatTrace = (t: LateTrace) =>
  `${t.workflowId}: ${t.steps.map((s) => `${s.event}${s.detail ? `(${s.detail})` : ''} +${s.at.toFixed(2)}s`).join(' → ')}`;
