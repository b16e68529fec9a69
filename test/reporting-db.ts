/**
 * A PostgreSQL database of a test's own for the reporting read model, on the server
 * TEMPORAL_POSTGRES_URL names (the cluster's), dropped when the test is done. Unreachable: an error
 * that says so, never a silent skip.
 */
import { loadConfig } from '../config/index.js';
import { createDatabaseIfMissing, dropDatabase, withDatabase } from '../reporting/pg-database.js';

let made = 0;

export async function throwAwayReportingDatabase(tag: string): Promise<{ url: string; drop(): Promise<void> }> {
  const config = loadConfig({ LOCAL_MODE: '1', ...process.env });
  if (!config.ok) throw new Error(config.error);
  const server = config.config.temporal.cluster.postgresUrl;
  const database = `case_tracker_${tag.replace(/\W/g, '_')}_reporting_${process.pid}_${Date.now().toString(36)}_${++made}`;
  const url = withDatabase(server, database);
  try {
    await createDatabaseIfMissing(url);
  } catch (err) {
    throw new Error(
      `PostgreSQL is not reachable at ${new URL(server).host} (TEMPORAL_POSTGRES_URL), or this role may not create a database there: ${(err as Error).message}. The reporting read model's PostgreSQL tests need it (CI has it).`,
    );
  }
  return { url, drop: () => dropDatabase(url) };
}
