/**
 * Retention (domain/retention.ts): when a case's exit is final, and when the dormancy after it
 * ends, from the case, its last activity and the policy; any new event starts the dormancy again.
 */
import { describe, expect, it } from 'vitest';
import {
  activityMark,
  DEFAULT_POLICY,
  dormantUntil,
  notFinal,
  receiveInbound,
  retentionDormancyDays,
  STATE_BOUNDS,
  type CaseEvent,
  type Policy,
} from '../domain/index.js';
import { caseworker, noon, on, position, run, timerAt } from './domain-steps.js';
import { ukEndOfDay, plusDays } from './dates.js';

const policy: Policy = { ...DEFAULT_POLICY, retentionDormancyDays: 30 };
const refusedOn = '2031-03-03';

/** Refused, and the fourteen days to appeal run out unused: appeal rights exhausted. */
const exhausted = () =>
  timerAt(run([[refusedOn, caseworker, { type: 'decision.refused', decidedOn: refusedOn }]]), '2031-03-20');

describe('a final exit', () => {
  it('is an exit with nothing that can still move it', () => {
    const refused = run([[refusedOn, caseworker, { type: 'decision.refused', decidedOn: refusedOn }]]);
    expect(notFinal(refused.state)).toBe('the case is at decision, not at an exit');
    const m = exhausted();
    expect(position(m.state)).toBe('exit:appeal-rights-exhausted');
    expect(notFinal(m.state)).toBeNull();
    const granted = run([['2031-03-03', caseworker, { type: 'decision.granted', grant: 'refugee' }]]);
    expect(notFinal(granted.state)).toBeNull();
  });

  it('is not final while further submissions await consideration, or a judicial review is pending', () => {
    const submissions = run([['2031-04-01', caseworker, { type: 'further-submissions.lodged' }]], exhausted());
    expect(position(submissions.state)).toBe('exit:further-submissions-pending');
    expect(notFinal(submissions.state)).toBe('further submissions await consideration');
    expect(dormantUntil(submissions.state, noon('2031-04-01'), policy)).toBeNull();

    const certified = run([['2031-03-03', caseworker, { type: 'decision.certified' }]]);
    expect(notFinal(certified.state)).toBeNull();
    const review = run(
      [['2031-03-10', caseworker, { type: 'judicial-review.lodged', against: 'certification' }]],
      certified,
    );
    expect(notFinal(review.state)).toBe('a judicial review of the certification decision is pending');
    expect(dormantUntil(review.state, noon('2031-03-10'), policy)).toBeNull();
  });
});

describe('the dormancy', () => {
  it('runs the policy’s days from the exit’s day when nothing has happened since (an imported case)', () => {
    const m = exhausted();
    const exitedOn = m.state.dates.exitedOn!;
    expect(dormantUntil(m.state, undefined, policy)).toBe(ukEndOfDay(plusDays(exitedOn, 30)));
  });

  it('runs from the last activity when that is later: any new event starts it again', () => {
    const m = exhausted();
    const exitedAt = noon(m.state.dates.exitedOn!);
    expect(dormantUntil(m.state, exitedAt, policy)).toBe(ukEndOfDay(plusDays(m.state.dates.exitedOn!, 30)));
    // Forty days on, a caseworker corrects the assignee: thirty more days from then.
    const later = run([['2031-05-01', caseworker, { type: 'case.assigned', assignee: 'ann' } as CaseEvent]], m);
    expect(activityMark(later.state)).not.toBe(activityMark(m.state));
    expect(dormantUntil(later.state, noon('2031-05-01'), policy)).toBe(
      new Date(Date.parse(noon('2031-05-31'))).toISOString(),
    );
  });

  it('counts an event a system sent as activity, even one held as not fitting', () => {
    const m = exhausted();
    const held = receiveInbound(
      m,
      { source: 'hmcts', id: 'evt-1', event: { type: 'tribunal.listed', hearingDate: '2031-06-01' } },
      on('2031-04-02'),
    );
    expect(held.answer.status).toBe('held');
    expect(held.machine.state.version).toBe(m.state.version);
    expect(activityMark(held.machine.state)).not.toBe(activityMark(m.state));
  });

  it('counts an event a system sent as activity also once the remembered keys are at their bound', () => {
    const m = exhausted();
    const full = {
      ...m,
      state: { ...m.state, inbound: Array.from({ length: STATE_BOUNDS.inboundKeys }, (_, i) => `hmcts:old-${i}`) },
    };
    const held = receiveInbound(
      full,
      { source: 'hmcts', id: 'evt-2', event: { type: 'tribunal.listed', hearingDate: '2031-06-01' } },
      { ...on('2031-04-02'), bounded: true },
    );
    expect(held.machine.state.inbound).toHaveLength(STATE_BOUNDS.inboundKeys);
    expect(activityMark(held.machine.state)).not.toBe(activityMark(full.state));
  });

  it('defaults to fifteen years, also for a policy recorded before it had one', () => {
    const { retentionDormancyDays: _none, ...older } = DEFAULT_POLICY;
    expect(retentionDormancyDays(older)).toBe(15 * 365 + 4);
    expect(retentionDormancyDays(DEFAULT_POLICY)).toBe(15 * 365 + 4);
    const m = exhausted();
    expect(dormantUntil(m.state, undefined, older)).toBe(ukEndOfDay(plusDays(m.state.dates.exitedOn!, 15 * 365 + 4)));
  });
});
