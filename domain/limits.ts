/**
 * One model of a time limit. An appeal window, an onward-appeal window, a respondent direction and
 * the 24-week limit are the same kind of thing: they run from a day, close when their last day ends
 * in London, may warn on the way, and when they close while still running, something is recorded
 * (the window expires, or the limit is breached). Windows are read from the case's dates; clocks
 * are kept on the case because they carry their warnings and escalation level. Everything that asks
 * what is due, or shows a limit, reads `timeLimits`. Pure.
 */
import type { CaseState } from './case.js';
import type { Clock, ClockName } from './clocks.js';
import { daysAfter, lastDayOf, limitOn, type DayLimit } from './days.js';
import type { EventOf } from './events.js';
import type { Policy } from './policy.js';
import { positionOf } from './stages.js';

export type LimitName = 'appeal-window' | 'onward-appeal-window' | 'permission-renewal-window' | ClockName;

/** What the workflow records when a running limit reaches a warning or closes. */
export type LimitEvent = EventOf<
  | 'appeal-window.expired'
  | 'onward-appeal-window.expired'
  | 'permission-renewal-window.expired'
  | 'clock.escalated'
  | 'clock.breached'
>;

export interface TimeLimit {
  name: LimitName;
  /** The day it runs from. */
  startedOn: string;
  /** The last day on which the thing may still be done (a London date). */
  lastDay: string;
  /** The instant it closes: the end of `lastDay` in London. */
  closes: string;
  /** Warning instants, ascending, and how many have been raised. */
  warnings: string[];
  level: number;
  state: Clock['state'];
  /** Recorded when it closes while still running. */
  atEnd: LimitEvent;
  /** Recorded when the warning at `level` passes. */
  escalation?: (level: number) => LimitEvent;
  /** A stored clock's own record (its stop, breach or exception), for showing it. */
  clock?: Clock;
}

/** A window's days: the day it runs from, its last day and the instant it closes. */
export interface WindowDays extends DayLimit {
  startedOn: string;
}

/** The appeal window of the last refusal, open or not: it runs from the day the notice was sent. */
export function appealWindowOf(state: CaseState, policy: Policy): WindowDays | null {
  const { refusedOn, sentOn, appealWindowDays, outOfCountry, appealWindowLastDay } = state.dates;
  if (!refusedOn) return null;
  const from = sentOn ?? refusedOn;
  if (appealWindowLastDay) return { startedOn: from, ...limitOn(appealWindowLastDay) };
  const days =
    appealWindowDays ?? (outOfCountry ? policy.appealWindowDays.outOfCountry : policy.appealWindowDays.inCountry);
  return { startedOn: from, ...daysAfter(from, days) };
}

/**
 * The onward window after a determination: it runs from the day the decision was sent to the parties,
 * or, once the Upper Tribunal decided the appeal, from the day it did.
 */
function onwardWindowOf(state: CaseState, policy: Policy): WindowDays | null {
  const from =
    (state.onwardDecidedBy === 'upper-tribunal' ? state.dates.onwardDecidedOn : undefined) ??
    state.dates.promulgatedOn ??
    state.dates.determinedOn;
  if (!from) return null;
  if (state.dates.onwardWindowLastDay) return { startedOn: from, ...limitOn(state.dates.onwardWindowLastDay) };
  return { startedOn: from, ...daysAfter(from, state.dates.onwardWindowDays ?? policy.onwardAppealWindowDays) };
}

/** The window open now, if any: after a refusal, or after a dismissal. */
function openWindow(state: CaseState, policy: Policy): TimeLimit | null {
  const window = (
    name: 'appeal-window' | 'onward-appeal-window' | 'permission-renewal-window',
    days: WindowDays | null,
  ): TimeLimit | null =>
    days && {
      name,
      ...days,
      warnings: [],
      level: 0,
      state: 'running',
      atEnd: { type: `${name}.expired` },
    };
  if (state.stage === 'decision' && state.status === 'refused')
    return window('appeal-window', appealWindowOf(state, policy));
  if (state.stage === 'tribunal' && state.status === 'dismissed')
    return window('onward-appeal-window', onwardWindowOf(state, policy));
  // The First-tier refused permission: renewal to the Upper Tribunal runs from the refusal.
  if (positionOf(state) === 'tribunal:permission-refused' && state.dates.renewalWindowLastDay)
    return window('permission-renewal-window', {
      startedOn: state.dates.permissionRefusedOn ?? state.onward?.lodgedOn ?? state.dates.renewalWindowLastDay,
      ...limitOn(state.dates.renewalWindowLastDay),
    });
  // Either party may seek permission after an allowed appeal too (r.33). Only windows opened under the
  // tribunal's rules (their last day kept) run here: runs recorded before kept no timer for it.
  if (positionOf(state) === 'tribunal:allowed' && state.dates.onwardWindowLastDay && !state.dates.onwardWindowClosedOn)
    return window('onward-appeal-window', onwardWindowOf(state, policy));
  return null;
}

function clockLimit(c: Clock): TimeLimit {
  const lastDay = lastDayOf(c.deadline);
  return {
    name: c.name,
    startedOn: c.startedOn,
    lastDay,
    closes: c.deadline,
    warnings: c.warnings,
    level: c.level,
    state: c.state,
    atEnd: { type: 'clock.breached', clock: c.name, lastDay },
    escalation: (level) => ({ type: 'clock.escalated', clock: c.name, level, lastDay }),
    clock: c,
  };
}

/**
 * Every time limit of the case: the window open now, then its clocks. `clocks: false` for runs
 * recorded before clocks existed (the workflow's patch), which sleep on windows only.
 */
export function timeLimits(state: CaseState, policy: Policy, clocks = true): TimeLimit[] {
  const window = openWindow(state, policy);
  return [...(window ? [window] : []), ...(clocks ? state.clocks.map(clockLimit) : [])];
}

/** The one moment the workflow sleeps until: the earliest warning or close of a running limit. */
export function nextDue(state: CaseState, policy: Policy, clocks = true): string | undefined {
  return timeLimits(state, policy, clocks)
    .flatMap((l) => (l.state === 'running' ? [...l.warnings.slice(l.level), l.closes] : []))
    .sort()[0];
}

/**
 * What the running limits owe at `now`, in order: each one closed records its end; otherwise one
 * escalation to the highest warning passed (a back-dated clock starts at its level at once).
 */
export function dueEvents(state: CaseState, now: string, policy: Policy, clocks = true): LimitEvent[] {
  return timeLimits(state, policy, clocks).flatMap((l): LimitEvent[] => {
    if (l.state !== 'running') return [];
    if (l.closes <= now) return [l.atEnd];
    const level = l.warnings.filter((w) => w <= now).length;
    return level > l.level && l.escalation ? [l.escalation(level)] : [];
  });
}
