/**
 * The reporting read model (#20): an embedded SQLite file, written by the worker's reporting
 * adapter (one writer) and read by every API process (WAL: readers never block the writer nor each
 * other). It is a projection of the outbox, never the record: `npm run reporting:rebuild` remakes
 * it from the workflow histories.
 *
 * Two tables: where each case stands (its last applied seq, the stay it is in), and its stays, one
 * row per time a case entered a stage. Days are London calendar dates, YYYY-MM-DD, so they sort
 * and compare as text.
 */
import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import {
  daysBetween,
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
-- The stays counted by stage and day, kept with them in the same transaction: the flow and ageing
-- reports read a row a stage and day, not a row a stay (counting stays was a second at 250,000
-- open cases; docs/measured.md).
CREATE TABLE IF NOT EXISTS stay_days (
  stage      TEXT NOT NULL,
  day        TEXT NOT NULL,
  entered_n  INTEGER NOT NULL, -- stays entered on the day
  left_n     INTEGER NOT NULL, -- stays left on the day
  open_n     INTEGER NOT NULL, -- stays entered on the day and still open
  PRIMARY KEY (stage, day)
) STRICT, WITHOUT ROWID;
`;

/** The counts recounted from the stays: a model written before stay_days existed gets them on opening. */
const RECOUNT = `
INSERT INTO stay_days (stage, day, entered_n, left_n, open_n)
SELECT stage, day, sum(e), sum(l), sum(o) FROM (
  SELECT stage, entered_on AS day, 1 AS e, 0 AS l, left_on IS NULL AS o FROM stays
  UNION ALL SELECT stage, left_on, 0, 1, 0 FROM stays WHERE left_on IS NOT NULL
) GROUP BY stage, day`;

/** One message applied: new or a duplicate (both acknowledged), or a gap (refused: the retry brings it in order). */
export type ApplyOutcome = { kind: 'applied' } | { kind: 'duplicate' } | { kind: 'gap'; expected: number };

/** A stay as stored, for the rebuild's comparison and the tests' recount. */
export interface StayRow {
  caseId: string;
  seq: number;
  stage: Stage;
  enteredOn: string;
  leftOn: string | null;
  cohort: boolean;
}

export interface ReportingStore {
  apply(message: Pick<OutboundMessage, 'caseId' | 'seq' | 'event' | 'at' | 'after'>): ApplyOutcome;
  /** Stays entered (or left) within [from, to], by stage and the week they fall in (0: the week from `from`). */
  weeklyCounts(which: 'entered' | 'left', from: string, to: string): Array<{ week: number; stage: Stage; n: number }>;
  /** Open stays by stage and age in days on `today`. */
  openAges(today: string): Array<{ stage: Stage; age: number; n: number }>;
  positions(): Array<ReportingPosition & { caseId: string }>;
  /** A case erased (#19 erasure): its rows go too, so no figure counts it and a rebuild agrees. */
  forget(caseId: string): void;
  stays(): StayRow[];
  /**
   * Empties the model and fills it again, all in one write transaction: deliveries meanwhile wait
   * (SQLITE_BUSY after the busy timeout: the workflow retries them) and find the rebuilt model.
   * Read the histories inside `fill`, so every change scheduled before it is in them.
   */
  replaceAll(fill: (apply: ReportingStore['apply']) => Promise<void>): Promise<void>;
  close(): void;
  /**
   * Messages applied in order in one write transaction, each as `apply` would: for seeding a model
   * in bulk (the reports' benchmark), where a transaction per message would be the whole cost.
   */
  applyAll(messages: ReadonlyArray<Parameters<ReportingStore['apply']>[0]>): ApplyOutcome[];
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
  db.transaction(() => {
    if (!db.prepare('SELECT 1 FROM stay_days LIMIT 1').get() && db.prepare('SELECT 1 FROM stays LIMIT 1').get())
      db.exec(RECOUNT);
  }).immediate();

  const positionOf = db.prepare<[string], { seq: number; stage: Stage; enteredOn: string }>(
    'SELECT seq, stage, entered_on AS enteredOn FROM positions WHERE case_id = ?',
  );
  const putPosition = db.prepare(
    `INSERT INTO positions (case_id, seq, stage, entered_on) VALUES (@caseId, @seq, @stage, @enteredOn)
     ON CONFLICT (case_id) DO UPDATE SET seq = excluded.seq, stage = excluded.stage, entered_on = excluded.entered_on`,
  );
  // `+stage`: not by the open-stays index (stage = ?, every open stay of the stage: a scan growing
  // with the caseload, found by the reports' benchmark) but by the case's own rows (the key's prefix).
  const closeStay = db.prepare<{ caseId: string; stage: Stage; leftOn: string }, { enteredOn: string }>(
    `UPDATE stays SET left_on = @leftOn WHERE case_id = @caseId AND +stage = @stage AND left_on IS NULL
     RETURNING entered_on AS enteredOn`,
  );
  const openStay = db.prepare(
    `INSERT INTO stays (case_id, seq, stage, entered_on, left_on, cohort) VALUES (@caseId, @seq, @stage, @enteredOn, NULL, @cohort)`,
  );
  const count = db.prepare<{ stage: Stage; day: string; entered: number; left: number; open: number }>(
    `INSERT INTO stay_days (stage, day, entered_n, left_n, open_n) VALUES (@stage, @day, @entered, @left, @open)
     ON CONFLICT (stage, day) DO UPDATE SET entered_n = entered_n + excluded.entered_n,
       left_n = left_n + excluded.left_n, open_n = open_n + excluded.open_n`,
  );
  const write = (caseId: string, { position, closes, opens }: StayChange) => {
    putPosition.run({ caseId, ...position });
    if (closes)
      for (const { enteredOn } of closeStay.all({ caseId, ...closes })) {
        count.run({ stage: closes.stage, day: closes.leftOn, entered: 0, left: 1, open: 0 });
        count.run({ stage: closes.stage, day: enteredOn, entered: 0, left: 0, open: -1 });
      }
    if (opens) {
      openStay.run({ caseId, seq: position.seq, ...opens, cohort: opens.cohort ? 1 : 0 });
      count.run({ stage: opens.stage, day: opens.enteredOn, entered: 1, left: 0, open: 1 });
    }
  };

  // Read, decide and write in one IMMEDIATE transaction: two deliveries of the same message (a
  // retry racing a worker that died mid-call) cannot both see the old seq.
  const applyOne = (message: Parameters<ReportingStore['apply']>[0]): ApplyOutcome => {
    const step = reportingStep(positionOf.get(message.caseId) ?? null, message);
    if (step.kind !== 'apply') return step;
    write(message.caseId, step.change);
    return { kind: 'applied' };
  };
  const apply = db.transaction(applyOne);
  // One transaction for the batch, no savepoint per message: what makes bulk seeding fast.
  const applyAll = db.transaction((messages: ReadonlyArray<Parameters<ReportingStore['apply']>[0]>) =>
    messages.map(applyOne),
  );

  // A row a stage and day, then by week and age here (stay_days above).
  const daily = (column: 'entered_n' | 'left_n') =>
    db.prepare<[{ from: string; to: string }], { day: string; stage: Stage; n: number }>(
      `SELECT day, stage, ${column} AS n FROM stay_days WHERE day BETWEEN @from AND @to AND ${column} > 0`,
    );
  const entered = daily('entered_n');
  const left = daily('left_n');
  const openByDay = db.prepare<[], { stage: Stage; day: string; n: number }>(
    'SELECT stage, day, open_n AS n FROM stay_days WHERE open_n > 0 ORDER BY stage, day DESC',
  );
  const weeklyCounts: ReportingStore['weeklyCounts'] = (which, from, to) => {
    const weeks = new Map<string, { week: number; stage: Stage; n: number }>();
    for (const { day, stage, n } of (which === 'entered' ? entered : left).all({ from, to })) {
      const week = Math.floor(daysBetween(from, day) / 7);
      const row = weeks.get(`${week} ${stage}`) ?? { week, stage, n: 0 };
      row.n += n;
      weeks.set(`${week} ${stage}`, row);
    }
    return [...weeks.values()].sort((a, b) => a.week - b.week || a.stage.localeCompare(b.stage));
  };
  // Newest entry first within a stage: ages come out youngest first, as the histogram wants them.
  const openAges: ReportingStore['openAges'] = (today) =>
    openByDay.all().map(({ stage, day, n }) => ({ stage, age: daysBetween(day, today), n }));

  return {
    apply: (message) => apply.immediate(message),
    weeklyCounts,
    openAges,
    forget: db.transaction((caseId: string) => {
      const gone = db
        .prepare<[string], { stage: Stage; enteredOn: string; leftOn: string | null }>(
          'SELECT stage, entered_on AS enteredOn, left_on AS leftOn FROM stays WHERE case_id = ?',
        )
        .all(caseId);
      for (const { stage, enteredOn, leftOn } of gone) {
        count.run({ stage, day: enteredOn, entered: -1, left: 0, open: leftOn === null ? -1 : 0 });
        if (leftOn !== null) count.run({ stage, day: leftOn, entered: 0, left: -1, open: 0 });
      }
      db.prepare('DELETE FROM stays WHERE case_id = ?').run(caseId);
      db.prepare('DELETE FROM positions WHERE case_id = ?').run(caseId);
    }),
    positions: () =>
      db
        .prepare<[], ReportingPosition & { caseId: string }>(
          'SELECT case_id AS caseId, seq, stage, entered_on AS enteredOn FROM positions ORDER BY case_id',
        )
        .all(),
    stays: () =>
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
        db.exec('DELETE FROM stays; DELETE FROM positions; DELETE FROM stay_days;');
        await fill((message) => apply(message));
        db.exec('COMMIT');
      } catch (err) {
        db.exec('ROLLBACK');
        throw err;
      }
    },
    close: () => db.close(),
    applyAll: (messages) => applyAll.immediate(messages),
  };
}
