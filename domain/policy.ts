/**
 * Every statutory time limit, in one table. Days are calendar days. Values come from
 * configuration (the API passes the policy in force with each change), and a clock keeps the
 * limits it started with, so a change of policy applies to clocks started after it and never
 * rewrites a running clock or the replay of a recorded history.
 */
export interface Policy {
  /** Appeal window after a refusal, in-country and out-of-country (domain doc). */
  appealWindowDays: { inCountry: number; outOfCountry: number };
  /** Onward appeal (permission to the Upper Tribunal) after a determination. */
  onwardAppealWindowDays: number;
  /** Home Office, as respondent: evidence, and review, each due this many days after the tribunal asks. */
  respondentEvidenceDays: number;
  respondentReviewDays: number;
  /** Border Security, Asylum and Immigration Act 2025 ss. 49–50: decide within 24 weeks. */
  tribunal: {
    limitWeeks: number;
    /** Escalation points, in weeks from the clock's start, ascending. */
    warningWeeks: number[];
    /**
     * The time of day (UTC, "HH:MM") a warning falls on its day: a team may want escalations at the
     * start of its working day rather than at midnight. Absent (histories recorded before it): 00:00.
     * Deadlines are not moved: the limit is the end of the last day, whatever this says.
     */
    warningTime?: string;
    /** Appeals lodged before this date (set by regulations) are outside the 24-week duty. */
    commencementDate: string;
  };
}

export const DEFAULT_POLICY: Policy = {
  appealWindowDays: { inCountry: 14, outOfCountry: 28 },
  onwardAppealWindowDays: 14,
  respondentEvidenceDays: 14,
  respondentReviewDays: 14,
  tribunal: { limitWeeks: 24, warningWeeks: [16, 20, 22], warningTime: '00:00', commencementDate: '2026-01-01' },
};

export const DAY_MS = 24 * 60 * 60 * 1000;

/** The instant a window that opened on `date` closes: the end of its last day (UTC). */
export function windowEnds(date: string, days: number): string {
  return new Date(Date.parse(`${date}T00:00:00.000Z`) + (days + 1) * DAY_MS).toISOString();
}

export const addDays = (date: string, days: number) => new Date(Date.parse(`${date}T00:00:00.000Z`) + days * DAY_MS).toISOString().slice(0, 10);

/** "HH:MM" as milliseconds after midnight. */
export const timeOfDayMs = (hhmm = '00:00') => {
  const [h, m] = hhmm.split(':').map(Number);
  return ((h ?? 0) * 60 + (m ?? 0)) * 60_000;
};
