/**
 * The reporting read model (#20): where each case stands and its stays, written by the worker's
 * reporting adapter and read by every API process. It is a projection of the outbox, never the
 * record: `npm run reporting:rebuild` remakes it from the workflow histories.
 *
 * One asynchronous interface, two backends: this file's embedded SQLite file (the default for the
 * two commands), and PostgreSQL for the cluster topology (reporting/pg-store.ts), where workers on
 * several hosts write. `openReporting` (reporting/open.ts) picks one from the configuration. Each
 * backend keeps its own SQL (day arithmetic differs by dialect); the rules are domain/reporting.ts.
 *
 * Two tables: where each case stands (its last applied seq, the stay it is in), and its stays, one
 * row per time a case entered a stage. Days are London calendar dates, YYYY-MM-DD, so they sort
 * and compare as text.
 */
import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import {
  reportingStep,
  type OutboundMessage,
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
`;

/** One message applied: new or a duplicate (both acknowledged), or a gap (refused: the retry brings it in order). */
export type ApplyOutcome = { kind: 'applied' } | { kind: 'duplicate' } | { kind: 'gap'; expected: number };

/** What the model hears of a change: a reporting message of the outbox. */
export type ReportingMessage = Pick<OutboundMessage, 'caseId' | 'seq' | 'event' | 'at' | 'after'>;

/** A stay as stored, for the rebuild's comparison and the tests' recount. */
export interface StayRow {
  caseId: string;
  seq: number;
  stage: Stage;
  enteredOn: string;
  leftOn: string | null;
  cohort: boolean;
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

  // Read, decide and write in one IMMEDIATE transaction: two deliveries of the same message (a
  // retry racing a worker that died mid-call) cannot both see the old seq.
  const apply = db.transaction((message: ReportingMessage): ApplyOutcome => {
    const step = reportingStep(positionOf.get(message.caseId) ?? null, message);
    if (step.kind !== 'apply') return step;
    write(message.caseId, step.change);
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

  const forget = db.transaction((caseId: string) => {
    db.prepare('DELETE FROM stays WHERE case_id = ?').run(caseId);
    db.prepare('DELETE FROM positions WHERE case_id = ?').run(caseId);
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
        db.exec('DELETE FROM stays; DELETE FROM positions;');
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
  };
}
