/**
 * What a case contributes to the summary report (#20), from its state alone: the same facts its
 * search attributes show (the summary once counted those), so the reporting read model can count
 * them instead. No personal data: positions, counts, flags and the 24-week clock's standing.
 */
import type { AppealEnding, CaseState } from './case.js';
import { decidedInTime } from './clocks.js';
import { appealPending } from './pending.js';
import { hasSyncFailure } from './sync.js';
import type { Status } from './stages.js';

/** The 24-week clock: running, breached, exception, exception-decided, in-time, late, or ended (the appeal ended another way). */
export const CLOCK_STATUSES = [
  'running',
  'breached',
  'exception',
  'exception-decided',
  'in-time',
  'late',
  'ended',
] as const;
export type ClockStatus = (typeof CLOCK_STATUSES)[number];

export interface TribunalClockFigures {
  status: ClockStatus;
  /** The instant the limit closes (ISO). */
  deadline: string;
  /** Warnings reached while running; past the limit, one more than the warnings. */
  escalation: number;
}

/** The tribunal's 24-week clock as reports and search show it, or null when the case has none. */
export function tribunalClockFigures(state: CaseState): TribunalClockFigures | null {
  const c = state.clocks.find((k) => k.name === 'tribunal-24-weeks');
  if (!c) return null;
  const status: ClockStatus =
    c.state === 'stopped'
      ? decidedInTime(c)
        ? 'in-time'
        : 'late'
      : c.state === 'exception' && c.stoppedOn
        ? 'exception-decided'
        : c.state;
  return { status, deadline: c.deadline, escalation: c.state === 'breached' ? c.warnings.length + 1 : c.level };
}

/** A case's figures after a change: sent to the reporting read model with it. */
export interface CaseFigures {
  status: Status;
  appeals: number;
  absconded: boolean;
  appealPending: boolean;
  appealEnded: AppealEnding['how'] | null;
  clock: TribunalClockFigures | null;
  /**
   * A system of record rejected a delivery for good and it has not been re-sent (the CaseSyncFailed
   * attribute). It can turn on between changes (a rejection is no change): the workflow then sends
   * the model a message of its own (outbound.ts `syncStatusMessage`).
   */
  syncFailed: boolean;
}

export const caseFigures = (state: CaseState): CaseFigures => ({
  status: state.status,
  appeals: state.counts.appeals,
  absconded: state.flags.absconded,
  appealPending: appealPending(state),
  appealEnded: state.appealEnded?.how ?? null,
  clock: tribunalClockFigures(state),
  syncFailed: hasSyncFailure(state),
});

/** The statuses the summary counts as an onward challenge under way; the overview links to the same search. */
export const ONWARD_PENDING_STATUSES = [
  'onward-appeal-pending',
  'permission-refused',
] as const satisfies readonly Status[];
