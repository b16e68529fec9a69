/**
 * The lifecycle paths end to end over HTTP: the real worker, the real server, and both reference
 * systems as their own processes. Each path ends with both systems holding every change meant for
 * them, in order, once. Time limits are reached with back-dated events, not by waiting.
 */
import { describe, expect, it } from 'vitest';
import type { Role } from '../domain/index.js';
import { homeOfficeMessageType } from '../integrations/home-office.js';
import { useStack } from './harness.js';
import { daysAgo } from './dates.js';
import { eventually, type RunningSystem } from './systems.js';
import { recordFixtures } from './fixtures.js';
import { caseWorkflowId } from '../workflows/messages.js';

const stack = useStack({}, (s) => recordFixtures(s, 'lifecycle'));

const daysAhead = (n: number) => daysAgo(-n);
/** Our events as the Home Office stores them: its own message types (integrations/home-office/mapping.ts). */
const ho = (types: string[]) => types.map(homeOfficeMessageType);

type Step = { as: Role; event: Record<string, unknown> } | { until: string };
const cw = (event: Record<string, unknown>): Step => ({ as: 'caseworker', event });
const tb = (event: Record<string, unknown>): Step => ({ as: 'tribunal', event });

const openCase = () => stack.openCase();

async function readCase(caseId: string) {
  return (await stack.call('GET', `/cases/${caseId}`, { role: 'supervisor' })).body;
}

async function run(caseId: string, steps: Step[]) {
  for (const step of steps) {
    if ('until' in step) {
      await eventually(
        async () => ((await readCase(caseId)).status === step.until ? true : undefined),
        30_000,
        `status ${step.until}`,
      );
      continue;
    }
    const res = await stack.call('POST', `/cases/${caseId}/events`, { role: step.as, body: step.event });
    expect(res.status, `${step.event.type}: ${JSON.stringify(res.body)}`).toBe(200);
  }
}

/** Waits until both systems acknowledged everything, then returns what each holds. */
async function delivered(caseId: string) {
  const state = await eventually(
    async () => {
      const c = await readCase(caseId);
      return c.sync.homeOffice.pending === 0 && c.sync.courts.pending === 0 ? c : undefined;
    },
    60_000,
    'deliveries',
  );
  const seen = async (system: RunningSystem) => {
    const view = await system.view(caseId);
    const messages = view?.messages ?? [];
    // In order and once: sequence numbers strictly increase and keys are unique.
    expect(messages.map((m) => m.seq)).toEqual([...messages.map((m) => m.seq)].sort((a, b) => a - b));
    expect(new Set(messages.map((m) => m.key)).size).toBe(messages.length);
    return { types: messages.map((m) => m.type), view };
  };
  return { state, homeOffice: await seen(stack.systems.homeOffice), courts: await seen(stack.systems.courts) };
}

const APPEAL_TO_HEARING: Step[] = [
  cw({ type: 'decision.refused' }),
  tb({ type: 'appeal.lodged' }),
  tb({ type: 'tribunal.listed', hearingDate: daysAhead(30) }),
];

describe('lifecycle paths', () => {
  it('grant: claim → refugee status', async () => {
    const caseId = await openCase();
    await run(caseId, [
      cw({ type: 'claim.screened' }),
      cw({ type: 'claim.interviewed' }),
      cw({ type: 'decision.granted', grant: 'refugee' }),
    ]);
    const { state, homeOffice, courts } = await delivered(caseId);
    expect(`${state.stage}:${state.status}`).toBe('exit:granted');
    expect(homeOffice.types).toEqual(ho(['claim.screened', 'claim.interviewed', 'decision.granted']));
    expect(courts.types).toEqual([]);
  });

  it('refuse → appeal → listed → dismissed → onward window expires → appeal rights exhausted → removed', async () => {
    const caseId = await openCase();
    await run(caseId, [
      ...APPEAL_TO_HEARING,
      tb({ type: 'tribunal.determined', outcome: 'dismissed', determinedOn: daysAgo(20) }),
      { until: 'appeal-rights-exhausted' },
      cw({ type: 'exit.removed' }),
    ]);
    const { state, homeOffice, courts } = await delivered(caseId);
    expect(`${state.stage}:${state.status}`).toBe('exit:removed');
    const appeal = [
      'appeal.lodged',
      'tribunal.listed',
      'tribunal.determined',
      'onward-appeal-window.expired',
      'exit.removed',
    ];
    expect(homeOffice.types).toEqual(ho(['decision.refused', ...appeal]));
    // The tribunal hears each as its own case event (integrations/hmcts-events.ts), ours where it has none.
    expect(courts.types).toEqual([
      'submitAppeal',
      'listCase',
      'sendDecisionAndReasons',
      'trackerOnwardAppealWindowExpired',
      'trackerRemoved',
    ]);
    // HMCTS registered the appeal under its own reference, and the case now carries it.
    expect(state.identifiers.hmctsRef).toMatch(/^PA\/5\d{4}\/\d{4}$/);
    expect(courts.view?.references.hmctsRef).toBe(state.identifiers.hmctsRef);
    expect(state.identifiers.courtCaseNumber).toMatch(/^\d{16}$/);
  });

  it('a change and what its receipts add are one search-attribute upsert, and the HMCTS reference finds the case', async () => {
    const caseId = await openCase();
    await run(caseId, APPEAL_TO_HEARING);
    const { state } = await delivered(caseId);
    // HMCTS's reference came back in the appeal's receipt, within the change's task: searchable.
    // (Other test files' stacks share the server, and their HMCTS numbers its references alike.)
    await eventually(
      async () => {
        const ref = encodeURIComponent(state.identifiers.hmctsRef);
        const res = await stack.call('GET', `/cases?ref=${ref}`, { role: 'caseworker' });
        return (res.body.cases as Array<{ caseId: string }>).some((c) => c.caseId === caseId) ? true : undefined;
      },
      15_000,
      'the case by its HMCTS reference',
    );
    // One upsert (one visibility write) per workflow task: the appeal's own attributes and the
    // reference its receipt brought went together (`features-2026-12-one-upsert`, #21).
    const { events } = await stack.client.workflow.getHandle(caseWorkflowId(caseId)).fetchHistory();
    const perTask: number[] = [];
    for (const e of events ?? []) {
      if (e.workflowTaskCompletedEventAttributes) perTask.push(0);
      else if (e.upsertWorkflowSearchAttributesEventAttributes && perTask.length > 0) perTask[perTask.length - 1]! += 1;
    }
    expect(perTask.filter((n) => n > 0).length).toBeGreaterThanOrEqual(APPEAL_TO_HEARING.length);
    expect(Math.max(...perTask)).toBe(1);
  });

  it('refuse → no appeal → the appeal window expires by timer → appeal rights exhausted', async () => {
    const caseId = await openCase();
    await run(caseId, [cw({ type: 'decision.refused', decidedOn: daysAgo(15) }), { until: 'appeal-rights-exhausted' }]);
    const { state, homeOffice, courts } = await delivered(caseId);
    expect(state.stage).toBe('exit');
    expect(homeOffice.types).toEqual(ho(['decision.refused', 'appeal-window.expired']));
    expect(courts.types).toEqual(['trackerAppealWindowExpired']);
  });

  it('an out-of-country refusal keeps its 28-day window open on day 15', async () => {
    const caseId = await openCase();
    await run(caseId, [cw({ type: 'decision.refused', decidedOn: daysAgo(15), outOfCountry: true })]);
    await new Promise((r) => setTimeout(r, 1_000));
    expect((await readCase(caseId)).status).toBe('refused');
  });

  it('appeal allowed → leave granted', async () => {
    const caseId = await openCase();
    await run(caseId, [
      ...APPEAL_TO_HEARING,
      tb({ type: 'tribunal.determined', outcome: 'allowed' }),
      cw({ type: 'exit.leave-granted' }),
    ]);
    const { state, homeOffice, courts } = await delivered(caseId);
    expect(`${state.stage}:${state.status}`).toBe('exit:leave-granted');
    expect(courts.types).toEqual(['submitAppeal', 'listCase', 'sendDecisionAndReasons', 'trackerLeaveGranted']);
    expect(homeOffice.types.at(-1)).toBe(homeOfficeMessageType('exit.leave-granted'));
  });

  it('the Home Office withdraws its decision on review → back to claim', async () => {
    const caseId = await openCase();
    await run(caseId, [
      cw({ type: 'decision.refused' }),
      tb({ type: 'appeal.lodged' }),
      cw({ type: 'appeal.decision-withdrawn', reason: 'new evidence on review' }),
    ]);
    const { state, courts } = await delivered(caseId);
    expect(`${state.stage}:${state.status}`).toBe('claim:reconsidering');
    const asCaseworker = await stack.call('GET', `/cases/${caseId}`, { role: 'caseworker' });
    expect(asCaseworker.body.allowedEvents).toEqual(expect.arrayContaining(['claim.interviewed', 'decision.granted']));
    // The Home Office withdrawing its decision ends the tribunal's appeal.
    expect(courts.types).toEqual(['submitAppeal', 'endAppeal']);
  });

  it('onward appeal remitted → heard again', async () => {
    const caseId = await openCase();
    await run(caseId, [
      ...APPEAL_TO_HEARING,
      tb({ type: 'tribunal.determined', outcome: 'dismissed' }),
      tb({ type: 'onward-appeal.lodged' }),
      tb({ type: 'onward-appeal.decided', outcome: 'remitted' }),
      tb({ type: 'tribunal.listed', hearingDate: daysAhead(60) }),
      tb({ type: 'tribunal.determined', outcome: 'allowed' }),
    ]);
    const { state, courts } = await delivered(caseId);
    expect(`${state.stage}:${state.status}`).toBe('tribunal:allowed');
    expect(courts.types).toEqual([
      'submitAppeal',
      'listCase',
      'sendDecisionAndReasons',
      'applyForFTPAAppellant',
      'markAppealAsRemitted',
      'listCase',
      'sendDecisionAndReasons',
    ]);
  });

  it('further submissions as a fresh claim → second refusal → second appeal (2 appeals counted)', async () => {
    const caseId = await openCase();
    await run(caseId, [
      ...APPEAL_TO_HEARING,
      tb({ type: 'tribunal.determined', outcome: 'dismissed', determinedOn: daysAgo(20) }),
      { until: 'appeal-rights-exhausted' },
      cw({ type: 'further-submissions.lodged', freshClaim: true }),
      cw({ type: 'decision.refused' }),
      tb({ type: 'appeal.lodged' }),
    ]);
    const { state, courts } = await delivered(caseId);
    expect(`${state.stage}:${state.status}`).toBe('appeal:lodged');
    expect(state.counts).toMatchObject({ claims: 2, appeals: 2 });
    expect(courts.types.filter((t) => t === 'submitAppeal')).toHaveLength(2);
    const found = await stack.client.workflow.count(
      `TaskQueue = '${stack.config.temporal.taskQueue}' AND CaseAppeals >= 2 AND CaseRefs = '${caseId}'`,
    );
    expect(found.count).toBe(1);
  });

  it('absconded, then reported', async () => {
    const caseId = await openCase();
    await run(caseId, [cw({ type: 'person.absconded' })]);
    expect((await readCase(caseId)).flags.absconded).toBe(true);
    const again = await stack.call('POST', `/cases/${caseId}/events`, { body: { type: 'person.absconded' } });
    expect(again.status).toBe(409);
    await run(caseId, [cw({ type: 'person.reported' })]);
    const { state, homeOffice } = await delivered(caseId);
    expect(state.flags.absconded).toBe(false);
    expect(state.counts.abscondings).toBe(1);
    expect(homeOffice.types).toEqual(ho(['person.absconded', 'person.reported']));
  });
});
