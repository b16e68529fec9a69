/**
 * Nothing lost, nothing applied twice: a system down while changes happen, the worker SIGKILLed
 * mid-delivery, a permanent rejection corrected and re-sent, and a case continued-as-new with
 * deliveries still pending. The worker and both systems are separate processes here.
 */
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { caseWorkflowId, CASE_WORKFLOW_TYPE, type CaseWorkflowInput } from '../workflows/messages.js';
import { searchAttributesOf } from '../workflows/search-attributes.js';
import { openCase as openCaseState } from '../domain/index.js';
import { newCaseBody, useStack } from './harness.js';
import { eventually } from './systems.js';
import { recordFixtures } from './fixtures.js';
import { trackerHeaders } from '../activities/ports.js';
import { encodeInstruct, homeOfficeMessageType, INSTRUCT_PATH } from '../integrations/home-office.js';
import { sampleMessage } from './home-office-samples.js';
import { historiesOfCase, scheduledMessage } from '../history/read.js';

const stack = useStack({ workerProcess: true }, (s) => recordFixtures(s, 'sync'));

const openCase = () => stack.openCase();
/**
 * A change as a client sends it: one Idempotency-Key, and a 429 retried with it. An update that
 * meets the case handing over to its next run is refused by Temporal as busy (RESOURCE_EXHAUSTED),
 * and the reporting model's deliveries (#20) make the short histories here hand over more often.
 */
async function post(
  caseId: string,
  event: Record<string, unknown>,
  role: 'caseworker' | 'tribunal' | 'supervisor' = 'caseworker',
) {
  const headers = { 'idempotency-key': randomUUID() };
  for (let attempt = 1; ; attempt++) {
    const res = await stack.call('POST', `/cases/${caseId}/events`, { role, body: event, headers });
    if (res.status !== 429 || attempt === 5) return res;
    await new Promise((r) => setTimeout(r, 500));
  }
}
const read = async (caseId: string) => (await stack.call('GET', `/cases/${caseId}`, { role: 'supervisor' })).body;
const homeOfficeTypes = async (caseId: string) => (await stack.systems.homeOffice.view(caseId))?.messages ?? [];
/** Our event type as the Home Office stores it: its own message type. */
const ho = homeOfficeMessageType;

describe('delivery to the external systems', () => {
  it('holds changes while the Home Office is down and delivers exactly those, in order, once it is back', async () => {
    const caseId = await openCase();
    await stack.systems.homeOffice.faults({ down: true });
    try {
      for (const event of [{ type: 'claim.screened' }, { type: 'claim.interviewed' }, { type: 'decision.refused' }])
        expect((await post(caseId, event)).status).toBe(200);
      await new Promise((r) => setTimeout(r, 1_500)); // several failed attempts in the meantime
      expect((await read(caseId)).sync.homeOffice).toMatchObject({ delivered: 0, pending: 3, failure: null });
    } finally {
      await stack.systems.homeOffice.faults({ down: false });
    }
    const messages = await eventually(
      async () => {
        const m = await homeOfficeTypes(caseId);
        return m.length === 3 ? m : undefined;
      },
      60_000,
      'three deliveries',
    );
    expect(messages.map((m) => [m.seq, m.type])).toEqual([
      [1, ho('claim.screened')],
      [2, ho('claim.interviewed')],
      [3, ho('decision.refused')],
    ]);
    expect((await read(caseId)).sync.homeOffice).toMatchObject({ delivered: 3, pending: 0 });
  });

  it(
    'delivers once on the receiving side when the worker is SIGKILLed mid-delivery and restarted',
    { timeout: 120_000 },
    async () => {
      const caseId = await openCase();
      const before = await stack.systems.homeOffice.stats();
      await stack.systems.homeOffice.faults({ latencyMs: 2_000 });
      try {
        expect((await post(caseId, { type: 'claim.screened' })).status).toBe(200);
        await new Promise((r) => setTimeout(r, 700)); // the call is now inside the Home Office's 2 s
        await stack.killWorker();
        await new Promise((r) => setTimeout(r, 2_000)); // the Home Office finishes and stores it
      } finally {
        await stack.systems.homeOffice.faults({ latencyMs: 0 });
      }
      await stack.startWorker();
      await eventually(
        async () => ((await read(caseId)).sync.homeOffice.delivered === 1 ? true : undefined),
        60_000,
        'redelivery',
      );
      const messages = await homeOfficeTypes(caseId);
      expect(messages.map((m) => m.type)).toEqual([ho('claim.screened')]);
      // The restarted worker did call again, and the key made it a no-op.
      expect((await stack.systems.homeOffice.stats()).duplicates).toBeGreaterThan(before.duplicates);
    },
  );

  it('a reference system killed and restarted keeps what it acknowledged, and still answers a repeat with the same receipt', async () => {
    const caseId = await openCase();
    expect((await post(caseId, { type: 'claim.screened' })).status).toBe(200);
    await eventually(
      async () => ((await read(caseId)).sync.homeOffice.delivered === 1 ? true : undefined),
      30_000,
      'delivery',
    );
    const receipt = (await read(caseId)).sync.homeOffice.lastReceipt;
    await stack.systems.homeOffice.kill();
    await stack.systems.homeOffice.start();
    expect((await homeOfficeTypes(caseId)).map((m) => m.type)).toEqual([ho('claim.screened')]);
    // The same message again, in the Home Office's language: acknowledged with the same correlation id.
    const sample = sampleMessage({ type: 'claim.screened' }, 1);
    const message = { ...sample, caseId, key: `${caseId}:1:homeOffice` };
    const repeat = await fetch(`${stack.systems.homeOffice.url}${INSTRUCT_PATH}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...trackerHeaders(message) },
      body: JSON.stringify(encodeInstruct(message)),
    });
    expect(repeat.status).toBe(200);
    const ack = (await repeat.json()) as { messageHeader: { correlationId: string } };
    expect(ack.messageHeader.correlationId).toBe(receipt);
    expect(await homeOfficeTypes(caseId)).toHaveLength(1);
  });

  it('shows a permanent rejection as a sync failure, holds later changes, and clears after correction and re-send', async () => {
    const caseId = await openCase();
    await stack.systems.homeOffice.faults({ rejectRefs: [caseId] });
    expect((await post(caseId, { type: 'claim.screened' })).status).toBe(200);
    const failed = await eventually(
      async () => {
        const c = await read(caseId);
        return c.sync.homeOffice.failure ? c : undefined;
      },
      30_000,
      'sync failure',
    );
    expect(failed.sync.homeOffice.failure).toMatchObject({ seq: 1 });
    // The Home Office's own words: HTTP 400, its error code 1020 (reference not found) and its text.
    expect(failed.sync.homeOffice.failure.reason).toContain('(400): error code 1020: Home Office reference not found');
    await eventually(
      async () => {
        const { count } = await stack.client.workflow.count(`CaseSyncFailed = true AND CaseRefs = '${caseId}'`);
        return count === 1 ? true : undefined;
      },
      15_000,
      'CaseSyncFailed search attribute',
    );

    expect((await post(caseId, { type: 'claim.interviewed' })).status).toBe(200); // queued behind the failure
    await new Promise((r) => setTimeout(r, 500));
    expect(await homeOfficeTypes(caseId)).toEqual([]);
    expect((await read(caseId)).sync.homeOffice.pending).toBe(2);

    await stack.systems.homeOffice.faults({ rejectRefs: [] }); // the data is corrected on their side
    expect((await post(caseId, { type: 'sync.resent', system: 'homeOffice' }, 'supervisor')).status).toBe(200);
    const messages = await eventually(
      async () => {
        const m = await homeOfficeTypes(caseId);
        return m.length === 2 ? m : undefined;
      },
      30_000,
      'delivery after re-send',
    );
    expect(messages.map((m) => m.type)).toEqual([ho('claim.screened'), ho('claim.interviewed')]);
    const after = await read(caseId);
    expect(after.sync.homeOffice).toMatchObject({ failure: null, pending: 0, delivered: 2 });
  });

  it('keeps state, sequence and pending deliveries across continue-as-new', { timeout: 120_000 }, async () => {
    const body = newCaseBody();
    const caseId = `AC-${randomUUID()
      .replace(/-/g, '')
      .toUpperCase()
      .replace(/[ILOU]/g, '0')
      .slice(0, 12)}`;
    const open = { ...body, caseId, openedAt: new Date().toISOString() } as CaseWorkflowInput['open'];
    const input: CaseWorkflowInput = { open, continueAsNewAfterEvents: 30 };
    const handle = await stack.client.workflow.start(CASE_WORKFLOW_TYPE, {
      workflowId: caseWorkflowId(caseId),
      taskQueue: stack.config.temporal.taskQueue,
      args: [input],
      typedSearchAttributes: searchAttributesOf(openCaseState(open)),
    });
    const firstRun = handle.firstExecutionRunId;
    stack.opened.push(caseId);

    await stack.systems.homeOffice.faults({ down: true });
    try {
      // Assign back and forth: each change is an update plus a queued delivery, so history grows.
      for (let i = 0; i < 12; i++)
        expect((await post(caseId, { type: 'case.assigned', assignee: `officer-${i}` })).status).toBe(200);
      for (const event of [{ type: 'claim.screened' }, { type: 'person.absconded' }])
        expect((await post(caseId, event)).status).toBe(200);
      await eventually(
        async () => {
          const d = await stack.client.workflow.getHandle(caseWorkflowId(caseId)).describe();
          return d.runId !== firstRun ? d : undefined;
        },
        30_000,
        'a second run',
      );
    } finally {
      await stack.systems.homeOffice.faults({ down: false });
    }
    const state = await read(caseId);
    expect(state).toMatchObject({
      version: 14,
      status: 'screened',
      assignee: 'officer-11',
      flags: { absconded: true },
    });
    expect((await post(caseId, { type: 'claim.interviewed' })).status).toBe(200);
    const messages = await eventually(
      async () => {
        const m = await homeOfficeTypes(caseId);
        return m.length === 3 ? m : undefined;
      },
      60_000,
      'deliveries after continue-as-new',
    );
    expect(messages.map((m) => [m.seq, m.type])).toEqual([
      [13, ho('claim.screened')],
      [14, ho('person.absconded')],
      [15, ho('claim.interviewed')],
    ]);
  });

  it(
    'answers a change without waiting on a slow system, and delivers it once the durable way',
    { timeout: 60_000 },
    async () => {
      const caseId = await openCase();
      await stack.systems.homeOffice.faults({ latencyMs: 6_000 });
      try {
        const started = Date.now();
        expect((await post(caseId, { type: 'claim.screened' })).status).toBe(200);
        // The try within the task gives up after 1.5 s: the caseworker does not wait the system's 6.
        expect(Date.now() - started).toBeLessThan(5_000);
        await eventually(
          async () => ((await read(caseId)).sync.homeOffice.delivered === 1 ? true : undefined),
          30_000,
          'the scheduled delivery',
        );
      } finally {
        await stack.systems.homeOffice.faults({ latencyMs: 0 });
      }
      expect((await homeOfficeTypes(caseId)).map((m) => [m.seq, m.type])).toEqual([[1, ho('claim.screened')]]);
      // One try within the task, given up on, then one scheduled delivery of the same message.
      const runs = await historiesOfCase(stack.client, caseWorkflowId(caseId));
      const toHomeOffice = runs.flat().flatMap((e) => {
        const m = scheduledMessage(e);
        return m?.system === 'homeOffice' ? [m.seq] : [];
      });
      expect(toHomeOffice).toEqual([1]);
    },
  );
});
