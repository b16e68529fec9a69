/**
 * Whether an appeal is pending in law (Nationality, Immigration and Asylum Act 2002, s.104): from
 * the refusal while an appeal could still be brought in time, through lodging, the tribunal's
 * decision on a late appeal, listing and hearing, to determination; again while an onward appeal is
 * open or awaited. It ends when the appeal is finally determined, withdrawn, abandoned or struck
 * out. A person may not be removed while it is (s.78). Pure: read from the case alone (its position,
 * and after an allowed appeal whether the onward window has closed), which the workflow's timers
 * change when a window closes, so the answer never goes stale between changes.
 */
import type { CaseState } from './case.js';
import { positionOf, type Position } from './stages.js';

/** Why an appeal is pending at each position where one is. */
const PENDING: Partial<Record<Position, string>> = {
  'decision:refused': 'the appeal window is open',
  'appeal:lodged': 'the appeal awaits the tribunal',
  'appeal:out-of-time': 'a late appeal awaits the tribunal’s decision on extending time',
  'tribunal:listed': 'the appeal is listed for hearing',
  'tribunal:adjourned': 'the hearing was adjourned',
  'tribunal:reserved': 'the tribunal has reserved its decision',
  'tribunal:remitted': 'the appeal was remitted for a fresh hearing',
  'tribunal:dismissed': 'an onward appeal can still be brought in time',
  'tribunal:onward-appeal-pending': 'an onward appeal awaits decision',
  'tribunal:permission-refused': 'permission to appeal may be renewed to the Upper Tribunal in time',
};

/** After an allowed appeal, while either party may still seek permission to appeal (its window has a timer). */
const ALLOWED_OPEN = 'permission to appeal may still be sought in time';

/** Why an appeal is pending, or null when none is. */
export function appealPendingReason(state: CaseState): string | null {
  const position = positionOf(state);
  if (position === 'tribunal:allowed')
    return state.dates.onwardWindowLastDay && !state.dates.onwardWindowClosedOn ? ALLOWED_OPEN : null;
  return PENDING[position] ?? null;
}

export const appealPending = (state: CaseState): boolean => appealPendingReason(state) !== null;

/**
 * Why the person may not be removed now, or null: an appeal pending (s.78), further submissions
 * not yet considered (Immigration Rules para 353A), or a judicial review pending.
 */
export function removalBar(state: CaseState): string | null {
  const appeal = appealPendingReason(state);
  if (appeal) return `an appeal is pending: ${appeal}`;
  if (positionOf(state) === 'exit:further-submissions-pending') return 'further submissions await consideration';
  if (state.judicialReview) return `a judicial review of the ${state.judicialReview.against} decision is pending`;
  return null;
}
