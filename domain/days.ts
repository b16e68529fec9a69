/**
 * Days as the tribunal counts them. The First-tier Tribunal sits in England and Wales, so a day is
 * a Europe/London calendar date, and a time limit ends when its last day ends in London (23:00 UTC
 * in summer, midnight UTC in winter). Every deadline the tracker shows or sleeps on comes from here.
 *
 * Pure and deterministic: London's offset is read from the ECMAScript Intl time-zone data (part of
 * the language, available inside the workflow sandbox). The UK's rules have been the same since
 * 1996, so a replay on a newer Node reads the same offsets.
 */

const DAY_MS = 24 * 60 * 60 * 1000;

const LONDON = new Intl.DateTimeFormat('en-GB', {
  timeZone: 'Europe/London',
  hourCycle: 'h23',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
});

/** London's offset from UTC read from Intl for an instant (whole seconds). */
function offsetFromIntl(second: number): number {
  const p = Object.fromEntries(LONDON.formatToParts(new Date(second)).map((x) => [x.type, Number(x.value)]));
  return Date.UTC(p.year!, p.month! - 1, p.day!, p.hour!, p.minute!, p.second!) - second;
}

const HOUR_MS = 60 * 60 * 1000;
/**
 * London's offset by UTC hour. Its clocks have only ever changed on a UTC hour (01:00 since 1996),
 * so the offset is one value through each hour; formatToParts is the costliest call a change makes
 * in the workflow (a deadline walks many days), and a case asks about the same few hours again and
 * again. A cache of a pure function: the answers are Intl's, bit for bit.
 */
const offsetByHour = new Map<number, number>();
const OFFSETS_KEPT = 4096;

/** London's wall clock at an instant, as if it were UTC (milliseconds, whole seconds as Intl gives). */
function londonWallClock(ms: number): number {
  const second = Math.floor(ms / 1000) * 1000;
  const hour = Math.floor(ms / HOUR_MS);
  let offset = offsetByHour.get(hour);
  if (offset === undefined) {
    if (offsetByHour.size >= OFFSETS_KEPT) offsetByHour.clear();
    offset = offsetFromIntl(hour * HOUR_MS);
    offsetByHour.set(hour, offset);
  }
  return second + offset;
}

/** London's offset from UTC at an instant: 0 in winter, one hour in summer. */
const offsetAt = (ms: number) => londonWallClock(Math.floor(ms / 1000) * 1000) - Math.floor(ms / 1000) * 1000;

/** The London calendar date of an instant (ISO date-time or milliseconds), YYYY-MM-DD. */
export function londonDate(instant: string | number): string {
  const ms = typeof instant === 'number' ? instant : Date.parse(instant);
  return new Date(londonWallClock(ms)).toISOString().slice(0, 10);
}

/** A calendar date plus `days` (negative for earlier). */
export const addDays = (date: string, days: number) =>
  new Date(Date.parse(`${date}T00:00:00.000Z`) + days * DAY_MS).toISOString().slice(0, 10);

/** Whole days from one calendar date to another (negative when `to` is earlier). */
export const daysBetween = (from: string, to: string) =>
  Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / DAY_MS);

/** The instant London's clocks read `hhmm` on `date` (a time that does not exist in spring is read an hour on). */
export function londonTime(date: string, hhmm = '00:00'): string {
  const asUtc = Date.parse(`${date}T${hhmm}:00.000Z`);
  // Changes happen at 01:00 UTC, so one correction settles it.
  const guess = asUtc - offsetAt(asUtc);
  return new Date(asUtc - offsetAt(guess)).toISOString();
}

/**
 * The same London wall-clock time `days` later (or earlier), to the minute: a limit moved by whole
 * days keeps its hour. Seconds are dropped, as they always were: retention's dormancy is counted
 * from workflow time with seconds, and recorded histories replay on that minute.
 */
export function shiftByDays(instant: string, days: number): string {
  const wall = new Date(londonWallClock(Date.parse(instant))).toISOString();
  return londonTime(addDays(wall.slice(0, 10), days), wall.slice(11, 16));
}

const plusMs = (instant: string, ms: number) => new Date(Date.parse(instant) + ms).toISOString();

/**
 * The same, keeping the second within the minute: for a warning spread to a second of its own
 * (domain/clocks.ts). London's clock changes fall on whole minutes, so the second carries over.
 */
export const shiftByDaysToTheSecond = (instant: string, days: number): string =>
  plusMs(shiftByDays(instant, days), Date.parse(instant) % 60_000);

/** Minutes from midnight of a time of day, `HH:MM`. */
export const minutesOfDay = (hhmm: string) => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));

/**
 * A London time of day (`HH:MM`) on `date`, `offsetMs` later by the wall clock (the days after it,
 * past midnight). With no offset, `londonTime` itself.
 */
export function londonTimePlus(date: string, hhmm: string, offsetMs: number): string {
  const minutes = minutesOfDay(hhmm) + Math.floor(offsetMs / 60_000);
  const wall = `${String(Math.floor(minutes / 60) % 24).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`;
  return plusMs(londonTime(addDays(date, Math.floor(minutes / 1440)), wall), offsetMs % 60_000);
}

/** The instant a London day ends: the midnight that starts the next one. */
export const endOfLondonDay = (date: string) => londonTime(addDays(date, 1));

/** A time limit: the last day on which the thing may still be done, and the instant it closes. */
export interface DayLimit {
  lastDay: string;
  closes: string;
}

/** The limit on a day counted from a date: it closes when that day ends in London. */
export const limitOn = (lastDay: string): DayLimit => ({ lastDay, closes: endOfLondonDay(lastDay) });

/** A limit of N days after the day it runs from: its last day is the Nth day after it. */
export const daysAfter = (from: string, days: number): DayLimit => limitOn(addDays(from, days));

/** How far back of a stored deadline its last day is read (below), and forward again for a search's bound. */
const DEADLINE_SLACK_MS = 2 * 60 * 60 * 1000;

/**
 * The last day of a stored deadline instant. Deadlines are London midnights; clocks recorded before
 * deadlines were London dates kept the UTC midnight instead, at most an hour later. Two hours back
 * lands inside the last day for both, so a running case never shows its old deadline a day late.
 */
export const lastDayOf = (deadline: string) => londonDate(Date.parse(deadline) - DEADLINE_SLACK_MS);

/** The bound on deadline instants whose last day is before `date` (the exact inverse of `lastDayOf`). */
export const deadlinesBefore = (date: string) => plusMs(londonTime(date), DEADLINE_SLACK_MS);
