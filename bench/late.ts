/**
 * Why a timer's work came late: from a case's history, where the time went between the instant it
 * was due and the workflow task that acted on it. The server fires the timer (TimerFired),
 * schedules a workflow task, a worker picks it up (started) and completes it; a task that waits on a
 * worker's sticky queue past its schedule-to-start timeout times out and is scheduled again on the
 * normal queue, where it must be replayed.
 */
import proto from '@temporalio/proto';
import { eventMs, eventName } from './history.js';

type HistoryEvent = proto.temporal.api.history.v1.IHistoryEvent;
const { TimeoutType, TaskQueueKind } = proto.temporal.api.enums.v1;

export interface LateTrace {
  workflowId: string;
  /** Seconds after the due instant at which each step after the timer's fire happened. */
  steps: { event: string; at: number; detail?: string }[];
}

/** The events from the first timer fired at or after `dueMs` up to the next completed workflow task. */
export function lateTrace(workflowId: string, events: HistoryEvent[], dueMs: number): LateTrace {
  const fired = events.findIndex((e) => eventName(e) === 'TIMER_FIRED' && eventMs(e) >= dueMs - 1000);
  const steps: LateTrace['steps'] = [];
  for (const e of fired < 0 ? [] : events.slice(fired)) {
    const timedOut = e.workflowTaskTimedOutEventAttributes?.timeoutType;
    const queue = e.workflowTaskScheduledEventAttributes?.taskQueue;
    steps.push({
      event: eventName(e),
      at: (eventMs(e) - dueMs) / 1000,
      ...(timedOut != null
        ? { detail: TimeoutType[timedOut] }
        : queue
          ? { detail: queue.kind === TaskQueueKind.TASK_QUEUE_KIND_STICKY ? 'sticky' : 'normal' }
          : {}),
    });
    if (eventName(e) === 'WORKFLOW_TASK_COMPLETED') break;
  }
  return { workflowId, steps };
}

/** Across the histories given: how many workflow tasks timed out, by kind. */
export function taskTimeouts(histories: HistoryEvent[][]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const e of histories.flat()) {
    const t = e.workflowTaskTimedOutEventAttributes?.timeoutType;
    if (t == null) continue;
    const kind = TimeoutType[t] ?? String(t);
    counts[kind] = (counts[kind] ?? 0) + 1;
  }
  return counts;
}

export const formatTrace = (t: LateTrace) =>
  `${t.workflowId}: ${t.steps.map((s) => `${s.event}${s.detail ? `(${s.detail})` : ''} +${s.at.toFixed(2)}s`).join(' → ')}`;
