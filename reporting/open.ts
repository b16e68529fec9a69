/**
 * The reporting store the configuration names: PostgreSQL when REPORTING_POSTGRES_URL is set (the
 * cluster topology: several hosts), else the SQLite file REPORTING_DB (the two commands).
 */
import { openPgReportingStore, redacted } from './pg-store.js';
import { openReportingStore, type ReportingStore } from './store.js';

export interface ReportingConfig {
  dbFile: string;
  postgresUrl?: string | undefined;
}

/**
 * `lockWaitMs`: how long a write waits for another writer's lock before failing (SQLite's busy
 * timeout, PostgreSQL's lock timeout); the worker's is short, so a delivery that cannot write soon
 * fails and the workflow retries it.
 */
export async function openReporting(config: ReportingConfig, { lockWaitMs = 5_000 } = {}): Promise<ReportingStore> {
  return config.postgresUrl
    ? openPgReportingStore(config.postgresUrl, { lockTimeoutMs: lockWaitMs })
    : openReportingStore(config.dbFile, { busyTimeoutMs: lockWaitMs });
}

/** Where the model is, for messages (a PostgreSQL URL without its password). */
export const reportingWhere = (config: ReportingConfig) =>
  config.postgresUrl ? redacted(config.postgresUrl) : config.dbFile;
