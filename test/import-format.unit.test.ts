/** The import format: tolerant of how spreadsheets are written, strict about what the values are. */
import { describe, expect, it } from 'vitest';
import { DEFAULT_POLICY, importedState, type ImportRecord } from '../domain/index.js';
import { cleanDate, cleanRow, readHeader, TEMPLATE } from '../imports/format.js';

describe('dates', () => {
  it('reads the ways people write one day, and refuses impossible or ambiguous ones', () => {
    for (const v of [
      '2026-01-05',
      '05/01/2026',
      '5/1/2026',
      '05-01-2026',
      '05.01.2026',
      '5 Jan 2026',
      '5 January 2026',
      '05-Jan-2026',
      ' 5  Jan 2026 ',
      '2026-01-05T00:00:00Z',
    ])
      expect(cleanDate(v), v).toBe('2026-01-05');
    expect(cleanDate('4 Sept 2026')).toBe('2026-09-04');
    expect(cleanDate('31/02/2026')).toEqual({ error: expect.stringContaining('not a real date') });
    expect(cleanDate('04/07/89')).toEqual({ error: expect.stringContaining('two-digit year') });
    expect(cleanDate('soon')).toEqual({ error: expect.any(String) });
  });
});

describe('header', () => {
  it('knows columns by the names people give them, in any order, and says what is missing', () => {
    const h = readHeader([
      'D.O.B.',
      'Home Office Reference',
      'Full Name',
      'Nationality',
      'Current Stage',
      'Date of claim',
      'Notes',
    ]);
    expect(h).toEqual({
      ok: true,
      columns: ['date_of_birth', 'ho_ref', 'name', 'nationality', 'stage', 'claim_date', undefined],
      ignored: ['Notes'],
    });
    expect(readHeader(['name', 'ho_ref'])).toMatchObject({
      ok: false,
      errors: expect.arrayContaining([{ field: 'claim_date', message: 'column is missing from the header' }]),
    });
    expect(readHeader(TEMPLATE.split('\n')[0]!.split(','))).toMatchObject({ ok: true, ignored: [] });
  });
});

const row = {
  ho_ref: ' k1234567 ',
  name: ' Amina  Yusuf ',
  date_of_birth: '12/06/1994',
  nationality: 'sdn',
  stage: 'Tribunal',
  status: 'Listed',
  claim_date: '3 Feb 2025',
  decision_date: '2025-09-10',
  appeal_lodged_date: '20/09/2025',
  hearing_date: '14.01.2026',
  supported_accommodation: 'Y',
  appeals: '2',
};

describe('rows', () => {
  it('cleans a messy row into a record', () => {
    const r = cleanRow(row);
    expect(r).toEqual({
      ok: true,
      record: expect.objectContaining({
        homeOfficeRef: 'K1234567',
        person: { name: 'Amina Yusuf', dateOfBirth: '1994-06-12', nationality: 'SDN' },
        position: 'tribunal:listed',
        claimDate: '2025-02-03',
        appealLodgedDate: '2025-09-20',
        hearingDate: '2026-01-14',
        appeals: 2,
        cohort: { supportedAccommodation: true, foreignNationalOffender: false, detained: false },
      }),
    });
  });

  it('names every bad field of a row', () => {
    const r = cleanRow({
      ...row,
      ho_ref: 'K12',
      uan: '12-34',
      supported_accommodation: 'maybe',
      stage: 'appealing',
      appeals: 'two',
    });
    expect(r.ok ? [] : r.errors.map((e) => e.field).sort()).toEqual([
      'appeals',
      'ho_ref',
      'stage',
      'supported_accommodation',
      'uan',
    ]);
  });
});

describe('importedState', () => {
  const record = (cleanRow(row) as { ok: true; record: ImportRecord }).record;
  const at = '2026-03-01T10:00:00.000Z';

  it('replays the dates through the lifecycle: the stage, the appeal counted, the 24 weeks running from the day after lodging', () => {
    const built = importedState(record, 'AC-TEST', at, DEFAULT_POLICY);
    expect(built.ok).toBe(true);
    if (!built.ok) return;
    expect(built.state).toMatchObject({
      stage: 'tribunal',
      status: 'listed',
      version: 0,
      counts: { appeals: 2 },
      dates: { refusedOn: '2025-09-10', appealLodgedOn: '2025-09-20', hearingDate: '2026-01-14' },
    });
    expect(built.state.clocks).toEqual([]); // lodged before the 24-week duty commenced
    const after = importedState(
      { ...record, decisionDate: '2026-01-10', appealLodgedDate: '2026-01-20' },
      'AC-TEST',
      at,
      DEFAULT_POLICY,
    );
    expect(after.ok && after.state.clocks[0]).toMatchObject({
      name: 'tribunal-24-weeks',
      startedOn: '2026-01-21',
      state: 'running',
    });
  });

  it('refuses a stage the dates cannot reach, and dates out of order or in the future, naming the field', () => {
    const noHearing = importedState({ ...record, hearingDate: undefined }, 'AC-TEST', at, DEFAULT_POLICY);
    expect(noHearing).toMatchObject({
      ok: false,
      errors: [{ field: 'hearingDate', message: expect.stringContaining('appeal:lodged') }],
    });
    expect(importedState({ ...record, decisionDate: '2025-01-01' }, 'AC-TEST', at, DEFAULT_POLICY)).toMatchObject({
      ok: false,
      errors: [{ field: 'decisionDate' }],
    });
    expect(importedState({ ...record, appealLodgedDate: '2026-05-01' }, 'AC-TEST', at, DEFAULT_POLICY)).toMatchObject({
      ok: false,
      errors: [{ field: 'appealLodgedDate', message: expect.stringContaining('future') }],
    });
  });
});
