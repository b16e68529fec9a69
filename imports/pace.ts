/**
 * How fast an import brings rows in, adjusted to what the interactive work shows (#21). Pure: the
 * import's activity measures, this decides. A rate in rows a second, climbing additively while the
 * case task queue keeps up and halving when workflow tasks start waiting in it: a caseworker's
 * change is a task on that queue, so a queue that backs up is a caseworker waiting, and the import
 * yields first. A rate and not a number in flight: starts answer in milliseconds whether or not the
 * worker keeps up with the cases they open, so even a few in flight can flood the queue.
 */
export interface PaceSettings {
  /** Rows a second never below this: the import always moves. */
  min: number;
  /** Rows a second never above this. */
  max: number;
  /** Rows a second added after each reading that shows the queue keeping up. */
  step: number;
  /** A task waiting longer than this in the case queue means the import is crowding out interactive work. */
  backlogMs: number;
}

/** What the import saw since it last decided: the oldest task waiting in the case queue, and how many wait. */
export interface QueueReading {
  backlogAgeMs: number;
  backlogCount: number;
}

/** The next rate, from the current one and the latest reading. */
export function nextPace(current: number, reading: QueueReading, s: PaceSettings): number {
  if (reading.backlogAgeMs > s.backlogMs) return Math.max(s.min, current / 2);
  return Math.min(s.max, current + s.step);
}
