/**
 * The reporting read model (#20): where each case stands, its stays, its assignee and its 24-week
 * duty, written by the worker's reporting adapter and read by every API process. It is a
 * projection of the outbox, never the record: `npm run reporting:rebuild` remakes it from the
 * workflow histories.
 *
 * One asynchronous interface, two backends: this file's embedded SQLite file (the default for the
 * two commands), and PostgreSQL for the cluster topology (reporting/pg-store.ts), where workers on
 * several hosts write. `openReporting` (reporting/open.ts) picks one from the configuration. Each
 * backend keeps its own SQL (day arithmetic differs by dialect); the rules are domain/reporting.ts.
 *
 * Tables: where each case stands (its last applied seq, the stay it is in), its stays (one row per
 * time a case entered a stage), its assignee, and its appeals in the 24-week duty. Days are London
 * calendar dates, YYYY-MM-DD, so they sort and compare as text.
 */
import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import {
  isOpenWork,
  reportingStep,
  STAGES,
  type DutyFacts,
  type DutyStanding,
  type OutboundMessage,
  type ReportingFacts,
  type ReportingPosition,
  type Stage,
  type StayChange,
} from '../domain/index.js';

const SCHEMA = `
CREATE TABLE IF NOT EXISTS positions (
  case_id    TEXT PRIMARY KEY,
  seq        INTEGER NOT NULL,
  stage      TEXT NOT NULL,
  entered_on TEXT NOT NULL
) STRICT;
CREATE TABLE IF NOT EXISTS stays (
  case_id    TEXT NOT NULL,
  seq        INTEGER NOT NULL, -- the change that entered the stage
  stage      TEXT NOT NULL,
  entered_on TEXT NOT NULL,
  left_on    TEXT,             -- null while the case is in it
  cohort     INTEGER NOT NULL, -- 1: the appellant was in the 24-week duty's group on entry
  PRIMARY KEY (case_id, seq)
) STRICT;
CREATE INDEX IF NOT EXISTS stays_entered ON stays (entered_on, stage);
CREATE INDEX IF NOT EXISTS stays_left ON stays (left_on, stage) WHERE left_on IS NOT NULL;
CREATE INDEX IF NOT EXISTS stays_open ON stays (stage, entered_on) WHERE left_on IS NULL;
-- Added for time in stage, compliance and workload; IF NOT EXISTS: an older file opens and gains
-- them empty (npm run reporting:rebuild fills them for cases recorded before).
CREATE TABLE IF NOT EXISTS assignments (
  case_id  TEXT PRIMARY KEY,
  assignee TEXT -- a staff id; null: unassigned
) STRICT;
CREATE TABLE IF NOT EXISTS duty_appeals (
  case_id    TEXT NOT NULL,
  started_on TEXT NOT NULL, -- the day the appeal started for the 24-week duty
  last_day   TEXT NOT NULL,
  state      TEXT NOT NULL, -- open, decided, exception, ended
  decided_on TEXT,
  PRIMARY KEY (case_id, started_on)
) STRICT;
CREATE INDEX IF NOT EXISTS duty_appeals_started ON duty_appeals (started_on);
`;

/** One message applied: new or a duplicate (both acknowledged), or a gap (refused: the retry brings it in order). */
export type ApplyOutcome = { kind: 'applied' } | { kind: 'duplicate' } | { kind: 'gap'; expected: number };

/** What the model hears of a change: a reporting message of the outbox (its facts absent on older ones). */
export type ReportingMessage = Pick<OutboundMessage, 'caseId' | 'seq' | 'event' | 'at' | 'after' | 'reporting'>;

/** A stay as stored, for the rebuild's comparison and the tests' recount. */
export interface StayRow {
  caseId: string;
  seq: number;
  stage: Stage;
  enteredOn: string;
  leftOn: string | null;
  cohort: boolean;
}

/** An appeal in the 24-week duty as stored. */
export interface DutyAppealRow extends DutyFacts {
  caseId: string;
}

/**
 * Every method answers a promise, whichever backend: PostgreSQL's client is asynchronous, and one
 * interface lets the callers not know which they have. A failure (a locked file, a lost
 * connection) is a rejection.
 */
export interface ReportingStore {
  /** Reads where the case stands, decides and writes in one transaction: two deliveries of one message cannot both apply. */
  apply(message: ReportingMessage): Promise<ApplyOutcome>;
  /** Stays entered (or left) within [from, to], by stage and the week they fall in (0: the week from `from`). */
  weeklyCounts(
    which: 'entered' | 'left',
    from: string,
    to: string,
  ): Promise<Array<{ week: number; stage: Stage; n: number }>>;
  /** Open stays by stage and age in days on `today`. */
  openAges(today: string): Promise<Array<{ stage: Stage; age: number; n: number }>>;
  /** By case id, in code-point order on both backends. */
  positions(): Promise<Array<ReportingPosition & { caseId: string }>>;
  /** A case erased (#19 erasure): its rows go too, so no figure counts it and a rebuild agrees. */
  forget(caseId: string): Promise<void>;
  /** By case id (code-point order) and seq. */
  stays(): Promise<StayRow[]>;
  /**
   * Empties the model and fills it again, all in one write transaction: deliveries meanwhile wait
   * (at most their lock timeout: then they fail and the workflow retries them) and find the
   * rebuilt model; readers see the old model until it commits. Read the histories inside `fill`,
   * so every change scheduled before it is in them.
   */
  replaceAll(fill: (apply: ReportingStore['apply']) => Promise<void>): Promise<void>;
  close(): Promise<void>;
  /** Stays left within [from, to], by stage, cohort flag and whole days in the stage. */
  completedStays(from: string, to: string): Promise<Array<{ stage: Stage; cohort: boolean; age: number; n: number }>>;
  /** Appeals in the duty started within [from, to], by week (0: the week from `from`) and standing on `today`. */
  dutyByWeek(from: string, to: string, today: string): Promise<Array<DutyStanding & { week: number; n: number }>>;
  /** Open stays (exit left out) by assignee and stage: how many, the oldest entered day, how many entered on or before `longBy`. */
  openWork(
    longBy: string,
  ): Promise<Array<{ assignee: string | null; stage: Stage; open: number; oldestEnteredOn: string; long: number }>>;
  /** Every assignment and duty appeal (by case id, code-point order), for the rebuild's comparison and the tests' recount. */
  assignments(): Promise<Array<{ caseId: string; assignee: string | null }>>;
  dutyAppeals(): Promise<DutyAppealRow[]>;
}

/**
 * `busyTimeoutMs`: how long a write waits for another writer. The worker's is short: better-sqlite3
 * is synchronous, so a wait holds the worker's thread; a delivery that cannot write soon fails and
 * is retried by the workflow instead (only the rebuild holds the write lock for long).
 */
export function openReportingStore(file: string, { busyTimeoutMs = 5_000 } = {}): ReportingStore {
  if (file !== ':memory:') mkdirSync(dirname(file), { recursive: true });
  const db = new Database(file);
  // WAL: API processes read while the worker writes; a writer waits for another rather than failing.
  db.pragma('journal_mode = WAL');
  db.pragma(`busy_timeout = ${Math.trunc(busyTimeoutMs)}`);
  db.pragma('synchronous = NORMAL');
  db.exec(SCHEMA);

  const positionOf = db.prepare<[string], { seq: number; stage: Stage; enteredOn: string }>(
    'SELECT seq, stage, entered_on AS enteredOn FROM positions WHERE case_id = ?',
  );
  const putPosition = db.prepare(
    `INSERT INTO positions (case_id, seq, stage, entered_on) VALUES (@caseId, @seq, @stage, @enteredOn)
     ON CONFLICT (case_id) DO UPDATE SET seq = excluded.seq, stage = excluded.stage, entered_on = excluded.entered_on`,
  );
  const closeStay = db.prepare(
    'UPDATE stays SET left_on = @leftOn WHERE case_id = @caseId AND stage = @stage AND left_on IS NULL',
  );
  const openStay = db.prepare(
    `INSERT INTO stays (case_id, seq, stage, entered_on, left_on, cohort) VALUES (@caseId, @seq, @stage, @enteredOn, NULL, @cohort)`,
  );
  const write = (caseId: string, { position, closes, opens }: StayChange) => {
    putPosition.run({ caseId, ...position });
    if (closes) closeStay.run({ caseId, ...closes });
    if (opens) openStay.run({ caseId, seq: position.seq, ...opens, cohort: opens.cohort ? 1 : 0 });
  };

  const putAssignee = db.prepare(
    `INSERT INTO assignments (case_id, assignee) VALUES (@caseId, @assignee)
     ON CONFLICT (case_id) DO UPDATE SET assignee = excluded.assignee`,
  );
  // The case holds one 24-week clock, the current appeal's: a live one it no longer holds was
  // removed by the domain (a fact or the tribunal's flag took the appeal out: it never applied).
  // A decided or ended one was replaced by a new appeal's and keeps its record.
  const dropLiveDuty = db.prepare(
    `DELETE FROM duty_appeals WHERE case_id = @caseId AND started_on IS NOT @startedOn
     AND state IN ('open', 'exception') AND decided_on IS NULL`,
  );
  const putDuty = db.prepare(
    `INSERT INTO duty_appeals (case_id, started_on, last_day, state, decided_on)
     VALUES (@caseId, @startedOn, @lastDay, @state, @decidedOn)
     ON CONFLICT (case_id, started_on) DO UPDATE SET
       last_day = excluded.last_day, state = excluded.state, decided_on = excluded.decided_on`,
  );
  const writeFacts = (caseId: string, { assignee, duty }: ReportingFacts) => {
    putAssignee.run({ caseId, assignee });
    dropLiveDuty.run({ caseId, startedOn: duty?.startedOn ?? null });
    if (duty) putDuty.run({ caseId, ...duty });
  };

  // Read, decide and write in one IMMEDIATE transaction: two deliveries of the same message (a
  // retry racing a worker that died mid-call) cannot both see the old seq.
  const apply = db.transaction((message: ReportingMessage): ApplyOutcome => {
    const step = reportingStep(positionOf.get(message.caseId) ?? null, message);
    if (step.kind !== 'apply') return step;
    write(message.caseId, step.change);
    // Messages recorded before they carried facts leave them as they were.
    if (message.reporting) writeFacts(message.caseId, message.reporting);
    return { kind: 'applied' };
  });

  const weekly = (column: 'entered_on' | 'left_on') =>
    db.prepare<[{ from: string; to: string }], { week: number; stage: Stage; n: number }>(
      `SELECT CAST((julianday(${column}) - julianday(@from)) / 7 AS INTEGER) AS week, stage, count(*) AS n
       FROM stays WHERE ${column} BETWEEN @from AND @to GROUP BY week, stage ORDER BY week, stage`,
    );
  const entered = weekly('entered_on');
  const left = weekly('left_on');
  const ages = db.prepare<[string], { stage: Stage; age: number; n: number }>(
    `SELECT stage, CAST(julianday(?) - julianday(entered_on) AS INTEGER) AS age, count(*) AS n
     FROM stays WHERE left_on IS NULL GROUP BY stage, age ORDER BY stage, age`,
  );

  // Days in the stage: the histogram nearestRank reads, from one range scan of stays_left.
  const completed = db.prepare<
    [{ from: string; to: string }],
    { stage: Stage; cohort: number; age: number; n: number }
  >(
    `SELECT stage, cohort, CAST(julianday(left_on) - julianday(entered_on) AS INTEGER) AS age, count(*) AS n
     FROM stays WHERE left_on BETWEEN @from AND @to GROUP BY stage, cohort, age ORDER BY stage, cohort, age`,
  );
  // Grouped by the standing dutyOutcome reads (domain/reporting-facts.ts `dutyStanding`, in SQL).
  const dutyWeeks = db.prepare<
    [{ from: string; to: string; today: string }],
    { week: number; state: DutyFacts['state']; decidedLate: number; pastLastDay: number; n: number }
  >(
    `SELECT CAST((julianday(started_on) - julianday(@from)) / 7 AS INTEGER) AS week, state,
       coalesce(decided_on > last_day, 0) AS decidedLate, @today > last_day AS pastLastDay, count(*) AS n
     FROM duty_appeals WHERE started_on BETWEEN @from AND @to
     GROUP BY week, state, decidedLate, pastLastDay ORDER BY week`,
  );
  // Listed, not `!= 'exit'`: the open stays of the work stages are a range of stays_open each, and
  // the exits (every closed case) are never read.
  const OPEN_WORK = STAGES.filter(isOpenWork)
    .map((stage) => `'${stage}'`)
    .join(', ');
  // A case never assigned (or heard of before assignments were sent) has no row: unassigned.
  const work = db.prepare<
    [string],
    { assignee: string | null; stage: Stage; open: number; oldestEnteredOn: string; long: number }
  >(
    `SELECT a.assignee AS assignee, s.stage AS stage, count(*) AS open, min(s.entered_on) AS oldestEnteredOn,
       sum(s.entered_on <= ?) AS long
     FROM stays s LEFT JOIN assignments a ON a.case_id = s.case_id
     WHERE s.left_on IS NULL AND s.stage IN (${OPEN_WORK})
     GROUP BY a.assignee, s.stage ORDER BY a.assignee IS NULL, a.assignee, s.stage`,
  );

  const forget = db.transaction((caseId: string) => {
    for (const table of ['stays', 'positions', 'assignments', 'duty_appeals'])
      db.prepare(`DELETE FROM ${table} WHERE case_id = ?`).run(caseId);
  });

  // better-sqlite3 is synchronous: each method is its synchronous body behind `async`, so a thrown
  // error (SQLITE_BUSY, a full disk) is the promise's rejection, as on PostgreSQL.
  return {
    apply: async (message) => apply.immediate(message),
    weeklyCounts: async (which, from, to) => (which === 'entered' ? entered : left).all({ from, to }),
    openAges: async (today) => ages.all(today),
    forget: async (caseId) => forget(caseId),
    positions: async () =>
      db
        .prepare<[], ReportingPosition & { caseId: string }>(
          'SELECT case_id AS caseId, seq, stage, entered_on AS enteredOn FROM positions ORDER BY case_id',
        )
        .all(),
    stays: async () =>
      db
        .prepare<[], Omit<StayRow, 'cohort'> & { cohort: number }>(
          `SELECT case_id AS caseId, seq, stage, entered_on AS enteredOn, left_on AS leftOn, cohort
           FROM stays ORDER BY case_id, seq`,
        )
        .all()
        .map((r) => ({ ...r, cohort: r.cohort === 1 })),
    async replaceAll(fill) {
      db.exec('BEGIN IMMEDIATE');
      try {
        db.exec('DELETE FROM stays; DELETE FROM positions; DELETE FROM assignments; DELETE FROM duty_appeals;');
        await fill(async (message) => apply(message));
        db.exec('COMMIT');
      } catch (err) {
        db.exec('ROLLBACK');
        throw err;
      }
    },
    close: async () => {
      db.close();
    },
    completedStays: async (from, to) => completed.all({ from, to }).map((r) => ({ ...r, cohort: r.cohort === 1 })),
    dutyByWeek: async (from, to, today) =>
      dutyWeeks
        .all({ from, to, today })
        .map((r) => ({ ...r, decidedLate: r.decidedLate === 1, pastLastDay: r.pastLastDay === 1 })),
    openWork: async (longBy) => work.all(longBy),
    assignments: async () =>
      db
        .prepare<[], { caseId: string; assignee: string | null }>(
          'SELECT case_id AS caseId, assignee FROM assignments ORDER BY case_id',
        )
        .all(),
    dutyAppeals: async () =>
      db
        .prepare<[], DutyAppealRow>(
          `SELECT case_id AS caseId, started_on AS startedOn, last_day AS lastDay, state, decided_on AS decidedOn
           FROM duty_appeals ORDER BY case_id, started_on`,
        )
        .all(),
  };
}
