/**
 * Bounded state (#19): what arrives from outside keeps a case's state bounded (held events and
 * inbound keys capped, the drop counted), and an inbound event whose references do not agree with
 * the case it names is held, never applied. Pure: the workflow and the webhook route wire these.
 */
import { describe, expect, it } from 'vitest';
import {
  adoptedReferences,
  applyChange,
  caseView,
  DEFAULT_POLICY,
  emptyOutbox,
  linkProblem,
  receiveInbound,
  referenceContradiction,
  STATE_BOUNDS,
  type CaseMachine,
} from '../domain/index.js';
import { newCaseState } from './domain-fixtures.js';

const at = '2026-03-02T10:00:00.000Z';
const bounded = { at, policy: DEFAULT_POLICY, bounded: true };
const fresh = (): CaseMachine => ({ state: newCaseState(), outbox: emptyOutbox() });
const listedEarly = (id: string) => ({
  source: 'hmcts' as const,
  id,
  event: { type: 'tribunal.listed', hearingDate: '2026-05-01' } as const,
});

describe('held events and inbound keys', () => {
  it('keeps the newest held events and counts the ones dropped, so the answer stays the same size', () => {
    let m = fresh();
    const sizes: number[] = [];
    for (let i = 0; i < STATE_BOUNDS.held * 4; i++) {
      m = receiveInbound(m, listedEarly(`e${i}`), bounded).machine;
      sizes.push(JSON.stringify(caseView(m.state)).length);
    }
    expect(m.state.held).toHaveLength(STATE_BOUNDS.held);
    expect(m.state.held[0]!.key).toBe(`hmcts:e${STATE_BOUNDS.held * 3}`);
    expect(m.state.heldDropped).toBe(STATE_BOUNDS.held * 3);
    expect(caseView(m.state).heldDropped).toBe(STATE_BOUNDS.held * 3);
    // Once one was dropped, every further held event leaves the answer within a few bytes (digits of keys and count).
    const full = sizes.slice(STATE_BOUNDS.held + 1);
    expect(Math.max(...full) - Math.min(...full)).toBeLessThan(STATE_BOUNDS.held * 2);
  });

  it('keeps fewer when their text is long: the held list stays under its size in characters', () => {
    let m = fresh();
    for (let i = 0; i < 20; i++)
      m = receiveInbound(
        m,
        {
          source: 'hmcts',
          id: `long-${i}`,
          event: { type: 'tribunal.adjourned', reason: 'x'.repeat(2000), hearingDate: '2026-05-01' },
        },
        bounded,
      ).machine;
    expect(JSON.stringify(m.state.held).length).toBeLessThanOrEqual(STATE_BOUNDS.heldChars);
    expect(m.state.held.length).toBeGreaterThan(3);
    expect(m.state.held.length + (m.state.heldDropped ?? 0)).toBe(20);
    expect(m.state.held.at(-1)!.key).toBe('hmcts:long-19');
  });

  it('without the patch (a run recorded before) keeps every one, as that run did', () => {
    let m = fresh();
    for (let i = 0; i < STATE_BOUNDS.held + 5; i++)
      m = receiveInbound(m, listedEarly(`e${i}`), { at, policy: DEFAULT_POLICY }).machine;
    expect(m.state.held).toHaveLength(STATE_BOUNDS.held + 5);
    expect(m.state.heldDropped).toBeUndefined();
  });

  it('remembers the newest keys: a repeat within them is a duplicate, applied or held', () => {
    let m = applyChange(fresh(), { type: 'decision.refused' }, { id: 'c', role: 'caseworker' }, bounded);
    m = receiveInbound(
      m,
      { source: 'hmcts', id: 'lodged', event: { type: 'appeal.lodged', lodgedOn: '2026-03-02' } },
      bounded,
    ).machine;
    for (let i = 0; i < STATE_BOUNDS.inboundKeys - 1; i++)
      m = receiveInbound(m, { source: 'home-office', id: `h${i}`, event: { type: 'appeal.lodged' } }, bounded).machine;
    expect(m.state.inbound).toHaveLength(STATE_BOUNDS.inboundKeys);
    const again = receiveInbound(
      m,
      { source: 'hmcts', id: 'lodged', event: { type: 'appeal.lodged', lodgedOn: '2026-03-02' } },
      bounded,
    );
    expect(again.answer.status).toBe('duplicate');
    // One more event pushes the oldest key out of state (it stays in history).
    const more = receiveInbound(m, { source: 'home-office', id: 'last', event: { type: 'appeal.lodged' } }, bounded);
    expect(more.machine.state.inbound).toHaveLength(STATE_BOUNDS.inboundKeys);
    expect(more.machine.state.inbound).not.toContain('hmcts:lodged');
  });
});

describe('references that do not agree with the case', () => {
  const state = newCaseState();

  it('holds an event aimed by caseId whose other references contradict the case, or that names another case', () => {
    const contradicting = receiveInbound(
      applyChange(fresh(), { type: 'decision.refused' }, { id: 'c', role: 'caseworker' }, bounded),
      {
        source: 'hmcts',
        id: 'x',
        event: { type: 'appeal.lodged' },
        references: { caseId: state.caseId, homeOfficeRef: 'H9999999' },
      },
      bounded,
    );
    expect(contradicting.answer).toEqual({
      status: 'held',
      caseId: state.caseId,
      reason: `references.homeOfficeRef H9999999 contradicts case ${state.caseId} (its homeOfficeRef is H0000001)`,
    });
    expect(contradicting.machine.state.version).toBe(1); // the refusal only
    expect(referenceContradiction(state, { caseId: 'AC-111111111111' }, { type: 'appeal.lodged' })).toBe(
      `references.caseId AC-111111111111 is not this case (${state.caseId})`,
    );
    expect(
      referenceContradiction(state, { caseId: state.caseId, homeOfficeRef: 'H0000001' }, { type: 'appeal.lodged' }),
    ).toBeNull();
    // Without caseId the references only found the case: nothing to contradict.
    expect(
      referenceContradiction(
        state,
        { homeOfficeRef: 'H0000001', uan: '1111-2222-3333-4444' },
        { type: 'appeal.lodged' },
      ),
    ).toBeNull();
  });

  it('a new appeal’s own HMCTS reference is not a contradiction', () => {
    const s = { ...state, identifiers: { ...state.identifiers, hmctsRef: 'PA/00001/2026' } };
    const event = { type: 'appeal.lodged', hmctsRef: 'PA/00002/2026' } as const;
    expect(referenceContradiction(s, { caseId: s.caseId, hmctsRef: 'PA/00002/2026' }, event)).toBeNull();
    expect(referenceContradiction(s, { caseId: s.caseId, hmctsRef: 'PA/00003/2026' }, event)).toMatch(/contradicts/);
  });

  it('holds an event the API found to carry another case’s reference, whatever it says', () => {
    const held = receiveInbound(
      applyChange(fresh(), { type: 'decision.refused' }, { id: 'c', role: 'caseworker' }, bounded),
      {
        source: 'hmcts',
        id: 'y',
        event: { type: 'appeal.lodged', hmctsRef: 'PA/00002/2026' },
        conflict: 'reference PA/00002/2026 already belongs to case AC-111111111111',
      },
      bounded,
    );
    expect(held.answer).toMatchObject({
      status: 'held',
      reason: 'reference PA/00002/2026 already belongs to case AC-111111111111',
    });
    expect(held.machine.state.identifiers.hmctsRef).toBeUndefined();
  });

  it('names the references an event would adopt, a PNC ID as the case stores it', () => {
    expect(adoptedReferences({ type: 'case.identified', pnc: '12/0001234X', prisonNumber: 'A1234BC' })).toEqual([
      '12/1234X',
      'A1234BC',
    ]);
    expect(adoptedReferences({ type: 'appeal.lodged', hmctsRef: 'PA/00002/2026' })).toEqual(['PA/00002/2026']);
    expect(adoptedReferences({ type: 'decision.refused' })).toEqual([]);
  });
});

describe('links', () => {
  it('refuses a link past the most a case keeps', () => {
    const links = Array.from({ length: STATE_BOUNDS.links }, (_, i) => ({
      caseId: `AC-${String(i).padStart(12, '0')}`,
      relation: 'family' as const,
    }));
    const s = { ...newCaseState(), caseId: 'AC-ZZZZZZZZZZZZ', links };
    expect(linkProblem(s, 'AC-YYYYYYYYYYYY')).toMatch(/already linked to 100 cases/);
    expect(linkProblem({ ...s, links: links.slice(1) }, 'AC-YYYYYYYYYYYY')).toBeNull();
  });
});
