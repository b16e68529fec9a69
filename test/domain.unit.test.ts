/** Identifier formats and the transition table's basic promises. */
import { describe, expect, it } from 'vitest';
import {
  DEFAULT_POLICY,
  allowedEvents,
  applyEvent,
  checkEvent,
  courtCaseNumber,
  formatCaseId,
  gwf,
  hmctsRef,
  homeOfficeRef,
  isCaseId,
  isCourtCaseNumber,
  isGwf,
  isHmctsRef,
  isHomeOfficeRef,
  isUan,
  luhnCheckDigit,
  uan,
} from '../domain/index.js';
import { newCaseState } from './domain-fixtures.js';

describe('identifiers', () => {
  it('computes Luhn check digits (known vectors)', () => {
    expect(luhnCheckDigit('7992739871')).toBe(3);
    expect(isCourtCaseNumber('4111111111111111')).toBe(true);
    expect(isCourtCaseNumber('4111111111111112')).toBe(false);
    expect(isCourtCaseNumber(courtCaseNumber('123456789012345'))).toBe(true);
  });

  it('generates what it validates, and rejects near misses', () => {
    expect(isUan(uan(1234))).toBe(true);
    expect(isUan('1234-5678-9012-345')).toBe(false);
    expect(isGwf(gwf(42))).toBe(true);
    expect(isGwf('GWF12345678')).toBe(false);
    expect(isHomeOfficeRef(homeOfficeRef('h', 99))).toBe(true);
    expect(isHomeOfficeRef('H123456')).toBe(false);
    expect(isHmctsRef(hmctsRef('PA', 50001, 2026))).toBe(true);
    expect(isHmctsRef('PA/50000/2026')).toBe(false); // sequences start at 50001
    expect(isHmctsRef('XX/50001/2026')).toBe(false);
    expect(() => hmctsRef('PA', 49999, 2026)).toThrow(RangeError);
  });

  it('formats our case id from entropy, stably', () => {
    const bytes = Uint8Array.from([1, 2, 3, 4, 5, 6, 7, 8]);
    expect(formatCaseId(bytes)).toBe(formatCaseId(bytes));
    expect(isCaseId(formatCaseId(bytes))).toBe(true);
    expect(formatCaseId(bytes)).not.toBe(formatCaseId(Uint8Array.from([9, 2, 3, 4, 5, 6, 7, 8])));
    expect(formatCaseId(bytes)).not.toBe(formatCaseId(Uint8Array.from([1, 2, 3, 4, 5, 6, 7, 0x18]))); // 60 bits: bit 4 of byte 8 still counts
  });
});

describe('transition table', () => {
  const state = newCaseState();
  const ctx = { at: '2026-03-01T10:00:00.000Z', policy: DEFAULT_POLICY };

  it('offers only what the role may send where the case is', () => {
    // At claim the tribunal has nothing of its own to record; it may link cases anywhere.
    expect(allowedEvents(state, 'tribunal')).toEqual(['case.linked']);
    expect(allowedEvents(state, 'supervisor')).toEqual(['case.assigned']);
    expect(allowedEvents(state, 'caseworker')).toContain('decision.refused');
    expect(allowedEvents(state)).not.toContain('appeal-window.expired'); // timers are never offered
  });

  it('says why an event is refused: payload, role, then place', () => {
    expect(checkEvent(state, { type: 'decision.refused', decidedOn: '2026-03-02' }, 'caseworker', ctx)).toEqual({
      kind: 'invalid',
      errors: [{ field: 'decidedOn', message: 'cannot be in the future' }],
    });
    expect(checkEvent(state, { type: 'claim.screened' }, 'tribunal', ctx)?.kind).toBe('forbidden');
    expect(checkEvent(state, { type: 'tribunal.listed', hearingDate: '2026-05-01' }, 'tribunal', ctx)).toMatchObject({
      kind: 'not-allowed',
      allowedEvents: ['case.linked'],
    });
    expect(checkEvent(state, { type: 'claim.screened' }, 'caseworker', ctx)).toBeNull();
  });

  it('records the dates events carry, defaulting to the day of the change', () => {
    const refused = applyEvent(state, { type: 'decision.refused' }, ctx);
    expect(refused).toMatchObject({
      stage: 'decision',
      status: 'refused',
      dates: { refusedOn: '2026-03-01', outOfCountry: false },
    });
    const lodged = applyEvent(
      refused,
      { type: 'appeal.lodged', lodgedOn: '2026-02-20', hmctsRef: 'PA/50001/2026' },
      ctx,
    );
    expect(lodged).toMatchObject({
      stage: 'appeal',
      identifiers: { hmctsRef: 'PA/50001/2026' },
      counts: { appeals: 1 },
      dates: { appealLodgedOn: '2026-02-20' },
    });
  });

  it('keeps each absconding period, open until the person reports again', () => {
    const at = (date: string) => ({ ...ctx, at: `${date}T09:00:00.000Z` });
    const gone = applyEvent(state, { type: 'person.absconded' }, at('2026-03-02'));
    expect(gone.abscondingPeriods).toEqual([{ from: '2026-03-02' }]);
    const back = applyEvent(gone, { type: 'person.reported' }, at('2026-04-10'));
    const again = applyEvent(back, { type: 'person.absconded' }, at('2026-05-01'));
    expect(again.abscondingPeriods).toEqual([{ from: '2026-03-02', to: '2026-04-10' }, { from: '2026-05-01' }]);
    expect(again.counts.abscondings).toBe(2);
  });
});
