/**
 * The summary's figures over the reporting read model (#20): each figure is one condition on a
 * case's stored figures (or its position), so the summary counts them in one pass and the list of
 * cases behind a figure is the same condition. The conditions are the visibility queries the
 * summary used to send, one for one.
 */
import {
  APPEAL_ENDINGS,
  ONWARD_PENDING_STATUSES,
  STAGES,
  type CaseFigures,
  type DutyOutcome,
  type Stage,
} from '../domain/index.js';

const among = (column: string, values: readonly string[]) => `${column} IN (${values.map((v) => `'${v}'`).join(', ')})`;

/** Counted over `figures f`; `@dueBefore`: the instant (ms) the 24-week figures' "due within 4 weeks" ends before. */
export const FIGURE_CONDITIONS = {
  absconders: 'f.absconded = 1',
  repeatAppeals: 'f.appeals >= 2',
  openEscalations: `f.escalation >= 1 AND ${among('f.clock', ['running', 'breached'])}`,
  appealsPending: 'f.appeal_pending = 1',
  furtherSubmissionsPending: `f.status = 'further-submissions-pending'`,
  onwardPending: among('f.status', ONWARD_PENDING_STATUSES),
  'twentyFourWeeks.open': among('f.clock', ['running', 'breached', 'exception']),
  'twentyFourWeeks.dueWithin4Weeks': `f.clock = 'running' AND f.deadline_ms < @dueBefore`,
  'twentyFourWeeks.breached': `f.clock = 'breached'`,
  'twentyFourWeeks.exceptions': among('f.clock', ['exception', 'exception-decided']),
  'twentyFourWeeks.decidedInTime': `f.clock = 'in-time'`,
  'twentyFourWeeks.decidedLate': `f.clock = 'late'`,
  'twentyFourWeeks.ended': `f.clock = 'ended'`,
  syncFailures: 'f.sync_failed = 1',
} as const;
export type CountedFigure = keyof typeof FIGURE_CONDITIONS;
export const COUNTED_FIGURES = Object.keys(FIGURE_CONDITIONS) as CountedFigure[];

/** Every figure of the summary a list of cases can be asked for. */
export const SUMMARY_FIGURES = ['openCases', 'backlogByStage', 'appealsEnded', ...COUNTED_FIGURES] as const;
export type SummaryFigure = (typeof SUMMARY_FIGURES)[number];

export interface SummaryCounts {
  byStage: Record<Stage, number>;
  endings: Record<(typeof APPEAL_ENDINGS)[number], number>;
  counted: Record<CountedFigure, number>;
}

export const emptyByStage = () => Object.fromEntries(STAGES.map((s) => [s, 0])) as Record<Stage, number>;
export const emptyEndings = () => Object.fromEntries(APPEAL_ENDINGS.map((h) => [h, 0])) as SummaryCounts['endings'];

/** A case's figures as the store holds them. */
export interface FiguresRow extends CaseFigures {
  caseId: string;
  /** The change they were sent with. */
  seq: number;
}

/**
 * Each outcome of the compliance report as a condition on `duty_appeals`: domain/reporting-facts.ts
 * `dutyStanding` then `dutyOutcome`, in SQL (as the store's dutyByWeek groups them). `@today`: the
 * London day the open appeals are judged on; only the open outcomes take it.
 */
export const OUTCOME_CONDITIONS: Record<DutyOutcome, string> = {
  // decidedLate is `decided_on > last_day` with no decision day read as not late (coalesce to false).
  decidedInTime: `state = 'decided' AND (decided_on IS NULL OR decided_on <= last_day)`,
  decidedLate: `state = 'decided' AND decided_on > last_day`,
  openInTime: `state = 'open' AND @today <= last_day`,
  openPastLimit: `state = 'open' AND @today > last_day`,
  exception: `state = 'exception'`,
  ended: `state = 'ended'`,
};

/** A figures row as both stores read it (SQL names, flags as 0 and 1). */
export interface FiguresSql {
  case_id: string;
  seq: number;
  status: CaseFigures['status'];
  appeals: number;
  absconded: number;
  appeal_pending: number;
  appeal_ended: CaseFigures['appealEnded'];
  clock: NonNullable<CaseFigures['clock']>['status'] | null;
  deadline: string | null;
  escalation: number | null;
  sync_failed: number;
}

export const figuresOf = (r: FiguresSql): CaseFigures => ({
  status: r.status,
  appeals: r.appeals,
  absconded: r.absconded === 1,
  appealPending: r.appeal_pending === 1,
  appealEnded: r.appeal_ended,
  clock: r.clock === null ? null : { status: r.clock, deadline: r.deadline!, escalation: r.escalation! },
  syncFailed: r.sync_failed === 1,
});

export const figuresRowOf = (r: FiguresSql): FiguresRow => ({ caseId: r.case_id, seq: r.seq, ...figuresOf(r) });
