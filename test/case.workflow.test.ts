/**
 * What the case workflow wires, on a real worker with stubbed deliveries: changes by update and
 * their in-order delivery to each system, update ids, rejections, inbound events, continue-as-new
 * and the timer. The rules themselves are tested pure (machine.unit.test.ts); the stack tier runs
 * the same through the API and the reference systems.
 */
import { describe, expect, it } from 'vitest';
import { DEFAULT_POLICY, type CaseState, type System } from '../domain/index.js';
import { applyInboundUpdate, type CaseWorkflowInput } from '../workflows/messages.js';
import { SA } from '../workflows/search-attributes.js';
import { daysAgo, plusDays } from './dates.js';
import { eventually } from './systems.js';
import { CASEWORKER, STUB_HMCTS_REFS, SUPERVISOR, TRIBUNAL, useWorkflowTier } from './workflow-harness.js';

const tier = useWorkflowTier();

const seqs = (caseId: string, system: System) => tier.stub.delivered(caseId, system).map((m) => m.seq);
const types = (caseId: string, system: System) => tier.stub.delivered(caseId, system).map((m) => m.type);

/** The case once `ready` holds for its state. */
const stateWhen = (caseId: string, ready: (s: CaseState) => boolean, what: string) =>
  eventually(
    async () => {
      const s = await tier.state(caseId);
      return ready(s) ? s : undefined;
    },
    15_000,
    what,
  );

const synced = (s: CaseState) =>
  s.sync.homeOffice.pending === 0 && s.sync.courts.pending === 0 && s.sync.notifier.pending === 0;

describe('changes by update, delivered in order', () => {
  it('applies each change and delivers it to each of its systems in sequence order', async () => {
    const { caseId } = await tier.startCase();
    const refused = await tier.apply(caseId, { type: 'decision.refused' });
    expect(refused).toMatchObject({ caseId, stage: 'decision', status: 'refused', version: 1 });
    await tier.apply(caseId, { type: 'appeal.lodged' }, TRIBUNAL);
    await tier.apply(caseId, { type: 'tribunal.listed', hearingDate: plusDays(daysAgo(0), 30) }, TRIBUNAL);
    const determined = await tier.apply(caseId, { type: 'tribunal.determined', outcome: 'allowed' }, TRIBUNAL);
    expect(determined).toMatchObject({ stage: 'tribunal', status: 'allowed', version: 4 });

    const state = await stateWhen(caseId, synced, 'every delivery');
    // The Home Office hears every change, HMCTS the appeal's; each in order, each once.
    expect(seqs(caseId, 'homeOffice')).toEqual([1, 2, 3, 4]);
    expect(seqs(caseId, 'courts')).toEqual([2, 3, 4]);
    expect(seqs(caseId, 'notifier')).toEqual([]);
    expect(types(caseId, 'courts')).toEqual(['appeal.lodged', 'tribunal.listed', 'tribunal.determined']);
    expect(tier.stub.delivered(caseId, 'homeOffice')[0]).toMatchObject({
      key: `${caseId}:1:homeOffice`,
      actor: CASEWORKER,
      after: { stage: 'decision', status: 'refused' },
    });
    expect(state.sync.homeOffice).toMatchObject({
      delivered: 4,
      pending: 0,
      failure: null,
      lastReceipt: `homeOffice-${caseId}:4:homeOffice`,
    });
    expect(state.sync.courts).toMatchObject({ delivered: 4, pending: 0, failure: null });
    // References in a receipt reach the case, and its search attributes.
    expect(state.identifiers).toMatchObject(STUB_HMCTS_REFS);
    const described = await tier.handle(caseId).describe();
    expect(described.typedSearchAttributes.get(SA.refs)).toContain(STUB_HMCTS_REFS.hmctsRef);
    expect(described.typedSearchAttributes.get(SA.status)).toBe('allowed');
  });

  it('applies an update once per update id, and answers a repeat as the first time', async () => {
    const { caseId } = await tier.startCase();
    const first = await tier.apply(caseId, { type: 'claim.screened' }, CASEWORKER, { updateId: `${caseId}-screened` });
    const again = await tier.apply(caseId, { type: 'claim.screened' }, CASEWORKER, { updateId: `${caseId}-screened` });
    expect(again).toEqual(first);
    expect(first.version).toBe(1);
    // A new id is a new change (and a screened claim may not be screened twice).
    await expect(
      tier.apply(caseId, { type: 'claim.screened' }, CASEWORKER, { updateId: `${caseId}-screened-2` }),
    ).rejects.toThrow();
    await tier.apply(caseId, { type: 'claim.interviewed' }, CASEWORKER, { updateId: `${caseId}-interviewed` });
    await stateWhen(caseId, synced, 'delivery');
    expect(types(caseId, 'homeOffice')).toEqual(['claim.screened', 'claim.interviewed']);
    expect((await tier.state(caseId)).version).toBe(2);
  });

  it('tells the reporting model of the opening and of every change, even one no other system hears of', async () => {
    const { caseId } = await tier.startCase();
    await tier.apply(caseId, { type: 'claim.screened' });
    await tier.apply(caseId, { type: 'case.assigned', assignee: 'carol' }); // heard by no external system
    await stateWhen(
      caseId,
      (s) => synced(s) && s.sync.reporting.pending === 0 && s.sync.reporting.delivered === 2,
      'reporting',
    );
    expect(tier.stub.delivered(caseId, 'reporting').map((m) => [m.seq, m.type])).toEqual([
      [0, 'case.opened'],
      [1, 'claim.screened'],
      [2, 'case.assigned'],
    ]);
    expect(types(caseId, 'homeOffice')).toEqual(['claim.screened']);
  });

  it('retries a delivery that fails as an outage would, without showing it on the case', async () => {
    const { caseId } = await tier.startCase();
    tier.stub.fail((m) => m.caseId === caseId && m.system === 'homeOffice' && m.seq === 1);
    await tier.apply(caseId, { type: 'claim.screened' });
    await tier.apply(caseId, { type: 'claim.interviewed' });
    const state = await stateWhen(caseId, synced, 'delivery after the retry');
    expect(
      tier.stub.attempts
        .filter((a) => a.message.caseId === caseId && a.message.system === 'homeOffice')
        .map((a) => [a.message.seq, a.outcome]),
    ).toEqual([
      [1, 'failed'],
      [1, 'delivered'],
      [2, 'delivered'],
    ]);
    expect(state.sync.homeOffice).toMatchObject({ delivered: 2, failure: null });
  });
});

describe('a rejected delivery', () => {
  it('shows on the case, holds later changes for that system behind it, and a re-send releases them in order', async () => {
    const { caseId } = await tier.startCase();
    tier.stub.reject((m) => m.caseId === caseId && m.system === 'homeOffice' && m.seq === 2);
    await tier.apply(caseId, { type: 'decision.refused' });
    await tier.apply(caseId, { type: 'appeal.lodged' }, TRIBUNAL);
    await tier.apply(caseId, { type: 'tribunal.listed', hearingDate: plusDays(daysAgo(0), 30) }, TRIBUNAL);

    const failed = await stateWhen(
      caseId,
      (s) => s.sync.homeOffice.failure !== null && s.sync.courts.pending === 0,
      'the rejection',
    );
    expect(failed.sync.homeOffice).toMatchObject({
      delivered: 1,
      pending: 2,
      failure: { seq: 2, reason: expect.stringContaining('rejected') },
    });
    // HMCTS is not held up by the Home Office's rejection.
    expect(seqs(caseId, 'courts')).toEqual([2, 3]);
    expect((await tier.handle(caseId).describe()).typedSearchAttributes.get(SA.syncFailed)).toBe(true);
    // Later changes wait behind the rejected one: the Home Office is not sent seq 3.
    await tier.apply(caseId, { type: 'case.assigned', assignee: 'alice' });
    await new Promise((r) => setTimeout(r, 500));
    expect(
      tier.stub.attempts
        .filter((a) => a.message.caseId === caseId && a.message.system === 'homeOffice')
        .map((a) => [a.message.seq, a.outcome]),
    ).toEqual([
      [1, 'delivered'],
      [2, 'rejected'],
    ]);

    // A supervisor's re-send clears the failure: the rejected change goes again, then the rest.
    await tier.apply(caseId, { type: 'sync.resent', system: 'homeOffice' }, SUPERVISOR);
    const released = await stateWhen(
      caseId,
      (s) => s.sync.homeOffice.failure === null && s.sync.homeOffice.pending === 0,
      'the re-send',
    );
    expect(seqs(caseId, 'homeOffice')).toEqual([1, 2, 3]);
    expect(released.sync.homeOffice.delivered).toBe(3);
    expect((await tier.handle(caseId).describe()).typedSearchAttributes.get(SA.syncFailed)).toBe(false);
  });
});

describe('an inbound event', () => {
  it('is applied once by its key; a repeat is a duplicate and one that does not fit now is held', async () => {
    const { caseId } = await tier.startCase();
    const inbound = (source: 'home-office' | 'hmcts', id: string, event: Parameters<typeof tier.apply>[1]) =>
      tier.handle(caseId).executeUpdate(applyInboundUpdate, { args: [{ source, id, event, policy: DEFAULT_POLICY }] });

    expect(await inbound('home-office', 'ho-evt-1', { type: 'decision.refused' })).toEqual({
      status: 'applied',
      caseId,
    });
    expect(await inbound('home-office', 'ho-evt-1', { type: 'decision.refused' })).toEqual({
      status: 'duplicate',
      caseId,
    });
    const held = await inbound('hmcts', 'hmcts-evt-1', {
      type: 'tribunal.listed',
      hearingDate: plusDays(daysAgo(0), 30),
    });
    expect(held).toMatchObject({ status: 'held', caseId, reason: expect.any(String) });

    const state = await stateWhen(caseId, synced, 'delivery');
    expect(state).toMatchObject({
      stage: 'decision',
      status: 'refused',
      version: 1,
      inbound: ['home-office:ho-evt-1', 'hmcts:hmcts-evt-1'],
    });
    expect(state.held).toEqual([expect.objectContaining({ key: 'hmcts:hmcts-evt-1', type: 'tribunal.listed' })]);
    // Applied as the system that reported it, and sent on once.
    expect(tier.stub.delivered(caseId, 'homeOffice').map((m) => [m.type, m.actor])).toEqual([
      ['decision.refused', { id: 'home-office', role: 'integration' }],
    ]);
  });
});

describe('continue-as-new', () => {
  it('carries the state, the undelivered changes and the recent answers into the next run', async () => {
    // Past the opening (each patch adds a marker and an upsert) and the first two changes, within a few more.
    const { caseId, handle: started } = await tier.startCase({ continueAsNewAfterEvents: 48 });
    const firstRun = started.firstExecutionRunId;
    // Hold the Home Office's queue with a rejection, so undelivered changes must travel along.
    tier.stub.reject((m) => m.caseId === caseId && m.system === 'homeOffice' && m.seq === 1);
    const screened = await tier.apply(caseId, { type: 'claim.screened' }, CASEWORKER, { updateId: `${caseId}-1` });
    await stateWhen(caseId, (s) => s.sync.homeOffice.failure !== null, 'the rejection');
    await tier.apply(caseId, { type: 'claim.interviewed' }, CASEWORKER, { updateId: `${caseId}-2` });
    for (let i = 0; i < 8 && (await tier.handle(caseId).describe()).runId === firstRun; i++) {
      await tier.apply(caseId, { type: 'case.assigned', assignee: `officer-${i}` }, CASEWORKER, {
        updateId: `${caseId}-assign-${i}`,
      });
    }

    const next = await tier.nextRun(caseId, firstRun);
    expect(next.status.name).toBe('RUNNING');
    const carried = await tier.state(caseId);
    expect(carried).toMatchObject({
      stage: 'claim',
      status: 'interviewed',
      assignee: expect.stringMatching(/^officer-/),
    });
    expect(carried.version).toBeGreaterThanOrEqual(3);
    expect(carried.sync.homeOffice).toMatchObject({ delivered: 0, pending: 2, failure: { seq: 1 } });

    // A late retry of an update from the first run is answered as then, and applies nothing.
    const retried = await tier.apply(caseId, { type: 'claim.screened' }, CASEWORKER, { updateId: `${caseId}-1` });
    expect(retried).toEqual(screened);
    expect((await tier.state(caseId)).version).toBe(carried.version);

    // The carried outbox is delivered by the new run, in order, once the failure is cleared.
    await tier.apply(caseId, { type: 'sync.resent', system: 'homeOffice' }, SUPERVISOR);
    await stateWhen(
      caseId,
      (s) => s.sync.homeOffice.pending === 0 && s.sync.homeOffice.failure === null,
      'the carried deliveries',
    );
    expect(seqs(caseId, 'homeOffice')).toEqual([1, 2]);
  });
});

describe("the workflow's timer", () => {
  it('expires a back-dated appeal window: appeal rights exhausted, and both systems told', async () => {
    const { caseId } = await tier.startCase();
    // 14 days in-country: a refusal 15 days ago has a window that closed at the end of yesterday.
    await tier.apply(caseId, { type: 'decision.refused', decidedOn: daysAgo(15) });
    const exited = await stateWhen(caseId, (s) => s.stage === 'exit' && synced(s), 'the window to expire');
    expect(exited.status).toBe('appeal-rights-exhausted');
    expect(types(caseId, 'homeOffice')).toEqual(['decision.refused', 'appeal-window.expired']);
    expect(tier.stub.delivered(caseId, 'courts').map((m) => [m.type, m.actor])).toEqual([
      ['appeal-window.expired', { id: 'workflow', role: 'system' }],
    ]);
  });

  it('keeps one timer across changes that leave its instant, and moves it only when a change moves that', async () => {
    const { caseId } = await tier.startCase();
    const timers = async () => {
      const { events } = await tier.handle(caseId).fetchHistory();
      return {
        started: events!.filter((e) => e.timerStartedEventAttributes).length,
        cancelled: events!.filter((e) => e.timerCanceledEventAttributes).length,
      };
    };
    await tier.apply(caseId, { type: 'decision.refused' }); // the appeal window: one timer for its end
    await stateWhen(caseId, synced, 'the refusal delivered');
    const waiting = await timers();
    expect(waiting.started).toBeGreaterThanOrEqual(1);
    // Two changes that do not move the window's end, each delivered: the same timer runs on.
    await tier.apply(caseId, { type: 'case.assigned', assignee: 'cw-timer-1' }, SUPERVISOR);
    await tier.apply(caseId, { type: 'case.assigned', assignee: 'cw-timer-2' }, SUPERVISOR);
    await stateWhen(caseId, synced, 'the assignments delivered');
    expect(await timers()).toEqual(waiting);
    // An appeal ends the window: its timer is cancelled (once), whatever the appeal waits for next.
    await tier.apply(caseId, { type: 'appeal.lodged' }, TRIBUNAL);
    await stateWhen(caseId, synced, 'the appeal delivered');
    expect((await timers()).cancelled).toBe(waiting.cancelled + 1);
  });

  it("keeps the case's policy: a 3-day window closes where the default 14-day one stays open", async () => {
    const short = await tier.startCase({
      policy: { ...DEFAULT_POLICY, appealWindowDays: { inCountry: 3, outOfCountry: 28 } },
    });
    const usual = await tier.startCase();
    await tier.apply(usual.caseId, { type: 'decision.refused', decidedOn: daysAgo(4) });
    await tier.apply(short.caseId, { type: 'decision.refused', decidedOn: daysAgo(4) });
    expect((await stateWhen(short.caseId, (s) => s.stage === 'exit', 'the short window to expire')).status).toBe(
      'appeal-rights-exhausted',
    );
    expect(await tier.state(usual.caseId)).toMatchObject({ stage: 'decision', status: 'refused' });
  });
});

describe('retention', () => {
  it('carries the last activity across continue-as-new, so a final case’s dormancy runs on from it', async () => {
    const policy = { ...DEFAULT_POLICY, retentionDormancyDays: 30 };
    const { caseId, handle: started } = await tier.startCase({ policy, continueAsNewAfterEvents: 30 });
    const firstRun = started.firstExecutionRunId;
    await tier.apply(caseId, { type: 'decision.granted', grant: 'refugee' }, CASEWORKER, { policy });
    let lastChange = '';
    for (let i = 0; i < 10 && (await tier.handle(caseId).describe()).runId === firstRun; i++) {
      lastChange = new Date().toISOString();
      await tier.apply(caseId, { type: 'case.assigned', assignee: `officer-${i}` }, CASEWORKER, { policy });
    }
    const next = await tier.nextRun(caseId, firstRun);
    // Final (granted) but dormant for minutes, not thirty days: the new run sleeps on.
    expect(next.status.name).toBe('RUNNING');
    const handle = tier.handle(caseId);
    const history = await handle.fetchHistory();
    // Stored encrypted (#19): read through the client's own codec.
    const [codec] = handle.client.options.loadedDataConverter.payloadCodecs;
    const [payload] = await codec!.decode([
      history.events![0]!.workflowExecutionStartedEventAttributes!.input!.payloads![0]!,
    ]);
    const input = JSON.parse(Buffer.from(payload!.data!).toString()) as CaseWorkflowInput;
    expect(input.carried?.state.status).toBe('granted');
    expect(Date.parse(input.carried!.lastActivityAt!)).toBeGreaterThanOrEqual(Date.parse(lastChange) - 1_000);
    expect(Date.parse(input.carried!.lastActivityAt!)).toBeLessThanOrEqual(Date.now());
  });
});
