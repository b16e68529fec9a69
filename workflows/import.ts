/**
 * One spreadsheet import: validate every row first (a dry run stops there), then bring the
 * accepted rows in, a chunk at a time, with progress queryable throughout. The report is the
 * result. The rows themselves stay in the file the API stored, not in this history, and that file
 * is deleted when the import ends, however it ends: the report, by row number, is what lasts.
 */
import { CancellationScope, patched, proxyActivities, setHandler, sleep } from '@temporalio/workflow';
import type { Activities } from '../activities/index.js';
import type { ImportReport } from '../imports/report.js';
import { importProgressQuery, type ImportInput } from './messages.js';

const { validateImport } = proxyActivities<Activities>({
  startToCloseTimeout: '30 minutes',
  retry: { maximumInterval: '1 minute' },
});
// A chunk heartbeats after every row; a worker that dies mid-chunk is noticed within the minute and
// the chunk runs again, answering rows already done without doing them twice.
const { importRows } = proxyActivities<Activities>({
  startToCloseTimeout: '30 minutes',
  heartbeatTimeout: '1 minute',
  retry: { maximumInterval: '1 minute' },
});

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

  const checked = await validateImport({ importId: input.importId, policy: input.policy });
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
      const outcomes = await importRows({
        importId: input.importId,
        file: input.file,
        by: input.by,
        policy: input.policy,
        from,
        count: CHUNK,
      });
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
