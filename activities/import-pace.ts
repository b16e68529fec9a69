/**
 * The import's pace (#21): a gate that lets rows through at a rate, the rate moved by
 * imports/pace.ts on what the case task queue shows, read every `everyMs` from Temporal
 * (DescribeTaskQueue with its stats: how old the oldest waiting workflow task is). Bulk work fills
 * the room interactive work leaves, and gives it back as soon as a task has to wait.
 */
import type { Client } from '@temporalio/client';
import proto from '@temporalio/proto';
import { nextPace, type PaceSettings, type QueueReading } from '../imports/pace.js';
import { interactiveBacklog } from '../imports/priority.js';

export interface Gate {
  /** Runs `work` once the pace lets it. */
  run<T>(work: () => Promise<T>): Promise<T>;
  /** The current rate, rows a second (Infinity: not paced). */
  readonly rate: number;
  stop(): void;
}

/** No pacing (IMPORT_PACE=fixed): the import's concurrency alone bounds it. */
export const unpaced: Gate = { run: (work) => work(), rate: Number.POSITIVE_INFINITY, stop() {} };

/**
 * Reads the case workflow task queue's backlog: the wait a caseworker's change would have there. On
 * a server that keeps statistics by priority key, only the keys ahead of an import's bulk key count
 * (imports/priority.ts): imported cases waiting their turn hold up no caseworker.
 */
export function caseQueueReader(
  client: Client,
  namespace: string,
  taskQueue: string,
  /** `all`: every waiting task, bulk ones too (how long until the queue is empty). */
  which: 'interactive' | 'all' = 'interactive',
) {
  const { TaskQueueKind, TaskQueueType } = proto.temporal.api.enums.v1;
  return async (): Promise<QueueReading> => {
    const res = await client.workflowService.describeTaskQueue({
      namespace,
      taskQueue: { name: taskQueue, kind: TaskQueueKind.TASK_QUEUE_KIND_NORMAL },
      taskQueueType: TaskQueueType.TASK_QUEUE_TYPE_WORKFLOW,
      reportStats: true,
    });
    if (which === 'all') return readingOf(res.stats);
    const keyed = Object.entries(res.statsByPriorityKey ?? {}).map(([key, stats]) => ({
      key,
      reading: readingOf(stats),
    }));
    return interactiveBacklog(keyed) ?? readingOf(res.stats);
  };
}

function readingOf(stats: proto.temporal.api.taskqueue.v1.ITaskQueueStats | null | undefined): QueueReading {
  const age = stats?.approximateBacklogAge;
  return {
    backlogAgeMs: Number(age?.seconds ?? 0) * 1000 + Math.floor((age?.nanos ?? 0) / 1e6),
    backlogCount: Number(stats?.approximateBacklogCount ?? 0),
  };
}

/**
 * A gate whose rate follows the queue, shared by every import this worker runs (the bulk load is
 * what they add up to): it starts at `start` rows a second, reads the queue only while rows wait
 * or run, and keeps its rate between chunks. A reading that fails (Temporal busy) counts as a
 * backed-up queue: the import slows.
 */
export function adaptiveGate(
  settings: PaceSettings,
  read: () => Promise<QueueReading>,
  { everyMs = 500, start = settings.min }: { everyMs?: number; start?: number } = {},
): Gate {
  let rate = start;
  let tokens = 1;
  let busyRows = 0;
  let stopped = false;
  let ticking = false;
  const waiting: Array<() => void> = [];
  const admit = () => {
    while (tokens >= 1 && waiting.length > 0) {
      tokens -= 1;
      waiting.shift()!();
    }
  };
  const backedUp: QueueReading = { backlogAgeMs: Number.POSITIVE_INFINITY, backlogCount: 0 };
  const tick = async () => {
    ticking = true;
    let last = Date.now();
    let sinceReading = 0;
    while (!stopped && busyRows > 0) {
      await new Promise((r) => setTimeout(r, Math.min(everyMs, 50)));
      const now = Date.now();
      // Tokens accrue at the rate, at most a half-second's worth: no burst after a pause.
      tokens = Math.min(Math.max(1, rate / 2), tokens + ((now - last) / 1000) * rate);
      sinceReading += now - last;
      last = now;
      admit();
      if (sinceReading >= everyMs) {
        sinceReading = 0;
        rate = nextPace(rate, await read().catch(() => backedUp), settings);
      }
    }
    ticking = false;
  };
  return {
    async run(work) {
      busyRows += 1;
      if (!ticking) void tick();
      try {
        await new Promise<void>((resolve) => {
          waiting.push(resolve);
          admit();
        });
        return await work();
      } finally {
        busyRows -= 1;
      }
    },
    get rate() {
      return rate;
    },
    stop() {
      stopped = true;
    },
  };
}
