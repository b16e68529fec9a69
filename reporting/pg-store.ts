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
  isSyncStatus,
  reportingStep,
  STAGES,
  syncStatusStep,
  type AppealEnding,
  type SentFigures,
  type DutyStanding,
  type ReportingFacts,
  type Stage,
  type StayChange,
} from '../domain/index.js';
import {
  COUNTED_FIGURES,
  emptyByStage,
  emptyEndings,
  FIGURE_CONDITIONS,
  type SummaryCounts,
  figuresRowOf,
  type FiguresSql,
} from './figures.js';
import {
  agesOn,
  byWeek,
  casesBehindSql,
  OPEN_NET_SQL,
  openAtEnds,
  type ApplyOutcome,
  type DutyAppealRow,
  type ReportingMessage,
  type ReportingStore,
  type ReportingWrites,
  type StayRow,
} from './store.js';

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
-- Integers for the flags, as on SQLite: the figures' conditions (reporting/figures.ts) are shared.
CREATE TABLE IF NOT EXISTS figures (
  case_id        TEXT PRIMARY KEY,
  seq            INTEGER NOT NULL,
  status         TEXT NOT NULL,
  appeals        INTEGER NOT NULL,
  absconded      INTEGER NOT NULL,
  appeal_pending INTEGER NOT NULL,
  appeal_ended   TEXT,
  clock          TEXT,
  deadline       TEXT,
  deadline_ms    BIGINT,
  escalation     INTEGER,
  sync_failed    INTEGER NOT NULL DEFAULT 0
);
-- Added after the others: a database made before gains it (0 until the case's next change, the
-- nightly reconciliation or a rebuild). No index, as the other figures: counted in one pass.
ALTER TABLE figures ADD COLUMN IF NOT EXISTS sync_failed INTEGER NOT NULL DEFAULT 0;
CREATE TABLE IF NOT EXISTS stay_days (
  stage      TEXT NOT NULL,
  day        TEXT NOT NULL,
  entered_n  INTEGER NOT NULL,
  left_n     INTEGER NOT NULL,
  open_n     INTEGER NOT NULL,
  PRIMARY KEY (stage, day)
);
`;

/**
 * Every table, in the order every transaction that writes several locks them: no two wait on each
 * other. A delivery holds its case's position row first, so two writes of one case queue there;
 * the day counts, shared by every case, last (DayCounts).
 */
const TABLES = ['positions', 'stays', 'figures', 'assignments', 'duty_appeals', 'stay_days'] as const;
/** The tables with rows of a case (all but the day counts), in the same order. */
const CASE_TABLES = TABLES.filter((t) => t !== 'stay_days');

/** The day counts as the stays make them (as the SQLite store's RECOUNTED). */
const RECOUNTED = `
SELECT stage, day, sum(e)::int AS entered_n, sum(l)::int AS left_n, sum(o)::int AS open_n FROM (
  SELECT stage, entered_on AS day, 1 AS e, 0 AS l, CASE WHEN left_on IS NULL THEN 1 ELSE 0 END AS o FROM stays
  UNION ALL SELECT stage, left_on, 0, 1, 0 FROM stays WHERE left_on IS NOT NULL
) AS counted GROUP BY stage, day`;
const KEPT =
  'SELECT stage, day, entered_n, left_n, open_n FROM stay_days WHERE entered_n <> 0 OR left_n <> 0 OR open_n <> 0';
/** Writers of stays and their counts wait while these are recounted; readers go on. */
const LOCK_FOR_RECOUNT = 'LOCK TABLE stays, stay_days IN SHARE ROW EXCLUSIVE MODE';

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
    await inTransaction(pool, async (c) => {
      await c.query(SCHEMA);
      // A model written before the day counts: counted once, here (as on SQLite).
      const uncounted = 'SELECT NOT EXISTS (SELECT 1 FROM stay_days) AND EXISTS (SELECT 1 FROM stays) AS "yes"';
      if (!(await c.query<{ yes: boolean }>(uncounted)).rows[0]!.yes) return;
      await c.query(LOCK_FOR_RECOUNT);
      if ((await c.query<{ yes: boolean }>(uncounted)).rows[0]!.yes)
        await c.query(`INSERT INTO stay_days (stage, day, entered_n, left_n, open_n) ${RECOUNTED}`);
    });
  } catch (err) {
    await pool.end();
    throw new Error(`reporting database ${redacted(url)}: ${(err as Error).message}`);
  }

  // Holds the position row until commit; none yet (a case's first message): the insert below is the guard.
  // The day counts go to `days`, written by the caller before commit.
  const decideAndWrite = async (c: Queryable, message: ReportingMessage, days: DayCounts): Promise<ApplyOutcome> => {
    for (;;) {
      const { rows } = await c.query<{ seq: number; stage: Stage; enteredOn: string }>(
        'SELECT seq, stage, entered_on AS "enteredOn" FROM positions WHERE case_id = $1 FOR UPDATE',
        [message.caseId],
      );
      const current = rows[0] ?? null;
      if (isSyncStatus(message)) {
        const step = syncStatusStep(current, message);
        if (step.kind !== 'apply') return step;
        if (message.figures) await putFigures(c, message.caseId, message.seq, message.figures);
        return { kind: 'applied' };
      }
      const step = reportingStep(current, message);
      if (step.kind !== 'apply') return step;
      // Another delivery inserted the case's first position meanwhile: read it again (READ COMMITTED:
      // the next statement sees its commit) and decide afresh, a duplicate now.
      if (!(await putPosition(c, message.caseId, step.change, current !== null))) continue;
      await writeStays(c, message.caseId, step.change, days);
      // A change queued before figures were sent leaves the case's unknown, not stale.
      if (message.figures) await putFigures(c, message.caseId, step.change.position.seq, message.figures);
      else await c.query('DELETE FROM figures WHERE case_id = $1', [message.caseId]);
      // Messages recorded before they carried facts leave them as they were.
      if (message.reporting) await writeFacts(c, message.caseId, message.reporting);
      return { kind: 'applied' };
    }
  };

  /** `work` in one transaction with the day counts it makes, written last (in key order) before commit. */
  const counting = <T>(work: (c: Queryable, days: DayCounts) => Promise<T>) =>
    inTransaction(pool, async (c) => {
      const days = new DayCounts();
      const result = await work(c, days);
      await days.write(c);
      return result;
    });
  const writesOn = (c: Queryable, days: DayCounts): ReportingWrites => ({
    apply: (message) => decideAndWrite(c, message, days),
    putFigures: (caseId, seq, figures) => putFigures(c, caseId, seq, figures),
  });

  return {
    apply: (message) => counting((c, days) => decideAndWrite(c, message, days)),
    weeklyCounts: async (which, from, to) => {
      const column = which === 'entered' ? 'entered_n' : 'left_n';
      const { rows } = await pool.query<{ day: string; stage: Stage; n: number }>(
        `SELECT day, stage, ${column} AS n FROM stay_days WHERE day BETWEEN $1 AND $2 AND ${column} > 0`,
        [from, to],
      );
      return byWeek(from, rows);
    },
    openAges: async (today) =>
      agesOn(
        today,
        (
          await pool.query<{ stage: Stage; day: string; n: number }>(
            'SELECT stage, day, open_n AS n FROM stay_days WHERE open_n > 0 ORDER BY stage COLLATE "C", day DESC',
          )
        ).rows,
      ),
    openAtEnd: async (ends) => {
      const sorted = [...ends].sort();
      if (!sorted.length) return [];
      const { text, values } = positional(OPEN_NET_SQL, { first: sorted[0], last: sorted.at(-1) });
      return openAtEnds(sorted, (await pool.query<{ day: string; stage: Stage; n: string }>(text, values)).rows);
    },
    forget: (caseId) => counting((c, days) => dropCase(c, caseId, days)),
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
      counting(async (c, days) => {
        // EXCLUSIVE: deliveries wait (their lock timeout, then a retry), readers read the old model until commit.
        await c.query(`LOCK TABLE ${TABLES.join(', ')} IN EXCLUSIVE MODE`);
        for (const table of TABLES) await c.query(`DELETE FROM ${table}`);
        await fill(writesOn(c, days));
      }),
    close: () => pool.end(),
    figures: async () =>
      (
        await pool.query<FiguresSql>(
          `SELECT case_id, seq, status, appeals, absconded, appeal_pending, appeal_ended, clock, deadline, escalation,
             sync_failed FROM figures ORDER BY case_id COLLATE "C"`,
        )
      ).rows.map(figuresRowOf),
    putFigures: (caseId, seq, figures) => putFigures(pool, caseId, seq, figures),
    async summaryCounts(dueBefore) {
      const [stages, endingRows, counted] = await Promise.all([
        pool.query<{ stage: Stage; n: number }>('SELECT stage, count(*)::int AS n FROM positions GROUP BY stage'),
        pool.query<{ how: AppealEnding['how']; n: number }>(
          'SELECT appeal_ended AS how, count(*)::int AS n FROM figures WHERE appeal_ended IS NOT NULL GROUP BY appeal_ended',
        ),
        // Every counted figure in one pass over the figures.
        pool.query<SummaryCounts['counted']>(
          `SELECT ${COUNTED_FIGURES.map((k) => `(count(*) FILTER (WHERE ${FIGURE_CONDITIONS[k]}))::int AS "${k}"`).join(', ')}
           FROM figures f`.replaceAll('@dueBefore', '$1::bigint'),
          [Date.parse(dueBefore)],
        ),
      ]);
      const byStage = emptyByStage();
      for (const { stage, n } of stages.rows) byStage[stage] = n;
      const endings = emptyEndings();
      for (const { how, n } of endingRows.rows) endings[how] = n;
      return { byStage, endings, counted: counted.rows[0]! };
    },
    statusCounts: async () =>
      (
        await pool.query<{ status: string; n: number }>(
          'SELECT status, count(*)::int AS n FROM figures GROUP BY status ORDER BY status COLLATE "C"',
        )
      ).rows,
    standings: async () =>
      new Map(
        (
          await pool.query<{
            caseId: string;
            seq: number;
            stage: Stage;
            status: string | null;
            syncFailed: boolean | null;
            consistent: boolean;
          }>(
            `SELECT p.case_id AS "caseId", p.seq, p.stage, f.status, f.sync_failed = 1 AS "syncFailed",
               (f.seq IS NULL OR f.seq = p.seq)
               AND (SELECT count(*) FROM stays s WHERE s.case_id = p.case_id AND s.left_on IS NULL) = 1
               AND EXISTS (SELECT 1 FROM stays s WHERE s.case_id = p.case_id AND s.left_on IS NULL
                           AND s.stage = p.stage AND s.entered_on = p.entered_on) AS consistent
             FROM positions p LEFT JOIN figures f ON f.case_id = p.case_id`,
          )
        ).rows.map(({ caseId, ...standing }) => [caseId, standing]),
      ),
    // Its position row deleted first: a delivery of the case waits for the commit, then finds the remade rows.
    replaceCase: (caseId, fill) =>
      counting(async (c, days) => {
        await dropCase(c, caseId, days);
        await fill(writesOn(c, days));
      }),
    async casesBehind(figure, { after, limit }) {
      const { sql, params } = casesBehindSql(figure);
      // GROUP BY, not DISTINCT: the code-point order is on an expression of the column.
      const { text, values } = positional(
        `SELECT case_id AS "caseId" FROM (${sql}) AS behind WHERE case_id COLLATE "C" > @after
         GROUP BY case_id ORDER BY case_id COLLATE "C" LIMIT @limit`,
        { ...params, after: after ?? '', limit },
      );
      return (await pool.query<{ caseId: string }>(text, values)).rows.map((r) => r.caseId);
    },
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
    applyAll: (messages) =>
      counting(async (c, days) => {
        const outcomes: ApplyOutcome[] = [];
        for (const message of messages) outcomes.push(await decideAndWrite(c, message, days));
        return outcomes;
      }),
    recountDays: () =>
      inTransaction(pool, async (c) => {
        await c.query(LOCK_FOR_RECOUNT);
        const { rows } = await c.query<{ n: number }>(
          `SELECT ((SELECT count(*) FROM (${KEPT} EXCEPT ${RECOUNTED}) AS kept)
                 + (SELECT count(*) FROM (${RECOUNTED} EXCEPT ${KEPT}) AS recounted))::int AS n`,
        );
        const { n } = rows[0]!;
        if (n > 0) {
          await c.query('DELETE FROM stay_days');
          await c.query(`INSERT INTO stay_days (stage, day, entered_n, left_n, open_n) ${RECOUNTED}`);
        }
        return n;
      }),
    // One range of stays_open a stage, as on SQLite.
    oldestOpen: async (perStage) =>
      (
        await Promise.all(
          OPEN_WORK.map(async (stage) =>
            (
              await pool.query<{ caseId: string; enteredOn: string }>(
                `SELECT case_id AS "caseId", entered_on AS "enteredOn" FROM stays WHERE left_on IS NULL AND stage = $1
                 ORDER BY entered_on COLLATE "C", case_id COLLATE "C" LIMIT $2`,
                [stage, perStage],
              )
            ).rows.map((r) => ({ stage, ...r })),
          ),
        )
      ).flat(),
  };
}

/**
 * The day counts a transaction changes, summed by stage and day and written at its end in key
 * order: two deliveries touching the same days lock them in the same order (no deadlock), and a
 * batch writes each day once.
 */
class DayCounts {
  private readonly deltas = new Map<
    string,
    { stage: Stage; day: string; entered: number; left: number; open: number }
  >();

  add(stage: Stage, day: string, entered: number, left: number, open: number) {
    const key = `${stage}\u0000${day}`;
    const d = this.deltas.get(key) ?? { stage, day, entered: 0, left: 0, open: 0 };
    d.entered += entered;
    d.left += left;
    d.open += open;
    this.deltas.set(key, d);
  }

  async write(c: Queryable) {
    const rows = [...this.deltas.values()]
      .filter((d) => d.entered !== 0 || d.left !== 0 || d.open !== 0)
      .sort((a, b) => (a.stage === b.stage ? (a.day < b.day ? -1 : 1) : a.stage < b.stage ? -1 : 1));
    this.deltas.clear();
    if (rows.length === 0) return;
    await c.query(
      `INSERT INTO stay_days (stage, day, entered_n, left_n, open_n)
       SELECT * FROM unnest($1::text[], $2::text[], $3::int[], $4::int[], $5::int[])
       ON CONFLICT (stage, day) DO UPDATE SET entered_n = stay_days.entered_n + excluded.entered_n,
         left_n = stay_days.left_n + excluded.left_n, open_n = stay_days.open_n + excluded.open_n`,
      [
        rows.map((d) => d.stage),
        rows.map((d) => d.day),
        rows.map((d) => d.entered),
        rows.map((d) => d.left),
        rows.map((d) => d.open),
      ],
    );
  }
}

/**
 * A case's rows gone, its stays taken out of the day counts. The position row first: a delivery of
 * the case holding it finishes before its stays are read.
 */
async function dropCase(c: Queryable, caseId: string, days: DayCounts) {
  await c.query('DELETE FROM positions WHERE case_id = $1', [caseId]);
  const { rows } = await c.query<{ stage: Stage; enteredOn: string; leftOn: string | null }>(
    'DELETE FROM stays WHERE case_id = $1 RETURNING stage, entered_on AS "enteredOn", left_on AS "leftOn"',
    [caseId],
  );
  for (const { stage, enteredOn, leftOn } of rows) {
    days.add(stage, enteredOn, -1, 0, leftOn === null ? -1 : 0);
    if (leftOn !== null) days.add(stage, leftOn, 0, -1, 0);
  }
  for (const table of CASE_TABLES.filter((t) => t !== 'positions' && t !== 'stays'))
    await c.query(`DELETE FROM ${table} WHERE case_id = $1`, [caseId]);
}

/** A flag not sent (a message queued before it was) keeps the one the case had. */
async function putFigures(c: Queryable, caseId: string, seq: number, f: SentFigures) {
  await c.query(
    `INSERT INTO figures (case_id, seq, status, appeals, absconded, appeal_pending, appeal_ended, clock, deadline, deadline_ms, escalation, sync_failed)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11,
       coalesce($12::int, (SELECT sync_failed FROM figures WHERE case_id = $1), 0))
     ON CONFLICT (case_id) DO UPDATE SET seq = excluded.seq, status = excluded.status, appeals = excluded.appeals,
       absconded = excluded.absconded, appeal_pending = excluded.appeal_pending, appeal_ended = excluded.appeal_ended,
       clock = excluded.clock, deadline = excluded.deadline, deadline_ms = excluded.deadline_ms,
       escalation = excluded.escalation, sync_failed = excluded.sync_failed`,
    [
      caseId,
      seq,
      f.status,
      f.appeals,
      f.absconded ? 1 : 0,
      f.appealPending ? 1 : 0,
      f.appealEnded,
      f.clock?.status ?? null,
      f.clock?.deadline ?? null,
      f.clock ? Date.parse(f.clock.deadline) : null,
      f.clock?.escalation ?? null,
      f.syncFailed === undefined ? null : f.syncFailed ? 1 : 0,
    ],
  );
}

/** The shared SQL's `@name` parameters as this dialect's `$n`. */
function positional(sql: string, params: Record<string, unknown>): { text: string; values: unknown[] } {
  const values: unknown[] = [];
  const numbers = new Map<string, number>();
  const text = sql.replace(/@(\w+)/g, (_, name: string) => {
    if (!numbers.has(name)) numbers.set(name, values.push(params[name]));
    return `$${numbers.get(name)}`;
  });
  return { text, values };
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

async function writeStays(c: Queryable, caseId: string, { position, closes, opens }: StayChange, days: DayCounts) {
  if (closes) {
    const closed = await c.query<{ enteredOn: string }>(
      'UPDATE stays SET left_on = $3 WHERE case_id = $1 AND stage = $2 AND left_on IS NULL RETURNING entered_on AS "enteredOn"',
      [caseId, closes.stage, closes.leftOn],
    );
    for (const { enteredOn } of closed.rows) {
      days.add(closes.stage, closes.leftOn, 0, 1, 0);
      days.add(closes.stage, enteredOn, 0, 0, -1);
    }
  }
  if (opens) {
    await c.query(
      'INSERT INTO stays (case_id, seq, stage, entered_on, left_on, cohort) VALUES ($1, $2, $3, $4, NULL, $5)',
      [caseId, position.seq, opens.stage, opens.enteredOn, opens.cohort],
    );
    days.add(opens.stage, opens.enteredOn, 1, 0, 1);
  }
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
