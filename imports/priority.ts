/**
 * An import's cases as bulk work (#21), where the server allows it. Temporal dispatches a backlogged
 * task queue's tasks by priority key (1 first, 5 last, 3 when unset), and a workflow's tasks carry
 * the priority it was started with. So an import starts its cases at the bulk key, and their first
 * workflow tasks wait behind any caseworker's change; once a case's first task is under way, it sets
 * the case back to the default, an ordinary case again for whoever changes it next. Only a server
 * that can change a running workflow's priority (UpdateWorkflowExecutionOptions, server 1.30 and
 * later) may be given the first half: on an older one the case would stay bulk work for good, and a
 * caseworker's later change on it would queue behind the next import. Pure: no I/O.
 */
import type { QueueReading } from './pace.js';

/** The last key of the server's default five levels: an imported case's first task goes after everything else. */
export const BULK_PRIORITY_KEY = 5;

/** `auto`: bulk priority when the server can set it back; `off`: imported cases start at the default (IMPORT_PRIORITY). */
export type ImportPriorityMode = 'auto' | 'off';

/** Whether a server of this version (GetSystemInfo's `serverVersion`, e.g. "1.32.0") can change a running workflow's priority. */
export function canChangePriority(serverVersion: string | null | undefined): boolean {
  const m = /^v?(\d+)\.(\d+)\./.exec(serverVersion ?? '');
  if (!m) return false;
  const [major, minor] = [Number(m[1]), Number(m[2])];
  return major > 1 || (major === 1 && minor >= 30);
}

/** One priority key's share of a queue's statistics, as DescribeTaskQueue reports them. */
export interface KeyedBacklog {
  key: string;
  reading: QueueReading;
}

/**
 * What a caseworker would wait behind: the backlog at keys ahead of the bulk key. Bulk tasks waiting
 * do not delay interactive ones, so they must not slow the import's pace either. An unset key (0)
 * is the default key. No keyed statistics (an older server): undefined, and the whole queue counts.
 */
export function interactiveBacklog(keyed: KeyedBacklog[]): QueueReading | undefined {
  if (keyed.length === 0) return undefined;
  const ahead = keyed.filter(({ key }) => Number(key) < BULK_PRIORITY_KEY);
  return {
    backlogAgeMs: Math.max(0, ...ahead.map(({ reading }) => reading.backlogAgeMs)),
    backlogCount: ahead.reduce((sum, { reading }) => sum + reading.backlogCount, 0),
  };
}
