/**
 * Import retries are bounded (#19): the import workflow, on a worker whose import passes are stubs,
 * ends a pass that fails every time after IMPORT_ATTEMPTS tries with the reason in its report, ends
 * at once on a final failure (the file gone), and rides out failures that pass (an outage) to the end.
 */
import { randomUUID } from 'node:crypto';
import { ApplicationFailure } from '@temporalio/activity';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { DefaultLogger, Runtime, Worker } from '@temporalio/worker';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Activities } from '../activities/index.js';
import type { RowOutcome, RowsRequest } from '../activities/import.js';
import { DEFAULT_POLICY } from '../domain/index.js';
import type { ImportReport } from '../imports/report.js';
import type { Validation } from '../imports/validate.js';
import { IMPORT_WORKFLOW_TYPE, importWorkflowId, type ImportInput } from '../workflows/messages.js';
import { IMPORT_ATTEMPTS } from '../workflows/import.js';

const taskQueue = `import-retries-${randomUUID()}`;
let env: TestWorkflowEnvironment;
let worker: Worker;
let running: Promise<void>;

/** What each import's passes do, by import id, and how often they were tried. */
const behaviour = new Map<string, { validate: () => Validation; rows: (r: RowsRequest) => RowOutcome[] }>();
const tries = new Map<string, { validate: number; rows: number }>();
const counted = (importId: string) =>
  tries.get(importId) ?? tries.set(importId, { validate: 0, rows: 0 }).get(importId)!;

const VALID: Validation = {
  rows: 2,
  accepted: 2,
  rejectedRows: 0,
  rejections: [],
  truncated: false,
  possibleDuplicates: [],
  ignoredColumns: [],
};

const notStubbed = async (): Promise<never> => {
  throw ApplicationFailure.nonRetryable('not stubbed here');
};
const activities = {
  deliver: notStubbed,
  reconcileCases: notStubbed,
  recordLinkBack: notStubbed,
  async validateImport({ importId }: { importId: string }) {
    counted(importId).validate += 1;
    return behaviour.get(importId)!.validate();
  },
  async importRows(request: RowsRequest) {
    counted(request.importId).rows += 1;
    return behaviour.get(request.importId)!.rows(request);
  },
  async deleteImportFiles({ importId }: { importId: string }) {
    deleted.add(importId);
  },
} as unknown as Activities;
/** Imports whose upload was deleted at their end. */
const deleted = new Set<string>();

beforeAll(async () => {
  Runtime.install({ logger: new DefaultLogger('ERROR') });
  env = await TestWorkflowEnvironment.createFromExistingServer({
    address: inject('temporalAddress'),
    namespace: inject('namespace'),
  });
  worker = await Worker.create({
    connection: env.nativeConnection,
    namespace: inject('namespace'),
    taskQueue,
    workflowBundle: { codePath: inject('workflowBundlePath') },
    activities,
  });
  running = worker.run();
});

afterAll(async () => {
  if (worker?.getState() === 'RUNNING') worker.shutdown();
  await running;
  await env?.teardown();
});

async function runImport(passes: {
  validate: () => Validation;
  rows: (r: RowsRequest) => RowOutcome[];
}): Promise<{ report: ImportReport; tried: { validate: number; rows: number }; deleted: boolean }> {
  const importId = `imp-${randomUUID()}`;
  behaviour.set(importId, passes);
  const input: ImportInput = {
    importId,
    file: 'cases.csv',
    dryRun: false,
    by: 'sup',
    policy: DEFAULT_POLICY,
    firstRetryMs: 10,
  };
  const report = await env.client.workflow.execute(IMPORT_WORKFLOW_TYPE, {
    workflowId: importWorkflowId(importId),
    taskQueue,
    args: [input],
  });
  return { report: report as ImportReport, tried: counted(importId), deleted: deleted.has(importId) };
}

const bothCreated = (r: RowsRequest): RowOutcome[] =>
  r.from === 0
    ? [
        { row: 2, outcome: 'created' },
        { row: 3, outcome: 'created' },
      ]
    : [];

describe('import retries', () => {
  it(`ends a pass that fails every time after ${IMPORT_ATTEMPTS} tries, with the reason in the report`, async () => {
    const { report, tried, deleted } = await runImport({
      validate: () => {
        throw new Error('Invalid Record Length: the file breaks the parser');
      },
      rows: bothCreated,
    });
    expect(tried).toEqual({ validate: IMPORT_ATTEMPTS, rows: 0 });
    // A failed import still deletes its upload.
    expect(deleted).toBe(true);
    expect(report).toMatchObject({
      phase: 'done',
      failure: { step: 'validating', reason: 'Invalid Record Length: the file breaks the parser' },
      processed: 0,
    });
    expect(report.finishedAt).toBeDefined();
  });

  it('ends at once on a final failure (the file gone), keeping what the validation found', async () => {
    const { report, tried } = await runImport({
      validate: () => VALID,
      rows: () => {
        throw ApplicationFailure.nonRetryable('the accepted rows are gone from the import folder', 'import-file-gone');
      },
    });
    expect(tried).toEqual({ validate: 1, rows: 1 });
    expect(report).toMatchObject({
      phase: 'done',
      accepted: 2,
      processed: 0,
      failure: { step: 'importing', reason: 'the accepted rows are gone from the import folder' },
    });
  });

  it('rides out failures that pass (an outage) and finishes without a failure', async () => {
    let failures = 3;
    const { report, tried } = await runImport({
      validate: () => VALID,
      rows: (r) => {
        if (failures-- > 0) throw new Error('14 UNAVAILABLE: the server is down');
        return bothCreated(r);
      },
    });
    expect(tried).toEqual({ validate: 1, rows: 4 });
    expect(report).toMatchObject({ phase: 'done', processed: 2, outcomes: { created: 2 } });
    expect(report.failure).toBeUndefined();
  });
});
