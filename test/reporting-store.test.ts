/**
 * The reporting store's contract (#20), run against both backends: the SQLite file of the two
 * commands and the PostgreSQL database of the cluster topology, each fresh for every test (a temp
 * file; a database created here and dropped after). The same messages give the same model and the
 * same figures on both, and those figures equal what this file computes on its own from the stays
 * it booked. PostgreSQL is the one TEMPORAL_POSTGRES_URL names (the cluster's): unreachable, its
 * half fails saying so, it does not skip.
 */
import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  APPEAL_ENDINGS,
  DUTY_OUTCOMES,
  STAGES as STAGE_ORDER,
  SYNC_STATUS,
  type CaseFigures,
  type SentFigures,
} from '../domain/index.js';
import {
  openReporting,
  SUMMARY_FIGURES,
  type FigureCases,
  type ReportingMessage,
  type ReportingStore,
  type StayRow,
} from '../reporting/index.js';
import { throwAwayReportingDatabase } from './reporting-db.js';

interface Backend {
  open(options?: { lockWaitMs?: number }): Promise<ReportingStore>;
  drop(): Promise<void>;
  /** SQL run on the model behind the store's back (a hand edit): the same statement on both dialects. */
  edit(sql: string): Promise<void>;
}

function sqlite(): Promise<Backend> {
  const dir = mkdtempSync(join(tmpdir(), 'reporting-store-'));
  const dbFile = join(dir, 'reporting.sqlite');
  return Promise.resolve({
    open: (options) => openReporting({ dbFile }, options),
    drop: async () => rmSync(dir, { recursive: true, force: true }),
    edit: async (sql) => {
      const db = new Database(dbFile);
      try {
        db.exec(sql);
      } finally {
        db.close();
      }
    },
  });
}

async function postgres(): Promise<Backend> {
  const { url, drop } = await throwAwayReportingDatabase('store');
  return {
    open: (options) => openReporting({ dbFile: 'unused', postgresUrl: url }, options),
    drop,
    edit: async (sql) => {
      const client = new pg.Client({ connectionString: url });
      await client.connect();
      try {
        await client.query(sql);
      } finally {
        await client.end();
      }
    },
  };
}

const BACKENDS = [
  ['SQLite', sqlite],
  ['PostgreSQL', postgres],
] as const;

/** Dates worked out here, without the code under test. */
const DAY = 86_400_000;
const ms = (d: string) => Date.parse(`${d}T00:00:00Z`);
const plus = (d: string, n: number) => new Date(ms(d) + n * DAY).toISOString().slice(0, 10);
const days = (from: string, to: string) => Math.round((ms(to) - ms(from)) / DAY);

type Stage = ReportingMessage['after']['stage'];
const noCohort = { supportedAccommodation: false, foreignNationalOffender: false, detained: false };

/** A change that moved `caseId` to `stage` on `day` (recorded at noon that day), its cohort as given. */
function message(
  caseId: string,
  seq: number,
  stage: Stage,
  day: string,
  cohort: ReportingMessage['after']['cohort'] = noCohort,
  reporting?: ReportingMessage['reporting'],
  figures?: SentFigures,
): ReportingMessage {
  return {
    caseId,
    seq,
    at: `${day}T12:00:00.000Z`,
    event: (seq === 0
      ? { type: 'case.opened', openedOn: day }
      : { type: 'decision.refused', decidedOn: day }) as ReportingMessage['event'],
    after: { stage, status: 'lodged', identifiers: { caseId, homeOfficeRef: '' }, dates: { claimDate: day }, cohort },
    ...(reporting ? { reporting } : {}),
    ...(figures ? { figures } : {}),
  } as ReportingMessage;
}

/** A rejection turned the case's sync-failure flag after its change `seq`: the model's own message, at that seq. */
const syncStatus = (
  caseId: string,
  seq: number,
  stage: Stage,
  day: string,
  figures: CaseFigures,
): ReportingMessage => ({
  ...message(caseId, seq, stage, day, noCohort, undefined, figures),
  event: { type: SYNC_STATUS, syncFailed: figures.syncFailed },
});

/** A stay as the test books it: as the store's rows are. */
type Booked = StayRow;

/**
 * A population of cases walked through stages on non-decreasing days (a pseudo-random walk, the
 * same every run), with the stays it makes booked here as it goes.
 */
function population(n: number, start: string) {
  const generator = (seed: number) => (k: number) => {
    seed = (seed * 1103515245 + 12345) % 2 ** 31;
    // The high bits: an LCG's low bits repeat with a short period.
    return Math.floor((seed / 2 ** 31) * k);
  };
  const random = generator(20);
  // The sync-failure flags from a generator of their own: the walks above stay as they were.
  const flip = generator(7);
  const path: Stage[] = ['claim', 'decision', 'appeal', 'tribunal', 'exit'];
  const messages: ReportingMessage[] = [];
  const stays: Booked[] = [];
  for (let i = 0; i < n; i++) {
    // Upper and lower case: code-point order (SQLite's) differs from a locale's, which PostgreSQL must not use.
    const caseId = `case-${String.fromCharCode((random(2) === 0 ? 65 : 97) + random(26))}${i}`;
    const cohort = {
      supportedAccommodation: random(2) === 0,
      foreignNationalOffender: false,
      detained: random(4) === 0,
    };
    const inCohort = cohort.supportedAccommodation && !cohort.detained;
    let day = plus(start, random(60));
    let at = 0;
    const changes = random(7);
    // What the model hears beyond stays: an assignee (upper and lower case, or none), and from the
    // appeal on an appeal in the 24-week duty, in any of its states.
    const assignee = [null, 'alice', 'Bob', 'carol'][random(4)]!;
    const states = ['open', 'decided', 'exception', 'ended'] as const;
    let duty = null as NonNullable<ReportingMessage['reporting']>['duty'];
    for (let seq = 0; seq <= changes; seq++) {
      // Half the changes keep the case in its stage (a screening, a listing): a new position, no new stay.
      if (seq > 0 && random(2) === 0 && at < path.length - 1) at += 1;
      const stage = path[at]!;
      if (stage !== 'claim' && stage !== 'decision' && inCohort) {
        const state = states[random(4)]!;
        duty = {
          startedOn: duty?.startedOn ?? day,
          // Short, so some are decided late; now and then the day of the change, so some on the day.
          lastDay: random(4) === 0 ? day : plus(duty?.startedOn ?? day, 40),
          state,
          decidedOn: state === 'decided' || state === 'exception' ? day : null,
        };
      }
      // Figures on most changes; a change without them (queued before they were sent) leaves none.
      const drawn = random(5) === 0 ? undefined : { ...randomFigures(random, day), syncFailed: flip(4) === 0 };
      // Now and then queued before messages carried the flag: the model keeps the one it had.
      const { syncFailed: _unsent, ...older } = drawn ?? {};
      const figures: SentFigures | undefined = drawn && flip(8) === 0 ? (older as SentFigures) : drawn;
      messages.push(message(caseId, seq, stage, day, cohort, seq % 3 === 2 ? undefined : { assignee, duty }, figures));
      // Now and then a rejection turns the flag between changes.
      if (drawn && flip(5) === 0)
        messages.push(syncStatus(caseId, seq, stage, day, { ...drawn, syncFailed: !drawn.syncFailed }));
      const open = stays.filter((s) => s.caseId === caseId).at(-1);
      if (open?.stage !== stage) {
        if (open) open.leftOn = day;
        stays.push({ caseId, seq, stage, enteredOn: day, leftOn: null, cohort: inCohort });
      }
      day = plus(day, random(30));
    }
  }
  return { messages, stays };
}

/** A case's figures, each summary condition met by some cases and not others. */
function randomFigures(random: (k: number) => number, day: string): CaseFigures {
  const statuses = ['lodged', 'further-submissions-pending', 'onward-appeal-pending', 'permission-refused', 'refused'];
  const clocks = ['running', 'breached', 'exception', 'exception-decided', 'in-time', 'late', 'ended'] as const;
  const clock = random(3) === 0 ? null : clocks[random(clocks.length)]!;
  return {
    status: statuses[random(statuses.length)] as CaseFigures['status'],
    appeals: random(4),
    absconded: random(5) === 0,
    appealPending: random(3) === 0,
    appealEnded: random(3) === 0 ? APPEAL_ENDINGS[random(APPEAL_ENDINGS.length)]! : null,
    clock: clock && { status: clock, deadline: `${plus(day, random(200))}T23:00:00.000Z`, escalation: random(4) },
    syncFailed: false,
  };
}

const byCodePoint = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** Counts per (week from `from`, stage) of the booked days within [from, to], ordered as the store orders them. */
function weeklyExpected(stays: Booked[], which: 'enteredOn' | 'leftOn', from: string, to: string) {
  const counts = new Map<string, { week: number; stage: Stage; n: number }>();
  for (const s of stays) {
    const d = s[which];
    if (d === null || d < from || d > to) continue;
    const week = Math.floor(days(from, d) / 7);
    const row = counts.get(`${week}/${s.stage}`) ?? { week, stage: s.stage, n: 0 };
    row.n += 1;
    counts.set(`${week}/${s.stage}`, row);
  }
  return [...counts.values()].sort((a, b) => a.week - b.week || byCodePoint(a.stage, b.stage));
}

/**
 * The stays open at the end of each day, counted straight from the booked stays (entered on or
 * before it, not left by then), ordered as the store orders them: by day, then stage.
 */
function openExpected(stays: Booked[], ends: string[]) {
  return ends.flatMap((day) => {
    const open = stays.filter((s) => s.enteredOn <= day && (s.leftOn === null || s.leftOn > day));
    return STAGE_ORDER.flatMap((stage) => {
      const n = open.filter((s) => s.stage === stage).length;
      return n ? [{ day, stage, n }] : [];
    });
  });
}

function agesExpected(stays: Booked[], today: string) {
  const counts = new Map<string, { stage: Stage; age: number; n: number }>();
  for (const s of stays.filter((x) => x.leftOn === null)) {
    const age = days(s.enteredOn, today);
    const row = counts.get(`${s.stage}/${age}`) ?? { stage: s.stage, age, n: 0 };
    row.n += 1;
    counts.set(`${s.stage}/${age}`, row);
  }
  return [...counts.values()].sort((a, b) => byCodePoint(a.stage, b.stage) || a.age - b.age);
}

const sortedStays = (stays: Booked[]) => [...stays].sort((a, b) => byCodePoint(a.caseId, b.caseId) || a.seq - b.seq);

async function applyAll(store: ReportingStore, messages: ReportingMessage[]) {
  for (const m of messages) expect(await store.apply(m), `${m.caseId} seq ${m.seq}`).toEqual({ kind: 'applied' });
}

/** Every case behind a figure, asked for `limit` at a time. */
async function allPages(store: ReportingStore, figure: FigureCases, limit: number) {
  const ids: string[] = [];
  for (;;) {
    const after = ids.at(-1);
    const page = await store.casesBehind(figure, { ...(after ? { after } : {}), limit });
    ids.push(...page);
    if (page.length < limit) return ids;
  }
}

/** Each case's latest message: where the model should have it. */
const latest = (messages: ReportingMessage[]) => new Map(messages.map((m) => [m.caseId, m]));

/**
 * Each case's sync-failure flag as the model should keep it: as its latest message with figures
 * has it, or as it was when that message did not carry one (none kept past a message without figures).
 */
function syncFlags(messages: ReportingMessage[]) {
  const flags = new Map<string, boolean>();
  for (const m of messages)
    flags.set(m.caseId, m.figures ? (m.figures.syncFailed ?? flags.get(m.caseId) ?? false) : false);
  return flags;
}

const tallied = (keys: string[]) => {
  const t = new Map<string, number>();
  for (const k of keys) t.set(k, (t.get(k) ?? 0) + 1);
  return t;
};

/** One case's stays deleted and one day's count bumped, behind the store's back. */
const damage = (gone: string, bumped: Booked) =>
  `DELETE FROM stays WHERE case_id = '${gone}';
   UPDATE stay_days SET entered_n = entered_n + 5 WHERE stage = '${bumped.stage}' AND day = '${bumped.enteredOn}'`;

describe.each(BACKENDS)('the reporting store on %s', (_name, make) => {
  let backend: Backend | undefined;
  const opened: ReportingStore[] = [];
  const open = async (options?: { lockWaitMs?: number }) => {
    const store = await backend!.open(options);
    opened.push(store);
    return store;
  };
  beforeEach(async () => {
    backend = await make();
  });
  afterEach(async () => {
    for (const store of opened.splice(0)) await store.close();
    await backend?.drop();
    backend = undefined;
  });

  it('applies a message once: a repeat is a duplicate, a gap is refused and changes nothing', async () => {
    const store = await open();
    expect(await store.apply(message('c1', 0, 'claim', '2026-03-02'))).toEqual({ kind: 'applied' });
    expect(await store.apply(message('c1', 0, 'claim', '2026-03-02'))).toEqual({ kind: 'duplicate' });
    expect(await store.apply(message('c1', 2, 'appeal', '2026-03-20'))).toEqual({ kind: 'gap', expected: 1 });
    expect(await store.positions()).toEqual([{ caseId: 'c1', seq: 0, stage: 'claim', enteredOn: '2026-03-02' }]);
    expect(await store.apply(message('c1', 1, 'decision', '2026-03-10'))).toEqual({ kind: 'applied' });
    expect(await store.apply(message('c1', 1, 'decision', '2026-03-10'))).toEqual({ kind: 'duplicate' });
    expect(await store.stays()).toEqual([
      { caseId: 'c1', seq: 0, stage: 'claim', enteredOn: '2026-03-02', leftOn: '2026-03-10', cohort: false },
      { caseId: 'c1', seq: 1, stage: 'decision', enteredOn: '2026-03-10', leftOn: null, cohort: false },
    ]);
  });

  it('applies each message once when two connections deliver it at the same moment', async () => {
    const [a, b] = [await open(), await open()];
    const ids = Array.from({ length: 20 }, (_, i) => `race-${i}`);
    // Twice: a case's first message (no position row yet to lock), then its next (the row held).
    for (const [seq, stage] of [
      [0, 'claim'],
      [1, 'decision'],
    ] as const) {
      const outcomes = await Promise.all(
        ids.flatMap((id) => [a, b].map((store) => store.apply(message(id, seq, stage, '2026-04-01')))),
      );
      for (let i = 0; i < ids.length; i++)
        expect(
          outcomes
            .slice(2 * i, 2 * i + 2)
            .map((o) => o.kind)
            .sort(),
          ids[i],
        ).toEqual(['applied', 'duplicate']);
    }
    const stays = await a.stays();
    expect(stays).toHaveLength(2 * ids.length);
    expect((await b.positions()).map((p) => [p.caseId, p.seq])).toEqual(
      [...ids].sort(byCodePoint).map((id) => [id, 1]),
    );
  });

  it('counts stays by week and open stays by age as booked', async () => {
    const store = await open();
    const { messages, stays } = population(60, '2026-01-05');
    await applyAll(store, messages);
    expect(await store.stays()).toEqual(sortedStays(stays));
    const [from, to] = ['2026-01-12', '2026-06-30'];
    expect(await store.weeklyCounts('entered', from, to)).toEqual(weeklyExpected(stays, 'enteredOn', from, to));
    expect(await store.weeklyCounts('left', from, to)).toEqual(weeklyExpected(stays, 'leftOn', from, to));
    const today = '2026-09-01';
    expect(await store.openAges(today)).toEqual(agesExpected(stays, today));
    expect(stays.some((s) => s.leftOn !== null) && stays.some((s) => s.cohort)).toBe(true);
  });

  it('counts the stays open at the end of a day as booked, and lists exactly those cases', async () => {
    const store = await open();
    const { messages, stays } = population(60, '2026-01-05');
    await applyAll(store, messages);
    // Every day a stay entered or left, the day before each and one after all: the bounds, both sides.
    const ends = [
      ...new Set([
        '2025-12-31',
        '2027-06-30',
        ...stays.flatMap((s) => [
          s.enteredOn,
          plus(s.enteredOn, -1),
          ...(s.leftOn ? [s.leftOn, plus(s.leftOn, -1)] : []),
        ]),
      ]),
    ].sort();
    const want = openExpected(stays, ends);
    expect(await store.openAtEnd(ends)).toEqual(want);
    // Asked out of order, or for one day, the same figures.
    expect(await store.openAtEnd([...ends].reverse())).toEqual(want);
    const mid = ends[Math.floor(ends.length / 2)]!;
    expect(await store.openAtEnd([mid])).toEqual(want.filter((w) => w.day === mid));
    expect(await store.openAtEnd([])).toEqual([]);
    expect(want.filter((w) => w.day === mid).length).toBeGreaterThan(2);
    // A stay left the day it entered is open at the end of no day: some to test that.
    expect(stays.some((s) => s.leftOn === s.enteredOn)).toBe(true);

    // The cases behind each figure: as many as it counts (a case is in one stage at a time), those booked.
    for (const { day, stage, n } of want.filter((w) => w.day === mid || w.day === ends.at(-1))) {
      const listed = await allPages(store, { report: 'flow', which: 'open', stage, on: day }, 4);
      expect(listed, `${stage} open at the end of ${day}`).toHaveLength(n);
      expect(listed).toEqual(
        stays
          .filter((s) => s.stage === stage && s.enteredOn <= day && (s.leftOn === null || s.leftOn > day))
          .map((s) => s.caseId)
          .sort(byCodePoint),
      );
    }
  });

  it('keeps its day counts with the stays through a batch, an erasure and a case remade, and corrects a count changed by hand', async () => {
    const store = await open();
    const { messages, stays } = population(40, '2026-01-05');
    expect(await store.applyAll(messages)).toEqual(messages.map(() => ({ kind: 'applied' })));
    const [from, to, today] = ['2026-01-05', '2026-12-31', '2026-12-31'];
    const ends = Array.from({ length: 52 }, (_, w) => plus(from, 7 * w + 6));
    const counted = async () => ({
      entered: await store.weeklyCounts('entered', from, to),
      left: await store.weeklyCounts('left', from, to),
      ages: await store.openAges(today),
      open: await store.openAtEnd(ends),
    });
    const expected = (booked: Booked[]) => ({
      entered: weeklyExpected(booked, 'enteredOn', from, to),
      left: weeklyExpected(booked, 'leftOn', from, to),
      ages: agesExpected(booked, today),
      open: openExpected(booked, ends),
    });
    expect(await counted()).toEqual(expected(stays));
    expect(await store.recountDays()).toBe(0);

    const [erased, remade] = [stays[0]!.caseId, stays.at(-1)!.caseId];
    await store.forget(erased);
    await store.replaceCase(remade, async ({ apply }) => {
      for (const m of messages.filter((x) => x.caseId === remade)) expect(await apply(m)).toEqual({ kind: 'applied' });
    });
    const kept = stays.filter((st) => st.caseId !== erased);
    expect(await counted()).toEqual(expected(kept));
    expect(await store.recountDays()).toBe(0);

    const gone = kept[0]!.caseId;
    const bumped = kept.filter((st) => st.caseId !== gone).at(-1)!;
    await backend!.edit(damage(gone, bumped));
    expect(await store.recountDays()).toBeGreaterThan(0);
    expect(await counted()).toEqual(expected(kept.filter((st) => st.caseId !== gone)));
    expect(await store.recountDays()).toBe(0);
  });

  it('lists the cases behind a flow or ageing figure in code-point order, page by page', async () => {
    const store = await open();
    const { messages, stays } = population(80, '2026-01-05');
    await store.applyAll(messages);
    const [from, to] = ['2026-01-20', '2026-04-30'];
    const ids = (pick: (st: Booked) => boolean) =>
      [...new Set(stays.filter(pick).map((st) => st.caseId))].sort(byCodePoint);
    const entered = ids((st) => st.stage === 'decision' && st.enteredOn >= from && st.enteredOn <= to);
    const ageing = ids(
      (st) => st.stage === 'appeal' && st.leftOn === null && st.enteredOn >= from && st.enteredOn <= to,
    );
    expect(entered.length).toBeGreaterThan(7);
    expect(ageing.length).toBeGreaterThan(3);
    const flow: FigureCases = { report: 'flow', which: 'entered', stage: 'decision', from, to };
    expect(await allPages(store, flow, 3)).toEqual(entered);
    expect(await store.casesBehind(flow, { limit: 1000 })).toEqual(entered);
    expect(await store.casesBehind(flow, { after: entered[2]!, limit: 2 })).toEqual(entered.slice(3, 5));
    expect(await allPages(store, { report: 'ageing', stage: 'appeal', from, to }, 2)).toEqual(ageing);
  });

  it('lists the cases behind a time-in-stage, compliance or workload figure as booked', async () => {
    const store = await open();
    const { messages, stays } = population(120, '2026-01-05');
    await store.applyAll(messages);
    // `today`: an open appeal's last day, and the day after another's: both sides of the limit.
    const [from, to, today] = ['2026-01-20', '2026-04-30', '2026-05-10'];
    const ids = (list: Array<{ caseId: string }>) => [...new Set(list.map((x) => x.caseId))].sort(byCodePoint);

    for (const cohort of [true, false]) {
      const left = ids(
        stays.filter(
          (st) => st.stage === 'decision' && st.cohort === cohort && st.leftOn && st.leftOn >= from && st.leftOn <= to,
        ),
      );
      expect(left.length).toBeGreaterThan(3);
      expect(await allPages(store, { report: 'time-in-stage', stage: 'decision', cohort, from, to }, 3)).toEqual(left);
    }

    // Each appeal's outcome by the rules written out here, from the rows the store holds.
    const outcomeOf = (d: { state: string; lastDay: string; decidedOn: string | null }) =>
      d.state === 'open'
        ? today <= d.lastDay
          ? 'openInTime'
          : 'openPastLimit'
        : d.state === 'decided'
          ? d.decidedOn !== null && d.decidedOn > d.lastDay
            ? 'decidedLate'
            : 'decidedInTime'
          : d.state;
    const appeals = (await store.dutyAppeals()).filter((d) => d.startedOn >= from && d.startedOn <= to);
    for (const outcome of DUTY_OUTCOMES) {
      const expected = ids(appeals.filter((d) => outcomeOf(d) === outcome));
      expect(expected.length, outcome).toBeGreaterThan(0);
      expect(await allPages(store, { report: 'compliance', outcome, from, to, today }, 2), outcome).toEqual(expected);
    }

    // Each case has one open stay: the lists are as long as the workload's figures.
    const work = await store.openWork(today);
    expect(work.length).toBeGreaterThan(8);
    for (const w of work) {
      const figure = { report: 'workload', stage: w.stage, assignee: w.assignee } as const;
      expect((await allPages(store, figure, 3)).length).toBe(w.open);
      expect((await allPages(store, { ...figure, longBy: today }, 3)).length).toBe(w.long);
    }
    expect(work.some((w) => w.long > 0 && w.long < w.open)).toBe(true);
  });

  it("counts the summary from each case's latest figures and position", async () => {
    const store = await open();
    const { messages } = population(80, '2026-01-05');
    await store.applyAll(messages);
    const last = [...latest(messages).values()];
    const counts = await store.summaryCounts('2026-06-01T00:00:00.000Z');
    expect(Object.fromEntries(Object.entries(counts.byStage).filter(([, n]) => n > 0))).toEqual(
      Object.fromEntries(tallied(last.map((m) => m.after.stage))),
    );
    const withFigures = last.flatMap((m) => (m.figures ? [m.figures] : []));
    expect(withFigures.length).toBeLessThan(last.length);
    expect(new Map((await store.statusCounts()).map((r) => [r.status, r.n]))).toEqual(
      tallied(withFigures.map((f) => f.status)),
    );
    expect(counts.counted.absconders).toBe(withFigures.filter((f) => f.absconded).length);
    const failed = [...syncFlags(messages)].filter(([id, flag]) => flag && latest(messages).get(id)!.figures);
    expect(failed.length).toBeGreaterThan(3);
    expect(counts.counted.syncFailures).toBe(failed.length);
    expect(await allPages(store, { report: 'summary', figure: 'syncFailures', dueBefore: '2026-06-01' }, 3)).toEqual(
      failed.map(([id]) => id).sort(byCodePoint),
    );
    expect(counts.counted['twentyFourWeeks.dueWithin4Weeks']).toBe(
      withFigures.filter((f) => f.clock?.status === 'running' && f.clock.deadline < '2026-06-01T00:00:00.000Z').length,
    );
    expect((await store.figures()).map((f) => f.caseId)).toEqual(
      last
        .filter((m) => m.figures)
        .map((m) => m.caseId)
        .sort(byCodePoint),
    );
  });

  it("keeps each case's sync-failure flag: with a change, turned between changes, kept when not sent", async () => {
    const store = await open();
    const base: CaseFigures = { ...randomFigures(() => 0, '2026-02-02'), syncFailed: false };
    const flag = async () => ({
      row: (await store.figures()).map((f) => [f.caseId, f.syncFailed]),
      counted: (await store.summaryCounts('2026-06-01T00:00:00.000Z')).counted.syncFailures,
      listed: await store.casesBehind({ report: 'summary', figure: 'syncFailures', dueBefore: '' }, { limit: 10 }),
      standing: (await store.standings()).get('c1')?.syncFailed,
    });
    const failed = { row: [['c1', true]], counted: 1, listed: ['c1'], standing: true };
    const clear = { row: [['c1', false]], counted: 0, listed: [], standing: false };
    await applyAll(store, [message('c1', 0, 'claim', '2026-02-02', noCohort, undefined, base)]);
    expect(await flag()).toEqual(clear);
    // A delivery rejected for good: the flag turns at the same seq, no stay moves.
    const rejected = syncStatus('c1', 0, 'claim', '2026-02-02', { ...base, syncFailed: true });
    expect(await store.apply(rejected)).toEqual({ kind: 'applied' });
    expect(await flag()).toEqual(failed);
    // Delivered again (a retry racing a dying worker): the same flag set again.
    expect(await store.apply(rejected)).toEqual({ kind: 'applied' });
    expect(await store.stays()).toHaveLength(1);
    // Ahead of the change it follows: refused, retried in order.
    expect(await store.apply({ ...rejected, seq: 1 })).toEqual({ kind: 'gap', expected: 1 });
    // A change queued before messages carried the flag keeps it.
    const { syncFailed: _unsent, ...older } = base;
    await applyAll(store, [message('c1', 1, 'decision', '2026-02-09', noCohort, undefined, older)]);
    expect(await flag()).toEqual(failed);
    // After a later change, an older status is a duplicate: that change carried the flag as new or newer.
    expect(await store.apply({ ...rejected, event: { type: SYNC_STATUS, syncFailed: false } })).toEqual({
      kind: 'duplicate',
    });
    expect(await flag()).toEqual(failed);
    // Re-sent (sync.resent is a change): its figures carry the cleared flag.
    await applyAll(store, [message('c1', 2, 'decision', '2026-02-10', noCohort, undefined, base)]);
    expect(await flag()).toEqual(clear);
    // A case the model never heard of: nothing to turn (its first change brings the flag).
    expect(await store.apply(syncStatus('c2', 4, 'claim', '2026-02-02', base))).toEqual({ kind: 'duplicate' });
    expect((await store.positions()).map((p) => p.caseId)).toEqual(['c1']);

    // A model made before the flag: it opens, gains the column (0 for every case), and counts it.
    await applyAll(store, [syncStatus('c1', 2, 'decision', '2026-02-10', { ...base, syncFailed: true })]);
    await backend!.edit('DROP INDEX IF EXISTS figures_sync_failed; ALTER TABLE figures DROP COLUMN sync_failed');
    const reopened = await open();
    expect((await reopened.figures()).map((f) => f.syncFailed)).toEqual([false]);
    await reopened.apply(syncStatus('c1', 2, 'decision', '2026-02-10', { ...base, syncFailed: true }));
    expect((await reopened.summaryCounts('2026-06-01T00:00:00.000Z')).counted.syncFailures).toBe(1);
  });

  it('forgets a case, and only that case', async () => {
    const store = await open();
    await applyAll(store, [message('keep', 0, 'claim', '2026-02-02'), message('erase', 0, 'claim', '2026-02-03')]);
    await applyAll(store, [message('erase', 1, 'decision', '2026-02-09')]);
    await store.forget('erase');
    expect((await store.positions()).map((p) => p.caseId)).toEqual(['keep']);
    expect((await store.stays()).map((s) => s.caseId)).toEqual(['keep']);
    // Heard of again (an erasure retried while a delivery was in flight): a new case to the model.
    expect(await store.apply(message('erase', 2, 'appeal', '2026-02-10'))).toEqual({ kind: 'applied' });
  });

  it('replaces the whole model in one transaction: all of it, or on failure none of it', async () => {
    const store = await open();
    const old = population(10, '2026-01-05');
    await applyAll(store, old.messages);
    const before = { positions: await store.positions(), stays: await store.stays() };
    await expect(
      store.replaceAll(async ({ apply }) => {
        await apply(message('half-way', 0, 'claim', '2026-05-01'));
        throw new Error('the histories could not be read');
      }),
    ).rejects.toThrow('the histories could not be read');
    expect({ positions: await store.positions(), stays: await store.stays() }).toEqual(before);

    const fresh = population(12, '2026-03-02');
    // A delivery meanwhile, from another connection with the worker's short wait: it fails (the
    // workflow retries it), and the rebuilt model does not hold it.
    const worker = await open({ lockWaitMs: 200 });
    let meanwhile: Promise<unknown> | undefined;
    await store.replaceAll(async ({ apply }) => {
      for (const m of fresh.messages) expect(await apply(m)).toEqual({ kind: 'applied' });
      meanwhile = worker.apply(message('meanwhile', 0, 'claim', '2026-05-01')).then(
        () => 'applied',
        () => 'failed',
      );
      await meanwhile;
    });
    expect(await meanwhile).toBe('failed');
    expect(await store.stays()).toEqual(sortedStays(fresh.stays));
    expect(await worker.apply(message('meanwhile', 0, 'claim', '2026-05-01'))).toEqual({ kind: 'applied' });
  });
});

/** The summary's figures and the cases behind every figure, paged. */
async function summaryAnswers(store: ReportingStore, from: string, to: string, today: string) {
  const dueBefore = `${today}T00:00:00.000Z`;
  const stages = ['claim', 'decision', 'appeal', 'tribunal', 'exit'] as const;
  const figures: FigureCases[] = [
    ...SUMMARY_FIGURES.flatMap((figure): FigureCases[] =>
      figure === 'backlogByStage'
        ? stages.map((stage) => ({ report: 'summary', figure, stage, dueBefore }))
        : figure === 'appealsEnded'
          ? APPEAL_ENDINGS.map((how) => ({ report: 'summary', figure, how, dueBefore }))
          : [{ report: 'summary', figure, dueBefore }],
    ),
    ...stages.flatMap((stage): FigureCases[] => [
      { report: 'flow', which: 'entered', stage, from, to },
      { report: 'flow', which: 'left', stage, from, to },
      { report: 'ageing', stage, from, to },
      { report: 'time-in-stage', stage, cohort: true, from, to },
      { report: 'time-in-stage', stage, cohort: false, from, to },
    ]),
    ...DUTY_OUTCOMES.map((outcome): FigureCases => ({ report: 'compliance', outcome, from, to, today })),
    ...stages
      .filter((stage) => stage !== 'exit')
      .flatMap((stage) =>
        [null, 'alice', 'Bob', 'carol'].flatMap((assignee): FigureCases[] => [
          { report: 'workload', stage, assignee },
          { report: 'workload', stage, assignee, longBy: today },
        ]),
      ),
  ];
  const behind = [];
  for (const figure of figures) behind.push({ figure, ids: await allPages(store, figure, 7) });
  return {
    figures: await store.figures(),
    summary: await store.summaryCounts(dueBefore),
    statuses: await store.statusCounts(),
    standings: [...(await store.standings())].sort(([a], [b]) => byCodePoint(a, b)),
    oldest: await store.oldestOpen(3),
    behind,
  };
}

/** A case erased, one remade, rows changed by hand and the counts recounted: what each leaves. */
async function repairAnswers(
  store: ReportingStore,
  backend: Backend,
  stays: Booked[],
  messages: ReportingMessage[],
  from: string,
  to: string,
  today: string,
) {
  const ids = [...new Set(stays.map((st) => st.caseId))];
  const [erased, remade, gone] = [ids[1]!, ids[2]!, ids[3]!];
  await store.forget(erased);
  await store.replaceCase(remade, async ({ apply, putFigures }) => {
    for (const m of messages.filter((x) => x.caseId === remade)) await apply(m);
    await putFigures(remade, 99, { ...randomFigures(() => 1, today), status: 'refused' });
  });
  await backend.edit(damage(gone, stays.filter((st) => st.caseId !== gone && st.caseId !== erased).at(-1)!));
  const standings = [...(await store.standings())].sort(([a], [b]) => byCodePoint(a, b));
  const corrected = await store.recountDays();
  return {
    damaged: {
      standings,
      corrected,
      again: await store.recountDays(),
      entered: await store.weeklyCounts('entered', from, to),
      ages: await store.openAges(today),
      figures: await store.figures(),
      stays: await store.stays(),
    },
  };
}

describe('both backends', () => {
  it('hold the same model and give the same figures for the same messages', async () => {
    const { messages, stays } = population(200, '2025-11-03');
    // Bounds on days the data holds (a stay left on `from` and on `to`, an appeal's last day and a
    // stay entered on `today`), so a bound taken as exclusive on one backend shows.
    const left = stays.flatMap((st) => (st.leftOn ? [st.leftOn] : [])).sort();
    const [from, to] = [left[3]!, left.at(-3)!];
    const lastDays = new Set(messages.flatMap((m) => (m.reporting?.duty ? [m.reporting.duty.lastDay] : [])));
    const entered = new Set(stays.map((st) => st.enteredOn));
    const today = [...lastDays]
      .sort()
      .filter((d) => entered.has(d) && d > from && d < to)
      .at(-1)!;
    const answers = [];
    for (const [, make] of BACKENDS) {
      const backend = await make();
      const store = await backend.open();
      try {
        await applyAll(store, messages);
        answers.push({
          positions: await store.positions(),
          stays: await store.stays(),
          entered: await store.weeklyCounts('entered', from, to),
          left: await store.weeklyCounts('left', from, to),
          ages: await store.openAges(today),
          open: await store.openAtEnd([from, today, to]),
          completed: await store.completedStays(from, to),
          duty: await store.dutyByWeek(from, to, today),
          work: await store.openWork(today),
          assignments: await store.assignments(),
          dutyAppeals: await store.dutyAppeals(),
          ...(await summaryAnswers(store, from, to, today)),
          ...(await repairAnswers(store, backend, stays, messages, from, to, today)),
        });
      } finally {
        await store.close();
        await backend.drop();
      }
    }
    // Enough of each for the comparison to mean something.
    const [sqlite, postgres] = answers;
    expect(sqlite!.entered.length).toBeGreaterThan(10);
    expect(new Set(sqlite!.dutyAppeals.map((d) => d.state)).size).toBe(4);
    expect(new Set(sqlite!.duty.map((d) => `${d.decidedLate}/${d.pastLastDay}`)).size).toBeGreaterThanOrEqual(3);
    expect(new Set(sqlite!.work.map((w) => w.assignee)).size).toBe(4);
    expect(sqlite!.completed.some((c) => c.cohort) && sqlite!.completed.some((c) => !c.cohort)).toBe(true);
    expect(sqlite!.figures.length).toBeGreaterThan(100);
    expect(Object.values(sqlite!.summary.counted).every((n) => n > 0)).toBe(true);
    expect(sqlite!.behind.filter((b) => b.ids.length > 7).length).toBeGreaterThan(10);
    for (const report of ['time-in-stage', 'compliance', 'workload'])
      expect(
        sqlite!.behind.filter((b) => b.figure.report === report && b.ids.length > 0).length,
        report,
      ).toBeGreaterThan(3);
    expect(sqlite!.damaged.corrected).toBeGreaterThan(0);
    expect(sqlite!.damaged.standings.some(([, st]) => !st.consistent)).toBe(true);
    expect(sqlite!.figures.filter((f) => f.syncFailed).length).toBeGreaterThan(10);
    expect(postgres).toEqual(sqlite);
  });
});
