/**
 * A change and a delivery's result in one workflow task, then a full replay. The chaos run found it:
 * after the dev server restarted, a worker took a task that held both a reporting delivery's result
 * and an update, and its commands came out in one order; replaying the same history later put them
 * in another (a nondeterminism error, every task failed after). Here the same task is made on
 * purpose: the workflow worker is stopped while a scheduled delivery (the Home Office's, whose
 * try within the task failed: deliveries are made within the workflow's own tasks when the system
 * answers) finishes and the update arrives, and a new one takes both at once. The history must
 * then replay as it was recorded.
 */
import { randomUUID } from 'node:crypto';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { DefaultLogger, Runtime, Worker } from '@temporalio/worker';
import { afterAll, beforeAll, describe, expect, it, inject } from 'vitest';
import { triedTogether, type Activities } from '../activities/index.js';
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

/**
 * Deliveries answered at once, except those a test holds: a held message's try within the task
 * fails at once (the system unreachable), and its scheduled delivery waits until the test lets it go.
 */
function gatedDeliveries() {
  let held: ((m: OutboundMessage) => boolean) | undefined;
  const waiting: Array<() => void> = [];
  const started: OutboundMessage[] = [];
  const scheduled: OutboundMessage[] = [];
  const receipt = (message: OutboundMessage): Receipt => ({ receiptId: `${message.system}-${message.key}` });
  const deliver = async (message: OutboundMessage): Promise<Receipt> => {
    started.push(message);
    scheduled.push(message);
    if (held?.(message)) await new Promise<void>((r) => waiting.push(r));
    return receipt(message);
  };
  const tryHere = async (message: OutboundMessage): Promise<Receipt> => {
    started.push(message);
    if (held?.(message)) throw new Error(`${message.system} unreachable`);
    return receipt(message);
  };
  return {
    activities: { deliver, deliverTogetherInTask: triedTogether(tryHere) } as unknown as Activities,
    started,
    scheduled,
    hold: (match: (m: OutboundMessage) => boolean) => (held = match),
    release: () => {
      held = undefined;
      for (const r of waiting.splice(0)) r();
    },
  };
}

// The worker that runs the workflow has the activities too, as in production: deliveries are tried
// within the workflow task (local activities). Scheduled ones go to the activity worker, which goes
// on while this one stops.
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

    // The Home Office is unreachable for the refusal: its try within the task fails, and the
    // scheduled delivery that follows hangs. Everything else is delivered within the tasks.
    gate.hold((m) => m.system === 'homeOffice' && m.seq === 1);
    await apply('decision.refused');
    await eventually(
      async () => gate.scheduled.some((m) => m.system === 'homeOffice' && m.seq === 1) || undefined,
      15_000,
      'the held delivery to start',
    );
    const scheduledKinds = async () => (await history()).filter((k) => k === 'activityTaskScheduled').length;
    expect(await scheduledKinds()).toBe(1);
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
      // The task that took both: its deliveries were made together, after the timer was moved,
      // never where the result arrived (the order that differed on replay before). Each system
      // answered within the task, and the task's one upsert follows their answers.
      const accepted = events.lastIndexOf('workflowExecutionUpdateAccepted');
      const next = events.indexOf('workflowTaskScheduled', accepted);
      const commands = events
        .slice(accepted, next === -1 ? undefined : next)
        .filter((k) => k !== 'activityTaskStarted' && k !== 'activityTaskCompleted');
      expect(commands).toEqual([
        'workflowExecutionUpdateAccepted',
        'workflowExecutionUpdateCompleted',
        // The change moved the instant the case waits for: the new timer starts, then the old one's
        // cancellation (a scope's cancel reaches its timer a microtask later), the same on replay.
        'timerStarted',
        'timerCanceled',
        // The Home Office (its scheduled delivery of the refusal recorded first), HMCTS and the
        // reporting model, delivered together within the task: one local activity, one marker.
        'markerRecorded',
        // What the change and the receipts did to the case's search attributes: one upsert, once
        // the tries are in (`features-2026-12-one-upsert`).
        'upsertWorkflowSearchAttributes',
      ]);
      // The refusal's try at the Home Office failed within its task and went scheduled, once.
      expect(events.filter((k) => k === 'activityTaskScheduled')).toHaveLength(1);
    },
  );
});

describe('tries within one workflow task, one system failing', () => {
  it('replays as it ran: nothing more is sent until the try is in', { timeout: 60_000 }, async () => {
    // The case's opening and its first change come in its first task: the reporting model then has
    // two messages to take in turn, and the Home Office one. The model answers the first at once and
    // the second slowly; the Home Office's try fails (its message then goes scheduled). The two
    // systems' first messages are tried together: the model's answer waits for the Home Office's
    // failure, and only then do the model's second message and the Home Office's scheduled delivery go.
    const sent: string[] = [];
    const receipt = (m: OutboundMessage): Receipt => ({ receiptId: `${m.system}-${m.key}` });
    const deliver = async (m: OutboundMessage): Promise<Receipt> => {
      sent.push(`${m.system}:${m.seq}:scheduled`);
      return receipt(m);
    };
    const tryHere = async (m: OutboundMessage): Promise<Receipt> => {
      sent.push(`${m.system}:${m.seq}:tried`);
      if (m.system === 'reporting') {
        if (m.seq > 0) await new Promise((r) => setTimeout(r, 400));
        return receipt(m);
      }
      await new Promise((r) => setTimeout(r, 150));
      sent.push(`${m.system}:${m.seq}:failed`);
      throw new Error('homeOffice unreachable');
    };
    const activities = { deliver, deliverTogetherInTask: triedTogether(tryHere) } as unknown as Activities;

    const body = newCaseBody() as Omit<OpenCaseInput, 'caseId' | 'openedAt'>;
    const caseId = caseIdFor(body.homeOfficeRef);
    const open: OpenCaseInput = { ...body, caseId, openedAt: new Date().toISOString() };
    const handle = await env.client.workflow.start(CASE_WORKFLOW_TYPE, {
      workflowId: caseWorkflowId(caseId),
      taskQueue,
      args: [{ open, policy: DEFAULT_POLICY } satisfies CaseWorkflowInput],
      typedSearchAttributes: searchAttributesOf(openCase(open)),
    });
    // No worker yet: the change waits with the start for the case's first task.
    const changed = handle.executeUpdate(applyEventUpdate, {
      args: [{ event: { type: 'claim.screened' } as never, actor: CASEWORKER }],
    });
    await new Promise((r) => setTimeout(r, 1_000));
    const worker = await Worker.create({
      connection: env.nativeConnection,
      namespace: inject('namespace'),
      taskQueue,
      dataConverter: converter,
      activities,
      workflowBundle: { codePath: inject('workflowBundlePath') },
    });
    const events = await worker.runUntil(async () => {
      await changed;
      return eventually(
        async () => {
          const k = kinds(((await handle.fetchHistory()).events ?? []) as never);
          return k.includes('activityTaskCompleted') && k.at(-1) === 'workflowTaskCompleted' ? k : undefined;
        },
        15_000,
        'the Home Office delivered by the scheduled way, and that recorded',
      );
    });
    expect(sent.slice(0, 3)).toEqual(['homeOffice:1:tried', 'reporting:0:tried', 'homeOffice:1:failed']);
    // The model's next message only once the Home Office's try is in too; then both at once.
    expect(sent.slice(3).sort()).toEqual(['homeOffice:1:scheduled', 'reporting:1:tried']);
    // All of it in the first task: its tries' markers before the one scheduled activity.
    const first = events.slice(0, events.indexOf('workflowTaskScheduled', 2));
    expect(first.filter((k) => k === 'workflowExecutionUpdateAccepted')).toHaveLength(1);
    // The features' patch, then one try of both systems' first messages and one of the model's second.
    expect(first.filter((k) => k === 'markerRecorded')).toHaveLength(3);
    await Worker.runReplayHistory(
      { workflowBundle: { codePath: inject('workflowBundlePath') }, dataConverter: converter },
      await handle.fetchHistory(),
      caseWorkflowId(caseId),
    );
  });
});
