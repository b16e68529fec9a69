/**
 * The rules the case workflow wires, as pure functions: a change and who hears of it, an inbound
 * event applied, duplicated or held, reconciliation's re-queue, what the workflow's clock owes, and
 * the answers kept for late retries. No Temporal here; the workflow's own tests cover the wiring.
 */
import { describe, expect, it } from 'vitest';
import {
  answerFor,
  answerOf,
  applyChange,
  DEFAULT_POLICY,
  dueEvents,
  emptyOutbox,
  importedRecordChanged,
  nextDue,
  receiveInbound,
  reconcileRejection,
  remember,
  requeueForReconcile,
  withoutMessage,
  WORKFLOW_ACTOR,
  type CaseMachine,
  type OutboundMessage,
} from '../domain/index.js';
import { newCaseState } from './domain-fixtures.js';

const at = '2026-03-02T10:00:00.000Z';
const opts = { at, policy: DEFAULT_POLICY };
const caseworker = { id: 'carol', role: 'caseworker' } as const;
const fresh = (): CaseMachine => ({ state: newCaseState(), outbox: emptyOutbox() });

describe('a change', () => {
  it('takes the next sequence number and queues one message for each system that must hear of it', () => {
    const m = applyChange(fresh(), { type: 'decision.refused' }, caseworker, opts);
    expect(m.state).toMatchObject({ stage: 'decision', status: 'refused', version: 1 });
    expect(m.outbox.homeOffice.map((x) => x.key)).toEqual(['AC-000000000000:1:homeOffice']);
    expect(m.outbox.courts).toEqual([]);
    expect(m.state.sync.homeOffice.pending).toBe(1);
    const lodged = applyChange(
      m,
      { type: 'appeal.lodged', lodgedOn: '2026-03-01' },
      { id: 'tina', role: 'tribunal' },
      opts,
    );
    expect(lodged.outbox.homeOffice.map((x) => x.seq)).toEqual([1, 2]);
    expect(lodged.outbox.courts.map((x) => x.seq)).toEqual([2]);
    expect(lodged.state.clocks.map((c) => c.name)).toEqual(['tribunal-24-weeks']);
  });

  it('keeps the clocks as they were for runs recorded before clocks existed', () => {
    const refused = applyChange(fresh(), { type: 'decision.refused' }, caseworker, opts);
    const lodged = applyChange(refused, { type: 'appeal.lodged', lodgedOn: '2026-03-01' }, caseworker, {
      ...opts,
      clocks: false,
    });
    expect(lodged.state.clocks).toEqual([]);
  });

  it('answers with the case as it now stands, and remembers the answer by update id, the newest kept', () => {
    const m = applyChange(fresh(), { type: 'claim.screened' }, caseworker, opts);
    let recent = remember([], 'k1', answerOf(m), 2);
    recent = remember(recent, 'k2', answerOf(m), 2);
    recent = remember(recent, 'k3', answerOf(m), 2);
    expect(recent.map(([k]) => k)).toEqual(['k2', 'k3']);
    expect(answerFor(recent, 'k3')).toMatchObject({ status: 'screened', version: 1 });
    expect(answerFor(recent, 'k1')).toBeUndefined();
    expect(answerFor(recent, undefined)).toBeUndefined();
    expect(remember(recent, undefined, answerOf(m), 2)).toBe(recent);
  });

  it('tells when it rewrote the imported record', () => {
    const before = newCaseState();
    expect(
      importedRecordChanged(
        before,
        applyChange({ state: before, outbox: emptyOutbox() }, { type: 'claim.screened' }, caseworker, opts).state,
      ),
    ).toBe(false);
    expect(importedRecordChanged(before, { ...before, imported: { record: {} as never, source: {} as never } })).toBe(
      true,
    );
  });
});

describe('an inbound event', () => {
  const refused = () => applyChange(fresh(), { type: 'decision.refused' }, caseworker, opts);

  it('is applied once, as integration with the system as actor, and its key kept', () => {
    const first = receiveInbound(
      refused(),
      { source: 'hmcts', id: 'e1', event: { type: 'appeal.lodged', lodgedOn: '2026-03-02' } },
      opts,
    );
    expect(first.answer).toEqual({ status: 'applied', caseId: 'AC-000000000000' });
    expect(first.machine.state).toMatchObject({ stage: 'appeal', inbound: ['hmcts:e1'] });
    expect(first.machine.outbox.courts[0]!.actor).toEqual({ id: 'hmcts', role: 'integration' });
    const again = receiveInbound(first.machine, { source: 'hmcts', id: 'e1', event: { type: 'appeal.lodged' } }, opts);
    expect(again.answer).toEqual({ status: 'duplicate', caseId: 'AC-000000000000' });
    expect(again.machine).toBe(first.machine);
  });

  it('is held, with why, when that system does not report it or it does not fit the case now', () => {
    const foreign = receiveInbound(
      refused(),
      { source: 'home-office', id: 'e2', event: { type: 'appeal.lodged' } },
      opts,
    );
    expect(foreign.answer).toEqual({
      status: 'held',
      caseId: 'AC-000000000000',
      reason: 'home-office does not report appeal.lodged',
    });
    const early = receiveInbound(
      fresh(),
      { source: 'hmcts', id: 'e3', event: { type: 'tribunal.listed', hearingDate: '2026-05-01' } },
      opts,
    );
    expect(early.answer).toMatchObject({ status: 'held', reason: expect.stringContaining('not allowed') });
    expect(early.machine.state.held).toEqual([
      {
        key: 'hmcts:e3',
        type: 'tribunal.listed',
        reason: early.answer.status === 'held' ? early.answer.reason : '',
        at,
        // The whole event is kept, so a supervisor can apply it once it fits.
        event: { type: 'tribunal.listed', hearingDate: '2026-05-01' },
        source: 'hmcts',
      },
    ]);
    expect(early.machine.state.version).toBe(0);
    expect(early.machine.state.inbound).toEqual(['hmcts:e3']);
  });
});

describe('reconciliation', () => {
  const delivered = (): CaseMachine => {
    let m = fresh();
    for (const type of ['claim.screened', 'claim.interviewed', 'decision.refused'] as const)
      m = applyChange(m, { type }, caseworker, opts);
    const acknowledged = m.outbox.homeOffice;
    // Changes 1 and 2 acknowledged, 3 still queued.
    let state = m.state;
    state = { ...state, sync: { ...state.sync, homeOffice: { ...state.sync.homeOffice, delivered: 2 } } };
    return { state, outbox: { ...m.outbox, homeOffice: acknowledged.slice(2) } };
  };
  const message = (seq: number, m = fresh()): OutboundMessage => ({
    ...applyChange(m, { type: 'claim.screened' }, caseworker, opts).outbox.homeOffice[0]!,
    seq,
    key: `AC-000000000000:${seq}:homeOffice`,
  });

  it('re-queues an acknowledged change ahead of newer ones, once, flagged as a redelivery', () => {
    const m = delivered();
    const { machine, answer } = requeueForReconcile(m, { at, drift: [], resend: [message(1), message(1)] });
    expect(answer).toEqual({ requeued: 1 });
    expect(machine.outbox.homeOffice.map((x) => [x.seq, x.redelivery ?? false])).toEqual([
      [1, true],
      [3, false],
    ]);
    expect(machine.state.reconciliation).toEqual({ at, drift: [] });
    expect(machine.state.sync.homeOffice.pending).toBe(2);
  });

  it('refuses a re-send the system never acknowledged, or of another case', () => {
    const m = delivered();
    expect(reconcileRejection(m.state, [message(1)])).toBeNull();
    expect(reconcileRejection(m.state, [message(3)])).toMatch(/is not a change homeOffice acknowledged/);
    expect(reconcileRejection(m.state, [{ ...message(1), caseId: 'AC-OTHER' }])).toMatch(/acknowledged for this case/);
  });

  it('takes an acknowledged message off its queue by key', () => {
    const m = delivered();
    expect(withoutMessage(m.outbox, m.outbox.homeOffice[0]!).homeOffice).toEqual([]);
  });
});

describe('what the workflow sleeps until', () => {
  it("is the appeal window's end, and then its expiry is owed", () => {
    const m = applyChange(fresh(), { type: 'decision.refused', decidedOn: '2026-03-02' }, caseworker, opts);
    // 14 days after 2 March: the last day is 16 March, which ends at midnight in London (GMT then).
    expect(nextDue(m.state, DEFAULT_POLICY, true)).toBe('2026-03-17T00:00:00.000Z');
    expect(dueEvents(m.state, '2026-03-16T23:59:59.999Z', DEFAULT_POLICY, true)).toEqual([]);
    expect(dueEvents(m.state, '2026-03-17T00:00:00.000Z', DEFAULT_POLICY, true)).toEqual([
      { type: 'appeal-window.expired' },
    ]);
  });

  it("is a clock's next warning, which is owed only where clocks run", () => {
    const refused = applyChange(fresh(), { type: 'decision.refused' }, caseworker, opts);
    const m = applyChange(refused, { type: 'appeal.lodged', lodgedOn: '2026-03-01' }, caseworker, opts);
    const warning = m.state.clocks[0]!.warnings[0]!;
    expect(nextDue(m.state, DEFAULT_POLICY, true)).toBe(warning);
    expect(nextDue(m.state, DEFAULT_POLICY, false)).toBeUndefined();
    expect(dueEvents(m.state, warning, DEFAULT_POLICY, true)).toEqual([
      { type: 'clock.escalated', clock: 'tribunal-24-weeks', level: 1, lastDay: '2026-08-16' },
    ]);
    expect(dueEvents(m.state, warning, DEFAULT_POLICY, false)).toEqual([]);
    expect(
      applyChange(m, dueEvents(m.state, warning, DEFAULT_POLICY, true)[0]!, WORKFLOW_ACTOR, opts).outbox.notifier,
    ).toHaveLength(1);
  });
});
