/**
 * The reporting model's day rule and stay steps (#20): the day a stage is entered is the day the
 * event says when it says one, else the London day it was recorded; messages apply once, in order.
 */
import { describe, expect, it } from 'vitest';
import { bucketed, happenedOn, nearestRank, reportingStep, type ReportingPosition } from '../domain/index.js';

const cohort = { supportedAccommodation: false, foreignNationalOffender: false, detained: false };
const message = (seq: number, stage: string, event: object, at = '2026-06-10T12:00:00.000Z', c = cohort) =>
  ({ seq, event, at, after: { stage, cohort: c } }) as unknown as Parameters<typeof reportingStep>[1];

describe('the day a change happened', () => {
  it('is the day the event says', () => {
    expect(happenedOn({ type: 'appeal.lodged', lodgedOn: '2026-03-02' }, '2026-06-10T12:00:00Z')).toBe('2026-03-02');
    expect(
      happenedOn({ type: 'decision.refused', decidedOn: '2026-01-05', sentOn: '2026-01-09' }, '2026-06-10T12:00:00Z'),
    ).toBe('2026-01-05');
  });
  it('prefers the promulgation to the determination', () => {
    expect(
      happenedOn(
        { type: 'tribunal.determined', determinedOn: '2026-04-01', promulgatedOn: '2026-04-08' },
        '2026-06-10T12:00:00Z',
      ),
    ).toBe('2026-04-08');
  });
  it('is the London day recorded when the event says none, or only plans (a hearing date)', () => {
    expect(happenedOn({ type: 'claim.lodged' }, '2026-06-10T23:30:00Z')).toBe('2026-06-11'); // BST
    expect(happenedOn({ type: 'tribunal.listed', hearingDate: '2026-05-01' }, '2026-01-10T23:30:00Z')).toBe(
      '2026-01-10',
    );
  });
  it('never takes a day after the recording, nor a malformed one', () => {
    expect(happenedOn({ lodgedOn: '2026-07-01' }, '2026-06-10T12:00:00Z')).toBe('2026-06-10');
    expect(happenedOn({ lodgedOn: '1 March 2026' }, '2026-06-10T12:00:00Z')).toBe('2026-06-10');
  });
});

describe('a message applied to where the case stands', () => {
  const at = (seq: number, stage: string, enteredOn: string): ReportingPosition =>
    ({ seq, stage, enteredOn }) as ReportingPosition;

  it('opens the first stay of a case heard of for the first time, at any seq', () => {
    expect(reportingStep(null, message(4, 'claim', { type: 'x' }))).toEqual({
      kind: 'apply',
      change: {
        position: { seq: 4, stage: 'claim', enteredOn: '2026-06-10' },
        closes: null,
        opens: { stage: 'claim', enteredOn: '2026-06-10', cohort: false },
      },
    });
  });
  it('closes the stay left and opens the one entered on the same day', () => {
    const step = reportingStep(at(1, 'claim', '2026-01-01'), message(2, 'decision', { decidedOn: '2026-02-03' }));
    expect(step).toEqual({
      kind: 'apply',
      change: {
        position: { seq: 2, stage: 'decision', enteredOn: '2026-02-03' },
        closes: { stage: 'claim', leftOn: '2026-02-03' },
        opens: { stage: 'decision', enteredOn: '2026-02-03', cohort: false },
      },
    });
  });
  it('only moves the seq on within a stage', () => {
    expect(reportingStep(at(2, 'decision', '2026-02-03'), message(3, 'decision', {}))).toEqual({
      kind: 'apply',
      change: { position: { seq: 3, stage: 'decision', enteredOn: '2026-02-03' }, closes: null, opens: null },
    });
  });
  it('keeps a back-dated move on the day the stay began, so no stay ends before it starts', () => {
    const step = reportingStep(at(2, 'decision', '2026-05-01'), message(3, 'appeal', { lodgedOn: '2026-04-01' }));
    expect(step.kind === 'apply' && step.change.closes).toEqual({ stage: 'decision', leftOn: '2026-05-01' });
  });
  it('flags a stay whose appellant is in the duty group', () => {
    const step = reportingStep(
      at(1, 'decision', '2026-01-01'),
      message(2, 'appeal', {}, undefined, { ...cohort, supportedAccommodation: true }),
    );
    expect(step.kind === 'apply' && step.change.opens?.cohort).toBe(true);
    const detained = reportingStep(
      at(1, 'decision', '2026-01-01'),
      message(2, 'appeal', {}, undefined, { ...cohort, foreignNationalOffender: true, detained: true }),
    );
    expect(detained.kind === 'apply' && detained.change.opens?.cohort).toBe(false);
  });
  it('acknowledges a duplicate and refuses a gap', () => {
    expect(reportingStep(at(5, 'appeal', '2026-01-01'), message(5, 'appeal', {}))).toEqual({ kind: 'duplicate' });
    expect(reportingStep(at(5, 'appeal', '2026-01-01'), message(3, 'claim', {}))).toEqual({ kind: 'duplicate' });
    expect(reportingStep(at(5, 'appeal', '2026-01-01'), message(7, 'appeal', {}))).toEqual({
      kind: 'gap',
      expected: 6,
    });
  });
});

describe('percentiles by nearest rank', () => {
  /** The same definition worked out on the list of ages itself. */
  const byList = (ages: number[], p: number) => [...ages].sort((a, b) => a - b)[Math.ceil((p / 100) * ages.length) - 1];
  const histogram = (ages: number[]) =>
    [...new Set(ages)].sort((a, b) => a - b).map((age) => ({ age, n: ages.filter((a) => a === age).length }));

  it('is an age a case has, the smallest with p% at or below it', () => {
    const ages = [3, 3, 10, 40, 40, 40, 200, 365, 366, 1000];
    for (const p of [1, 10, 50, 89, 90, 99, 100]) expect(nearestRank(histogram(ages), p)).toBe(byList(ages, p));
    expect(nearestRank(histogram([7]), 50)).toBe(7);
    expect(nearestRank([], 50)).toBeNull();
  });
  it('buckets every age once', () => {
    const ages = [0, 6, 7, 27, 28, 83, 84, 167, 168, 364, 365, 5000];
    const buckets = bucketed(histogram(ages));
    expect(buckets.map((b) => b.count)).toEqual([2, 2, 2, 2, 2, 2]);
    expect(buckets.at(-1)).toEqual({ fromDays: 365, toDays: null, count: 2 });
  });
});
