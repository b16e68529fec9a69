/**
 * The import's activities: validate the uploaded file, then bring its accepted rows in, a chunk at
 * a time. A row becomes a case workflow started at its stage (the workflow id from the Home Office
 * reference makes a second start impossible), or, for a case an earlier import opened, a
 * correction event carrying only what changed. A chunk retried after a crash starts nothing twice
 * and applies no correction twice (its update ids name the import and the row).
 */
import { createReadStream } from 'node:fs';
import { rm } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import { heartbeat } from '@temporalio/activity';
import { status as grpcStatus } from '@grpc/grpc-js';
import {
  isGrpcServiceError,
  ServiceError,
  WorkflowExecutionAlreadyStartedError,
  WorkflowNotFoundError,
  WorkflowUpdateRPCTimeoutOrCancelledError,
  type Client,
} from '@temporalio/client';
import { ApplicationFailure, WorkflowIdReusePolicy } from '@temporalio/common';
import pMap from 'p-map';
import proto from '@temporalio/proto';
import {
  changedFields,
  fieldErrorsText,
  importedState,
  STAGE_FIELDS,
  stageCorrectable,
  type ImportedFrom,
  type ImportSource,
  type OpenCaseInput,
  type Policy,
} from '../domain/index.js';
import { acceptedPath, importFiles, uploadPath } from '../imports/files.js';
import type { ImportOutcome } from '../imports/report.js';
import {
  DEFAULT_CSV_LIMITS,
  validateFile,
  type AcceptedRow,
  type CsvLimits,
  type Validation,
} from '../imports/validate.js';
import {
  applyEventUpdate,
  caseStateQuery,
  caseWorkflowId,
  CASE_WORKFLOW_TYPE,
  namedFeatures,
  IMPORTED_MEMO,
  type CaseWorkflowInput,
} from '../workflows/messages.js';
import { searchAttributesOf } from '../workflows/messages.js';
import { caseIdFor } from '../ids/case-id.js';
import { BULK_PRIORITY_KEY, canChangePriority, type ImportPriorityMode } from '../imports/priority.js';
import { adaptiveGate, caseQueueReader, unpaced } from './import-pace.js';

export interface ImportPace {
  /** adaptive: paced by the case queue (activities/import-pace.ts); fixed: `concurrency` alone. */
  mode: 'adaptive' | 'fixed';
  /** Rows in flight at most. */
  concurrency: number;
  /** Adaptive: rows a second to start at, and added every half second while the queue keeps up. */
  step: number;
  /** Adaptive: the case queue's backlog age above which the import halves its rate. */
  backlogMs: number;
}

/** 32 at once, unpaced, as before #21: what callers without config get. */
export const FIXED_PACE: ImportPace = { mode: 'fixed', concurrency: 32, step: 5, backlogMs: 50 };

export interface ImportDeps {
  client: Client;
  namespace?: string;
  taskQueue: string;
  /** Where the API stores uploads and this pass writes the accepted rows (shared with the API). */
  importDir: string;
  pace?: ImportPace;
  csvLimits?: CsvLimits;
  /** Whether imported cases start as bulk work (imports/priority.ts); default `off`. */
  priority?: ImportPriorityMode;
  /** Whether a new case names its feature set in its input (`NAME_CASE_FEATURES`); default on. */
  nameFeatures?: boolean;
}

export interface RowsRequest {
  importId: string;
  file: string;
  by: string;
  policy: Policy;
  /** The slice of accepted rows: from the `from`-th, `count` of them. */
  from: number;
  count: number;
}

export interface RowOutcome {
  row: number;
  outcome: ImportOutcome;
  reason?: string;
  note?: string;
}

export function createImportActivities({
  client,
  namespace = client.options.namespace,
  taskQueue,
  importDir,
  pace = FIXED_PACE,
  csvLimits = DEFAULT_CSV_LIMITS,
  priority = 'off',
  nameFeatures = true,
}: ImportDeps) {
  // One gate for every import this worker runs: what they add up to is the bulk load.
  const gate =
    pace.mode === 'adaptive'
      ? adaptiveGate(
          { min: 1, max: 1000, step: pace.step, backlogMs: pace.backlogMs },
          caseQueueReader(client, namespace, taskQueue),
          { start: pace.step },
        )
      : unpaced;
  /**
   * Whether this worker's imports start their cases as bulk work: asked of the server once (its
   * version says whether a case's priority can be set back later); a failed ask is asked again.
   */
  let asBulk: Promise<boolean> | undefined;
  const startsAsBulk = () =>
    (asBulk ??=
      priority === 'off'
        ? Promise.resolve(false)
        : client.workflowService.getSystemInfo({}).then(
            (info) => canChangePriority(info.serverVersion),
            (err: unknown) => {
              asBulk = undefined;
              throw err;
            },
          ));
  /**
   * A case started at the bulk key, set back to the default once its first workflow task has been
   * handed to a worker: an ordinary case for whoever changes it next. Not before: a server that
   * changes a case's priority reschedules a task still waiting at the new priority, and the first
   * task would join the caseworkers' queue. Waiting here also keeps the import at most a chunk ahead
   * of the worker. A case at another key, closed or gone is left alone, so a chunk run again after a
   * crash sets back exactly what is still to be set back.
   */
  async function setBackOnceStarted(workflowId: string, beat: () => void): Promise<void> {
    const { PendingWorkflowTaskState } = proto.temporal.api.enums.v1;
    for (;;) {
      const described = await client.workflowService
        .describeWorkflowExecution({ namespace, execution: { workflowId } })
        .catch(unlessClosedOrGone);
      const info = described?.workflowExecutionInfo;
      if (!info || info.closeTime || (info.priority?.priorityKey ?? 0) !== BULK_PRIORITY_KEY) return;
      if (described.pendingWorkflowTask?.state !== PendingWorkflowTaskState.PENDING_WORKFLOW_TASK_STATE_SCHEDULED)
        break;
      beat();
      await new Promise((r) => setTimeout(r, 500));
    }
    await client.workflowService
      .updateWorkflowExecutionOptions({
        namespace,
        workflowExecution: { workflowId },
        workflowExecutionOptions: { priority: {} },
        updateMask: { paths: ['priority'] },
      })
      .catch(unlessClosedOrGone);
  }

  /**
   * Which of the chunk's cases are open, and what earlier imports set on them, from visibility in a
   * few list calls: a re-import of unchanged rows then costs no call per row, and a first import
   * starts its cases without asking for each first. A case not listed yet (visibility lags a
   * little) is simply checked one by one below.
   */
  async function openCases(caseIds: string[]): Promise<Map<string, ImportedFrom | undefined>> {
    const memos = new Map<string, ImportedFrom | undefined>();
    for (let i = 0; i < caseIds.length; i += 100) {
      const ids = caseIds
        .slice(i, i + 100)
        .map((id) => `'${caseWorkflowId(id)}'`)
        .join(', ');
      for await (const w of client.workflow.list({ query: `WorkflowId IN (${ids}) AND ExecutionStatus = 'Running'` })) {
        memos.set(w.workflowId, w.memo?.[IMPORTED_MEMO] as ImportedFrom | undefined);
      }
    }
    return memos;
  }

  async function importRow(
    importId: string,
    file: string,
    by: string,
    policy: Policy,
    { row, record }: AcceptedRow,
    listed: { open: boolean; known: ImportedFrom | undefined },
    bulk: boolean,
  ): Promise<RowOutcome> {
    const { known } = listed;
    if (known && known.source.importId !== importId && changedFields(known.record, record).length === 0)
      return { row, outcome: 'unchanged' };
    const caseId = caseIdFor(record.homeOfficeRef);
    const openedAt = new Date().toISOString();
    const source: ImportSource = { importId, file, row, by, kind: 'opened' };
    const built = importedState(record, caseId, openedAt, policy);
    if (!built.ok) return { row, outcome: 'conflict', reason: fieldErrorsText(built.errors) };
    const open: OpenCaseInput = {
      caseId,
      homeOfficeRef: record.homeOfficeRef,
      ...(record.uan ? { uan: record.uan } : {}),
      ...(record.gwf ? { gwf: record.gwf } : {}),
      person: record.person,
      claimDate: record.claimDate,
      cohort: record.cohort,
      ...(record.assignee ? { assignee: record.assignee } : {}),
      openedAt,
    };
    const handle = client.workflow.getHandle(caseWorkflowId(caseId));
    // A case visibility lists as open is read first: on a re-import nearly every case exists, and a
    // refused start costs the server a write where a describe is a read (re-imports ran at half the
    // speed of first imports). One not listed is started straight away: on a first import the
    // describe was a wasted round trip per row, and the rare case opened since the listing (visibility
    // lags) is a refused start, compared below.
    const described = listed.open
      ? await handle
          .describe()
          .catch((err: unknown) => (err instanceof WorkflowNotFoundError ? undefined : Promise.reject(err)))
      : undefined;
    if (!described) {
      try {
        await client.workflow.start(CASE_WORKFLOW_TYPE, {
          workflowId: caseWorkflowId(caseId),
          taskQueue,
          args: [
            { open, policy, imported: { record, source }, ...namedFeatures(nameFeatures) } satisfies CaseWorkflowInput,
          ],
          workflowIdReusePolicy: WorkflowIdReusePolicy.REJECT_DUPLICATE,
          typedSearchAttributes: searchAttributesOf({ ...built.state, imported: { record, source } }),
          // The server keeps what was imported beside the case, so a re-import compares without waking the workflow.
          memo: { [IMPORTED_MEMO]: { record, source } },
          // Its first task after any caseworker's; set back once that task is under way (importRows).
          ...(bulk ? { priority: { priorityKey: BULK_PRIORITY_KEY } } : {}),
        });
        return { row, outcome: 'created' };
      } catch (err) {
        if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err; // started since the describe: compare below
      }
    }
    const memo = (described ?? (await handle.describe())).memo?.[IMPORTED_MEMO] as ImportedFrom | undefined;
    if (memo && memo.source.importId !== importId && changedFields(memo.record, record).length === 0)
      return { row, outcome: 'unchanged' };
    // Something to do, or to check: ask the case itself.
    const state = await handle.query(caseStateQuery);
    if (!state.imported)
      return {
        row,
        outcome: 'conflict',
        reason: `case ${caseId} for ${record.homeOfficeRef} was opened in the tracker; a spreadsheet does not overwrite it`,
      };
    // This import already handled the row (a chunk retried after a crash): the same answer again.
    if (state.imported.source.importId === importId && state.imported.source.row === row)
      return { row, outcome: state.imported.source.kind === 'opened' ? 'created' : 'updated' };
    const fields = changedFields(state.imported.record, record);
    if (fields.length === 0) return { row, outcome: 'unchanged' };
    await handle.executeUpdate(applyEventUpdate, {
      args: [
        {
          event: { type: 'import.corrected', from: { record, source: { ...source, kind: 'corrected' } }, fields },
          actor: { id: `import:${importId}`, role: 'system' },
          policy,
        },
      ],
      updateId: `import-${importId}-${row}`,
    });
    const stageKept = fields.some((f) => STAGE_FIELDS.includes(f)) && !stageCorrectable(state);
    return {
      row,
      outcome: 'updated',
      ...(stageKept
        ? { note: `${fields.join(', ')} changed; stage and dates kept: the case has moved on since it was imported` }
        : {}),
    };
  }

  return {
    /**
     * The upload and its accepted rows deleted once the import has ended: the people in a sheet are
     * on their cases now (or were rejected), and a spreadsheet of them kept on disk is a copy no
     * retention rule reaches. Idempotent, so a retry after a crash finishes the job.
     */
    async deleteImportFiles({ importId }: { importId: string }): Promise<void> {
      await Promise.all(importFiles(importDir, importId).map((file) => rm(file, { force: true })));
    },

    async validateImport({ importId, policy }: { importId: string; policy: Policy }): Promise<Validation> {
      return validateFile(
        uploadPath(importDir, importId),
        acceptedPath(importDir, importId),
        new Date().toISOString(),
        policy,
        csvLimits,
      ).catch((err: unknown) => Promise.reject(finalIfFileGone(err)));
    },

    async importRows({ importId, file, by, policy, from, count }: RowsRequest): Promise<RowOutcome[]> {
      const rows: AcceptedRow[] = [];
      let index = 0;
      const lines = createInterface({
        input: createReadStream(acceptedPath(importDir, importId)),
        crlfDelay: Infinity,
      });
      try {
        for await (const line of lines) {
          if (index >= from + count) break;
          if (index++ >= from && line.trim()) rows.push(JSON.parse(line) as AcceptedRow);
        }
      } catch (err) {
        throw finalIfFileGone(err);
      } finally {
        lines.close();
      }
      if (rows.length === 0 && from === 0)
        throw ApplicationFailure.nonRetryable('the accepted rows are gone from the import folder', 'import-file-gone');
      const open = await openCases(rows.map((r) => caseIdFor(r.record.homeOfficeRef)));
      const bulk = await startsAsBulk();
      let done = 0;
      const outcomes = await pMap(
        rows,
        async (r) => {
          const id = caseWorkflowId(caseIdFor(r.record.homeOfficeRef));
          const outcome = await gate
            .run(() => importRow(importId, file, by, policy, r, { open: open.has(id), known: open.get(id) }, bulk))
            .catch((err: unknown) => poisonRow(r.row, err));
          heartbeat(++done);
          return { id, outcome };
        },
        { concurrency: pace.concurrency },
      );
      // Each case the chunk created set back once its first task is under way (a case an earlier try
      // created answers `created` again and is checked again). Only then is the chunk done: a crash
      // before it runs the chunk again.
      if (bulk)
        await pMap(
          outcomes.filter(({ outcome }) => outcome.outcome === 'created'),
          ({ id }) => setBackOnceStarted(id, () => heartbeat(done)),
          { concurrency: pace.concurrency },
        );
      return outcomes.map(({ outcome }) => outcome);
    },
  };
}

/**
 * A row that fails for a reason of its own (the case refuses its correction, its record cannot be
 * built) is that row's conflict in the report, never a chunk retried for ever; a failure of
 * Temporal itself (unavailable, overloaded, a deadline) is thrown, so the chunk runs again later.
 */
function poisonRow(row: number, err: unknown): RowOutcome {
  if (transient(err)) throw err;
  const message = err instanceof Error ? err.message : String(err);
  return { row, outcome: 'conflict', reason: `could not be brought in: ${message.slice(0, 500)}` };
}

/** Setting a case's priority back: the case has closed since, or is gone, so there is nothing to set (undefined). */
const CLOSED_OR_GONE = new Set([grpcStatus.NOT_FOUND, grpcStatus.FAILED_PRECONDITION]);
const unlessClosedOrGone = (err: unknown): undefined => {
  if (isGrpcServiceError(err) && CLOSED_OR_GONE.has(err.code)) return undefined;
  throw err;
};

const TRANSIENT_GRPC = new Set([
  grpcStatus.UNAVAILABLE,
  grpcStatus.DEADLINE_EXCEEDED,
  grpcStatus.RESOURCE_EXHAUSTED,
  grpcStatus.ABORTED,
  grpcStatus.INTERNAL,
  grpcStatus.UNKNOWN,
  grpcStatus.CANCELLED,
]);

/** Whether a failure is the server's or the connection's, which time mends (not the row's). */
function transient(err: unknown): boolean {
  if (err instanceof WorkflowUpdateRPCTimeoutOrCancelledError) return true;
  const grpc = err instanceof ServiceError ? err.cause : err;
  if (isGrpcServiceError(grpc)) return TRANSIENT_GRPC.has(grpc.code);
  // Anything else (an update the case refused, a record the code cannot handle) is the row's own.
  return false;
}

/** The uploaded file gone (never mended by a retry): the import ends, with the reason in its report. */
function finalIfFileGone(err: unknown): unknown {
  return (err as NodeJS.ErrnoException)?.code === 'ENOENT'
    ? ApplicationFailure.nonRetryable('the uploaded file is gone from the import folder', 'import-file-gone')
    : err;
}
