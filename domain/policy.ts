/**
 * Every statutory time limit, in one table. Days are calendar days. Values can be overridden per
 * deployment (configuration); a case keeps the policy it started with, so a change of policy
 * never rewrites a running case's clocks or breaks the replay of its history.
 */
export interface Policy {
  /** Appeal window after a refusal, in-country and out-of-country. */
  appealWindowDays: { inCountry: number; outOfCountry: number };
  /** Onward appeal (permission to the Upper Tribunal) after a determination. */
  onwardAppealWindowDays: number;
}

export const DEFAULT_POLICY: Policy = {
  appealWindowDays: { inCountry: 14, outOfCountry: 28 },
  onwardAppealWindowDays: 14,
};

const DAY_MS = 24 * 60 * 60 * 1000;

/** The instant a window that opened on `date` closes: the end of its last day (UTC). */
export function windowEnds(date: string, days: number): string {
  return new Date(Date.parse(`${date}T00:00:00.000Z`) + (days + 1) * DAY_MS).toISOString();
}
