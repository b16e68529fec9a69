/**
 * The tribunal's process as the table models it, pure: late appeals, deadline days, hearings that
 * move, appeals that end, directions extended, held events applied by a supervisor, and whether an
 * appeal is pending. Dates are chosen here with their weekdays and bank holidays worked out by hand.
 */
import { describe, expect, it } from 'vitest';
import {
  appealPending,
  applyChange,
  checkEvent,
  clockViews,
  DEFAULT_POLICY,
  dueEvents,
  receiveInbound,
  type CaseEvent,
} from '../domain/index.js';
import { newCaseState } from './domain-fixtures.js';
import {
  caseworker,
  clock,
  freshCase,
  noon,
  on,
  position,
  run,
  supervisor,
  timerAt,
  tribunal,
} from './domain-steps.js';
import { plusDays, ukDate, ukMidnight } from './dates.js';

const fresh = () => freshCase();

const refusedOn = (date: string, extra: Partial<Extract<CaseEvent, { type: 'decision.refused' }>> = {}) =>
  run([[date, caseworker, { type: 'decision.refused', decidedOn: date, ...extra }]]);

describe('deadline days', () => {
  it('a window ending on Christmas Day 2026 ends on Tuesday 29 December', () => {
    // Friday 11 December + 14 = Friday 25th; Saturday, Sunday, Monday 28th (Boxing Day substitute) are not working days.
    expect(clock(refusedOn('2026-12-11').state, 'appeal-window')?.lastDay).toBe('2026-12-29');
  });

  it('runs from the day the notice was sent, not the day of the decision', () => {
    // Decided Monday 2 November, sent Thursday 5 November: + 14 = Thursday 19 November.
    const m = run([
      ['2026-11-06', caseworker, { type: 'decision.refused', decidedOn: '2026-11-02', sentOn: '2026-11-05' }],
    ]);
    expect(clock(m.state, 'appeal-window')).toMatchObject({ startedAt: '2026-11-05', lastDay: '2026-11-19' });
  });

  it('refuses a notice sent before the decision', () => {
    const refusal = { type: 'decision.refused', decidedOn: '2026-11-05', sentOn: '2026-11-02' } as const;
    expect(checkEvent(newCaseState(), refusal, 'caseworker', on('2026-11-06'))).toMatchObject({
      kind: 'invalid',
      errors: [{ field: 'sentOn' }],
    });
  });

  it('runs recorded before deadline days keep counting plain days', () => {
    const m = applyChange(fresh(), { type: 'decision.refused', decidedOn: '2026-12-11' }, caseworker, {
      ...on('2026-12-11'),
      tribunalRules: false,
    });
    expect(clock(m.state, 'appeal-window')?.lastDay).toBe('2026-12-25');
  });
});

describe('a late appeal', () => {
  // Refused Monday 2 November: the window's last day is Monday 16 November; it closes that night.
  const expired = () => timerAt(refusedOn('2026-11-02'), '2026-11-17');

  it('reopens rights exhausted as out of time, pending, without a 24-week clock', () => {
    const m = expired();
    expect(position(m.state)).toBe('exit:appeal-rights-exhausted');
    expect(appealPending(m.state)).toBe(false);
    const late = run([['2026-11-20', tribunal, { type: 'appeal.lodged', lodgedOn: '2026-11-19' }]], m);
    expect(position(late.state)).toBe('appeal:out-of-time');
    expect(appealPending(late.state)).toBe(true);
    expect(clock(late.state)).toBeUndefined();
    // Removal is barred while it is pending.
    expect(checkEvent(late.state, { type: 'exit.removed' }, 'caseworker', on('2026-11-20'))).toMatchObject({
      kind: 'not-allowed',
    });
  });

  it('granted: proceeds with a 24-week clock from the day of the decision on time', () => {
    const m = run(
      [
        ['2026-11-20', tribunal, { type: 'appeal.lodged', lodgedOn: '2026-11-19' }],
        ['2026-11-27', tribunal, { type: 'appeal.extension-decided', granted: true, reason: 'ill in hospital' }],
      ],
      expired(),
    );
    expect(position(m.state)).toBe('appeal:lodged');
    expect(clock(m.state)).toMatchObject({ state: 'running', startedAt: '2026-11-28' });
  });

  it('refused: rights are exhausted again, removal is possible, and the same appeal cannot reopen it', () => {
    const m = run(
      [
        ['2026-11-20', tribunal, { type: 'appeal.lodged', lodgedOn: '2026-11-19' }],
        ['2026-11-27', tribunal, { type: 'appeal.extension-decided', granted: false, reason: 'no good reason' }],
      ],
      expired(),
    );
    expect(position(m.state)).toBe('exit:appeal-rights-exhausted');
    expect(appealPending(m.state)).toBe(false);
    expect(checkEvent(m.state, { type: 'exit.removed' }, 'caseworker', on('2026-11-30'))).toBeNull();
    expect(checkEvent(m.state, { type: 'appeal.lodged' }, 'tribunal', on('2026-11-30'))).toMatchObject({
      kind: 'not-allowed',
      message: expect.stringContaining('refused to extend time'),
    });
  });

  it('lodged in time but heard of after the window closed is in time, its clock from the lodging', () => {
    const m = run([['2026-11-20', tribunal, { type: 'appeal.lodged', lodgedOn: '2026-11-16' }]], expired());
    expect(position(m.state)).toBe('appeal:lodged');
    expect(clock(m.state)?.startedAt).toBe('2026-11-17');
  });

  it('arriving by webhook is applied, not held', () => {
    const { machine, answer } = receiveInbound(
      expired(),
      { source: 'hmcts', id: 'late-1', event: { type: 'appeal.lodged', lodgedOn: '2026-11-19' } },
      on('2026-11-20'),
    );
    expect(answer.status).toBe('applied');
    expect(position(machine.state)).toBe('appeal:out-of-time');
  });
});

describe('hearings', () => {
  const lodged = () =>
    run([['2026-06-01', tribunal, { type: 'appeal.lodged', lodgedOn: '2026-06-01' }]], refusedOn('2026-05-25'));

  it('adjourn without a date, list again, adjourn to a new date, reserve, determine: the clock stops on promulgation', () => {
    const m = run(
      [
        ['2026-07-01', tribunal, { type: 'tribunal.listed', hearingDate: '2026-08-03' }],
        ['2026-08-03', tribunal, { type: 'tribunal.adjourned', reason: 'no interpreter' }],
      ],
      lodged(),
    );
    expect(position(m.state)).toBe('tribunal:adjourned');
    expect(m.state.dates.hearingDate).toBeUndefined();
    const n = run(
      [
        ['2026-08-10', tribunal, { type: 'tribunal.listed', hearingDate: '2026-09-07' }],
        ['2026-09-07', tribunal, { type: 'tribunal.adjourned', reason: 'judge ill', hearingDate: '2026-09-21' }],
      ],
      m,
    );
    expect(position(n.state)).toBe('tribunal:listed');
    expect(n.state.dates.hearingDate).toBe('2026-09-21');
    const done = run(
      [
        ['2026-09-21', tribunal, { type: 'tribunal.reserved' }],
        [
          '2026-10-12',
          tribunal,
          {
            type: 'tribunal.determined',
            outcome: 'dismissed',
            determinedOn: '2026-10-01',
            promulgatedOn: '2026-10-05',
          },
        ],
      ],
      n,
    );
    expect(done.state.dates).toMatchObject({
      heardOn: '2026-09-21',
      determinedOn: '2026-10-01',
      promulgatedOn: '2026-10-05',
    });
    expect(clock(done.state)).toMatchObject({ state: 'met', stoppedOn: '2026-10-05' });
    // Permission to appeal runs from promulgation: Monday 5 October + 14 = Monday 19 October.
    expect(clock(done.state, 'onward-appeal-window')?.lastDay).toBe('2026-10-19');
  });

  it('determines on the papers without a hearing, and only on the papers', () => {
    const m = lodged();
    const unheard = { type: 'tribunal.determined', outcome: 'allowed' } as const;
    expect(checkEvent(m.state, unheard, 'tribunal', on('2026-07-01'))).toMatchObject({ kind: 'not-allowed' });
    const papers = run([['2026-07-01', tribunal, { ...unheard, onThePapers: true }]], m);
    expect(position(papers.state)).toBe('tribunal:allowed');
    expect(papers.state.dates.onThePapers).toBe(true);
  });

  it('refuses a promulgation before the determination', () => {
    const event = {
      type: 'tribunal.determined',
      outcome: 'allowed',
      determinedOn: '2026-07-02',
      promulgatedOn: '2026-07-01',
    } as const;
    const listed = run([['2026-06-20', tribunal, { type: 'tribunal.listed', hearingDate: '2026-06-30' }]], lodged());
    expect(checkEvent(listed.state, event, 'tribunal', on('2026-07-03'))).toMatchObject({
      kind: 'invalid',
      errors: [{ field: 'promulgatedOn' }],
    });
  });
});

describe('appeals that end', () => {
  // Lodged 1 June 2026: the 24 weeks' last day is 16 November 2026.
  const lodged = () =>
    run([['2026-06-01', tribunal, { type: 'appeal.lodged', lodgedOn: '2026-06-01' }]], refusedOn('2026-05-25'));

  it.each([
    [
      'withdrawn by the appellant',
      tribunal,
      { type: 'appeal.withdrawn', reason: 'returning home' },
      'exit:appeal-withdrawn',
      'withdrawn',
    ],
    ['abandoned on a grant of leave', caseworker, { type: 'exit.leave-granted' }, 'exit:leave-granted', 'abandoned'],
    ['abandoned on departure', caseworker, { type: 'exit.departed' }, 'exit:departed', 'abandoned'],
    [
      'the decision withdrawn',
      caseworker,
      { type: 'appeal.decision-withdrawn', reason: 'on review' },
      'claim:reconsidering',
      'decision-withdrawn',
    ],
  ] as const)('%s: every clock ends, none is a breach', (_name, actor, event, to, how) => {
    const m = run(
      [
        ['2026-07-01', tribunal, { type: 'appeal.evidence-requested' }],
        ['2026-07-02', actor, event as CaseEvent],
      ],
      lodged(),
    );
    expect(position(m.state)).toBe(to);
    expect(m.state.appealEnded).toEqual({ how, on: '2026-07-02' });
    expect(appealPending(m.state)).toBe(false);
    expect(clockViews(m.state).map((c) => [c.name, c.state])).toEqual([
      ['tribunal-24-weeks', 'ended'],
      ['respondent-evidence', 'ended'],
    ]);
    expect(dueEvents(m.state, noon('2027-06-01'), DEFAULT_POLICY)).toEqual([]);
  });

  it('a clock already breached ends as ended when the appeal is withdrawn, keeping when it breached', () => {
    const breached = timerAt(lodged(), '2026-11-17');
    expect(clock(breached.state)?.state).toBe('breached');
    const m = run([['2026-11-20', tribunal, { type: 'appeal.withdrawn', reason: 'withdrawn' }]], breached);
    expect(clock(m.state)).toMatchObject({ state: 'ended', breachedAt: expect.any(String), endedOn: '2026-11-20' });
  });

  it('struck out and reinstated: back where it was, the clock resumed with the days struck out added', () => {
    const listed = run([['2026-07-01', tribunal, { type: 'tribunal.listed', hearingDate: '2026-09-01' }]], lodged());
    const before = clock(listed.state)!;
    expect(before.lastDay).toBe('2026-11-16');
    const out = run([['2026-07-10', tribunal, { type: 'appeal.struck-out', reason: 'fee unpaid' }]], listed);
    expect(position(out.state)).toBe('tribunal:struck-out');
    expect(clock(out.state)?.state).toBe('ended');
    expect(appealPending(out.state)).toBe(false);
    const back = run([['2026-07-30', tribunal, { type: 'appeal.reinstated', reason: 'fee paid' }]], out);
    expect(position(back.state)).toBe('tribunal:listed');
    expect(back.state.appealEnded).toBeUndefined();
    // 20 days struck out: the last day moves from 16 November to 6 December, the warnings alike.
    expect(clock(back.state)).toMatchObject({ state: 'running', lastDay: '2026-12-06' });
    // Each warning 20 London days later, at the same London time (the clocks went back on 25 October).
    expect(clock(back.state)!.warnings).toEqual(
      before.warnings.map((w) => ukMidnight(plusDays(ukDate(Date.parse(w)), 20))),
    );
  });
});

describe('directions', () => {
  const requested = () =>
    run(
      [
        ['2026-06-01', tribunal, { type: 'appeal.lodged', lodgedOn: '2026-06-01' }],
        ['2026-06-01', tribunal, { type: 'appeal.evidence-requested' }],
      ],
      refusedOn('2026-05-25'),
    );

  it('an extension gives the running clock its new last day, on a working day', () => {
    // Saturday 4 July moves to Monday 6 July.
    const m = run(
      [
        [
          '2026-06-10',
          tribunal,
          { type: 'appeal.direction-extended', clock: 'respondent-evidence', deadline: '2026-07-04', reason: 'volume' },
        ],
      ],
      requested(),
    );
    expect(clock(m.state, 'respondent-evidence')).toMatchObject({ state: 'running', lastDay: '2026-07-06' });
    expect(clock(m.state, 'respondent-evidence')?.extensions).toEqual([
      { on: '2026-06-10', lastDay: '2026-07-06', reason: 'volume' },
    ]);
  });

  it('evidence served after its deadline is recorded, and shows as late', () => {
    // Requested Monday 1 June: + 14 = Monday 15 June; breached when it closes.
    const breached = timerAt(requested(), '2026-06-16');
    expect(clock(breached.state, 'respondent-evidence')?.state).toBe('breached');
    const served = run([['2026-06-18', caseworker, { type: 'appeal.evidence-served' }]], breached);
    expect(clock(served.state, 'respondent-evidence')).toMatchObject({
      state: 'breached',
      late: true,
      stoppedOn: '2026-06-18',
    });
  });
});

describe('a held event', () => {
  const held = () =>
    receiveInbound(
      fresh(),
      { source: 'hmcts', id: 'e-9', event: { type: 'tribunal.listed', hearingDate: '2026-09-01' } },
      on('2026-05-01'),
    ).machine;

  it('keeps the whole event, and cannot be applied before it fits', () => {
    const m = held();
    expect(m.state.held[0]).toMatchObject({
      key: 'hmcts:e-9',
      event: { type: 'tribunal.listed', hearingDate: '2026-09-01' },
    });
    expect(
      checkEvent(m.state, { type: 'held.applied', key: 'hmcts:e-9' }, 'supervisor', on('2026-05-02')),
    ).toMatchObject({
      kind: 'not-allowed',
    });
    expect(
      checkEvent(m.state, { type: 'held.applied', key: 'hmcts:e-9' }, 'caseworker', on('2026-05-02')),
    ).toMatchObject({
      kind: 'forbidden',
    });
  });

  it('applied by a supervisor once it fits: sent on to the systems as the event itself', () => {
    const m = run(
      [
        ['2026-05-25', caseworker, { type: 'decision.refused', decidedOn: '2026-05-25' }],
        ['2026-06-01', tribunal, { type: 'appeal.lodged' }],
        ['2026-06-02', supervisor, { type: 'held.applied', key: 'hmcts:e-9' }],
      ],
      held(),
    );
    expect(position(m.state)).toBe('tribunal:listed');
    expect(m.state.dates.hearingDate).toBe('2026-09-01');
    expect(m.state.held).toEqual([]);
    expect(m.outbox.courts.at(-1)).toMatchObject({ type: 'tribunal.listed', actor: supervisor });
  });

  it('dismissed with a reason: gone from the held list, nothing else changed', () => {
    const m = run(
      [['2026-05-02', supervisor, { type: 'held.dismissed', key: 'hmcts:e-9', reason: 'sent in error' }]],
      held(),
    );
    expect(m.state.held).toEqual([]);
    expect(position(m.state)).toBe('claim:lodged');
    expect(m.outbox.courts).toEqual([]);
  });
});

describe('a new refusal after the decision was withdrawn', () => {
  it('starts a new round: the last appeal is history, and a late appeal can reopen the new one', () => {
    const withdrawn = run(
      [
        ['2026-06-01', tribunal, { type: 'appeal.lodged', lodgedOn: '2026-06-01' }],
        ['2026-07-01', caseworker, { type: 'appeal.decision-withdrawn', reason: 'on review' }],
        ['2026-08-03', caseworker, { type: 'decision.refused', decidedOn: '2026-08-03' }],
      ],
      refusedOn('2026-05-25'),
    );
    expect(withdrawn.state.appealEnded).toBeUndefined();
    expect(withdrawn.state.dates.appealLodgedOn).toBeUndefined();
    // Monday 3 August + 14 = Monday 17 August; expired on the 18th.
    const expired = timerAt(withdrawn, '2026-08-18');
    expect(position(expired.state)).toBe('exit:appeal-rights-exhausted');
    const late = run([['2026-08-25', tribunal, { type: 'appeal.lodged', lodgedOn: '2026-08-24' }]], expired);
    expect(position(late.state)).toBe('appeal:out-of-time');
  });
});

describe('after an appeal ends without a determination', () => {
  const lodged = () =>
    run([['2026-06-01', tribunal, { type: 'appeal.lodged', lodgedOn: '2026-06-01' }]], refusedOn('2026-05-25'));

  it('withdrawn: the refusal stands, so removal and further submissions are open', () => {
    const m = run([['2026-07-01', tribunal, { type: 'appeal.withdrawn', reason: 'returning home' }]], lodged());
    expect(checkEvent(m.state, { type: 'exit.removed' }, 'caseworker', on('2026-07-02'))).toBeNull();
    expect(
      checkEvent(m.state, { type: 'further-submissions.lodged', freshClaim: true }, 'caseworker', on('2026-07-02')),
    ).toBeNull();
  });

  it('struck out and not reinstated: no appeal is pending, so removal is open', () => {
    const m = run([['2026-07-01', tribunal, { type: 'appeal.struck-out', reason: 'fee unpaid' }]], lodged());
    expect(checkEvent(m.state, { type: 'exit.removed' }, 'caseworker', on('2026-07-20'))).toBeNull();
  });

  it('reinstated: a direction’s moved last day is a working day again, the 24 weeks are not moved', () => {
    // Evidence requested Thursday 19 March 2026: + 14 = Thursday 2 April. Struck out 20 March, reinstated
    // 21 March (1 day): Friday 3 April is Good Friday, so the direction ends Tuesday 7 April (after Easter Monday).
    const m = run([
      ['2026-03-10', caseworker, { type: 'decision.refused', decidedOn: '2026-03-10' }],
      ['2026-03-11', tribunal, { type: 'appeal.lodged', lodgedOn: '2026-03-11' }],
      ['2026-03-19', tribunal, { type: 'appeal.evidence-requested' }],
      ['2026-03-20', tribunal, { type: 'appeal.struck-out', reason: 'fee unpaid' }],
      ['2026-03-21', tribunal, { type: 'appeal.reinstated', reason: 'fee paid' }],
    ]);
    expect(clock(m.state, 'respondent-evidence')?.lastDay).toBe('2026-04-07');
    // Lodged 11 March: 24 weeks' last day 26 August, one day on: 27 August (a Thursday either way).
    expect(clock(m.state)?.lastDay).toBe('2026-08-27');
  });
});

describe('after an allowed appeal', () => {
  // Promulgated Monday 5 October 2026: permission may be sought until Monday 19 October.
  const allowed = () =>
    run(
      [
        ['2026-06-01', tribunal, { type: 'appeal.lodged', lodgedOn: '2026-06-01' }],
        ['2026-07-01', tribunal, { type: 'tribunal.listed', hearingDate: '2026-09-21' }],
        ['2026-10-05', tribunal, { type: 'tribunal.determined', outcome: 'allowed', promulgatedOn: '2026-10-05' }],
      ],
      refusedOn('2026-05-25'),
    );

  it('the appeal is pending while permission may be sought, and final once the window closes', () => {
    const m = allowed();
    expect(appealPending(m.state)).toBe(true);
    expect(clock(m.state, 'onward-appeal-window')?.lastDay).toBe('2026-10-19');
    const closed = timerAt(m, '2026-10-20');
    expect(position(closed.state)).toBe('tribunal:allowed');
    expect(appealPending(closed.state)).toBe(false);
    expect(clock(closed.state, 'onward-appeal-window')).toBeUndefined();
    expect(closed.outbox.homeOffice.at(-1)).toMatchObject({ type: 'onward-appeal-window.expired' });
  });

  it('leave granted then is the appeal’s outcome, not an abandonment', () => {
    const m = run([['2026-10-07', caseworker, { type: 'exit.leave-granted' }]], allowed());
    expect(position(m.state)).toBe('exit:leave-granted');
    expect(m.state.appealEnded).toBeUndefined();
    expect(clock(m.state)?.state).toBe('met');
  });
});

describe('a held event its sender does not report', () => {
  it('cannot be applied by a supervisor, even once it would fit', () => {
    const held = receiveInbound(
      fresh(),
      { source: 'hmcts', id: 'x-1', event: { type: 'decision.refused' } },
      on('2026-05-01'),
    ).machine;
    expect(held.state.held[0]?.reason).toBe('hmcts does not report decision.refused');
    expect(
      checkEvent(held.state, { type: 'held.applied', key: 'hmcts:x-1' }, 'supervisor', on('2026-05-02')),
    ).toMatchObject({
      kind: 'not-allowed',
      message: expect.stringContaining('hmcts does not report decision.refused'),
    });
  });
});
