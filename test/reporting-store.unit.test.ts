/**
 * The reporting store's grouped reads against a recount of its own stays, over a synthetic
 * caseload (test/reporting-population.ts: two years of back-dated stays, some cases going back a stage):
 * the flow's weeks and the ageing's ages are worked out in code from rows grouped by day, and must
 * equal the same figures counted here stay by stay. And a batch applied in one transaction writes
 * what the same messages applied one by one write.
 */
import { describe, expect, it } from 'vitest';
import { openReportingStore } from '../reporting/index.js';
import { population } from './reporting-population.js';

const TODAY = '2026-11-18';
const DAY = 86_400_000;
const days = (from: string, to: string) => Math.round((Date.parse(to) - Date.parse(from)) / DAY);
const plus = (d: string, n: number) => new Date(Date.parse(d) + n * DAY).toISOString().slice(0, 10);
const messages = [...population(1500, TODAY, { seed: 7, batch: 4000 })].flatMap((b) => b.messages);

/** Rows keyed and counted, in a canonical order, for comparison. */
function tally(keys: string[]): Array<[string, number]> {
  const t = new Map<string, number>();
  for (const k of keys) t.set(k, (t.get(k) ?? 0) + 1);
  return [...t].sort();
}

describe('the reporting store', () => {
  const store = openReportingStore(':memory:');
  store.applyAll(messages);
  const stays = store.stays();

  it('holds a caseload with stays closed, open and re-entered', () => {
    expect(stays.filter((s) => s.leftOn === null).length).toBeGreaterThan(1000);
    expect(stays.filter((s) => s.leftOn !== null).length).toBeGreaterThan(1000);
    const entries = tally(stays.map((s) => `${s.caseId} ${s.stage}`));
    expect(entries.some(([, n]) => n > 1)).toBe(true);
  });

  it.each(['entered', 'left'] as const)('counts stays %s by week and stage as a recount does', (which) => {
    const from = plus(TODAY, -370);
    const to = plus(TODAY, -5);
    const expected = tally(
      stays.flatMap((s) => {
        const day = which === 'entered' ? s.enteredOn : s.leftOn;
        return day && day >= from && day <= to ? [`${Math.floor(days(from, day) / 7)} ${s.stage}`] : [];
      }),
    );
    const got = store.weeklyCounts(which, from, to);
    expect(got.map((r) => [`${r.week} ${r.stage}`, r.n]).sort()).toEqual(expected);
    // Weeks in order, stages in order within a week.
    expect(got).toEqual([...got].sort((a, b) => a.week - b.week || (a.stage < b.stage ? -1 : 1)));
  });

  it('counts open stays by stage and age, youngest first, as a recount does', () => {
    const expected = tally(stays.filter((s) => s.leftOn === null).map((s) => `${s.stage} ${days(s.enteredOn, TODAY)}`));
    const got = store.openAges(TODAY);
    expect(got.map((r) => [`${r.stage} ${r.age}`, r.n]).sort()).toEqual(expected);
    expect(got).toEqual([...got].sort((a, b) => (a.stage < b.stage ? -1 : a.stage > b.stage ? 1 : a.age - b.age)));
  });

  it('writes the same rows from a batch as from the messages one by one', () => {
    const one = openReportingStore(':memory:');
    const outcomes = messages.map((m) => one.apply(m));
    const again = openReportingStore(':memory:');
    expect(again.applyAll(messages)).toEqual(outcomes);
    expect(again.stays()).toEqual(one.stays());
    expect(again.positions()).toEqual(one.positions());
  });
});
