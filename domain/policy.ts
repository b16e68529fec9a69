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
  /** The same from outside the UK (procedure rules r.33(3)); absent in policies recorded before: 28. */
  onwardAppealWindowDaysOutOfCountry?: number;
  /** Renewing to the Upper Tribunal after the First-tier refused permission (UT rules r.21(3)); absent: 14. */
  permissionRenewalDays?: number;
  /** Home Office, as respondent: evidence, and review, each due this many days after the tribunal asks. */
  respondentEvidenceDays: number;
  respondentReviewDays: number;
  /** Border Security, Asylum and Immigration Act 2025 ss. 49–50: decide within 24 weeks. */
  tribunal: {
    limitWeeks: number;
    /** Escalation points, in weeks from the clock's start, ascending. */
    warningWeeks: number[];
    /**
     * The time of day (London, "HH:MM") a warning falls on its day: a team may want escalations at
     * the start of its working day rather than at midnight. Absent (histories recorded before it):
     * 00:00. Deadlines are not moved: the limit is the end of the last day, whatever this says.
     */
    warningTime?: string;
    /**
     * Minutes after `warningTime` over which a day's warnings are spread, each case at its own
     * point (a stable hash of its id): ten thousand appeals lodged on one day all reach their 16th
     * week on one day, and would otherwise all escalate in the same second. A warning is an
     * escalation for a supervisor, not a limit: it may fall later in the morning; the deadline never
     * moves. Absent or 0 (histories recorded before it): every warning at `warningTime` exactly.
     */
    warningSpreadMinutes?: number;
    /** Appeals lodged before this date (set by regulations) are outside the 24-week duty. */
    commencementDate: string;
  };
  /**
   * Bank holidays the deployment adds to the shipped England-and-Wales calendar (YYYY-MM-DD; e.g.
   * next year's once published, or one proclaimed at short notice), for `bankHolidayCalendar`
   * (domain/working-days.ts). Absent (histories recorded before it, or none configured): none.
   */
  bankHolidays?: string[];
  /**
   * Days a case lies dormant at a final exit before its workflow completes and the namespace's
   * retention starts (domain/retention.ts). Absent (policies recorded before it): fifteen years.
   */
  retentionDormancyDays?: number;
}

export const DEFAULT_POLICY: Policy = {
  appealWindowDays: { inCountry: 14, outOfCountry: 28 },
  onwardAppealWindowDays: 14,
  onwardAppealWindowDaysOutOfCountry: 28,
  permissionRenewalDays: 14,
  respondentEvidenceDays: 14,
  respondentReviewDays: 14,
  tribunal: { limitWeeks: 24, warningWeeks: [16, 20, 22], warningTime: '00:00', commencementDate: '2026-01-01' },
  // Fifteen years (the longest such span holds four leap days): the Home Office keeps immigration case
  // records fifteen years after the last action on them (docs/lifecycle.md, "Retention", cites it).
  retentionDormancyDays: 15 * 365 + 4,
};
