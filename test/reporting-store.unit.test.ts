/**
 * The reporting store's counts against a recount of its own stays, over a synthetic caseload
 * (test/reporting-population.ts: two years of back-dated stays, some cases going back a stage):
 * the flow's weeks and the ageing's ages come from per-day counts kept beside the stays, and must
 * equal the same figures counted here stay by stay: after the caseload is applied, after cases are
 * erased, and in a model written before the counts existed (recounted on opening). And a batch
 * applied in one transaction writes what the same messages applied one by one write.
 */
import Database from 'better-sqlite3';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openReportingStore, type ApplyOutcome, type ReportingStore } from '../reporting/index.js';
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

/** The store's flow and ageing figures equal a recount of its stays, in the order the reports want. */
async function expectRecount(store: ReportingStore) {
  const stays = await store.stays();
  const from = plus(TODAY, -370);
  const to = plus(TODAY, -5);
  for (const which of ['entered', 'left'] as const) {
    const expected = tally(
      stays.flatMap((s) => {
        const day = which === 'entered' ? s.enteredOn : s.leftOn;
        return day && day >= from && day <= to ? [`${Math.floor(days(from, day) / 7)} ${s.stage}`] : [];
      }),
    );
    const got = await store.weeklyCounts(which, from, to);
    expect(got.map((r) => [`${r.week} ${r.stage}`, r.n]).sort(), which).toEqual(expected);
    expect(got).toEqual([...got].sort((a, b) => a.week - b.week || (a.stage < b.stage ? -1 : 1)));
  }
  const open = tally(stays.filter((s) => s.leftOn === null).map((s) => `${s.stage} ${days(s.enteredOn, TODAY)}`));
  const ages = await store.openAges(TODAY);
  expect(ages.map((r) => [`${r.stage} ${r.age}`, r.n]).sort(), 'ages').toEqual(open);
  expect(ages).toEqual([...ages].sort((a, b) => (a.stage < b.stage ? -1 : a.stage > b.stage ? 1 : a.age - b.age)));
}

describe('the reporting store', () => {
  it('holds a caseload with stays closed, open and re-entered, and counts them as a recount does', async () => {
    const store = openReportingStore(':memory:');
    await store.applyAll(messages);
    const stays = await store.stays();
    expect(stays.filter((s) => s.leftOn === null).length).toBeGreaterThan(1000);
    expect(stays.filter((s) => s.leftOn !== null).length).toBeGreaterThan(1000);
    expect(tally(stays.map((s) => `${s.caseId} ${s.stage}`)).some(([, n]) => n > 1)).toBe(true);
    await expectRecount(store);
  });

  it('counts as a recount does after cases are erased', async () => {
    const store = openReportingStore(':memory:');
    await store.applyAll(messages);
    const erased = [...new Set(messages.map((m) => m.caseId))].filter((_, i) => i % 7 === 0);
    for (const caseId of erased) await store.forget(caseId);
    expect((await store.stays()).some((s) => erased.includes(s.caseId))).toBe(false);
    await expectRecount(store);
  });

  it('recounts a model written before the counts were kept, on opening it', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'reporting-store-')), 'reporting.sqlite');
    await openReportingStore(file).applyAll(messages);
    const db = new Database(file);
    db.exec('DROP TABLE stay_days');
    db.close();
    const reopened = openReportingStore(file);
    expect((await reopened.openAges(TODAY)).length).toBeGreaterThan(0);
    await expectRecount(reopened);
  });

  it('writes the same rows from a batch as from the messages one by one', async () => {
    const one = openReportingStore(':memory:');
    const outcomes: ApplyOutcome[] = [];
    for (const m of messages) outcomes.push(await one.apply(m));
    const again = openReportingStore(':memory:');
    expect(await again.applyAll(messages)).toEqual(outcomes);
    expect(await again.stays()).toEqual(await one.stays());
    expect(await again.positions()).toEqual(await one.positions());
    expect(await again.openAges(TODAY)).toEqual(await one.openAges(TODAY));
  });

  it('finds day counts that differ from its stays, corrects them, and then finds none', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'reporting-store-')), 'reporting.sqlite');
    const store = openReportingStore(file);
    await store.applyAll(messages);
    expect(await store.recountDays()).toBe(0);
    // Rows changed behind the projection's back: a stay deleted by hand, a count bumped.
    const db = new Database(file);
    db.exec(`DELETE FROM stays WHERE rowid IN (SELECT rowid FROM stays WHERE left_on IS NULL LIMIT 3)`);
    db.exec(
      `UPDATE stay_days SET entered_n = entered_n + 5 WHERE (stage, day) IN (SELECT stage, day FROM stay_days LIMIT 1)`,
    );
    db.close();
    expect(await store.recountDays()).toBeGreaterThanOrEqual(2);
    await expectRecount(store);
    expect(await store.recountDays()).toBe(0);
  });

  it('lists the longest-waiting open cases of each work stage, oldest first', async () => {
    const store = openReportingStore(':memory:');
    await store.applyAll(messages);
    const oldest = await store.oldestOpen(3);
    const open = (await store.stays()).filter((s) => s.leftOn === null && s.stage !== 'exit');
    const stages = [...new Set(open.map((s) => s.stage))].sort();
    expect([...new Set(oldest.map((o) => o.stage))].sort()).toEqual(stages);
    for (const stage of stages) {
      const expected = open
        .filter((s) => s.stage === stage)
        .sort((a, b) => (a.enteredOn < b.enteredOn ? -1 : a.enteredOn > b.enteredOn ? 1 : a.caseId < b.caseId ? -1 : 1))
        .slice(0, 3)
        .map((s) => ({ stage, caseId: s.caseId, enteredOn: s.enteredOn }));
      expect(oldest.filter((o) => o.stage === stage)).toEqual(expected);
    }
  });
});
