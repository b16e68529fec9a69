/** The bare-Temporal baseline: as little as a workflow can be, with one update and a wait. */
import { condition, defineUpdate, setHandler, sleep } from '@temporalio/workflow';

export const bumpUpdate = defineUpdate<number, [number]>('bump');

export async function bareWorkflow(): Promise<void> {
  let n = 0;
  setHandler(bumpUpdate, (by) => (n += by));
  await condition(() => n < 0); // never: waits, like a case between events
}

/** The bare timer: sleeps until `dueAt` (epoch ms) and answers how late its workflow time woke. */
export async function bareTimer(dueAt: number): Promise<number> {
  await sleep(Math.max(1, dueAt - Date.now()));
  return Date.now() - dueAt;
}

// The same-job baseline (#21), bundled with the bare one for the same in-process worker.
export { sameJobWorkflow } from './same-job-workflow.js';
