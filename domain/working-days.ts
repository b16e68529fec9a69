/**
 * The tribunal's deadline days (First-tier Tribunal (IAC) Procedure Rules 2014, rule 11): a window
 * or direction of N days ends N calendar days after the day it runs from, and when that day is a
 * Saturday, a Sunday or a bank holiday in England and Wales it ends on the next working day.
 * docs/deadline-days.md explains the rule, the calendar and what happens past its last year.
 *
 * Pure: the calendar is data (domain/bank-holidays.ts, plus the dates a deployment configures,
 * kept in the policy), so a replay reads the same days.
 */
import { BANK_HOLIDAYS_ENGLAND_AND_WALES, CALENDAR_FIRST_YEAR, CALENDAR_LAST_YEAR } from './bank-holidays.js';
import { addDays, daysBetween, limitOn, type DayLimit } from './days.js';
import { isCalendarDate } from './fields.js';

/** The days that are not working days besides weekends, and the years for which it knows them all. */
export interface Calendar {
  /** Bank holidays, YYYY-MM-DD. */
  readonly holidays: ReadonlySet<string>;
  /** It knows every holiday of the years from `firstYear` to `lastYear`; outside them, only weekends. */
  readonly firstYear: number;
  readonly lastYear: number;
}

const yearOf = (date: string) => Number(date.slice(0, 4));

/**
 * The shipped England-and-Wales calendar, with a deployment's extra dates (`Policy.bankHolidays`).
 * Its years run from the earliest date's to the latest's: a deployment that adds next year's dates
 * moves the last year on. Throws a RangeError on a date that is not a real YYYY-MM-DD date.
 */
export function bankHolidayCalendar(extra: readonly string[] = []): Calendar {
  const wrong = extra.filter((d) => !isCalendarDate(d));
  if (wrong.length > 0) throw new RangeError(`not real dates, YYYY-MM-DD: ${wrong.join(', ')}`);
  const years = extra.map(yearOf);
  return {
    holidays: new Set([...BANK_HOLIDAYS_ENGLAND_AND_WALES, ...extra]),
    firstYear: Math.min(CALENDAR_FIRST_YEAR, ...years),
    lastYear: Math.max(CALENDAR_LAST_YEAR, ...years),
  };
}

/** Whether the calendar knows every bank holiday of a year. */
export const coversYear = (calendar: Calendar, year: number) => year >= calendar.firstYear && year <= calendar.lastYear;

/** Saturday or Sunday (the date's own weekday, whatever the time zone). */
const isWeekend = (date: string) => {
  const day = new Date(`${date}T00:00:00.000Z`).getUTCDay();
  return day === 0 || day === 6;
};

/** Neither a Saturday, a Sunday nor a bank holiday of the calendar. */
export const isWorkingDay = (date: string, calendar: Calendar) => !isWeekend(date) && !calendar.holidays.has(date);

/** The date itself when it is a working day, otherwise the first working day after it. */
export function nextWorkingDay(date: string, calendar: Calendar): string {
  let day = date;
  while (!isWorkingDay(day, calendar)) day = addDays(day, 1);
  return day;
}

/**
 * A limit of N days under the tribunal's rule, and whether it is only as good as the calendar:
 * `beyondCalendar` when a day it looked at (from the Nth day to its last day) is in a year the
 * calendar does not cover. Such a limit is still worked out, the same way every time, skipping
 * weekends only; whoever shows it should say so.
 */
export interface DeadlineDay extends DayLimit {
  beyondCalendar: boolean;
}

/** N calendar days after `from`, moved on to the next working day; it closes when that day ends in London. */
export function deadlineDay(from: string, days: number, calendar: Calendar): DeadlineDay {
  const counted = addDays(from, days);
  const lastDay = nextWorkingDay(counted, calendar);
  const beyondCalendar = !coversYear(calendar, yearOf(counted)) || !coversYear(calendar, yearOf(lastDay));
  return { ...limitOn(lastDay), beyondCalendar };
}

/** Whether the processes may start on `today` (a London date) with this calendar, and what to warn of. */
export type CalendarCheck = { ok: true; warning?: string } | { ok: false; error: string };

/**
 * What to tell operators about the calendar's end on `today`: a warning once it ends less than
 * twelve months ahead (from 1 January of its last year), the refusal once it has ended, else null.
 */
export function calendarWarning(today: string, calendar: Calendar): string | null {
  const { lastYear } = calendar;
  const year = yearOf(today);
  if (year < lastYear) return null;
  const years = year > lastYear + 1 ? `${lastYear + 1} to ${year}` : `${lastYear + 1}`;
  const add = `Add the England and Wales bank holidays of ${years} (gov.uk/bank-holidays; docs/deadline-days.md)`;
  if (year > lastYear)
    return (
      `The bank-holiday calendar ended on 31 December ${lastYear} and today is ${today}: ` +
      `deadlines that fall on a bank holiday after it would be miscounted. ${add}.`
    );
  const left = daysBetween(today, `${lastYear}-12-31`);
  return (
    `The bank-holiday calendar ends on 31 December ${lastYear}, ${left} day${left === 1 ? '' : 's'} from today. ` +
    `${add}: from 1 January ${lastYear + 1} the API and worker refuse to start without them.`
  );
}

/** The decision at start: refuse once today is past the calendar's last year; warn during its last year. */
export function calendarCheck(today: string, calendar: Calendar): CalendarCheck {
  const message = calendarWarning(today, calendar);
  if (message === null) return { ok: true };
  return yearOf(today) > calendar.lastYear ? { ok: false, error: message } : { ok: true, warning: message };
}
