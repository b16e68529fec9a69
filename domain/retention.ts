/**
 * When a case's record may close. A case whose exit is final and on which nothing has happened for
 * the dormancy (policy `retentionDormancyDays`) is done: its workflow completes, and from then the
 * namespace's retention (TEMPORAL_RETENTION_DAYS) counts down to the deletion of its history.
 * Until then the workflow keeps one durable timer for the moment computed here, recomputed after
 * every change, so any new event (further submissions, a judicial review, a correction, an event a
 * system reports, even one held as not fitting) starts the dormancy again.
 *
 * Pure: from the case, the instant of its last activity, and the policy.
 */
import type { CaseState } from './case.js';
import { addDays, endOfLondonDay, shiftByDays } from './days.js';
import { removalBar } from './pending.js';
import { DEFAULT_POLICY, type Policy } from './policy.js';

/** The policy's dormancy; a policy recorded before it had one gets the default (fifteen years). */
export const retentionDormancyDays = (policy: Policy) =>
  policy.retentionDormancyDays ?? DEFAULT_POLICY.retentionDormancyDays!;

/**
 * Why the case's exit is not final, or null when it is. Final: out of the process (granted, refused
 * with every right of appeal used up, withdrawn, removed, departed, …) with nothing that can still
 * move it: no appeal pending, no further submissions awaiting consideration, no judicial review.
 */
export function notFinal(state: CaseState): string | null {
  if (state.stage !== 'exit') return `the case is at ${state.stage}, not at an exit`;
  return removalBar(state);
}

/**
 * The instant the case has lain dormant at a final exit for the whole dormancy, or null while the
 * exit is not final. The dormancy runs from the later of the exit's day (back-dated for a case
 * imported at its exit) and `lastActivityAt`, the workflow time of the last change (absent when
 * nothing has happened since the case's opening state: an imported case counts from its exit).
 */
export function dormantUntil(state: CaseState, lastActivityAt: string | undefined, policy: Policy): string | null {
  if (notFinal(state) !== null) return null;
  const days = retentionDormancyDays(policy);
  const exitedOn = state.dates.exitedOn;
  const fromExit = exitedOn ? endOfLondonDay(addDays(exitedOn, days)) : undefined;
  const fromActivity = lastActivityAt ? shiftByDays(lastActivityAt, days) : undefined;
  const candidates = [fromExit, fromActivity].filter((t): t is string => t !== undefined);
  // A final exit always has its day; a state carried from before it was kept counts from its last activity.
  if (candidates.length === 0) return null;
  return candidates.reduce((a, b) => (Date.parse(a) >= Date.parse(b) ? a : b));
}

/**
 * What counts as activity on the case: any applied change (the version), and any event a system
 * sent, applied or held (the newest inbound key: the count would stop moving once the remembered
 * keys reach their bound). The workflow stamps its clock whenever this changes.
 */
export const activityMark = (state: CaseState) => `${state.version}/${state.inbound.at(-1) ?? ''}`;
