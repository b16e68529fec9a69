/** The clock rules one by one, as pure functions: cohort, start, warnings, breach, stop. */
import { describe, expect, it } from 'vitest';
import {
  DEFAULT_POLICY,
  dueEvents,
  inTwentyFourWeekCohort,
  nextDue,
  startTribunalClock,
  stopClock,
  decidedInTime,
  lastDayOf,
  withClock,
  type Cohort,
} from '../domain/index.js';
import { newCaseState } from './domain-fixtures.js';

const cohort = (c: Partial<Cohort>): Cohort => ({
  supportedAccommodation: false,
  foreignNationalOffender: false,
  detained: false,
  ...c,
});
const policy = { ...DEFAULT_POLICY, tribunal: { ...DEFAULT_POLICY.tribunal, commencementDate: '2026-03-01' } };

describe('the 24-week cohort', () => {
  it.each([
    ['in supported accommodation', cohort({ supportedAccommodation: true }), true],
    ['a foreign national offender, not detained', cohort({ foreignNationalOffender: true }), true],
    ['a foreign national offender in detention', cohort({ foreignNationalOffender: true, detained: true }), false],
    ['in supported accommodation but detained', cohort({ supportedAccommodation: true, detained: true }), false],
    ['neither', cohort({}), false],
  ])('%s → %s', (_label, c, expected) => {
    expect(inTwentyFourWeekCohort(c, '2026-03-01', policy)).toBe(expected);
  });

  it('excludes appeals lodged before commencement, includes those on the day', () => {
    expect(inTwentyFourWeekCohort(cohort({ supportedAccommodation: true }), '2026-02-28', policy)).toBe(false);
    expect(inTwentyFourWeekCohort(cohort({ supportedAccommodation: true }), '2026-03-01', policy)).toBe(true);
  });
});

describe('the 24-week clock', () => {
  const clock = startTribunalClock('2026-03-01', DEFAULT_POLICY);

  it('runs from the day after the appeal starts, warns at weeks 16, 20, 22 and ends after 24 weeks', () => {
    expect(clock.startedOn).toBe('2026-03-02');
    // 2026-03-02 + 112, 140 and 154 days, at London midnight (summer time: 23:00 UTC the day before);
    // the last day is day 168 counting 2 March as the first, 16 August, and the limit closes when it ends.
    expect(clock.warnings).toEqual([
      '2026-06-21T23:00:00.000Z',
      '2026-07-19T23:00:00.000Z',
      '2026-08-02T23:00:00.000Z',
    ]);
    expect(clock.deadline).toBe('2026-08-16T23:00:00.000Z');
    expect(lastDayOf(clock.deadline)).toBe('2026-08-16');
  });

  it('owes one escalation to the highest level passed, then the breach', () => {
    const state = withClock(newCaseState(), clock);
    const lastDay = '2026-08-16';
    expect(dueEvents(state, '2026-06-21T22:59:59.999Z', DEFAULT_POLICY)).toEqual([]);
    expect(dueEvents(state, '2026-06-21T23:00:00.000Z', DEFAULT_POLICY)).toEqual([
      { type: 'clock.escalated', clock: 'tribunal-24-weeks', level: 1, lastDay },
    ]);
    expect(dueEvents(state, '2026-08-10T00:00:00.000Z', DEFAULT_POLICY)).toEqual([
      { type: 'clock.escalated', clock: 'tribunal-24-weeks', level: 3, lastDay },
    ]);
    // Not before the last day has ended in London (23:59:59 BST on 16 August is still the last day).
    expect(dueEvents(state, '2026-08-16T22:59:59.999Z', DEFAULT_POLICY)).toEqual([
      { type: 'clock.escalated', clock: 'tribunal-24-weeks', level: 3, lastDay },
    ]);
    expect(dueEvents(state, '2026-08-16T23:00:00.000Z', DEFAULT_POLICY)).toEqual([
      { type: 'clock.breached', clock: 'tribunal-24-weeks', lastDay },
    ]);
    expect(nextDue(state, DEFAULT_POLICY)).toBe('2026-06-21T23:00:00.000Z');
  });

  it('is decided in time on the last day of the 24 weeks, late the day after', () => {
    const onLastDay = stopClock(withClock(newCaseState(), clock), 'tribunal-24-weeks', '2026-08-16').clocks[0]!;
    const dayAfter = stopClock(withClock(newCaseState(), clock), 'tribunal-24-weeks', '2026-08-17').clocks[0]!;
    expect(decidedInTime(onLastDay)).toBe(true);
    expect(decidedInTime(dayAfter)).toBe(false);
    expect(dueEvents(withClock(newCaseState(), onLastDay), '2026-09-01T00:00:00.000Z', DEFAULT_POLICY)).toEqual([]);
  });

  it('takes its warning points from the policy it starts under', () => {
    const later = startTribunalClock('2026-03-01', {
      ...DEFAULT_POLICY,
      tribunal: { ...DEFAULT_POLICY.tribunal, warningWeeks: [18, 23] },
    });
    expect(later.warnings).toEqual(['2026-07-05T23:00:00.000Z', '2026-08-09T23:00:00.000Z']);
  });

  it("raises its warnings at the policy's time of day and keeps the deadline at the end of the last day", () => {
    const policy = { ...DEFAULT_POLICY, tribunal: { ...DEFAULT_POLICY.tribunal, warningTime: '07:30' } };
    const atHalfSeven = startTribunalClock('2026-03-01', policy);
    // 07:30 in London is 06:30 UTC in summer.
    expect(atHalfSeven.warnings).toEqual([
      '2026-06-22T06:30:00.000Z',
      '2026-07-20T06:30:00.000Z',
      '2026-08-03T06:30:00.000Z',
    ]);
    expect(atHalfSeven.deadline).toBe(startTribunalClock('2026-03-01', DEFAULT_POLICY).deadline);
    const state = withClock(newCaseState(), atHalfSeven);
    expect(dueEvents(state, '2026-06-22T06:29:59.999Z', DEFAULT_POLICY)).toEqual([]);
    expect(dueEvents(state, '2026-06-22T06:30:00.000Z', DEFAULT_POLICY)).toEqual([
      { type: 'clock.escalated', clock: 'tribunal-24-weeks', level: 1, lastDay: '2026-08-16' },
    ]);
  });
});
