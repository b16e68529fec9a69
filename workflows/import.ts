/**
 * One spreadsheet import: validate every row first (a dry run stops there), then bring the
 * accepted rows in, a chunk at a time, with progress queryable throughout. The report is the
 * result. The rows themselves stay in the file the API stored, not in this history, and that file
 * is deleted when the import ends, however it ends: the report, by row number, is what lasts.
 */
import {
  ActivityFailure,
  ApplicationFailure,
  CancellationScope,
  patched,
  proxyActivities,
  setHandler,
  sleep,
} from '@temporalio/workflow';
import type { Activities } from '../activities/index.js';
import type { ImportReport } from '../imports/report.js';
import { importProgressQuery, type ImportInput } from './messages.js';

/**
 * Bounded (#19): a bad file or a row that fails every time must end the import with the reason in
 * its report, not retry for ever. Attempts count only when a worker runs the activity, so an outage
 * of the worker or of Temporal delays an import without using them up; a poison row is the row's
 * conflict (activities/import.ts), and a file gone from the folder fails at once.
 */
export const IMPORT_ATTEMPTS = 10;

/** The passes, each retried at most IMPORT_ATTEMPTS times (the first retry after `firstRetryMs`: tests shorten it). */
function passes(firstRetryMs = 1_000) {
  const retry = { initialInterval: firstRetryMs, maximumInterval: '1 minute', maximumAttempts: IMPORT_ATTEMPTS };
  // Named one by one: the proxy makes each activity on access, it has no keys to spread.
  const { validateImport } = proxyActivities<Activities>({ startToCloseTimeout: '30 minutes', retry });
  // A chunk heartbeats after every row; a worker that dies mid-chunk is noticed within the minute and
  // the chunk runs again, answering rows already done without doing them twice.
  const { importRows } = proxyActivities<Activities>({
    startToCloseTimeout: '30 minutes',
    heartbeatTimeout: '1 minute',
    retry,
  });
  return { validateImport, importRows };
}

/** Why an activity gave up, in words for the report. */
function failureText(err: ActivityFailure): string {
  const cause = err.cause;
  const why = cause instanceof ApplicationFailure || cause instanceof Error ? cause.message : err.message;
  return why || 'the activity failed';
}

// Deleting is idempotent: retried without limit, so a crash or an outage delays it, never skips it.
const { deleteImportFiles } = proxyActivities<Activities>({
  startToCloseTimeout: '1 minute',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '1 minute' },
});

/**
 * A dry run's file waits this long for a supervisor to confirm it (POST /imports/:id/run copies it
 * for the run), then goes: a day to read the report and fix or confirm, and no longer.
 */
export const DRY_RUN_KEPT = '24 hours';

/** Rows per activity: small enough to show progress often, large enough to keep history short. */
const CHUNK = 500;

export async function importWorkflow(input: ImportInput): Promise<ImportReport> {
  // Imports recorded before uploads were deleted replay without the deletion.
  if (!patched('delete-upload')) return runImport(input);
  try {
    const report = await runImport(input);
    if (input.dryRun) await sleep(DRY_RUN_KEPT);
    return report;
  } finally {
    // Succeeded, failed or cancelled: the upload goes. Not cancellable, so a cancelled import still deletes.
    await CancellationScope.nonCancellable(() => deleteImportFiles({ importId: input.importId }));
  }
}

async function runImport(input: ImportInput): Promise<ImportReport> {
  const { validateImport, importRows } = passes(input.firstRetryMs);
  let report: ImportReport = {
    importId: input.importId,
    file: input.file,
    dryRun: input.dryRun,
    phase: 'validating',
    startedAt: new Date().toISOString(),
    rows: 0,
    accepted: 0,
    rejected: 0,
    processed: 0,
    outcomes: { created: 0, updated: 0, unchanged: 0, conflict: 0 },
    rejections: [],
    rejectionsTruncated: false,
    possibleDuplicates: [],
    conflicts: [],
    notes: [],
    ignoredColumns: [],
  };
  setHandler(importProgressQuery, () => report);

  const failed = (step: 'validating' | 'importing', err: unknown): ImportReport => {
    if (!(err instanceof ActivityFailure)) throw err;
    return {
      ...report,
      phase: 'done',
      failure: { step, reason: failureText(err) },
      finishedAt: new Date().toISOString(),
    };
  };

  let checked: Awaited<ReturnType<typeof validateImport>>;
  try {
    checked = await validateImport({ importId: input.importId, policy: input.policy });
  } catch (err) {
    return (report = failed('validating', err));
  }
  report = {
    ...report,
    phase: input.dryRun ? 'done' : 'importing',
    rows: checked.rows,
    accepted: checked.accepted,
    rejected: checked.rejectedRows,
    rejections: checked.rejections,
    rejectionsTruncated: checked.truncated,
    possibleDuplicates: checked.possibleDuplicates,
    ignoredColumns: checked.ignoredColumns,
  };
  if (!input.dryRun) {
    for (let from = 0; from < checked.accepted; from += CHUNK) {
      let outcomes: Awaited<ReturnType<typeof importRows>>;
      try {
        outcomes = await importRows({
          importId: input.importId,
          file: input.file,
          by: input.by,
          policy: input.policy,
          from,
          count: CHUNK,
        });
      } catch (err) {
        // Rows before this chunk stay brought in; the report says where it stopped and why.
        return (report = failed('importing', err));
      }
      const counts = { ...report.outcomes };
      for (const o of outcomes) counts[o.outcome] += 1;
      report = {
        ...report,
        processed: report.processed + outcomes.length,
        outcomes: counts,
        conflicts: [
          ...report.conflicts,
          ...outcomes.flatMap((o) => (o.outcome === 'conflict' ? [{ row: o.row, reason: o.reason ?? '' }] : [])),
        ],
        notes: [...report.notes, ...outcomes.flatMap((o) => (o.note ? [{ row: o.row, note: o.note }] : []))],
      };
    }
  }
  report = { ...report, phase: 'done', finishedAt: new Date().toISOString() };
  return report;
}
