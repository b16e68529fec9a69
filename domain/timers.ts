/**
 * Which time limit the case is waiting on now, if any: the workflow sleeps until then and, if
 * nothing else happened first, applies the timer's event. Pure; derived from state and policy.
 */
import type { CaseState } from './case.js';
import type { EventType } from './events.js';
import { daysAfter } from './days.js';
import type { Policy } from './policy.js';

export interface DueTimer {
  type: Extract<EventType, 'appeal-window.expired' | 'onward-appeal-window.expired'>;
  /** The instant the window closes (ISO): the end of its last day in London. */
  at: string;
  /** The last day on which the appeal may still be lodged. */
  lastDay: string;
}

export function nextTimer(state: CaseState, policy: Policy): DueTimer | null {
  if (state.stage === 'decision' && state.status === 'refused' && state.dates.refusedOn) {
    const days = state.dates.appealWindowDays ?? (state.dates.outOfCountry ? policy.appealWindowDays.outOfCountry : policy.appealWindowDays.inCountry);
    const { lastDay, closes } = daysAfter(state.dates.refusedOn, days);
    return { type: 'appeal-window.expired', at: closes, lastDay };
  }
  if (state.stage === 'tribunal' && state.status === 'dismissed' && state.dates.determinedOn) {
    const { lastDay, closes } = daysAfter(state.dates.determinedOn, state.dates.onwardWindowDays ?? policy.onwardAppealWindowDays);
    return { type: 'onward-appeal-window.expired', at: closes, lastDay };
  }
  return null;
}
