/**
 * Days as the tribunal counts them: London dates, limits that close when their last day ends in
 * London. Checked against the UK's summer-time rule worked out here on its own (from 01:00 UTC on
 * the last Sunday of March to 01:00 UTC on the last Sunday of October), not against the code's
 * source of offsets.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { plusDays as plus, ukDate, ukMidnight } from './dates.js';
import {
  daysAfter,
  deadlinesBefore,
  endOfLondonDay,
  lastDayOf,
  londonDate,
  londonTime,
  londonTimePlus,
  shiftByDays,
  shiftByDaysToTheSecond,
  startTribunalClock,
  DEFAULT_POLICY,
} from '../domain/index.js';

const instants = fc.integer({ min: Date.UTC(2000, 0, 1), max: Date.UTC(2040, 11, 31) });
const dates = instants.map((ms) => new Date(ms).toISOString().slice(0, 10));

describe('London dates', () => {
  it.each([
    ['2026-12-01T23:30:00.000Z', '2026-12-01'], // winter: London is UTC
    ['2026-07-01T23:30:00.000Z', '2026-07-02'], // summer: 00:30 in London is already the next day
    ['2026-03-29T00:59:59.999Z', '2026-03-29'],
    ['2026-10-24T23:00:00.000Z', '2026-10-25'],
  ])('%s is %s in London', (instant, date) => expect(londonDate(instant)).toBe(date));

  it('agree with the summer-time rule at any instant', () => {
    fc.assert(
      fc.property(instants, (ms) => londonDate(ms) === ukDate(ms)),
      { numRuns: 2000 },
    );
  });

  it('read the same as Intl on its own, any instant from 1900 to 2100, asked once or again (the offset is kept by hour)', () => {
    const intl = new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/London' });
    fc.assert(
      fc.property(fc.integer({ min: Date.UTC(1900, 0, 1), max: Date.UTC(2100, 0, 1) }), (ms) => {
        expect(londonDate(ms)).toBe(intl.format(ms));
        expect(londonDate(ms)).toBe(intl.format(ms));
      }),
      { numRuns: 5000 },
    );
  });
  it('end at London midnight, summer and winter, on the days the clocks change too', () => {
    expect(endOfLondonDay('2026-12-15')).toBe('2026-12-16T00:00:00.000Z');
    expect(endOfLondonDay('2026-06-15')).toBe('2026-06-15T23:00:00.000Z');
    expect(endOfLondonDay('2026-03-28')).toBe('2026-03-29T00:00:00.000Z'); // the night the clocks go forward
    expect(endOfLondonDay('2026-03-29')).toBe('2026-03-29T23:00:00.000Z');
    expect(endOfLondonDay('2026-10-24')).toBe('2026-10-24T23:00:00.000Z'); // the night they go back
    expect(endOfLondonDay('2026-10-25')).toBe('2026-10-26T00:00:00.000Z');
    fc.assert(
      fc.property(dates, (d) => endOfLondonDay(d) === ukMidnight(plus(d, 1))),
      { numRuns: 2000 },
    );
  });

  it('place a time of day on London clocks', () => {
    expect(londonTime('2026-12-01', '07:30')).toBe('2026-12-01T07:30:00.000Z');
    expect(londonTime('2026-07-01', '07:30')).toBe('2026-07-01T06:30:00.000Z');
    expect(londonTime('2026-03-29', '01:30')).toBe('2026-03-29T01:30:00.000Z'); // does not exist: read an hour on, 02:30 BST
  });
});

describe('a limit of N days', () => {
  it('runs N calendar days after the day it runs from, and closes when its last day ends in London', () => {
    // The caseworker's case: refused 1 December 2026, 14 days, last day Tuesday 15 December.
    expect(daysAfter('2026-12-01', 14)).toEqual({ lastDay: '2026-12-15', closes: '2026-12-16T00:00:00.000Z' });
    // In summer the window closes at midnight London time, 23:00 UTC, not at 01:00 the next morning.
    expect(daysAfter('2026-06-01', 14)).toEqual({ lastDay: '2026-06-15', closes: '2026-06-15T23:00:00.000Z' });
    // Across the change to summer time, and back.
    expect(daysAfter('2026-03-20', 14)).toEqual({ lastDay: '2026-04-03', closes: '2026-04-03T23:00:00.000Z' });
    expect(daysAfter('2026-10-20', 14)).toEqual({ lastDay: '2026-11-03', closes: '2026-11-04T00:00:00.000Z' });
  });

  it('24 weeks from an appeal lodged on 23 June 2026 end on 8 December', () => {
    const clock = startTribunalClock('2026-06-23', DEFAULT_POLICY, 'C-TEST');
    expect(clock.startedOn).toBe('2026-06-24');
    expect(lastDayOf(clock.deadline)).toBe('2026-12-08');
    expect(clock.deadline).toBe('2026-12-09T00:00:00.000Z');
  });

  it('reads its last day back from the closing instant, and from the UTC midnights older clocks kept', () => {
    fc.assert(
      fc.property(dates, fc.integer({ min: 0, max: 400 }), (d, n) => lastDayOf(daysAfter(d, n).closes) === plus(d, n)),
      { numRuns: 1000 },
    );
    // Recorded before deadlines were London dates: the UTC midnight after the last day.
    fc.assert(
      fc.property(dates, (d) => lastDayOf(`${plus(d, 1)}T00:00:00.000Z`) === d),
      { numRuns: 1000 },
    );
  });

  it('is found by "last day before" exactly when its last day is before that date, old and new alike', () => {
    fc.assert(
      fc.property(dates, fc.integer({ min: -3, max: 3 }), fc.boolean(), (d, shift, legacy) => {
        const deadline = legacy ? `${plus(d, 1)}T00:00:00.000Z` : endOfLondonDay(d);
        const bound = plus(d, shift);
        return deadline < deadlinesBefore(bound) === d < bound;
      }),
      { numRuns: 2000 },
    );
  });
});

describe('moving a time by whole days, and a time of day plus an offset', () => {
  it('drops the seconds in shiftByDays, as recorded histories replay it (retention counts from workflow time)', () => {
    // 11:15:37 in London on 1 June; thirty days on, 11:15 exactly.
    expect(shiftByDays('2026-06-01T10:15:37.123Z', 30)).toBe('2026-07-01T10:15:00.000Z');
  });

  it.each([
    // 07:30:17 in summer, two days back across the March change: 07:30:17 in winter.
    ['2026-03-30T06:30:17.000Z', -2, '2026-03-28T07:30:17.000Z'],
    // 07:30:17 in summer, a day on across the October change.
    ['2026-10-24T06:30:17.000Z', 1, '2026-10-25T07:30:17.000Z'],
    ['2026-06-22T06:30:00.000Z', 10, '2026-07-02T06:30:00.000Z'],
  ])('keeps the second in shiftByDaysToTheSecond: %s moved %i days is %s', (instant, days, moved) =>
    expect(shiftByDaysToTheSecond(instant, days)).toBe(moved),
  );

  it.each([
    // 07:30 plus 61 minutes 5 seconds on a summer day: 08:31:05 in London.
    ['2026-06-22', '07:30', 61 * 60_000 + 5_000, '2026-06-22T07:31:05.000Z'],
    // Midnight plus three hours on the October change day: 03:00 by the wall clock (GMT), four hours elapsed.
    ['2026-10-25', '00:00', 180 * 60_000, '2026-10-25T03:00:00.000Z'],
    // Past midnight: the next day.
    ['2026-06-22', '23:30', 45 * 60_000, '2026-06-22T23:15:00.000Z'],
  ])('londonTimePlus(%s, %s, %i) is %s', (date, hhmm, offset, at) =>
    expect(londonTimePlus(date, hhmm, offset)).toBe(at),
  );
});
