/**
 * The tribunal's deadline days: N calendar days, moved on past Saturdays, Sundays and bank
 * holidays in England and Wales. Weekdays are read here from UTC midnights, and the shipped
 * calendar is checked against the standard pattern worked out here on its own (Easter by the
 * anonymous Gregorian algorithm), not against the code under test.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { plusDays as plus } from './dates.js';
import {
  addDays,
  BANK_HOLIDAYS_ENGLAND_AND_WALES,
  bankHolidayCalendar,
  CALENDAR_FIRST_YEAR,
  CALENDAR_LAST_YEAR,
  calendarCheck,
  calendarWarning,
  coversYear,
  daysAfter,
  deadlineDay,
  isWorkingDay,
  nextWorkingDay,
} from '../domain/index.js';

const ymd = (y: number, m: number, d: number) => new Date(Date.UTC(y, m - 1, d)).toISOString().slice(0, 10);
/** 0 Sunday … 6 Saturday. */
const weekday = (date: string) => {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  return new Date(Date.UTC(y, m - 1, d)).getUTCDay();
};
const weekend = (date: string) => weekday(date) === 0 || weekday(date) === 6;
const realDate = (date: string) => {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  return /^\d{4}-\d{2}-\d{2}$/.test(date) && ymd(y, m, d) === date;
};
const HOLIDAYS = new Set(BANK_HOLIDAYS_ENGLAND_AND_WALES);
const nonWorking = (date: string) => weekend(date) || HOLIDAYS.has(date);
const between = (from: string, to: string) => Math.round((Date.parse(to) - Date.parse(from)) / 86_400_000);

/** Easter Sunday (Gregorian), by the anonymous algorithm. */
function easter(year: number): string {
  const a = year % 19;
  const b = Math.floor(year / 100);
  const c = year % 100;
  const d = Math.floor(b / 4);
  const e = b % 4;
  const f = Math.floor((b + 8) / 25);
  const g = Math.floor((b - f + 1) / 3);
  const h = (19 * a + b - d - g + 15) % 30;
  const i = Math.floor(c / 4);
  const k = c % 4;
  const l = (32 + 2 * e + 2 * i - h - k) % 7;
  const m = Math.floor((a + 11 * h + 22 * l) / 451);
  const month = Math.floor((h + l - 7 * m + 114) / 31);
  return ymd(year, month, ((h + l - 7 * m + 114) % 31) + 1);
}
const firstMonday = (y: number, month: number) => ymd(y, month, 1 + ((8 - weekday(ymd(y, month, 1))) % 7));
const lastMonday = (y: number, month: number) => {
  const last = ymd(y, month + 1, 0);
  return plus(last, -((weekday(last) + 6) % 7));
};
/** A year's bank holidays by the standard pattern, with substitutes for the weekend ones. */
function standardYear(y: number): string[] {
  const taken = new Set<string>();
  const onWeekday = (date: string) => {
    let day = date;
    while (weekend(day) || taken.has(day)) day = plus(day, 1);
    taken.add(day);
    return day;
  };
  return [
    onWeekday(ymd(y, 1, 1)),
    plus(easter(y), -2),
    plus(easter(y), 1),
    firstMonday(y, 5),
    lastMonday(y, 5),
    lastMonday(y, 8),
    onWeekday(ymd(y, 12, 25)),
    onWeekday(ymd(y, 12, 26)),
  ].sort();
}
/** What gov.uk published that the pattern does not give, and the pattern's days it moved. */
const ADDED = ['2020-05-08', '2022-06-02', '2022-06-03', '2022-09-19', '2023-05-08'];
const MOVED = ['2020-05-04', '2022-05-30'];

const YEARS = Array.from({ length: 13 }, (_, i) => 2018 + i);
const calendar = bankHolidayCalendar();

describe('the England-and-Wales bank holidays shipped', () => {
  it('run from 2018 to 2030, sorted, real dates, none at a weekend', () => {
    expect([CALENDAR_FIRST_YEAR, CALENDAR_LAST_YEAR]).toEqual([2018, 2030]);
    const dates = BANK_HOLIDAYS_ENGLAND_AND_WALES;
    for (let i = 1; i < dates.length; i++)
      expect(dates[i - 1]! < dates[i]!, `${dates[i - 1]} < ${dates[i]}`).toBe(true);
    for (const d of dates) {
      expect(realDate(d), d).toBe(true);
      expect(weekend(d), `${d} is a weekday`).toBe(false);
    }
    expect(dates[0]).toBe('2018-01-01');
    expect(dates.at(-1)).toBe('2030-12-26');
  });

  it('are eight a year, but ten in 2022 and nine in 2023', () => {
    const count = (y: number) => BANK_HOLIDAYS_ENGLAND_AND_WALES.filter((d) => d.startsWith(`${y}-`)).length;
    const expected = (y: number) => (y === 2022 ? 10 : y === 2023 ? 9 : 8);
    for (const y of YEARS) expect(count(y), String(y)).toBe(expected(y));
  });

  it('follow the standard pattern, but for the days gov.uk published in its place', () => {
    expect(YEARS.map(easter)).toEqual([
      '2018-04-01',
      '2019-04-21',
      '2020-04-12',
      '2021-04-04',
      '2022-04-17',
      '2023-04-09',
      '2024-03-31',
      '2025-04-20',
      '2026-04-05',
      '2027-03-28',
      '2028-04-16',
      '2029-04-01',
      '2030-04-21',
    ]);
    const pattern = YEARS.flatMap(standardYear).filter((d) => !MOVED.includes(d));
    expect([...BANK_HOLIDAYS_ENGLAND_AND_WALES]).toEqual([...pattern, ...ADDED].sort());
  });

  it('have the substitute days of the Christmas and New Year weekends', () => {
    for (const d of ['2020-12-28', '2021-12-27', '2021-12-28', '2022-01-03', '2022-12-26', '2022-12-27'])
      expect(HOLIDAYS.has(d), d).toBe(true);
    for (const d of ['2023-01-02', '2026-12-28', '2027-12-27', '2027-12-28', '2028-01-03'])
      expect(HOLIDAYS.has(d), d).toBe(true);
  });
});

const dates = fc
  .integer({ min: Date.UTC(2018, 0, 1), max: Date.UTC(2030, 11, 31) })
  .map((ms) => new Date(ms).toISOString().slice(0, 10));
const counts = fc.integer({ min: 0, max: 60 });

describe('working days', () => {
  it('are the days that are neither weekend nor bank holiday', () => {
    fc.assert(
      fc.property(dates, (d) => isWorkingDay(d, calendar) === !nonWorking(d)),
      { numRuns: 2000 },
    );
  });

  it('the next working day is the day itself when it works, and moving twice moves once', () => {
    fc.assert(
      fc.property(dates, (d) => {
        const next = nextWorkingDay(d, calendar);
        if (!nonWorking(d) && next !== d) return false;
        return nextWorkingDay(next, calendar) === next && !nonWorking(next);
      }),
      { numRuns: 2000 },
    );
  });
});

describe('a deadline of N days', () => {
  it('never ends on a Saturday, a Sunday or a bank holiday, nor before the plain count', () => {
    fc.assert(
      fc.property(dates, counts, (from, n) => {
        const { lastDay } = deadlineDay(from, n, calendar);
        return !nonWorking(lastDay) && lastDay >= plus(from, n);
      }),
      { numRuns: 3000 },
    );
  });

  it('is the plain count when that is a working day, and otherwise at most four days later, past non-working days only', () => {
    fc.assert(
      fc.property(dates, counts, (from, n) => {
        const counted = plus(from, n);
        const limit = deadlineDay(from, n, calendar);
        if (!nonWorking(counted)) return limit.lastDay === counted && limit.closes === daysAfter(from, n).closes;
        const gap = between(counted, limit.lastDay);
        if (gap < 1 || gap > 4) return false;
        for (let i = 0; i < gap; i++) if (!nonWorking(plus(counted, i))) return false;
        return true;
      }),
      { numRuns: 3000 },
    );
  });

  it('closes when its last day ends in London, and is flagged only when it leaves the calendar', () => {
    fc.assert(
      fc.property(dates, counts, (from, n) => {
        const limit = deadlineDay(from, n, calendar);
        const inCalendar = limit.lastDay <= '2030-12-31';
        return limit.closes === daysAfter(limit.lastDay, 0).closes && limit.beyondCalendar === !inCalendar;
      }),
      { numRuns: 2000 },
    );
  });

  it.each([
    // from, N, the Nth day, the last day, why
    ['2026-12-01', 14, '2026-12-15', '2026-12-15', 'a Tuesday: unchanged'],
    ['2026-12-11', 14, '2026-12-25', '2026-12-29', 'Christmas Friday, the weekend, Boxing Day substitute Monday 28'],
    ['2026-03-20', 14, '2026-04-03', '2026-04-07', 'Good Friday, the weekend, Easter Monday'],
    ['2026-11-21', 14, '2026-12-05', '2026-12-07', 'a Saturday: the Monday'],
    ['2027-12-11', 14, '2027-12-25', '2027-12-29', 'Christmas Saturday: 27 and 28 are the substitutes'],
    ['2022-05-19', 14, '2022-06-02', '2022-06-06', 'the moved spring holiday and the Platinum Jubilee'],
    ['2022-09-05', 14, '2022-09-19', '2022-09-20', 'the State Funeral'],
    ['2023-04-24', 14, '2023-05-08', '2023-05-09', 'the Coronation'],
    ['2020-04-24', 14, '2020-05-08', '2020-05-11', 'VE Day, a Friday'],
    ['2020-04-20', 14, '2020-05-04', '2020-05-04', 'the first Monday of May 2020 was a working day'],
    ['2022-05-16', 14, '2022-05-30', '2022-05-30', 'the last Monday of May 2022 was a working day'],
    ['2027-12-18', 14, '2028-01-01', '2028-01-04', 'New Year Saturday: Monday 3 is the substitute'],
  ])('from %s, %i days: day %s, last day %s (%s)', (from, n, counted, lastDay) => {
    expect(addDays(from, n)).toBe(counted);
    expect(deadlineDay(from, n, calendar)).toEqual({
      ...daysAfter(from, between(from, lastDay)),
      beyondCalendar: false,
    });
  });

  it('closes at the end of its London day, summer or winter', () => {
    expect(deadlineDay('2026-12-11', 14, calendar).closes).toBe('2026-12-30T00:00:00.000Z');
    expect(deadlineDay('2026-03-20', 14, calendar).closes).toBe('2026-04-07T23:00:00.000Z');
  });

  it("is moved by a date the deployment adds, and the calendar's years follow what it adds", () => {
    const extended = bankHolidayCalendar(['2026-12-15']);
    expect(deadlineDay('2026-12-01', 14, extended).lastDay).toBe('2026-12-16');
    expect(deadlineDay('2026-12-01', 14, calendar).lastDay).toBe('2026-12-15');
    expect([extended.firstYear, extended.lastYear]).toEqual([2018, 2030]);
    const next = bankHolidayCalendar(['2031-01-01', '2031-04-11', '2031-04-14']);
    expect(next.lastYear).toBe(2031);
    expect(coversYear(next, 2031)).toBe(true);
    expect(deadlineDay('2030-12-18', 14, next)).toMatchObject({ lastDay: '2031-01-02', beyondCalendar: false });
    expect(() => bankHolidayCalendar(['2031-02-30'])).toThrow(/2031-02-30/);
  });

  it('past 2030 moves over weekends only, and says so', () => {
    expect(coversYear(calendar, 2031)).toBe(false);
    // 1 January 2031 (a Wednesday) will be a bank holiday, but the calendar does not know it yet.
    expect(deadlineDay('2030-12-18', 14, calendar)).toEqual({ ...daysAfter('2030-12-18', 14), beyondCalendar: true });
    // Saturday 4 January 2031: the Monday.
    expect(weekday('2031-01-04')).toBe(6);
    expect(deadlineDay('2030-12-21', 14, calendar)).toEqual({ ...daysAfter('2030-12-21', 16), beyondCalendar: true });
    fc.assert(
      fc.property(
        fc
          .integer({ min: Date.UTC(2031, 0, 1), max: Date.UTC(2040, 11, 31) })
          .map((ms) => new Date(ms).toISOString().slice(0, 10)),
        counts,
        (from, n) => {
          const limit = deadlineDay(from, n, calendar);
          const counted = plus(from, n);
          const expected =
            weekday(counted) === 6 ? plus(counted, 2) : weekday(counted) === 0 ? plus(counted, 1) : counted;
          return limit.lastDay === expected && limit.beyondCalendar;
        },
      ),
      { numRuns: 1000 },
    );
  });
});

describe('the end of the calendar', () => {
  it('is no concern until its last year', () => {
    expect(calendarCheck('2026-12-01', calendar)).toEqual({ ok: true });
    expect(calendarCheck('2029-12-31', calendar)).toEqual({ ok: true });
    expect(calendarWarning('2029-12-31', calendar)).toBeNull();
  });

  it('is warned of through its last year, when it ends within twelve months', () => {
    const first = calendarCheck('2030-01-01', calendar);
    expect(first.ok && first.warning).toMatch(/ends on 31 December 2030, 364 days from today/);
    expect(first.ok && first.warning).toMatch(/bank holidays of 2031/);
    expect(first.ok && first.warning).toMatch(/from 1 January 2031 the API and worker refuse to start/);
    const last = calendarCheck('2030-12-31', calendar);
    expect(last.ok && last.warning).toMatch(/0 days from today/);
    expect(calendarWarning('2030-06-01', calendar)).toMatch(/ends on 31 December 2030/);
  });

  it('refuses once it has ended, until the next year is added', () => {
    const past = calendarCheck('2031-01-01', calendar);
    expect(past.ok).toBe(false);
    expect(!past.ok && past.error).toMatch(/ended on 31 December 2030 and today is 2031-01-01/);
    expect(!past.ok && past.error).toMatch(/would be miscounted/);
    const next = bankHolidayCalendar(['2031-01-01', '2031-04-11', '2031-04-14']);
    const added = calendarCheck('2031-01-01', next);
    expect(added.ok && added.warning).toMatch(/ends on 31 December 2031/);
    expect(!past.ok && past.error).toMatch(/Add the England and Wales bank holidays of 2031 \(/);
    const later = calendarCheck('2033-03-01', next);
    expect(!later.ok && later.error).toMatch(/ended on 31 December 2031 .* holidays of 2032 to 2033 \(/);
  });
});
