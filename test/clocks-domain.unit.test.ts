/**
 * The clock rules one by one, as pure functions: cohort, start, warnings, breach, stop, an appeal's
 * clocks ended and resumed, a direction served late.
 */
import { describe, expect, it } from 'vitest';
import {
  bankHolidayCalendar,
  DEFAULT_POLICY,
  applyEvent,
  caseView,
  checkEvent,
  endClocks,
  resumeClocks,
  type ActorRole,
  type CaseEvent,
  type CaseState,
  dueEvents,
  inTwentyFourWeekCohort,
  nextDue,
  startTribunalClock,
  stopClock,
  decidedInTime,
  lastDayOf,
  withClock,
  type Cohort,
  warningOffsetMs,
} from '../domain/index.js';
import { newCaseState } from './domain-fixtures.js';

const CALENDAR = bankHolidayCalendar();

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
  const clock = startTribunalClock('2026-03-01', DEFAULT_POLICY, 'C-TEST');

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
    const later = startTribunalClock(
      '2026-03-01',
      {
        ...DEFAULT_POLICY,
        tribunal: { ...DEFAULT_POLICY.tribunal, warningWeeks: [18, 23] },
      },
      'C-TEST',
    );
    expect(later.warnings).toEqual(['2026-07-05T23:00:00.000Z', '2026-08-09T23:00:00.000Z']);
  });

  it("raises its warnings at the policy's time of day and keeps the deadline at the end of the last day", () => {
    const policy = { ...DEFAULT_POLICY, tribunal: { ...DEFAULT_POLICY.tribunal, warningTime: '07:30' } };
    const atHalfSeven = startTribunalClock('2026-03-01', policy, 'C-TEST');
    // 07:30 in London is 06:30 UTC in summer.
    expect(atHalfSeven.warnings).toEqual([
      '2026-06-22T06:30:00.000Z',
      '2026-07-20T06:30:00.000Z',
      '2026-08-03T06:30:00.000Z',
    ]);
    expect(atHalfSeven.deadline).toBe(startTribunalClock('2026-03-01', DEFAULT_POLICY, 'C-TEST').deadline);
    const state = withClock(newCaseState(), atHalfSeven);
    expect(dueEvents(state, '2026-06-22T06:29:59.999Z', DEFAULT_POLICY)).toEqual([]);
    expect(dueEvents(state, '2026-06-22T06:30:00.000Z', DEFAULT_POLICY)).toEqual([
      { type: 'clock.escalated', clock: 'tribunal-24-weeks', level: 1, lastDay: '2026-08-16' },
    ]);
  });
});

describe('warnings spread over the minutes after their time of day', () => {
  const spread = (minutes: number) => ({
    ...DEFAULT_POLICY,
    tribunal: { ...DEFAULT_POLICY.tribunal, warningTime: '07:30', warningSpreadMinutes: minutes },
  });
  const unspread = startTribunalClock('2026-03-01', spread(0), 'C-TEST');

  it('puts each case at a second of its own in the window, the same for all its warnings and on every call', () => {
    const ids = Array.from({ length: 2000 }, (_, i) => `C-${String(i).padStart(6, '0')}-X${i % 37}`);
    const offsets = ids.map((id) => {
      const clock = startTribunalClock('2026-03-01', spread(60), id);
      const each = clock.warnings.map((w, i) => Date.parse(w) - Date.parse(unspread.warnings[i]!));
      expect(new Set(each).size).toBe(1); // one offset for all of a case's warnings
      expect(clock.deadline).toBe(unspread.deadline); // the limit never moves
      expect(startTribunalClock('2026-03-01', spread(60), id)).toEqual(clock); // no state kept between calls
      return each[0]!;
    });
    for (const ms of offsets) {
      expect(ms % 1000).toBe(0);
      expect(ms).toBeGreaterThanOrEqual(0);
      expect(ms).toBeLessThan(60 * 60_000);
    }
    // Spread across the hour, not bunched: every ten-minute slice holds a sixth, give or take a third of it.
    const slices = Array.from({ length: 6 }, (_, k) => offsets.filter((ms) => Math.floor(ms / 600_000) === k).length);
    for (const n of slices) expect(Math.abs(n - 2000 / 6)).toBeLessThan(2000 / 18);
    expect(new Set(offsets).size).toBeGreaterThan(1500);
  });

  it('is absent or 0: every warning at the time of day exactly, as before', () => {
    expect(unspread.warnings).toEqual([
      '2026-06-22T06:30:00.000Z',
      '2026-07-20T06:30:00.000Z',
      '2026-08-03T06:30:00.000Z',
    ]);
    const { warningSpreadMinutes: _, ...tribunal } = spread(60).tribunal;
    expect(startTribunalClock('2026-03-01', { ...DEFAULT_POLICY, tribunal }, 'C-TEST')).toEqual(unspread);
    expect(warningOffsetMs('C-TEST', DEFAULT_POLICY)).toBe(0);
  });

  it('follows the case that starts the clock, and a clock resumed after a strike-out keeps its second', () => {
    const ctx = { at: '2026-03-02T10:00:00.000Z', policy: spread(45), tribunalRules: true };
    const state = {
      ...newCaseState(),
      caseId: 'C-SPREAD-1',
      cohort: { ...newCaseState().cohort, supportedAccommodation: true },
    };
    const refused = applyEvent(state, { type: 'decision.refused', decidedOn: '2026-03-01' }, ctx);
    const lodged = applyEvent({ ...refused, version: 1 }, { type: 'appeal.lodged', lodgedOn: '2026-03-01' }, ctx);
    const clock = lodged.clocks.find((c) => c.name === 'tribunal-24-weeks')!;
    const offset = warningOffsetMs('C-SPREAD-1', spread(45));
    expect(offset).toBeGreaterThan(0);
    expect(clock.warnings[0]).toBe(new Date(Date.parse('2026-06-22T06:30:00.000Z') + offset).toISOString());
    // Ten days struck out: each warning ten days on, at the same London time to the second.
    const resumed = resumeClocks(endClocks(withClock(newCaseState(), clock), '2026-04-10'), '2026-04-20', CALENDAR);
    expect(resumed.clocks[0]!.warnings[0]).toBe(
      new Date(Date.parse('2026-07-02T06:30:00.000Z') + offset).toISOString(),
    );
  });
});

/** One checked change on a London day (10:00 UTC: the same date in London all year). */
function step(state: CaseState, event: CaseEvent, role: ActorRole, day: string): CaseState {
  const ctx = { at: `${day}T10:00:00.000Z`, policy: DEFAULT_POLICY };
  expect(checkEvent(state, event, role, ctx)).toBeNull();
  return { ...applyEvent(state, event, ctx), version: state.version + 1 };
}
const viewOf = (state: CaseState, name: string) => caseView(state).clocks.find((c) => c.name === name)!;
/** Refused and appealed on 1 March 2026 (a Sunday): the 24 weeks run from 2 March to 16 August. */
const lodgedOnFirstMarch = () =>
  step(
    step(newCaseState(), { type: 'decision.refused', decidedOn: '2026-03-01' }, 'caseworker', '2026-03-02'),
    { type: 'appeal.lodged', lodgedOn: '2026-03-01' },
    'tribunal',
    '2026-03-02',
  );

describe('clocks of an appeal struck out and reinstated', () => {
  const clock = startTribunalClock('2026-03-01', DEFAULT_POLICY, 'C-TEST');

  it('resume with the time already used: the deadline and each warning move by the days the appeal stood ended', () => {
    const ended = endClocks(withClock(newCaseState(), clock), '2026-04-10');
    expect(ended.clocks[0]).toMatchObject({ state: 'ended', endedOn: '2026-04-10', endedFrom: 'running' });
    const resumed = resumeClocks(ended, '2026-04-20', CALENDAR).clocks[0]!;
    // Ten days struck out: the last day 16 August becomes 26 August; warnings keep London midnight.
    expect(resumed).toEqual({
      ...clock,
      deadline: '2026-08-26T23:00:00.000Z',
      warnings: ['2026-07-01T23:00:00.000Z', '2026-07-29T23:00:00.000Z', '2026-08-12T23:00:00.000Z'],
    });
    expect(lastDayOf(resumed.deadline)).toBe('2026-08-26');
  });

  it('reinstated the same day: the clock exactly as it was', () => {
    const ended = endClocks(withClock(newCaseState(), clock), '2026-04-10');
    expect(resumeClocks(ended, '2026-04-10', CALENDAR).clocks[0]).toEqual(clock);
  });

  it('a breached clock returns breached; one already met keeps its record', () => {
    const breached = { ...clock, state: 'breached' as const, breachedAt: '2026-08-16T23:00:00.000Z' };
    const resumed = resumeClocks(endClocks(withClock(newCaseState(), breached), '2026-09-01'), '2026-09-05', CALENDAR);
    expect(resumed.clocks[0]).toMatchObject({ state: 'breached', deadline: '2026-08-20T23:00:00.000Z' });
    expect(resumed.clocks[0]!.endedOn).toBeUndefined();
    const met = stopClock(withClock(newCaseState(), clock), 'tribunal-24-weeks', '2026-05-01');
    expect(resumeClocks(endClocks(met, '2026-05-02'), '2026-05-12', CALENDAR).clocks).toEqual(met.clocks);
  });

  it('through the table: struck out on 10 April, reinstated on 20 April, listed again with its 24 weeks ten days on', () => {
    const listed = step(
      lodgedOnFirstMarch(),
      { type: 'tribunal.listed', hearingDate: '2026-06-01' },
      'tribunal',
      '2026-03-20',
    );
    const struck = step(listed, { type: 'appeal.struck-out', reason: 'fee not paid' }, 'tribunal', '2026-04-10');
    expect(viewOf(struck, 'tribunal-24-weeks')).toMatchObject({ state: 'ended', endedOn: '2026-04-10' });
    const back = step(struck, { type: 'appeal.reinstated', reason: 'fee paid' }, 'tribunal', '2026-04-20');
    expect(caseView(back)).toMatchObject({ stage: 'tribunal', status: 'listed', appealPending: true });
    expect(back.appealEnded).toBeUndefined();
    expect(viewOf(back, 'tribunal-24-weeks')).toMatchObject({
      state: 'running',
      lastDay: '2026-08-26',
      deadline: '2026-08-26T23:00:00.000Z',
    });
  });

  it('a direction running when struck out resumes across the change to summer time', () => {
    const requested = step(lodgedOnFirstMarch(), { type: 'appeal.evidence-requested' }, 'tribunal', '2026-03-06');
    // 14 days from Friday 6 March: Friday 20 March, ending at midnight GMT.
    expect(viewOf(requested, 'respondent-evidence')).toMatchObject({
      lastDay: '2026-03-20',
      deadline: '2026-03-21T00:00:00.000Z',
    });
    const struck = step(requested, { type: 'appeal.struck-out', reason: 'fee not paid' }, 'tribunal', '2026-03-10');
    const back = step(struck, { type: 'appeal.reinstated', reason: 'fee paid' }, 'tribunal', '2026-03-23');
    // Thirteen days ended: Thursday 2 April, ending at midnight BST.
    expect(viewOf(back, 'respondent-evidence')).toMatchObject({
      state: 'running',
      lastDay: '2026-04-02',
      deadline: '2026-04-02T23:00:00.000Z',
    });
  });
});

describe('a respondent direction served late', () => {
  /** Evidence asked for on Friday 6 March 2026: its last day is Friday 20 March. */
  const requested = () => step(lodgedOnFirstMarch(), { type: 'appeal.evidence-requested' }, 'tribunal', '2026-03-06');

  it('is breached when its last day ends, and served after it is recorded: late, still breached', () => {
    const state = requested();
    expect(dueEvents(state, '2026-03-20T23:59:59.999Z', DEFAULT_POLICY)).toEqual([]);
    const due = dueEvents(state, '2026-03-21T00:00:00.000Z', DEFAULT_POLICY);
    expect(due).toEqual([{ type: 'clock.breached', clock: 'respondent-evidence', lastDay: '2026-03-20' }]);
    const breached = {
      ...applyEvent(state, due[0]!, { at: '2026-03-21T00:00:00.000Z', policy: DEFAULT_POLICY }),
      version: state.version + 1,
    };
    expect(viewOf(breached, 'respondent-evidence')).toMatchObject({ state: 'breached' });

    const served = step(breached, { type: 'appeal.evidence-served' }, 'caseworker', '2026-03-25');
    const view = viewOf(served, 'respondent-evidence');
    expect(view).toMatchObject({
      state: 'breached',
      late: true,
      stoppedOn: '2026-03-25',
      decidedInTime: false,
      lastDay: '2026-03-20',
      breachedAt: '2026-03-21T00:00:00.000Z',
    });
    // Nothing more is owed for it (the 24 weeks warn first in June).
    expect(dueEvents(served, '2026-04-01T00:00:00.000Z', DEFAULT_POLICY)).toEqual([]);
    expect(served.clocks.find((c) => c.name === 'respondent-evidence')!.state).toBe('stopped');
  });

  it('served after its last day before the breach was recorded is late too; served on its last day is met', () => {
    const late = step(requested(), { type: 'appeal.evidence-served' }, 'caseworker', '2026-03-21');
    expect(viewOf(late, 'respondent-evidence')).toMatchObject({
      state: 'breached',
      late: true,
      stoppedOn: '2026-03-21',
    });
    const onTime = step(requested(), { type: 'appeal.evidence-served' }, 'caseworker', '2026-03-20');
    const met = viewOf(onTime, 'respondent-evidence');
    expect(met).toMatchObject({ state: 'met', decidedInTime: true, stoppedOn: '2026-03-20' });
    expect(met.late).toBeUndefined();
  });
});
