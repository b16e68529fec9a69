/**
 * The reporting model's PostgreSQL database itself: made when missing (the cluster commands make it
 * as they make Temporal's), and dropped by the runs that made a throw-away one. The store makes its
 * own tables; a department whose role may not create databases makes it once by hand.
 */
import pg from 'pg';

/** The database the cluster topology keeps the reporting model in, beside Temporal's on the same server. */
export const CLUSTER_REPORTING_DATABASE = 'case_tracker_reporting';

/** The same server and role, another database. */
export const withDatabase = (url: string, database: string) => {
  const u = new URL(url);
  u.pathname = `/${database}`;
  return u.toString();
};

const databaseOf = (url: string) => decodeURIComponent(new URL(url).pathname.slice(1));

/** Runs `work` on the server's maintenance database (`postgres`), where databases are made and dropped. */
async function onServer(url: string, work: (c: pg.Client) => Promise<unknown>): Promise<void> {
  const client = new pg.Client({ connectionString: withDatabase(url, 'postgres'), connectionTimeoutMillis: 10_000 });
  await client.connect();
  try {
    await work(client);
  } finally {
    await client.end();
  }
}

/** Creates the URL's database unless it exists (names are checked by the configuration: letters, digits, _). */
export const createDatabaseIfMissing = (url: string) =>
  onServer(url, async (c) => {
    const name = databaseOf(url);
    const found = await c.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (found.rowCount !== 0) return;
    // Another process may create it between the look and the create: that is as good.
    await c.query(`CREATE DATABASE "${name}"`).catch((err: { code?: string }) => {
      if (err.code !== '42P04') throw err;
    });
  });

/** Drops the URL's database, closing any connection left to it. */
export const dropDatabase = (url: string) =>
  onServer(url, (c) => c.query(`DROP DATABASE IF EXISTS "${databaseOf(url)}" WITH (FORCE)`));
