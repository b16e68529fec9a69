/** The bare-Temporal baseline: as little as a workflow can be, with one update and a wait. */
import { condition, defineUpdate, setHandler } from '@temporalio/workflow';

export const bumpUpdate = defineUpdate<number, [number]>('bump');

export async function bareWorkflow(): Promise<void> {
  let n = 0;
  setHandler(bumpUpdate, (by) => (n += by));
  await condition(() => n < 0); // never: waits, like a case between events
}
