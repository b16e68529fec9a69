/**
 * A change and a delivery's result in one workflow task, then a full replay. The chaos run found it:
 * after the dev server restarted, a worker took a task that held both a reporting delivery's result
 * and an update, and its commands came out in one order; replaying the same history later put them
 * in another (a nondeterminism error, every task failed after). Here the same task is made on
 * purpose: the workflow worker is stopped while a delivery (the Home Office's: the reporting
 * model's are now made within the workflow's own tasks) finishes and the update arrives, and a new
 * one takes both at once. The history must then replay as it was recorded.
 */
import { randomUUID } from 'node:crypto';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { DefaultLogger, Runtime, Worker } from '@temporalio/worker';
import { afterAll, beforeAll, describe, expect, it, inject } from 'vitest';
import { carryingTheMessage, type Activities } from '../activities/index.js';
import { loadConfig } from '../config/index.js';
import { dataConverter } from '../config/temporal.js';
import { caseIdFor } from '../ids/case-id.js';
import { DEFAULT_POLICY, openCase, type OpenCaseInput, type OutboundMessage, type Receipt } from '../domain/index.js';
import { applyEventUpdate, caseWorkflowId, CASE_WORKFLOW_TYPE, type CaseWorkflowInput } from '../workflows/messages.js';
import { searchAttributesOf } from '../workflows/search-attributes.js';
import { newCaseBody } from './case-body.js';
import { eventually } from './systems.js';
import { CASEWORKER, TRIBUNAL } from './workflow-harness.js';

const config = loadConfig({ LOCAL_MODE: '1' });
if (!config.ok) throw new Error(config.error);
const converter = dataConverter(config.config);
const taskQueue = `update-ordering-${randomUUID()}`;

let env: TestWorkflowEnvironment;
beforeAll(async () => {
  // ERROR: workers start and stop on purpose here; the SDK logs each at INFO.
  Runtime.install({ logger: new DefaultLogger('ERROR') });
  env = await TestWorkflowEnvironment.createFromExistingServer({
    address: inject('temporalAddress'),
    namespace: inject('namespace'),
    client: { dataConverter: converter },
  });
});
afterAll(() => env?.teardown());

/** Deliveries answered at once, except those a test holds until it lets them go. */
function gatedDeliveries() {
  let held: ((m: OutboundMessage) => boolean) | undefined;
  const waiting: Array<() => void> = [];
  const started: OutboundMessage[] = [];
  const deliver = async (message: OutboundMessage): Promise<Receipt> => {
    started.push(message);
    if (held?.(message)) await new Promise<void>((r) => waiting.push(r));
    return { receiptId: `${message.system}-${message.key}` };
  };
  return {
    activities: {
      deliver,
      deliverInTask: carryingTheMessage(deliver),
    } as unknown as Activities,
    started,
    hold: (match: (m: OutboundMessage) => boolean) => (held = match),
    release: () => {
      held = undefined;
      for (const r of waiting.splice(0)) r();
    },
  };
}

// The worker that runs the workflow has the activities too, as in production: the reporting model's
// deliveries are made within the workflow task (local activities). Scheduled ones go to the
// activity worker, which goes on while this one stops.
const workflowWorker = (activities: Activities) =>
  Worker.create({
    connection: env.nativeConnection,
    namespace: inject('namespace'),
    taskQueue,
    dataConverter: converter,
    activities,
    enableNonLocalActivities: false,
    workflowBundle: { codePath: inject('workflowBundlePath') },
    // A stopped worker's sticky queue would hold the next task for a while; a new one takes it from
    // the normal queue with the whole history, as after a restart.
    stickyQueueScheduleToStartTimeout: '1s',
  });

type Arrival = 'result first' | 'update first';

/** The case's events by kind, in history order ("activityTaskScheduled", "timerCanceled", ...). */
const kinds = (events: Array<Record<string, unknown>>) =>
  events.map((e) =>
    Object.keys(e)
      .find((k) => k.endsWith('EventAttributes'))!
      .replace('EventAttributes', ''),
  );

async function scenario(arrival: Arrival) {
  const gate = gatedDeliveries();
  const activityWorker = await Worker.create({
    connection: env.nativeConnection,
    namespace: inject('namespace'),
    taskQueue,
    dataConverter: converter,
    activities: gate.activities,
  });
  const activitiesRunning = activityWorker.run();
  let wf = await workflowWorker(gate.activities);
  let wfRunning = wf.run();
  try {
    const body = newCaseBody() as Omit<OpenCaseInput, 'caseId' | 'openedAt'>;
    const caseId = caseIdFor(body.homeOfficeRef);
    const open: OpenCaseInput = { ...body, caseId, openedAt: new Date().toISOString() };
    const input: CaseWorkflowInput = { open, policy: DEFAULT_POLICY };
    const handle = await env.client.workflow.start(CASE_WORKFLOW_TYPE, {
      workflowId: caseWorkflowId(caseId),
      taskQueue,
      args: [input],
      typedSearchAttributes: searchAttributesOf(openCase(open)),
    });
    const apply = (type: string, actor = CASEWORKER) =>
      handle.executeUpdate(applyEventUpdate, { args: [{ event: { type } as never, actor }] });
    const history = async () => kinds(((await handle.fetchHistory()).events ?? []) as never);
    const completions = async () => (await history()).filter((k) => k === 'activityTaskCompleted').length;
    const markers = async () => (await history()).filter((k) => k === 'markerRecorded').length;

    // The Home Office's delivery of the refusal hangs; the reporting model has it (and the opening)
    // within the workflow's tasks: two local activities' markers after the run's patch marker.
    gate.hold((m) => m.system === 'homeOffice' && m.seq === 1);
    await apply('decision.refused');
    await eventually(
      async () => gate.started.some((m) => m.system === 'homeOffice' && m.seq === 1) || undefined,
      15_000,
      'the held delivery to start',
    );
    await eventually(async () => ((await markers()) === 3 ? true : undefined), 15_000, 'the model delivered');
    expect(await completions()).toBe(0);

    // No workflow worker: the delivery's result and a change both wait for the next one, in either order.
    wf.shutdown();
    await wfRunning;
    let lodged: Promise<unknown>;
    if (arrival === 'result first') {
      gate.release();
      await eventually(async () => ((await completions()) === 1 ? true : undefined), 15_000, 'the result');
      lodged = apply('appeal.lodged', TRIBUNAL);
      await new Promise((r) => setTimeout(r, 1_500)); // the update reaches the server
    } else {
      lodged = apply('appeal.lodged', TRIBUNAL);
      await new Promise((r) => setTimeout(r, 1_500));
      gate.release();
      await eventually(async () => ((await completions()) === 1 ? true : undefined), 15_000, 'the result');
    }
    // A new worker takes both in one task, from the whole history (the stopped one's sticky queue lapsed).
    wf = await workflowWorker(gate.activities);
    wfRunning = wf.run();
    await lodged;
    await eventually(
      async () => (gate.started.filter((m) => m.seq === 2).length === 3 ? true : undefined),
      15_000,
      'the appeal delivered to each system',
    );

    const recorded = await handle.fetchHistory();
    await Worker.runReplayHistory(
      { workflowBundle: { codePath: inject('workflowBundlePath') }, dataConverter: converter },
      recorded,
      caseWorkflowId(caseId),
    );
    return kinds((recorded.events ?? []) as never);
  } finally {
    wf.shutdown();
    activityWorker.shutdown();
    await Promise.allSettled([wfRunning, activitiesRunning]);
  }
}

describe('a change and a delivery result in one workflow task', () => {
  it.each<Arrival>(['result first', 'update first'])(
    'replays as it ran, the %s',
    { timeout: 90_000 },
    async (arrival) => {
      const events = await scenario(arrival);
      // The task that took both: its deliveries were scheduled together, after the timer was moved,
      // never where the result arrived (the order that differed on replay before).
      const accepted = events.lastIndexOf('workflowExecutionUpdateAccepted');
      const next = events.indexOf('workflowTaskScheduled', accepted);
      const commands = events
        .slice(accepted, next)
        .filter((k) => k !== 'activityTaskStarted' && k !== 'activityTaskCompleted');
      expect(commands).toEqual([
        'workflowExecutionUpdateAccepted',
        'upsertWorkflowSearchAttributes',
        'workflowExecutionUpdateCompleted',
        // The change moved the instant the case waits for: the new timer starts, then the old one's
        // cancellation (a scope's cancel reaches its timer a microtask later), the same on replay.
        'timerStarted',
        'timerCanceled',
        // The Home Office and HMCTS as scheduled activities, the reporting model within the task.
        'activityTaskScheduled',
        'activityTaskScheduled',
        'markerRecorded',
      ]);
    },
  );
});
