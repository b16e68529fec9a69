/**
 * Dates for tests, worked out here on their own rather than with the code under test: London dates
 * from the UK's summer-time rule (01:00 UTC on the last Sunday of March to 01:00 UTC on the last
 * Sunday of October), and calendar arithmetic on UTC midnights.
 */
const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/** 01:00 UTC on the last Sunday of a month (0-based). */
function lastSunday(year: number, month: number): number {
  const lastOfMonth = new Date(Date.UTC(year, month + 1, 0));
  return Date.UTC(year, month, lastOfMonth.getUTCDate() - lastOfMonth.getUTCDay(), 1);
}
/** Whether London keeps summer time (UTC+1) at an instant. */
export const summerTime = (ms: number) => {
  const y = new Date(ms).getUTCFullYear();
  return ms >= lastSunday(y, 2) && ms < lastSunday(y, 9);
};
/** The London date of an instant. */
export const ukDate = (ms: number) => new Date(ms + (summerTime(ms) ? HOUR : 0)).toISOString().slice(0, 10);
/** A calendar date plus n days. */
export const plusDays = (date: string, n: number) =>
  new Date(Date.parse(`${date}T00:00:00Z`) + n * DAY).toISOString().slice(0, 10);
/** The instant London's day `date` starts (changes happen at 01:00 UTC, so the UTC midnight's offset holds). */
export const ukMidnight = (date: string) => {
  const utc = Date.parse(`${date}T00:00:00Z`);
  return new Date(utc - (summerTime(utc) ? HOUR : 0)).toISOString();
};
/** The instant a London day ends. */
export const ukEndOfDay = (date: string) => ukMidnight(plusDays(date, 1));

/** Today in London. */
export const londonToday = () => ukDate(Date.now());
/** London calendar dates relative to today, for back-dated events (the tribunal's days are London days). */
export const daysAgo = (n: number) => plusDays(londonToday(), -n);
/** A date as the pages write it: "Tuesday 15 December 2026". */
export { longDate } from '../web/dates.js';
