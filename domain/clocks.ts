/**
 * Statutory clocks that run alongside the stages: the 24-week tribunal limit for its cohort, and
 * the Home Office's respondent deadlines. A clock carries its own deadline and warning instants,
 * fixed from the policy in force when it started. Pure; what is due, and when, is read through
 * `timeLimits` (limits.ts), which treats clocks and appeal windows alike.
 */
import type { CaseState, Cohort } from './case.js';
import {
  addDays,
  daysAfter,
  daysBetween,
  endOfLondonDay,
  lastDayOf,
  londonTimePlus,
  shiftByDaysToTheSecond,
  type DayLimit,
} from './days.js';
import type { Policy } from './policy.js';
import { nextWorkingDay, type Calendar } from './working-days.js';

export const CLOCK_NAMES = ['tribunal-24-weeks', 'respondent-evidence', 'respondent-review'] as const;
export type ClockName = (typeof CLOCK_NAMES)[number];

export interface Clock {
  name: ClockName;
  /** The day the clock runs from (for the 24 weeks: the day after the appeal started). */
  startedOn: string;
  /** The instant the limit is passed: the end of its last day in London (`lastDayOf` reads the day back). */
  deadline: string;
  /** Escalation instants, ascending. */
  warnings: string[];
  /** How many warnings have been raised. */
  level: number;
  /**
   * `ended`: the appeal ended another way (withdrawn, struck out, abandoned, decision withdrawn);
   * such a clock is never a breach, whatever it showed before.
   */
  state: 'running' | 'stopped' | 'breached' | 'exception' | 'ended';
  stoppedOn?: string;
  breachedAt?: string;
  exception?: { reason: string; at: string };
  /** The day the appeal ended, and the state the clock was in then (a reinstatement returns to it). */
  endedOn?: string;
  endedFrom?: 'running' | 'breached' | 'exception';
  /** Each extension of the deadline by the tribunal's direction, oldest first. */
  extensions?: Array<{ on: string; lastDay: string; reason: string }>;
}

/**
 * The 24-week cohort (Act ss. 49–50): in asylum support accommodation when the appeal starts, or a
 * foreign national offender not detained; detained appellants are on other tracks; appeals lodged
 * before commencement are out.
 */
export function inTwentyFourWeekCohort(cohort: Cohort, lodgedOn: string, policy: Policy): boolean {
  if (cohort.detained) return false;
  if (lodgedOn < policy.tribunal.commencementDate) return false;
  return cohort.supportedAccommodation || cohort.foreignNationalOffender;
}

/**
 * Where in the policy's spread a case's warnings fall: milliseconds after `warningTime`, whole
 * seconds, the same for every warning of the case and on every replay (FNV-1a of the case id).
 */
export function warningOffsetMs(caseId: string, policy: Policy): number {
  const window = Math.round((policy.tribunal.warningSpreadMinutes ?? 0) * 60);
  if (window <= 0) return 0;
  let hash = 0x811c9dc5;
  for (let i = 0; i < caseId.length; i++) hash = Math.imul(hash ^ caseId.charCodeAt(i), 0x01000193) >>> 0;
  return (hash % window) * 1000;
}

export function startTribunalClock(lodgedOn: string, policy: Policy, caseId: string): Clock {
  const offset = warningOffsetMs(caseId, policy);
  const startedOn = addDays(lodgedOn, 1);
  // 24 weeks counting the day it runs from as the first: the last day is 168 days on, less one.
  const { closes } = daysAfter(startedOn, policy.tribunal.limitWeeks * 7 - 1);
  return {
    name: 'tribunal-24-weeks',
    startedOn,
    deadline: closes,
    warnings: policy.tribunal.warningWeeks
      .filter((w) => w < policy.tribunal.limitWeeks)
      // The offset by London's wall clock, as a strike-out moves a warning (shiftByDaysToTheSecond): a
      // spread across 01:00 on a clock-change day lands where a moved warning would.
      .map((w) => londonTimePlus(addDays(startedOn, w * 7), policy.tribunal.warningTime ?? '00:00', offset)),
    level: 0,
    state: 'running',
  };
}

/** A direction's clock, running from `on` to a limit counted in deadline days. */
export function startDayClock(name: ClockName, on: string, limit: DayLimit): Clock {
  return { name, startedOn: on, deadline: limit.closes, warnings: [], level: 0, state: 'running' };
}

/** Replaces the clock of that name (a repeat appeal starts a new 24 weeks), keeping the others. */
export function withClock(state: CaseState, clock: Clock): CaseState {
  return { ...state, clocks: [...state.clocks.filter((c) => c.name !== clock.name), clock] };
}

export function updateClock(state: CaseState, name: ClockName, patch: (c: Clock) => Clock): CaseState {
  return { ...state, clocks: state.clocks.map((c) => (c.name === name ? patch(c) : c)) };
}

/**
 * Stops a clock on the day its matter was decided. A breached clock stops too (decided late, with
 * its breach on record); an excepted one keeps its exception and gains the day it stopped.
 */
export const stopClock = (state: CaseState, name: ClockName, on: string) =>
  updateClock(state, name, (c) => {
    if (c.stoppedOn || c.state === 'ended') return c;
    if (c.state === 'exception') return { ...c, stoppedOn: on };
    return { ...c, state: 'stopped', stoppedOn: on };
  });

/** Whether a stopped clock stopped in time (the determination on or before the deadline's last day). */
export const decidedInTime = (c: Clock) =>
  c.state === 'stopped' && c.stoppedOn !== undefined && c.stoppedOn <= lastDayOf(c.deadline);

const LIVE = ['running', 'breached', 'exception'] as const;
const isLive = (state: Clock['state']): state is (typeof LIVE)[number] => (LIVE as readonly string[]).includes(state);

/**
 * The appeal ended without a determination: every clock still live stops as `ended` on that day,
 * remembering where it stood. A clock already stopped (met, or served late) keeps its record.
 */
export const endClocks = (state: CaseState, on: string): CaseState => ({
  ...state,
  clocks: state.clocks.map((c) =>
    isLive(c.state) && !c.stoppedOn ? { ...c, state: 'ended', endedOn: on, endedFrom: c.state } : c,
  ),
});

/**
 * A struck-out appeal reinstated: its clocks resume where they stood, with the time already used
 * counted. The days between strike-out and reinstatement are added to each deadline and warning.
 */
export const resumeClocks = (state: CaseState, on: string, calendar: Calendar): CaseState => ({
  ...state,
  clocks: state.clocks.map((c) => {
    if (c.state !== 'ended' || !c.endedOn || !c.endedFrom) return c;
    const gap = Math.max(0, daysBetween(c.endedOn, on));
    const { endedOn: _on, endedFrom, ...rest } = c;
    const moved = addDays(lastDayOf(c.deadline), gap);
    return {
      ...rest,
      state: endedFrom,
      // A direction's new last day is a working day (r.11); the 24 weeks are weeks, not moved.
      deadline: endOfLondonDay(c.name === 'tribunal-24-weeks' ? moved : nextWorkingDay(moved, calendar)),
      warnings: c.warnings.map((w) => shiftByDaysToTheSecond(w, gap)),
    };
  }),
});

/** The tribunal extends a respondent's deadline: the clock runs again to the new last day. */
export const extendClock = (state: CaseState, name: ClockName, lastDay: string, on: string, reason: string) =>
  updateClock(state, name, (c) => ({
    ...c,
    state: 'running',
    deadline: endOfLondonDay(lastDay),
    extensions: [...(c.extensions ?? []), { on, lastDay, reason }],
  }));

/** Whether the clock's matter was done after its last day (served late, decided late). */
export const doneLate = (c: Clock) => c.stoppedOn !== undefined && c.stoppedOn > lastDayOf(c.deadline);
