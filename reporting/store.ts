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
  daysBetween,
  reportingStep,
  syncStatusStep,
  type AppealEnding,
  type CaseFigures,
  STAGES,
  type DutyFacts,
  type DutyOutcome,
  type DutyStanding,
  type OutboundMessage,
  type ReportingFacts,
  type ReportingPosition,
  type SentFigures,
  type Stage,
  type StayChange,
  isSyncStatus,
} from '../domain/index.js';
import {
  COUNTED_FIGURES,
  emptyByStage,
  emptyEndings,
  FIGURE_CONDITIONS,
  OUTCOME_CONDITIONS,
  type FiguresRow,
  type SummaryCounts,
  type SummaryFigure,
  figuresRowOf,
  type FiguresSql,
} from './figures.js';

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
-- What each case adds to the summary, as of its latest change (added later: a store made before
-- has none until \`npm run reporting:rebuild\`).
CREATE TABLE IF NOT EXISTS figures (
  case_id        TEXT PRIMARY KEY,
  seq            INTEGER NOT NULL, -- the change they came with
  status         TEXT NOT NULL,
  appeals        INTEGER NOT NULL,
  absconded      INTEGER NOT NULL,
  appeal_pending INTEGER NOT NULL,
  appeal_ended   TEXT,
  clock          TEXT,             -- the 24-week clock's status; null: no such clock
  deadline       TEXT,
  deadline_ms    INTEGER,          -- the deadline, comparable
  escalation     INTEGER,
  sync_failed    INTEGER NOT NULL DEFAULT 0 -- 1: a system of record rejected a change for good (added later: FIGURES_SYNC)
) STRICT;
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
-- The summary counts each figure on an index of its own column(s): a count reads the cases that
-- have the figure, not every case (a pass over every case's figures was 200 ms at 250,000).
CREATE INDEX IF NOT EXISTS figures_clock ON figures (clock, deadline_ms);
CREATE INDEX IF NOT EXISTS figures_status ON figures (status);
CREATE INDEX IF NOT EXISTS figures_pending ON figures (appeal_pending);
CREATE INDEX IF NOT EXISTS figures_absconded ON figures (absconded);
CREATE INDEX IF NOT EXISTS figures_appeals ON figures (appeals);
CREATE INDEX IF NOT EXISTS figures_escalation ON figures (escalation);
CREATE INDEX IF NOT EXISTS figures_ended ON figures (appeal_ended);
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

/**
 * The sync-failure flag, added to figures after them: a file made before gains the column (0 for
 * every case until its next change, or the nightly reconciliation or a rebuild finds it failed),
 * then its index, which cannot be created before the column exists.
 */
const FIGURES_SYNC = {
  column: 'ALTER TABLE figures ADD COLUMN sync_failed INTEGER NOT NULL DEFAULT 0',
  index: 'CREATE INDEX IF NOT EXISTS figures_sync_failed ON figures (sync_failed)',
};

/**
 * Every table with rows of a case: an erasure, a rebuild and a repair clear them all (and take the
 * case's stays out of stay_days' counts first: `dropCase`).
 */
const CASE_TABLES = ['stays', 'positions', 'assignments', 'duty_appeals', 'figures'] as const;

/** The day counts as the stays make them (the same rows stay_days should hold, zeroes left out). */
const RECOUNTED = `
SELECT stage, day, sum(e) AS entered_n, sum(l) AS left_n, sum(o) AS open_n FROM (
  SELECT stage, entered_on AS day, 1 AS e, 0 AS l, left_on IS NULL AS o FROM stays
  UNION ALL SELECT stage, left_on, 0, 1, 0 FROM stays WHERE left_on IS NOT NULL
) GROUP BY stage, day`;
const KEPT = 'SELECT stage, day, entered_n, left_n, open_n FROM stay_days WHERE entered_n OR left_n OR open_n';

/** One message applied: new or a duplicate (both acknowledged), or a gap (refused: the retry brings it in order). */
export type ApplyOutcome = { kind: 'applied' } | { kind: 'duplicate' } | { kind: 'gap'; expected: number };

/** What the model hears of a change: a reporting message of the outbox (its facts absent on older ones). */
export type ReportingMessage = Pick<
  OutboundMessage,
  'caseId' | 'seq' | 'event' | 'at' | 'after' | 'figures' | 'reporting'
>;

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
  /**
   * Stays open at the end of each of `ends` (entered on or before it, not left by it), by stage,
   * stages with none left out: the day counts added up to each day, not the stays counted.
   */
  openAtEnd(ends: readonly string[]): Promise<Array<{ day: string; stage: Stage; n: number }>>;
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
  replaceAll(fill: (writes: ReportingWrites) => Promise<void>): Promise<void>;
  close(): Promise<void>;
  // The summary, its reconciliation and the cases behind each figure (#20).
  /** Each case's figures, for the rebuild's comparison and the tests. */
  figures(): Promise<FiguresRow[]>;
  /** A case's figures set outright: the rebuild's, for a case whose latest change came without them. */
  putFigures(caseId: string, seq: number, figures: CaseFigures): Promise<void>;
  /** The summary's counts: positions by stage, and one pass over the figures. `dueBefore`: an instant (ISO). */
  summaryCounts(dueBefore: string): Promise<SummaryCounts>;
  /** Cases by status (their figures), for reconciliation with visibility. */
  statusCounts(): Promise<Array<{ status: string; n: number }>>;
  /**
   * Where each stored case stands (stage, status and sync-failure flag when known), and whether its rows agree with each
   * other (one open stay, the position's; figures of the same change): reconciliation's candidates.
   */
  standings(): Promise<
    Map<string, { seq: number; stage: Stage; status: string | null; syncFailed: boolean | null; consistent: boolean }>
  >;
  /**
   * One case's rows remade, like replaceAll for the whole model: its rows are deleted and `fill`
   * applies its changes, in one write transaction (deliveries meanwhile wait and are retried).
   */
  replaceCase(caseId: string, fill: (writes: ReportingWrites) => Promise<void>): Promise<void>;
  /** The cases behind a figure, by case id (code-point order), `limit` after `after` (keyset paging). */
  casesBehind(figure: FigureCases, page: { after?: string; limit: number }): Promise<string[]>;
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
  /**
   * Messages applied in order in one write transaction, each as `apply` would: for seeding a model
   * in bulk (the reports' benchmark), where a transaction per message would be the whole cost.
   */
  applyAll(messages: readonly ReportingMessage[]): Promise<ApplyOutcome[]>;
  /**
   * The day counts checked against the stays they count, and made equal: how many (stage, day) rows
   * differed (0: none). Reconciliation's last step: rows written or removed outside the projection
   * (a restored backup, a hand edit) leave the counts wrong, and a repair of a case cannot see that.
   */
  recountDays(): Promise<number>;
  /** Each work stage's longest-waiting open cases: `perStage` of them, oldest entry first. */
  oldestOpen(perStage: number): Promise<Array<{ stage: Stage; caseId: string; enteredOn: string }>>;
}

/**
 * The writes a replacement's `fill` makes, inside its transaction: on PostgreSQL the store's own
 * methods would take another connection, outside it, and wait on its locks.
 */
export type ReportingWrites = Pick<ReportingStore, 'apply' | 'putFigures'>;

/** The cases behind one figure of a report. */
export type FigureCases =
  | { report: 'flow'; which: 'entered' | 'left'; stage: Stage; from: string; to: string }
  /** Stays in `stage` open at the end of `on`: those openAtEnd counts. */
  | { report: 'flow'; which: 'open'; stage: Stage; on: string }
  /** Open stays in `stage` entered within [from, to] (the ages asked for, as days). */
  | { report: 'ageing'; stage: Stage; from: string; to: string }
  | {
      report: 'summary';
      figure: SummaryFigure;
      stage?: Stage;
      how?: AppealEnding['how'];
      /** As summaryCounts' (ISO instant). */
      dueBefore: string;
    }
  /** Stays in `stage` with that cohort flag left within [from, to]: those completedStays counts. */
  | { report: 'time-in-stage'; stage: Stage; cohort: boolean; from: string; to: string }
  /** Appeals in the duty started within [from, to] with that outcome on `today`: those dutyByWeek counts. */
  | { report: 'compliance'; outcome: DutyOutcome; from: string; to: string; today: string }
  /**
   * Open stays in `stage` of the assignee's cases (null: unassigned), as openWork counts them;
   * `longBy`: only those entered on or before it (the long stays).
   */
  | { report: 'workload'; stage: Stage; assignee: string | null; longBy?: string };

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
    const columns = db.prepare<[], { name: string }>("SELECT name FROM pragma_table_info('figures')").all();
    if (!columns.some((c) => c.name === 'sync_failed')) db.exec(FIGURES_SYNC.column);
    db.exec(FIGURES_SYNC.index);
  }).immediate();
  db.transaction(() => {
    if (!db.prepare('SELECT 1 FROM stay_days LIMIT 1').get() && db.prepare('SELECT 1 FROM stays LIMIT 1').get())
      db.exec(`INSERT INTO stay_days (stage, day, entered_n, left_n, open_n) ${RECOUNTED}`);
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
  const staysOf = db.prepare<[string], { stage: Stage; enteredOn: string; leftOn: string | null }>(
    'SELECT stage, entered_on AS enteredOn, left_on AS leftOn FROM stays WHERE case_id = ?',
  );
  const deleteCaseRows = CASE_TABLES.map((table) => db.prepare<[string]>(`DELETE FROM ${table} WHERE case_id = ?`));
  /** A case's rows gone, its stays taken out of the day counts first. */
  const dropCase = (caseId: string) => {
    for (const { stage, enteredOn, leftOn } of staysOf.all(caseId)) {
      count.run({ stage, day: enteredOn, entered: -1, left: 0, open: leftOn === null ? -1 : 0 });
      if (leftOn !== null) count.run({ stage, day: leftOn, entered: 0, left: -1, open: 0 });
    }
    for (const remove of deleteCaseRows) remove.run(caseId);
  };
  // A flag not sent (a message queued before it was) keeps the one the case had.
  const putFiguresRow = db.prepare(
    `INSERT OR REPLACE INTO figures (case_id, seq, status, appeals, absconded, appeal_pending, appeal_ended, clock, deadline, deadline_ms, escalation, sync_failed)
     VALUES (@caseId, @seq, @status, @appeals, @absconded, @appealPending, @appealEnded, @clock, @deadline, @deadlineMs, @escalation,
       coalesce(@syncFailed, (SELECT sync_failed FROM figures WHERE case_id = @caseId), 0))`,
  );
  const putFigures = (caseId: string, seq: number, f: SentFigures) =>
    putFiguresRow.run({
      caseId,
      seq,
      status: f.status,
      appeals: f.appeals,
      absconded: f.absconded ? 1 : 0,
      appealPending: f.appealPending ? 1 : 0,
      appealEnded: f.appealEnded,
      clock: f.clock?.status ?? null,
      deadline: f.clock?.deadline ?? null,
      deadlineMs: f.clock ? Date.parse(f.clock.deadline) : null,
      escalation: f.clock?.escalation ?? null,
      syncFailed: f.syncFailed === undefined ? null : f.syncFailed ? 1 : 0,
    });
  const dropFigures = db.prepare('DELETE FROM figures WHERE case_id = ?');
  const write = (caseId: string, { position, closes, opens }: StayChange, figures: SentFigures | undefined) => {
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
    // A change queued before figures were sent leaves the case's unknown, not stale.
    if (figures) putFigures(caseId, position.seq, figures);
    else dropFigures.run(caseId);
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
  const applyOne = (message: ReportingMessage): ApplyOutcome => {
    if (isSyncStatus(message)) {
      const step = syncStatusStep(positionOf.get(message.caseId) ?? null, message);
      if (step.kind !== 'apply') return step;
      if (message.figures) putFigures(message.caseId, message.seq, message.figures);
      return { kind: 'applied' };
    }
    const step = reportingStep(positionOf.get(message.caseId) ?? null, message);
    if (step.kind !== 'apply') return step;
    write(message.caseId, step.change, message.figures);
    // Messages recorded before they carried facts leave them as they were.
    if (message.reporting) writeFacts(message.caseId, message.reporting);
    return { kind: 'applied' };
  };
  const apply = db.transaction(applyOne);
  // One transaction for the batch, no savepoint per message: what makes bulk seeding fast.
  const applyAll = db.transaction((messages: readonly ReportingMessage[]) => messages.map(applyOne));

  // Each case has one open stay, in the stage it is in: the day counts' open stays by stage are the
  // cases by stage, a few thousand rows to add up rather than a row a case.
  const stageCounts = db.prepare<[], { stage: Stage; n: number }>(
    'SELECT stage, sum(open_n) AS n FROM stay_days GROUP BY stage',
  );
  const endingCounts = db.prepare<[], { how: AppealEnding['how']; n: number }>(
    'SELECT appeal_ended AS how, count(*) AS n FROM figures WHERE appeal_ended IS NOT NULL GROUP BY appeal_ended',
  );
  // Each counted figure by its own index (figures_*): one statement holding a count a figure.
  const counted = db.prepare<[{ dueBefore: number }], SummaryCounts['counted']>(
    `SELECT ${COUNTED_FIGURES.map((k) => `(SELECT count(*) FROM figures f WHERE ${FIGURE_CONDITIONS[k]}) AS "${k}"`).join(', ')}`,
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
  const weeklyCounts: ReportingStore['weeklyCounts'] = async (which, from, to) =>
    byWeek(from, (which === 'entered' ? entered : left).all({ from, to }));
  const openAges: ReportingStore['openAges'] = async (today) => agesOn(today, openByDay.all());
  const netByDay = db.prepare<[{ first: string; last: string }], { day: string; stage: Stage; n: number }>(
    OPEN_NET_SQL,
  );

  const differing = db.prepare<[], { n: number }>(
    `SELECT (SELECT count(*) FROM (${KEPT} EXCEPT ${RECOUNTED})) + (SELECT count(*) FROM (${RECOUNTED} EXCEPT ${KEPT})) AS n`,
  );
  const recountDays = db.transaction(() => {
    const { n } = differing.get()!;
    if (n > 0)
      db.exec(`DELETE FROM stay_days; INSERT INTO stay_days (stage, day, entered_n, left_n, open_n) ${RECOUNTED}`);
    return n;
  });
  // One range of stays_open a stage (stage, entered_on): as cheap at 250,000 cases as at ten.
  const oldestOf = db.prepare<{ stage: Stage; limit: number }, { caseId: string; enteredOn: string }>(
    `SELECT case_id AS caseId, entered_on AS enteredOn FROM stays WHERE left_on IS NULL AND stage = @stage
     ORDER BY entered_on, case_id LIMIT @limit`,
  );

  const forget = db.transaction((caseId: string) => dropCase(caseId));
  // Inside replaceAll's or replaceCase's transaction: each a savepoint within it.
  const writes: ReportingWrites = {
    apply: async (message) => apply(message),
    putFigures: async (caseId, seq, figures) => {
      putFigures(caseId, seq, figures);
    },
  };
  /** `work` in one write transaction, awaited: replaceAll's and replaceCase's, whose fill reads histories. */
  const writing = async (work: () => Promise<void>) => {
    db.exec('BEGIN IMMEDIATE');
    try {
      await work();
      db.exec('COMMIT');
    } catch (err) {
      db.exec('ROLLBACK');
      throw err;
    }
  };

  // better-sqlite3 is synchronous: each method is its synchronous body behind `async`, so a thrown
  // error (SQLITE_BUSY, a full disk) is the promise's rejection, as on PostgreSQL.
  return {
    apply: async (message) => apply.immediate(message),
    weeklyCounts,
    openAges,
    openAtEnd: async (ends) => {
      const sorted = [...ends].sort();
      return sorted.length ? openAtEnds(sorted, netByDay.all({ first: sorted[0]!, last: sorted.at(-1)! })) : [];
    },
    forget: async (caseId) => forget.immediate(caseId),
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
    replaceAll: (fill) =>
      writing(async () => {
        for (const table of [...CASE_TABLES, 'stay_days']) db.exec(`DELETE FROM ${table}`);
        await fill(writes);
      }),
    close: async () => {
      db.close();
    },
    figures: async () => db.prepare<[], FiguresSql>(`SELECT * FROM figures ORDER BY case_id`).all().map(figuresRowOf),
    putFigures: writes.putFigures,
    async summaryCounts(dueBefore) {
      const byStage = emptyByStage();
      for (const { stage, n } of stageCounts.all()) byStage[stage] = n;
      const endings = emptyEndings();
      for (const { how, n } of endingCounts.all()) endings[how] = n;
      return { byStage, endings, counted: counted.get({ dueBefore: Date.parse(dueBefore) })! };
    },
    statusCounts: async () =>
      db
        .prepare<[], { status: string; n: number }>(
          'SELECT status, count(*) AS n FROM figures GROUP BY status ORDER BY status',
        )
        .all(),
    standings: async () =>
      new Map(
        db
          .prepare<
            [],
            {
              caseId: string;
              seq: number;
              stage: Stage;
              status: string | null;
              syncFailed: number | null;
              consistent: number;
            }
          >(
            `SELECT p.case_id AS caseId, p.seq, p.stage, f.status, f.sync_failed AS syncFailed,
               (f.seq IS NULL OR f.seq = p.seq)
               AND (SELECT count(*) FROM stays s WHERE s.case_id = p.case_id AND s.left_on IS NULL) = 1
               AND EXISTS (SELECT 1 FROM stays s WHERE s.case_id = p.case_id AND s.left_on IS NULL
                           AND s.stage = p.stage AND s.entered_on = p.entered_on) AS consistent
             FROM positions p LEFT JOIN figures f ON f.case_id = p.case_id`,
          )
          .all()
          .map(({ caseId, consistent, syncFailed, ...standing }) => [
            caseId,
            { ...standing, syncFailed: syncFailed === null ? null : syncFailed === 1, consistent: consistent === 1 },
          ]),
      ),
    replaceCase: (caseId, fill) =>
      writing(async () => {
        dropCase(caseId);
        await fill(writes);
      }),
    async casesBehind(figure, { after, limit }) {
      const { sql, params } = casesBehindSql(figure);
      return db
        .prepare<Record<string, unknown>, { caseId: string }>(
          `SELECT DISTINCT case_id AS caseId FROM (${sql}) WHERE case_id > @after ORDER BY case_id LIMIT @limit`,
        )
        .all({ ...params, after: after ?? '', limit })
        .map((r) => r.caseId);
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
    applyAll: async (messages) => applyAll.immediate(messages),
    recountDays: async () => recountDays.immediate(),
    oldestOpen: async (perStage) =>
      STAGES.filter(isOpenWork).flatMap((stage) =>
        oldestOf.all({ stage, limit: perStage }).map((r) => ({ stage, ...r })),
      ),
  };
}

/** Day counts (stay_days' rows) by stage and the week from `from` they fall in: both backends' weeklyCounts. */
export function byWeek(from: string, days: Iterable<{ day: string; stage: Stage; n: number }>) {
  const weeks = new Map<string, { week: number; stage: Stage; n: number }>();
  for (const { day, stage, n } of days) {
    const week = Math.floor(daysBetween(from, day) / 7);
    const row = weeks.get(`${week} ${stage}`) ?? { week, stage, n: 0 };
    row.n += n;
    weeks.set(`${week} ${stage}`, row);
  }
  return [...weeks.values()].sort((a, b) => a.week - b.week || (a.stage < b.stage ? -1 : a.stage > b.stage ? 1 : 0));
}

/**
 * Each stage's stays entered less those left, by day up to `@last`, the days up to `@first` summed
 * into one row (on `@first`; grouped in the key's order, stage then day: no sort). A stay is open
 * at the end of a day when it entered by then and had not left, so the running sum of this at each
 * day is the stays open at its end. Every stay is in stay_days' entered_n on its entry day and its
 * left_n on its leaving day (both kept with the stay, and recounted from the stays: RECOUNTED).
 * Both backends' SQL (`@name` parameters).
 */
export const OPEN_NET_SQL = `
SELECT CAST(@first AS TEXT) AS day, stage, sum(entered_n - left_n) AS n FROM stay_days WHERE day <= @first GROUP BY stage
UNION ALL SELECT day, stage, entered_n - left_n FROM stay_days WHERE day > @first AND day <= @last`;

/**
 * Open stays at the end of each of `ends` (sorted), from OPEN_NET_SQL's rows: both backends'
 * openAtEnd (PostgreSQL's sum is a bigint, which its client gives as a string).
 */
export function openAtEnds(
  ends: readonly string[],
  net: ReadonlyArray<{ day: string; stage: Stage; n: number | string }>,
) {
  const days = [...net].sort((a, b) => (a.day < b.day ? -1 : a.day > b.day ? 1 : 0));
  const open = new Map<Stage, number>();
  const out: Array<{ day: string; stage: Stage; n: number }> = [];
  let i = 0;
  for (const end of ends) {
    for (; i < days.length && days[i]!.day <= end; i++)
      open.set(days[i]!.stage, (open.get(days[i]!.stage) ?? 0) + Number(days[i]!.n));
    for (const stage of STAGES) if (open.get(stage)) out.push({ day: end, stage, n: open.get(stage)! });
  }
  return out;
}

/**
 * Open stays by day entered, as ages on `today`; the rows come by stage and newest day first, so
 * ages come out youngest first, as the histogram wants them.
 */
export const agesOn = (today: string, days: ReadonlyArray<{ stage: Stage; day: string; n: number }>) =>
  days.map(({ stage, day, n }) => ({ stage, age: daysBetween(day, today), n }));

/**
 * The rows (each with a case_id) behind a figure, and the parameters they take (`@name`): shared
 * by both backends, whose conditions are the same SQL.
 */
export function casesBehindSql(figure: FigureCases): { sql: string; params: Record<string, unknown> } {
  switch (figure.report) {
    case 'flow': {
      if (figure.which === 'open')
        return {
          sql: 'SELECT case_id FROM stays WHERE stage = @stage AND entered_on <= @on AND (left_on IS NULL OR left_on > @on)',
          params: { stage: figure.stage, on: figure.on },
        };
      const column = figure.which === 'entered' ? 'entered_on' : 'left_on';
      return {
        sql: `SELECT case_id FROM stays WHERE stage = @stage AND ${column} BETWEEN @from AND @to`,
        params: { stage: figure.stage, from: figure.from, to: figure.to },
      };
    }
    case 'ageing':
      return {
        sql: 'SELECT case_id FROM stays WHERE left_on IS NULL AND stage = @stage AND entered_on BETWEEN @from AND @to',
        params: { stage: figure.stage, from: figure.from, to: figure.to },
      };
    case 'summary': {
      const { figure: name } = figure;
      if (name === 'openCases') return { sql: 'SELECT case_id FROM positions', params: {} };
      if (name === 'backlogByStage')
        return { sql: 'SELECT case_id FROM positions WHERE stage = @stage', params: { stage: figure.stage } };
      if (name === 'appealsEnded')
        return { sql: 'SELECT case_id FROM figures WHERE appeal_ended = @how', params: { how: figure.how } };
      return {
        sql: `SELECT f.case_id FROM figures f WHERE ${FIGURE_CONDITIONS[name]}`,
        params: name === 'twentyFourWeeks.dueWithin4Weeks' ? { dueBefore: Date.parse(figure.dueBefore) } : {},
      };
    }
    case 'time-in-stage':
      // 1 or 0: SQLite binds no booleans, and PostgreSQL reads '1' and '0' as booleans.
      return {
        sql: 'SELECT case_id FROM stays WHERE left_on BETWEEN @from AND @to AND stage = @stage AND cohort = @cohort',
        params: { stage: figure.stage, cohort: figure.cohort ? 1 : 0, from: figure.from, to: figure.to },
      };
    case 'compliance':
      return {
        sql: `SELECT case_id FROM duty_appeals WHERE started_on BETWEEN @from AND @to AND ${OUTCOME_CONDITIONS[figure.outcome]}`,
        params: { from: figure.from, to: figure.to, today: figure.today },
      };
    case 'workload': {
      // A case never assigned has no assignments row: unassigned, as openWork groups it.
      const whose = figure.assignee === null ? 'a.assignee IS NULL' : 'a.assignee = @assignee';
      return {
        sql: `SELECT s.case_id FROM stays s LEFT JOIN assignments a ON a.case_id = s.case_id
              WHERE s.left_on IS NULL AND s.stage = @stage AND ${whose}${figure.longBy ? ' AND s.entered_on <= @longBy' : ''}`,
        params: { stage: figure.stage, assignee: figure.assignee, longBy: figure.longBy },
      };
    }
  }
}
