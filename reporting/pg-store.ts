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
import { reportingStep, type Stage, type StayChange } from '../domain/index.js';
import type { ApplyOutcome, ReportingMessage, ReportingStore, StayRow } from './store.js';

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
`;

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
    // Positions first, as apply and replaceAll lock them: the same order everywhere, no deadlock.
    forget: (caseId) =>
      inTransaction(pool, async (c) => {
        await c.query('DELETE FROM positions WHERE case_id = $1', [caseId]);
        await c.query('DELETE FROM stays WHERE case_id = $1', [caseId]);
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
        await c.query('LOCK TABLE positions, stays IN EXCLUSIVE MODE');
        await c.query('DELETE FROM stays');
        await c.query('DELETE FROM positions');
        await fill((message) => decideAndWrite(c, message));
      }),
    close: () => pool.end(),
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
