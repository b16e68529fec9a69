/**
 * Which time limit the case is waiting on now, if any: the workflow sleeps until then and, if
 * nothing else happened first, applies the timer's event. Pure; derived from state and policy.
 */
import type { CaseState } from './case.js';
import type { EventType } from './events.js';
import { windowEnds, type Policy } from './policy.js';

export interface DueTimer {
  type: Extract<EventType, 'appeal-window.expired' | 'onward-appeal-window.expired'>;
  /** ISO instant. */
  at: string;
}

export function nextTimer(state: CaseState, policy: Policy): DueTimer | null {
  if (state.stage === 'decision' && state.status === 'refused' && state.dates.refusedOn) {
    const days = state.dates.appealWindowDays ?? (state.dates.outOfCountry ? policy.appealWindowDays.outOfCountry : policy.appealWindowDays.inCountry);
    return { type: 'appeal-window.expired', at: windowEnds(state.dates.refusedOn, days) };
  }
  if (state.stage === 'tribunal' && state.status === 'dismissed' && state.dates.determinedOn) {
    return { type: 'onward-appeal-window.expired', at: windowEnds(state.dates.determinedOn, state.dates.onwardWindowDays ?? policy.onwardAppealWindowDays) };
  }
  return null;
}
