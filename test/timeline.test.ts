/**
 * The timeline is read from workflow history: every change in order with its actor, what each
 * system received, and complete across continue-as-new.
 */
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { openCase as openCaseState } from '../domain/index.js';
import { caseWorkflowId, CASE_WORKFLOW_TYPE, type CaseWorkflowInput } from '../workflows/messages.js';
import { searchAttributesOf } from '../workflows/search-attributes.js';
import { newCaseBody, rejectedDelivery, useStack } from './harness.js';
import { daysAgo } from './dates.js';
import { eventually } from './systems.js';
import { homeOfficeMessageType } from '../integrations/home-office.js';

const stack = useStack();

const timeline = async (caseId: string) =>
  (await stack.call('GET', `/cases/${caseId}/timeline`, { role: 'auditor' })).body;
const settled = (caseId: string) =>
  eventually(
    async () => {
      const c = (await stack.call('GET', `/cases/${caseId}`, { role: 'auditor' })).body;
      return c.sync.homeOffice.pending + c.sync.courts.pending + c.sync.notifier.pending === 0 ? c : undefined;
    },
    30_000,
    'deliveries',
  );

describe('GET /cases/:caseId/timeline', () => {
  it("lists each change with actor, time and transition, and each system's receipt as that system holds it", async () => {
    const caseId = await stack.openCase();
    const token = await stack.token('caseworker', 'carol');
    await fetch(`${stack.baseUrl}/cases/${caseId}/events`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ type: 'decision.refused', decidedOn: daysAgo(20) }),
    });
    await eventually(
      async () =>
        (await stack.call('GET', `/cases/${caseId}`)).body.status === 'appeal-rights-exhausted' ? true : undefined,
      20_000,
      'window expiry',
    );
    await settled(caseId);
    const body = await timeline(caseId);
    expect(body.runs).toBe(1);
    expect(body.entries.map((e: any) => [e.seq, e.type, e.actor, e.from, e.to])).toEqual([
      [1, 'decision.refused', { id: 'carol', role: 'caseworker' }, 'claim:lodged', 'decision:refused'],
      [
        2,
        'appeal-window.expired',
        { id: 'workflow', role: 'system' },
        'decision:refused',
        'exit:appeal-rights-exhausted',
      ],
    ]);
    const held = await stack.systems.homeOffice.view(caseId);
    const receipts = (await (await fetch(`${stack.systems.homeOffice.url}/messages?caseId=${caseId}`)).json()) as {
      messages: Array<{ seq: number; receipt: { receiptId: string } }>;
    };
    expect(held?.messages.map((m) => m.seq)).toEqual([1, 2]);
    for (const m of receipts.messages)
      expect(body.entries[m.seq - 1].sync.homeOffice).toMatchObject({
        status: 'delivered',
        receipt: m.receipt.receiptId,
        attempts: 1,
      });
    expect(body.entries[0].sync.courts).toBeUndefined(); // the refusal was not the courts' business
    expect(body.entries[1].sync.courts).toMatchObject({ status: 'delivered' });
  });

  it('shows a permanent rejection as a failed delivery', async () => {
    const caseId = await stack.openCase();
    await rejectedDelivery(stack, caseId);
    const entry = (await timeline(caseId)).entries[0];
    expect(entry.sync.homeOffice).toMatchObject({ status: 'failed' });
    expect(entry.sync.homeOffice.failure).toContain('(400): error code 1020'); // the Home Office's refusal in its own words
  });

  it(
    'is complete and in order for a case that continued as new twice, and equals what the systems received',
    { timeout: 120_000 },
    async () => {
      const caseId = `AC-${randomUUID().replace(/-/g, '').toUpperCase().slice(0, 12)}`;
      const open = { ...newCaseBody(), caseId, openedAt: new Date().toISOString() } as CaseWorkflowInput['open'];
      await stack.client.workflow.start(CASE_WORKFLOW_TYPE, {
        workflowId: caseWorkflowId(caseId),
        taskQueue: stack.config.temporal.taskQueue,
        args: [{ open, continueAsNewAfterEvents: 40 } satisfies CaseWorkflowInput],
        typedSearchAttributes: searchAttributesOf(openCaseState(open)),
      });
      const events = [
        ...Array.from({ length: 8 }, (_, i) => ({ type: 'case.assigned', assignee: `officer-${i}` })),
        { type: 'claim.screened' },
        { type: 'person.absconded' },
        { type: 'person.reported' },
        { type: 'claim.interviewed' },
        ...Array.from({ length: 8 }, (_, i) => ({ type: 'case.assigned', assignee: `lead-${i}` })),
        { type: 'decision.refused' },
      ];
      for (const event of events) {
        const res = await stack.call('POST', `/cases/${caseId}/events`, { body: event });
        expect(res.status, JSON.stringify(res.body)).toBe(200);
        await settled(caseId); // let each delivery finish, so history grows run by run
      }
      const body = await eventually(
        async () => {
          const t = await timeline(caseId);
          return t.runs >= 3 ? t : undefined;
        },
        30_000,
        'three runs',
      );
      expect(body.entries.map((e: any) => e.seq)).toEqual(events.map((_, i) => i + 1));
      expect(body.entries.map((e: any) => e.type)).toEqual(events.map((e) => e.type));
      const held = await stack.systems.homeOffice.view(caseId);
      const toHomeOffice = body.entries
        .filter((e: any) => e.sync.homeOffice)
        .map((e: any) => [e.seq, homeOfficeMessageType(e.type), e.sync.homeOffice.status]);
      expect(toHomeOffice).toEqual(held!.messages.map((m) => [m.seq, m.type, 'delivered']));
    },
  );
});
