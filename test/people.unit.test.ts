/**
 * A person's other references and the links between their cases, as pure rules: the PNC ID's check
 * letter (examples worked by hand), prison numbers and local authority references, `case.identified`,
 * linking both ways (the link back queued once, never bounced), and the bounded walk of a person's
 * same-person links.
 */
import { describe, expect, it } from 'vitest';
import {
  applyChange,
  canonicalPnc,
  casesOfPerson,
  checkEvent,
  DEFAULT_POLICY,
  emptyOutbox,
  EXTERNAL_SYSTEMS,
  identifierProblem,
  isCaseReference,
  isLinkUpdateId,
  isLocalAuthorityRef,
  isPnc,
  isPrisonNumber,
  linkBackDone,
  linkBackEvent,
  nextLinkBack,
  otherCaseOf,
  pnc,
  pncCheckLetter,
  externalRefs,
  type CaseMachine,
  type CaseState,
} from '../domain/index.js';
import { caseEventBody } from '../api/schemas.js';
import { newCaseState } from './domain-fixtures.js';

const at = '2026-03-02T10:00:00.000Z';
const opts = { at, policy: DEFAULT_POLICY };
const caseworker = { id: 'carol', role: 'caseworker' } as const;
const system = { id: 'AC-000000000000', role: 'system' } as const;
const A = 'AC-000000000000';
const B = 'AC-00000000000B';
const C = 'AC-00000000000C';
const fresh = (caseId = A): CaseMachine => ({ state: { ...newCaseState(), caseId }, outbox: emptyOutbox() });

describe('PNC ID', () => {
  // Year and serial zero-padded to 7 digits, as one number, mod 23, indexes ZABCDEFGHJKLMNPQRTUVWXY:
  //   12/345678  → 120345678 = 23 × 5232420 + 18 → U
  //   99/1234567 → 991234567 = 23 × 43097155 + 2 → B
  //   24/1       → 240000001 = 23 × 10434782 + 15 → Q
  //   00/23      →        23 = 23 × 1 + 0 → Z
  //   03/7654321 →   37654321 = 23 × 1637144 + 9 → J
  it.each([
    ['12', '345678', 'U'],
    ['99', '1234567', 'B'],
    ['24', '1', 'Q'],
    ['00', '23', 'Z'],
    ['03', '7654321', 'J'],
  ])('%s/%s has check letter %s', (year, serial, letter) => {
    expect(pncCheckLetter(year, serial)).toBe(letter);
    expect(isPnc(`${year}/${serial}${letter}`)).toBe(true);
    expect(pnc(Number(year), Number(serial))).toBe(`${year}/${serial}${letter}`);
  });

  it('refuses a wrong check letter, and any other shape', () => {
    expect(isPnc('12/345678T')).toBe(false);
    for (const bad of ['12345678U', '2012/345678U', '12/12345678U', '12/345678u', '12/U', '1/345678U', ' 12/345678U'])
      expect(isPnc(bad), bad).toBe(false);
    expect(identifierProblem('pnc', '12/345678T')).toMatch(/check letter/);
    expect(identifierProblem('pnc', 'nonsense')).toMatch(/must be a PNC ID/);
    expect(identifierProblem('pnc', '12/345678U')).toBeNull();
  });

  it('the serial with leading zeroes is the same ID, kept as displayed (zeroes suppressed)', () => {
    expect(isPnc('12/0345678U')).toBe(true);
    expect(canonicalPnc('12/0345678U')).toBe('12/345678U');
    expect(canonicalPnc('00/0000023Z')).toBe('00/23Z');
  });
});

describe('prison numbers and local authority references', () => {
  it('a prison number is a letter, four digits and two letters', () => {
    expect(isPrisonNumber('A1234BC')).toBe(true);
    for (const bad of ['a1234bc', 'A123BC', 'A12345BC', '11234BC', 'A1234B1', 'AB1234C'])
      expect(isPrisonNumber(bad), bad).toBe(false);
  });

  it('a local authority reference is up to 40 letters, digits, hyphens and full stops', () => {
    expect(isLocalAuthorityRef('LA-2026.17')).toBe(true);
    expect(isLocalAuthorityRef('x'.repeat(40))).toBe(true);
    for (const bad of ['', 'x'.repeat(41), 'LA 17', 'LA/17', 'LA_17'])
      expect(isLocalAuthorityRef(bad), bad).toBe(false);
  });

  it('each is a reference a person can be found by', () => {
    for (const ref of ['12/345678U', 'A1234BC', 'LA-2026.17', A, 'H1234567', '1234-5678-9012-3456'])
      expect(isCaseReference(ref), ref).toBe(true);
    expect(isCaseReference("x' OR 1=1")).toBe(false);
  });
});

describe('case.identified', () => {
  it('adds the references given to the identifiers, so search finds the case by them', () => {
    const m = applyChange(
      fresh(),
      { type: 'case.identified', pnc: '12/0345678U', prisonNumber: 'A1234BC' },
      caseworker,
      opts,
    );
    expect(m.state.identifiers).toMatchObject({ pnc: '12/345678U', prisonNumber: 'A1234BC' });
    expect(m.state.identifiers.localAuthorityRef).toBeUndefined();
    expect(externalRefs(m.state)).toEqual(expect.arrayContaining(['12/345678U', 'A1234BC']));
    expect(m.outbox.homeOffice).toHaveLength(1);
    const more = applyChange(m, { type: 'case.identified', localAuthorityRef: 'LA-1' }, caseworker, opts);
    expect(more.state.identifiers).toMatchObject({
      pnc: '12/345678U',
      prisonNumber: 'A1234BC',
      localAuthorityRef: 'LA-1',
    });
  });

  it('needs at least one of the three, and each in its format', () => {
    expect(checkEvent(newCaseState(), { type: 'case.identified' }, 'caseworker', opts)).toEqual({
      kind: 'invalid',
      errors: [{ field: 'pnc', message: 'or prisonNumber or localAuthorityRef is required: give at least one' }],
    });
    expect(checkEvent(newCaseState(), { type: 'case.identified', pnc: '12/345678T' }, 'caseworker', opts)).toEqual({
      kind: 'invalid',
      errors: [{ field: 'pnc', message: 'has the wrong check letter for its year and serial' }],
    });
    expect(
      checkEvent(newCaseState(), { type: 'case.identified', prisonNumber: 'A1234' }, 'integration', opts),
    ).toMatchObject({
      kind: 'invalid',
      errors: [{ field: 'prisonNumber' }],
    });
  });

  it("the API's body names the bad field", () => {
    const bad = caseEventBody.safeParse({ type: 'case.identified', pnc: '12/345678T' });
    expect(bad.success).toBe(false);
    expect(bad.error!.issues.map((i) => [i.path.join('.'), i.message])).toEqual([
      ['pnc', 'has the wrong check letter for its year and serial'],
    ]);
    expect(caseEventBody.safeParse({ type: 'case.identified', localAuthorityRef: 'LA-1' }).success).toBe(true);
  });
});

describe('linking two cases', () => {
  it('records the link here and queues one link back for the other case, under the change’s own sequence', () => {
    const m = applyChange(fresh(), { type: 'case.linked', caseId: B, relation: 'same-person' }, caseworker, opts);
    expect(m.state.version).toBe(1);
    expect(m.state.links).toEqual([{ caseId: B, relation: 'same-person' }]);
    const back = nextLinkBack(m.state)!;
    expect(back).toEqual({ id: `link:${A}:1`, to: B, link: { caseId: A, relation: 'same-person' } });
    expect(linkBackEvent(back)).toEqual({ type: 'case.link-recorded', caseId: A, relation: 'same-person' });
    // Nobody outside hears of a link; the tracker's own reporting model hears of every change.
    expect(EXTERNAL_SYSTEMS.flatMap((s) => m.outbox[s])).toEqual([]);
    expect(m.outbox.reporting.map((x) => x.seq)).toEqual([m.state.version]);
    expect(nextLinkBack(linkBackDone(m.state, back.id))).toBeUndefined();
    expect(isLinkUpdateId(back.id)).toBe(true);
    expect(isLinkUpdateId('3f1c9a2e-key')).toBe(false);
  });

  it('the other case records it without queueing anything: it never bounces back', () => {
    const b = applyChange(fresh(B), { type: 'case.link-recorded', caseId: A, relation: 'family' }, system, opts);
    expect(b.state.links).toEqual([{ caseId: A, relation: 'family' }]);
    expect(nextLinkBack(b.state)).toBeUndefined();
    // Recorded twice (a retry that got past every other guard) it is still one link.
    const again = applyChange(b, { type: 'case.link-recorded', caseId: A, relation: 'family' }, system, opts);
    expect(again.state.links).toEqual([{ caseId: A, relation: 'family' }]);
  });

  it('refuses a link to itself and a second link to the same case (a pair has one link)', () => {
    const self = checkEvent(newCaseState(), { type: 'case.linked', caseId: A, relation: 'family' }, 'tribunal', opts);
    expect(self).toMatchObject({ kind: 'not-allowed', message: expect.stringMatching(/itself/) });
    const linked = applyChange(fresh(), { type: 'case.linked', caseId: B, relation: 'family' }, caseworker, opts).state;
    for (const relation of ['family', 'same-person'] as const)
      expect(checkEvent(linked, { type: 'case.linked', caseId: B, relation }, 'caseworker', opts)).toMatchObject({
        kind: 'not-allowed',
        message: `case.linked is not allowed: already linked to ${B} (family)`,
      });
    // Linked from the other side first, this side has the link already: refused too.
    const mirrored = applyChange(fresh(), { type: 'case.link-recorded', caseId: B, relation: 'family' }, system, opts);
    expect(
      checkEvent(mirrored.state, { type: 'case.linked', caseId: B, relation: 'family' }, 'caseworker', opts),
    ).not.toBeNull();
  });

  it('names the other case, which the API checks exists first; no one but the workflow sends the mirror', () => {
    expect(otherCaseOf({ type: 'case.linked', caseId: B, relation: 'dependant' })).toBe(B);
    expect(otherCaseOf({ type: 'case.link-recorded', caseId: B, relation: 'dependant' })).toBeUndefined();
    expect(caseEventBody.safeParse({ type: 'case.link-recorded', caseId: B, relation: 'dependant' }).success).toBe(
      false,
    );
    expect(caseEventBody.safeParse({ type: 'case.linked', caseId: 'AC-1', relation: 'dependant' }).success).toBe(false);
    expect(
      checkEvent(newCaseState(), { type: 'case.link-recorded', caseId: B, relation: 'family' }, 'caseworker', opts),
    ).toMatchObject({
      kind: 'forbidden',
    });
  });
});

describe("a person's cases", () => {
  const linkedState = (caseId: string, links: Array<[string, 'same-person' | 'family']>): CaseState => ({
    ...newCaseState(),
    caseId,
    links: links.map(([id, relation]) => ({ caseId: id, relation })),
  });

  it('follows same-person links transitively, not family or dependant ones', async () => {
    const all = new Map([
      [A, linkedState(A, [[B, 'same-person']])],
      [
        B,
        linkedState(B, [
          [A, 'same-person'],
          [C, 'same-person'],
          ['AC-00000000000F', 'family'],
        ]),
      ],
      [C, linkedState(C, [[B, 'same-person']])],
      ['AC-00000000000F', linkedState('AC-00000000000F', [[B, 'family']])],
    ]);
    const reads: string[] = [];
    const { states, complete } = await casesOfPerson([A], async (id) => (reads.push(id), all.get(id)));
    expect(states.map((s) => s.caseId)).toEqual([A, B, C]);
    expect(complete).toBe(true);
    expect(reads).toEqual([A, B, C]); // each case read once
  });

  it('stops at its bounds and says so', async () => {
    // A chain: case i is the same person as case i+1.
    const id = (i: number) => `AC-${String(i).padStart(12, '0')}`;
    const chain = async (caseId: string) => {
      const i = Number(caseId.slice(3));
      return linkedState(caseId, [
        ...(i > 0 ? [[id(i - 1), 'same-person'] as [string, 'same-person']] : []),
        [id(i + 1), 'same-person'],
      ]);
    };
    const deep = await casesOfPerson([id(0)], chain, { depth: 5, cases: 50 });
    expect(deep.states).toHaveLength(6); // the case found and five hops
    expect(deep.complete).toBe(false);
    const wide = await casesOfPerson([id(0)], chain, { depth: 100, cases: 4 });
    expect(wide.states).toHaveLength(4);
    expect(wide.complete).toBe(false);
    const unknown = await casesOfPerson([A, B], async (caseId) => (caseId === A ? linkedState(A, []) : undefined));
    expect(unknown).toEqual({ states: [linkedState(A, [])], complete: true });
  });
});
