/**
 * Who is in the 24-week duty, pure: dated facts judged on the day the appeal started, recorded late
 * or early; the tribunal's flag over the facts; appeals from outside the UK outside the duty.
 */
import { describe, expect, it } from 'vitest';
import {
  applyChange,
  checkEvent,
  clockViews,
  cohortOn,
  DEFAULT_POLICY,
  emptyOutbox,
  openCase,
  type CaseEvent,
  type CaseMachine,
  type CaseState,
} from '../domain/index.js';

const caseworker = { id: 'carol', role: 'caseworker' } as const;
const tribunal = { id: 'tom', role: 'tribunal' } as const;
const on = (date: string) => ({ at: `${date}T12:00:00.000Z`, policy: DEFAULT_POLICY });

/** A case opened with no cohort at all: not in supported accommodation, not an offender, not detained. */
const outsider = (): CaseMachine => ({
  state: openCase({
    caseId: 'AC-000000000001',
    homeOfficeRef: 'H0000002',
    person: { name: 'Q', dateOfBirth: '1991-01-01', nationality: 'SDN' },
    claimDate: '2026-02-01',
    cohort: { supportedAccommodation: false, foreignNationalOffender: false, detained: false },
    openedAt: '2026-02-01T00:00:00.000Z',
  }),
  outbox: emptyOutbox(),
});

function run(m: CaseMachine, steps: Array<[string, typeof caseworker | typeof tribunal, CaseEvent]>): CaseMachine {
  return steps.reduce((x, [date, actor, event]) => {
    expect(checkEvent(x.state, event, actor.role, on(date)), `${event.type} on ${date}`).toBeNull();
    return applyChange(x, event, actor, on(date));
  }, m);
}
const clock24 = (s: CaseState) => clockViews(s).find((c) => c.name === 'tribunal-24-weeks');
const appealed = (m = outsider(), lodgedOn = '2026-06-01') =>
  run(m, [
    ['2026-05-25', caseworker, { type: 'decision.refused', decidedOn: '2026-05-25' }],
    ['2026-06-01', { id: 'tom', role: 'tribunal' }, { type: 'appeal.lodged', lodgedOn }],
  ]);
const moved = (effectiveOn: string, reason = 'moved into supported accommodation'): CaseEvent => ({
  type: 'cohort.changed',
  supportedAccommodation: true,
  effectiveOn,
  reason,
});

describe('the 24-week duty judged on the day the appeal started', () => {
  it('a move into supported accommodation before lodging, recorded after, starts the clock from the lodging', () => {
    const m = appealed();
    expect(clock24(m.state)).toBeUndefined();
    const after = run(m, [['2026-06-10', caseworker, moved('2026-05-20')]]);
    // Lodged 1 June: runs from 2 June, its last day 16 November (24 weeks, the first day counted).
    expect(clock24(after.state)).toMatchObject({ state: 'running', startedAt: '2026-06-02', lastDay: '2026-11-16' });
  });

  it('a move after lodging changes the circumstances now, not the duty', () => {
    const m = run(appealed(), [['2026-06-10', caseworker, moved('2026-06-05')]]);
    expect(clock24(m.state)).toBeUndefined();
    expect(m.state.cohort.supportedAccommodation).toBe(true);
    expect(cohortOn(m.state, '2026-06-01').supportedAccommodation).toBe(false);
  });

  it('a fact recorded before the appeal is counted when it is lodged', () => {
    const m = appealed(run(outsider(), [['2026-03-01', caseworker, moved('2026-03-01')]]));
    expect(clock24(m.state)?.state).toBe('running');
  });

  it('detention recorded back to before lodging removes a clock that never applied', () => {
    const m = appealed(run(outsider(), [['2026-03-01', caseworker, moved('2026-03-01')]]));
    const detained = run(m, [
      [
        '2026-06-15',
        caseworker,
        { type: 'cohort.changed', detained: true, effectiveOn: '2026-05-30', reason: 'detained' },
      ],
    ]);
    expect(clock24(detained.state)).toBeUndefined();
  });

  it('an appeal from outside the UK is outside the duty', () => {
    const m = run(run(outsider(), [['2026-03-01', caseworker, moved('2026-03-01')]]), [
      ['2026-05-25', caseworker, { type: 'decision.refused', decidedOn: '2026-05-25', outOfCountry: true }],
      ['2026-06-01', tribunal, { type: 'appeal.lodged', lodgedOn: '2026-06-01' }],
    ]);
    expect(clock24(m.state)).toBeUndefined();
  });

  it('needs at least one circumstance', () => {
    const event = { type: 'cohort.changed', effectiveOn: '2026-03-01', reason: 'nothing' } as const;
    expect(checkEvent(outsider().state, event, 'caseworker', on('2026-03-02'))).toMatchObject({ kind: 'invalid' });
  });
});

describe("the tribunal's flag", () => {
  it('adds the clock with its reason, and removes it', () => {
    const flagged = run(appealed(), [
      ['2026-06-05', tribunal, { type: 'tribunal.24-week-flag-set', inCohort: true, reason: 'in section 95 housing' }],
    ]);
    expect(flagged.state.tribunalFlag).toEqual({ inCohort: true, reason: 'in section 95 housing', on: '2026-06-05' });
    expect(clock24(flagged.state)?.startedAt).toBe('2026-06-02');
    const unflagged = run(flagged, [
      ['2026-06-09', tribunal, { type: 'tribunal.24-week-flag-set', inCohort: false, reason: 'left support' }],
    ]);
    expect(clock24(unflagged.state)).toBeUndefined();
    // The flag wins over a fact recorded later.
    const fact = run(unflagged, [['2026-06-10', caseworker, moved('2026-05-01')]]);
    expect(clock24(fact.state)).toBeUndefined();
  });
});
