/**
 * The reporting read model on PostgreSQL (#20), for the cluster topology: workers on several hosts
 * deliver to it and API processes on several hosts read it, which one SQLite file on one disk
 * cannot serve. The same tables and the same rules as the SQLite store (reporting/store.ts); only
 * the SQL is this dialect's (days are still YYYY-MM-DD text, cast to date for the arithmetic).
 *
 * Through `pg` (node-postgres), a pool per process. Each message is read, decided and written in
 * one transaction holding the case's position row (SELECT … FOR UPDATE), so a retried delivery
 * racing a dying worker's waits for it and then sees it as a duplicate.
 */
import pg from 'pg';
import {
  isOpenWork,
  reportingStep,
  STAGES,
  type DutyStanding,
  type ReportingFacts,
  type Stage,
  type StayChange,
} from '../domain/index.js';
import type { ApplyOutcome, DutyAppealRow, ReportingMessage, ReportingStore, StayRow } from './store.js';

// Columns as the SQLite store's; `cohort` a boolean. The lock serialises two processes creating
// the tables at once (CREATE … IF NOT EXISTS alone can fail on the catalogue's unique index).
const SCHEMA = `
SELECT pg_advisory_xact_lock(20200020);
CREATE TABLE IF NOT EXISTS positions (
  case_id    TEXT PRIMARY KEY,
  seq        INTEGER NOT NULL,
  stage      TEXT NOT NULL,
  entered_on TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS stays (
  case_id    TEXT NOT NULL,
  seq        INTEGER NOT NULL,
  stage      TEXT NOT NULL,
  entered_on TEXT NOT NULL,
  left_on    TEXT,
  cohort     BOOLEAN NOT NULL,
  PRIMARY KEY (case_id, seq)
);
CREATE INDEX IF NOT EXISTS stays_entered ON stays (entered_on, stage);
CREATE INDEX IF NOT EXISTS stays_left ON stays (left_on, stage) WHERE left_on IS NOT NULL;
CREATE INDEX IF NOT EXISTS stays_open ON stays (stage, entered_on) WHERE left_on IS NULL;
CREATE TABLE IF NOT EXISTS assignments (
  case_id  TEXT PRIMARY KEY,
  assignee TEXT
);
CREATE TABLE IF NOT EXISTS duty_appeals (
  case_id    TEXT NOT NULL,
  started_on TEXT NOT NULL,
  last_day   TEXT NOT NULL,
  state      TEXT NOT NULL,
  decided_on TEXT,
  PRIMARY KEY (case_id, started_on)
);
CREATE INDEX IF NOT EXISTS duty_appeals_started ON duty_appeals (started_on);
`;

/** Every table, in the order every transaction that writes several locks them: no two wait on each other. */
const TABLES = ['positions', 'stays', 'assignments', 'duty_appeals'] as const;

/** The stages of open work, as the SQLite store lists them: each a range of stays_open. */
const OPEN_WORK = STAGES.filter(isOpenWork);

/** One connection or the pool: both answer `query`. */
type Queryable = Pick<pg.PoolClient, 'query'>;

/**
 * `lockTimeoutMs`: how long a write waits for a lock (the rebuild's, or another delivery of the same
 * case) before it fails and the workflow retries it; the worker's is short, as on SQLite.
 */
export async function openPgReportingStore(url: string, { lockTimeoutMs = 5_000 } = {}): Promise<ReportingStore> {
  const pool = new pg.Pool({
    connectionString: url,
    options: `-c lock_timeout=${Math.trunc(lockTimeoutMs)}`,
    connectionTimeoutMillis: 10_000,
    max: 4,
  });
  // An idle connection the server closed: the pool drops it and the next query opens another.
  pool.on('error', () => {});
  try {
    await inTransaction(pool, (c) => c.query(SCHEMA));
  } catch (err) {
    await pool.end();
    throw new Error(`reporting database ${redacted(url)}: ${(err as Error).message}`);
  }

  // Holds the position row until commit; none yet (a case's first message): the insert below is the guard.
  const decideAndWrite = async (c: Queryable, message: ReportingMessage): Promise<ApplyOutcome> => {
    for (;;) {
      const { rows } = await c.query<{ seq: number; stage: Stage; enteredOn: string }>(
        'SELECT seq, stage, entered_on AS "enteredOn" FROM positions WHERE case_id = $1 FOR UPDATE',
        [message.caseId],
      );
      const current = rows[0] ?? null;
      const step = reportingStep(current, message);
      if (step.kind !== 'apply') return step;
      // Another delivery inserted the case's first position meanwhile: read it again (READ COMMITTED:
      // the next statement sees its commit) and decide afresh, a duplicate now.
      if (!(await putPosition(c, message.caseId, step.change, current !== null))) continue;
      await writeStays(c, message.caseId, step.change);
      // Messages recorded before they carried facts leave them as they were.
      if (message.reporting) await writeFacts(c, message.caseId, message.reporting);
      return { kind: 'applied' };
    }
  };

  const weekly = (column: 'entered_on' | 'left_on') =>
    `SELECT (${column}::date - $1::text::date) / 7 AS week, stage, count(*)::int AS n
     FROM stays WHERE ${column} BETWEEN $1 AND $2 GROUP BY week, stage ORDER BY week, stage COLLATE "C"`;

  return {
    apply: (message) => inTransaction(pool, (c) => decideAndWrite(c, message)),
    weeklyCounts: async (which, from, to) =>
      (await pool.query(weekly(which === 'entered' ? 'entered_on' : 'left_on'), [from, to])).rows,
    openAges: async (today) =>
      (
        await pool.query(
          `SELECT stage, $1::date - entered_on::date AS age, count(*)::int AS n
           FROM stays WHERE left_on IS NULL GROUP BY stage, age ORDER BY stage COLLATE "C", age`,
          [today],
        )
      ).rows,
    forget: (caseId) =>
      inTransaction(pool, async (c) => {
        for (const table of TABLES) await c.query(`DELETE FROM ${table} WHERE case_id = $1`, [caseId]);
      }),
    // COLLATE "C": code-point order, as SQLite sorts text, whatever the database's locale.
    positions: async () =>
      (
        await pool.query(
          `SELECT case_id AS "caseId", seq, stage, entered_on AS "enteredOn" FROM positions ORDER BY case_id COLLATE "C"`,
        )
      ).rows,
    stays: async () =>
      (
        await pool.query<StayRow>(
          `SELECT case_id AS "caseId", seq, stage, entered_on AS "enteredOn", left_on AS "leftOn", cohort
           FROM stays ORDER BY case_id COLLATE "C", seq`,
        )
      ).rows,
    replaceAll: (fill) =>
      inTransaction(pool, async (c) => {
        // EXCLUSIVE: deliveries wait (their lock timeout, then a retry), readers read the old model until commit.
        await c.query(`LOCK TABLE ${TABLES.join(', ')} IN EXCLUSIVE MODE`);
        for (const table of TABLES) await c.query(`DELETE FROM ${table}`);
        await fill((message) => decideAndWrite(c, message));
      }),
    close: () => pool.end(),
    completedStays: async (from, to) =>
      (
        await pool.query(
          `SELECT stage, cohort, left_on::date - entered_on::date AS age, count(*)::int AS n
           FROM stays WHERE left_on BETWEEN $1 AND $2 GROUP BY stage, cohort, age ORDER BY stage COLLATE "C", cohort, age`,
          [from, to],
        )
      ).rows,
    // Grouped by the standing dutyOutcome reads (domain/reporting-facts.ts `dutyStanding`, in SQL).
    dutyByWeek: async (from, to, today) =>
      (
        await pool.query<DutyStanding & { week: number; n: number }>(
          `SELECT (started_on::date - $1::text::date) / 7 AS week, state,
             coalesce(decided_on > last_day, false) AS "decidedLate", $3::text > last_day AS "pastLastDay",
             count(*)::int AS n
           FROM duty_appeals WHERE started_on BETWEEN $1 AND $2
           GROUP BY week, state, "decidedLate", "pastLastDay" ORDER BY week, state COLLATE "C", "decidedLate", "pastLastDay"`,
          [from, to, today],
        )
      ).rows,
    // A case never assigned (or heard of before assignments were sent) has no row: unassigned.
    openWork: async (longBy) =>
      (
        await pool.query(
          `SELECT a.assignee AS assignee, s.stage AS stage, count(*)::int AS open,
             min(s.entered_on COLLATE "C") AS "oldestEnteredOn", (count(*) FILTER (WHERE s.entered_on <= $1))::int AS long
           FROM stays s LEFT JOIN assignments a ON a.case_id = s.case_id
           WHERE s.left_on IS NULL AND s.stage = ANY($2::text[])
           GROUP BY a.assignee, s.stage ORDER BY a.assignee IS NULL, a.assignee COLLATE "C", s.stage COLLATE "C"`,
          [longBy, OPEN_WORK],
        )
      ).rows,
    assignments: async () =>
      (await pool.query('SELECT case_id AS "caseId", assignee FROM assignments ORDER BY case_id COLLATE "C"')).rows,
    dutyAppeals: async () =>
      (
        await pool.query<DutyAppealRow>(
          `SELECT case_id AS "caseId", started_on AS "startedOn", last_day AS "lastDay", state, decided_on AS "decidedOn"
           FROM duty_appeals ORDER BY case_id COLLATE "C", started_on`,
        )
      ).rows,
  };
}

/** Writes the case's position; false when its first position was inserted by someone else meanwhile. */
async function putPosition(c: Queryable, caseId: string, { position }: StayChange, exists: boolean) {
  const values = [caseId, position.seq, position.stage, position.enteredOn];
  if (exists) {
    await c.query('UPDATE positions SET seq = $2, stage = $3, entered_on = $4 WHERE case_id = $1', values);
    return true;
  }
  const inserted = await c.query(
    'INSERT INTO positions (case_id, seq, stage, entered_on) VALUES ($1, $2, $3, $4) ON CONFLICT (case_id) DO NOTHING',
    values,
  );
  return inserted.rowCount === 1;
}

async function writeStays(c: Queryable, caseId: string, { position, closes, opens }: StayChange) {
  if (closes)
    await c.query('UPDATE stays SET left_on = $3 WHERE case_id = $1 AND stage = $2 AND left_on IS NULL', [
      caseId,
      closes.stage,
      closes.leftOn,
    ]);
  if (opens)
    await c.query(
      'INSERT INTO stays (case_id, seq, stage, entered_on, left_on, cohort) VALUES ($1, $2, $3, $4, NULL, $5)',
      [caseId, position.seq, opens.stage, opens.enteredOn, opens.cohort],
    );
}

/**
 * The case's assignee and its current appeal's 24-week duty. A live duty the case no longer holds
 * was removed by the domain (it never applied); a decided or ended one keeps its record.
 */
async function writeFacts(c: Queryable, caseId: string, { assignee, duty }: ReportingFacts) {
  await c.query(
    `INSERT INTO assignments (case_id, assignee) VALUES ($1, $2)
     ON CONFLICT (case_id) DO UPDATE SET assignee = excluded.assignee`,
    [caseId, assignee],
  );
  await c.query(
    `DELETE FROM duty_appeals WHERE case_id = $1 AND started_on IS DISTINCT FROM $2
     AND state IN ('open', 'exception') AND decided_on IS NULL`,
    [caseId, duty?.startedOn ?? null],
  );
  if (duty)
    await c.query(
      `INSERT INTO duty_appeals (case_id, started_on, last_day, state, decided_on) VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (case_id, started_on) DO UPDATE SET
         last_day = excluded.last_day, state = excluded.state, decided_on = excluded.decided_on`,
      [caseId, duty.startedOn, duty.lastDay, duty.state, duty.decidedOn],
    );
}

/** `work` on one connection between BEGIN and COMMIT; ROLLBACK when it throws. */
async function inTransaction<T>(pool: pg.Pool, work: (c: pg.PoolClient) => Promise<T>): Promise<T> {
  const c = await pool.connect();
  let broken = false;
  try {
    await c.query('BEGIN');
    const result = await work(c);
    await c.query('COMMIT');
    return result;
  } catch (err) {
    // A connection that cannot even roll back is dropped, not handed to the next caller.
    await c.query('ROLLBACK').catch(() => (broken = true));
    throw err;
  } finally {
    c.release(broken);
  }
}

/** The URL without its password, for messages and logs. */
export const redacted = (url: string) => {
  const u = new URL(url);
  if (u.password) u.password = '***';
  return u.toString();
};
