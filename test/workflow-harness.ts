/**
 * The workflow tier: the real bundled workflows/ code on a real worker (task queue of the file's
 * own) on the tier's one server, with STUBBED activities: no API, no reference systems. The stub
 * records every delivery, answers receipts, and rejects or fails the deliveries a test picks.
 */
import { randomUUID } from 'node:crypto';
import { ApplicationFailure } from '@temporalio/activity';
import type {
  Client,
  WorkflowExecutionDescription,
  WorkflowHandle,
  WorkflowHandleWithFirstExecutionRunId,
} from '@temporalio/client';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { DefaultLogger, Runtime, Worker } from '@temporalio/worker';
import { afterAll, beforeAll, inject } from 'vitest';
import { carryingTheMessage, triedTogether, type Activities } from '../activities/index.js';
import { loadConfig } from '../config/index.js';
import { dataConverter } from '../config/temporal.js';
import { caseIdFor } from '../ids/case-id.js';
import {
  DEFAULT_POLICY,
  openCase,
  SYNC_REJECTED,
  type Actor,
  type CaseEvent,
  type CaseState,
  type CaseView,
  type OpenCaseInput,
  type OutboundMessage,
  type Policy,
  type Receipt,
  type System,
} from '../domain/index.js';
import {
  applyEventUpdate,
  caseStateQuery,
  caseWorkflowId,
  CASE_WORKFLOW_TYPE,
  NEWEST_FEATURES,
  type CaseWorkflowInput,
} from '../workflows/messages.js';
import { searchAttributesOf } from '../workflows/search-attributes.js';
import { newCaseBody } from './case-body.js';
import { eventually } from './systems.js';

export const CASEWORKER: Actor = { id: 'cw-test', role: 'caseworker' };
export const TRIBUNAL: Actor = { id: 'tribunal-test', role: 'tribunal' };
export const SUPERVISOR: Actor = { id: 'sup-test', role: 'supervisor' };

/** The references HMCTS assigns, answered in the stub's receipt for a lodged appeal. */
export const STUB_HMCTS_REFS = { hmctsRef: 'PA/50001/2026', courtCaseNumber: '1234567890123456' };

type Outcome = 'delivered' | 'rejected' | 'failed';
interface Rule {
  match: (m: OutboundMessage) => boolean;
  answer: Exclude<Outcome, 'delivered'>;
  times: number;
}

/** `deliver` in place of the HTTP adapters: acknowledges by default, rejects or fails when told. */
export class DeliveryStub {
  /** Every attempt, in the order the worker made them. */
  readonly attempts: Array<{ message: OutboundMessage; outcome: Outcome }> = [];
  private rules: Rule[] = [];

  /** The next `times` deliveries matching `match` are rejected (SYNC_REJECTED: final, shown on the case). */
  reject(match: Rule['match'], times = 1) {
    this.rules.push({ match, answer: 'rejected', times });
  }

  /** The next `times` deliveries matching `match` fail as an outage would (retried by Temporal). */
  fail(match: Rule['match'], times = 1) {
    this.rules.push({ match, answer: 'failed', times });
  }

  /** The messages a system acknowledged for a case, in the order it acknowledged them. */
  delivered(caseId: string, system: System): OutboundMessage[] {
    return this.attempts
      .filter((a) => a.outcome === 'delivered' && a.message.caseId === caseId && a.message.system === system)
      .map((a) => a.message);
  }

  readonly activities: Activities = {
    deliver: async (message: OutboundMessage): Promise<Receipt> => {
      // A little latency, so later changes queue up behind the one in flight.
      await new Promise((r) => setTimeout(r, 20));
      const rule = this.rules.find((r) => r.times > 0 && r.match(message));
      if (rule) rule.times -= 1;
      this.attempts.push({ message, outcome: rule?.answer ?? 'delivered' });
      if (rule?.answer === 'rejected')
        throw ApplicationFailure.create({
          type: SYNC_REJECTED,
          message: `${message.system} rejected ${message.key} (422): stubbed`,
          nonRetryable: true,
        });
      if (rule?.answer === 'failed') throw new Error(`${message.system} unreachable: stubbed outage`);
      const references =
        message.system === 'courts' && message.type === 'appeal.lodged' ? { references: STUB_HMCTS_REFS } : {};
      return { receiptId: `${message.system}-${message.key}`, ...references };
    },
    // Within the workflow task (the reporting model's way): the same stub, the message in its answer.
    deliverInTask: carryingTheMessage((message) => this.activities.deliver(message)),
    deliverTogetherInTask: triedTogether((message) => this.activities.deliver(message)),
    // The case workflow delivers only; the others belong to the reconciliation and import workflows.
    reconcileCases: notStubbed('reconcileCases'),
    reconcileReportingModel: notStubbed('reconcileReportingModel'),
    validateImport: notStubbed('validateImport'),
    importRows: notStubbed('importRows'),
    deleteImportFiles: notStubbed('deleteImportFiles'),
    // Links are recorded on the other case through the real client: the stack's tests cover them.
    recordLinkBack: notStubbed('recordLinkBack'),
  };
}

function notStubbed(name: string) {
  return async (): Promise<never> => {
    throw ApplicationFailure.create({ message: `${name} is not stubbed in the workflow tier`, nonRetryable: true });
  };
}

export interface StartCaseOptions {
  policy?: Policy;
  /** The workflow's test threshold: continue as new once history reaches this many events. */
  continueAsNewAfterEvents?: number;
  open?: Partial<Omit<OpenCaseInput, 'caseId' | 'openedAt'>>;
  /** The feature set named in the input: the API's by default; null for none, as older starters sent. */
  features?: string | null;
}

export interface WorkflowTier {
  client: Client;
  stub: DeliveryStub;
  /** Starts a case as the API does (id from the Home Office reference, input, search attributes). */
  startCase(options?: StartCaseOptions): Promise<{ caseId: string; handle: WorkflowHandleWithFirstExecutionRunId }>;
  /** A change through the `applyEvent` update, as the API sends it (`updateId`: the Idempotency-Key). */
  apply(
    caseId: string,
    event: CaseEvent,
    actor?: Actor,
    options?: { updateId?: string; policy?: Policy },
  ): Promise<CaseView>;
  state(caseId: string): Promise<CaseState>;
  handle(caseId: string): WorkflowHandle;
  /** The case's run after `firstRunId`, described once continue-as-new has handed over to it. */
  nextRun(caseId: string, firstRunId: string): Promise<WorkflowExecutionDescription>;
}

let runtimeInstalled = false;

/** Boots the tier for a test file: connections, the stub, a worker on a task queue of its own. */
export function useWorkflowTier(): WorkflowTier {
  const stub = new DeliveryStub();
  const taskQueue = `workflow-test-${randomUUID()}`;
  let env: TestWorkflowEnvironment | undefined;
  let worker: Worker | undefined;
  let running: Promise<void> | undefined;

  beforeAll(async () => {
    if (!runtimeInstalled) {
      // ERROR: the stub's rejections and outages are deliberate; the SDK logs each failed attempt at WARN.
      Runtime.install({ logger: new DefaultLogger('ERROR') });
      runtimeInstalled = true;
    }
    // The product's data converter on both sides (encrypted payloads, encoded failures), with the local keys.
    const config = loadConfig({ LOCAL_MODE: '1' });
    if (!config.ok) throw new Error(config.error);
    const converter = dataConverter(config.config);
    env = await TestWorkflowEnvironment.createFromExistingServer({
      address: inject('temporalAddress'),
      namespace: inject('namespace'),
      client: { dataConverter: converter },
    });
    worker = await Worker.create({
      connection: env.nativeConnection,
      namespace: inject('namespace'),
      taskQueue,
      dataConverter: converter,
      workflowBundle: { codePath: inject('workflowBundlePath') },
      activities: stub.activities,
    });
    running = worker.run();
  });

  afterAll(async () => {
    if (worker?.getState() === 'RUNNING') worker.shutdown();
    await running;
    await env?.teardown();
  });

  const client = () => {
    if (!env) throw new Error('the workflow tier is not up yet (use it inside a test)');
    return env.client;
  };
  const handle = (caseId: string) => client().workflow.getHandle(caseWorkflowId(caseId));

  return {
    get client() {
      return client();
    },
    stub,
    handle,
    async startCase({
      policy = DEFAULT_POLICY,
      continueAsNewAfterEvents,
      open: overrides = {},
      features = NEWEST_FEATURES,
    } = {}) {
      const body = { ...newCaseBody(), ...overrides } as Omit<OpenCaseInput, 'caseId' | 'openedAt'>;
      const caseId = caseIdFor(body.homeOfficeRef);
      const open: OpenCaseInput = { ...body, caseId, openedAt: new Date().toISOString() };
      const input: CaseWorkflowInput = {
        open,
        policy,
        ...(continueAsNewAfterEvents !== undefined ? { continueAsNewAfterEvents } : {}),
        // A name the code may not know, on purpose (test/features.workflow.test.ts).
        ...(features !== null ? { features: features as CaseWorkflowInput['features'] } : {}),
      };
      const started = await client().workflow.start(CASE_WORKFLOW_TYPE, {
        workflowId: caseWorkflowId(caseId),
        taskQueue,
        args: [input],
        typedSearchAttributes: searchAttributesOf(openCase(open)),
      });
      return { caseId, handle: started };
    },
    apply(caseId, event, actor = CASEWORKER, { updateId, policy } = {}) {
      return handle(caseId).executeUpdate(applyEventUpdate, {
        args: [{ event, actor, ...(policy ? { policy } : {}) }],
        ...(updateId ? { updateId } : {}),
      });
    },
    state(caseId) {
      return handle(caseId).query(caseStateQuery);
    },
    nextRun(caseId, firstRunId) {
      return eventually(
        async () => {
          const d = await handle(caseId).describe();
          return d.runId !== firstRunId ? d : undefined;
        },
        15_000,
        'continue-as-new',
      );
    },
  };
}
