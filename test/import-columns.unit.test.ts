/**
 * The later import columns: the grant type, the refusal's sending date, the PNC, prison number and
 * local authority reference, and the dated cohort columns that decide the 24-week clock.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  caseView,
  changedFields,
  correctImport,
  DEFAULT_POLICY,
  externalRefs,
  importedState,
  isLocalAuthorityRef,
  isPnc,
  isPrisonNumber,
  type ImportRecord,
} from '../domain/index.js';
import { cleanRow, COLUMNS, readHeader, TEMPLATE, type ColumnName } from '../imports/format.js';

const at = '2026-12-01T10:00:00.000Z';
type Cells = Partial<Record<ColumnName, string>>;

/** An appeal lodged in time on 10 Sep 2026 (after the 24-week duty commenced), refused on 1 Sep. */
const lodged: Cells = {
  ho_ref: 'K2000001',
  name: 'Tesfay Gebre',
  date_of_birth: '01/02/1990',
  nationality: 'ERI',
  stage: 'appeal',
  claim_date: '2026-02-03',
  decision_date: '2026-09-01',
  appeal_lodged_date: '2026-09-10',
};
const granted: Cells = {
  ho_ref: 'K2000002',
  name: 'Sara Ahmadi',
  date_of_birth: '01/02/1991',
  nationality: 'AFG',
  stage: 'exit',
  status: 'granted',
  claim_date: '2026-02-03',
  decision_date: '2026-06-01',
};

const recordOf = (cells: Cells): ImportRecord => {
  const r = cleanRow(cells);
  if (!r.ok) throw new Error(JSON.stringify(r.errors));
  return r.record;
};
const errorsOf = (cells: Cells) => {
  const r = cleanRow(cells);
  return r.ok ? [] : r.errors;
};
const build = (cells: Cells) => importedState(recordOf(cells), 'AC-TEST', at, DEFAULT_POLICY);
const stateOf = (cells: Cells) => {
  const built = build(cells);
  if (!built.ok) throw new Error(JSON.stringify(built.errors));
  return built.state;
};
const tribunalClock = (cells: Cells) => stateOf(cells).clocks.find((c) => c.name === 'tribunal-24-weeks');

describe('the reference validators', () => {
  it('PNC: two-digit year, up to 7 digits, and the check letter (year × 10^7 + serial) mod 23 picks', () => {
    // 25 × 10^7 + 1234567 = 251234567 = 23 × 10923242 + 1: "ZABC…"[1] is A.
    for (const ok of ['25/1234567A', '25/123456W', '99/9999999V', '00/1A', '12/345678U'])
      expect(isPnc(ok), ok).toBe(true);
    for (const bad of ['25/1234567B', '2025/1234567A', '25/12345678A', '25-1234567A', '25/1234567', '25/1234567a', ''])
      expect(isPnc(bad), bad).toBe(false);
  });

  it('prison number: a letter, 4 digits and 2 letters', () => {
    expect(isPrisonNumber('A1234BC')).toBe(true);
    for (const bad of ['A123BC', '1234ABC', 'A1234B', 'A1234BCD', 'a1234bc', 'AB1234C'])
      expect(isPrisonNumber(bad), bad).toBe(false);
  });

  it('local authority reference: letters, digits, - and ., at most 40', () => {
    for (const ok of ['LA-2025.0042', 'x', 'A'.repeat(40), 'brent-123']) expect(isLocalAuthorityRef(ok), ok).toBe(true);
    for (const bad of ['A'.repeat(41), 'LA 1', 'LA/1', '-LA1', '.1', '', 'LA_1'])
      expect(isLocalAuthorityRef(bad), bad).toBe(false);
  });
});

describe('the new columns, cell by cell', () => {
  it('reads the references into the record, in capitals, and names each bad one by its column', () => {
    expect(
      recordOf({ ...lodged, pnc: ' 25/1234567a ', prison_number: 'a1234bc', local_authority_ref: 'la-2025.42' }),
    ).toMatchObject({ pnc: '25/1234567A', prisonNumber: 'A1234BC', localAuthorityRef: 'LA-2025.42' });
    const errors = errorsOf({ ...lodged, pnc: '25/1234567B', prison_number: 'A123BC', local_authority_ref: 'LA/1' });
    expect(errors.map((e) => e.field).sort()).toEqual(['local_authority_ref', 'pnc', 'prison_number']);
    expect(errors.find((e) => e.field === 'pnc')!.message).toContain('check letter');
  });

  it('reads the grant as sheets write it, and refuses anything else', () => {
    for (const [cell, grant] of [
      ['Refugee', 'refugee'],
      ['refugee status', 'refugee'],
      ['Humanitarian Protection', 'humanitarian-protection'],
      ['humanitarian_protection', 'humanitarian-protection'],
      ['HP', 'humanitarian-protection'],
    ] as const)
      expect(recordOf({ ...granted, grant: cell }).grant, cell).toBe(grant);
    expect(errorsOf({ ...granted, grant: 'asylum' })).toEqual([
      { field: 'grant', message: expect.stringContaining('refugee or humanitarian-protection') },
    ]);
  });

  it('asks for the grant of a granted case when the sheet has the column, and not when it has none', () => {
    expect(errorsOf({ ...granted, grant: '' })).toEqual([
      { field: 'grant', message: expect.stringContaining('required') },
    ]);
    expect(errorsOf({ ...lodged, grant: '' })).toEqual([]);
    const before = recordOf(granted);
    expect(before).not.toHaveProperty('grant');
    expect(importedState(before, 'AC-TEST', at, DEFAULT_POLICY)).toMatchObject({
      ok: true,
      state: { stage: 'exit', status: 'granted' },
    });
  });

  it('reads the dated columns as dates, naming a bad one by its column', () => {
    expect(
      recordOf({
        ...lodged,
        sent_on: '3 Sep 2026',
        supported_accommodation_from: '01/08/2026',
        detained_from: '2026-01-05',
        released_on: '2026-02-05',
      }),
    ).toMatchObject({
      sentOn: '2026-09-03',
      supportedAccommodationFrom: '2026-08-01',
      detainedFrom: '2026-01-05',
      releasedOn: '2026-02-05',
    });
    const errors = errorsOf({
      ...lodged,
      sent_on: 'soon',
      supported_accommodation_from: '31/02/2026',
      released_on: '1/2/26',
    });
    expect(errors.map((e) => e.field).sort()).toEqual(['released_on', 'sent_on', 'supported_accommodation_from']);
  });

  it('lets a blank yes/no follow the dates, and keeps one the sheet fills in', () => {
    const cohort = (cells: Cells) => recordOf({ ...lodged, ...cells }).cohort;
    expect(cohort({ supported_accommodation_from: '2026-08-01' }).supportedAccommodation).toBe(true);
    expect(
      cohort({ supported_accommodation_from: '2026-08-01', supported_accommodation: 'no' }).supportedAccommodation,
    ).toBe(false);
    expect(cohort({ detained_from: '2026-08-01' }).detained).toBe(true);
    expect(cohort({ detained_from: '2026-08-01', released_on: '2026-08-20' }).detained).toBe(false);
    expect(cohort({})).toEqual({ supportedAccommodation: false, foreignNationalOffender: false, detained: false });
  });

  it('knows the new columns by their snake_case and camelCase names', () => {
    const required = ['HO Ref', 'Name', 'DOB', 'Nationality', 'Stage', 'Claim Date'];
    const columnsOf = (headers: string[]) => {
      const h = readHeader([...required, ...headers]);
      return h.ok ? h.columns.slice(required.length) : h.errors;
    };
    const names = ['grant', 'sent_on', 'pnc', 'prison_number', 'local_authority_ref'];
    const dated = ['supported_accommodation_from', 'detained_from', 'released_on'];
    expect(columnsOf([...names, ...dated])).toEqual([...names, ...dated]);
    expect(
      columnsOf([
        'Grant Type',
        'sentOn',
        'PNC',
        'prisonNumber',
        'localAuthorityRef',
        ...['supportedAccommodationFrom', 'detainedFrom', 'releasedOn'],
      ]),
    ).toEqual([...names, ...dated]);
    expect(
      columnsOf(['Notice Sent', 'NOMS number', 'LA ref', 'Supported From', 'Date Detained', 'Release Date']),
    ).toEqual(['sent_on', 'prison_number', 'local_authority_ref', ...dated]);
  });

  it('gives every header name to one column only', () => {
    const names = Object.entries(COLUMNS).flatMap(([name, c]) => [name, ...c.aliases]);
    expect(names.length).toBe(new Set(names).size);
  });
});

describe('one list of columns: the template and the docs', () => {
  const [header, example] = TEMPLATE.trim().split('\n') as [string, string];

  it('the template lists every column, the new ones included, and its example row imports', () => {
    expect(header.split(',')).toEqual(Object.keys(COLUMNS));
    for (const c of ['grant', 'sent_on', 'pnc', 'prison_number', 'local_authority_ref'])
      expect(header.split(','), c).toContain(c);
    for (const c of ['supported_accommodation_from', 'detained_from', 'released_on'])
      expect(header.split(','), c).toContain(c);
    const cells = Object.fromEntries(header.split(',').map((c, i) => [c, example.split(',')[i] ?? ''])) as Cells;
    expect(build(cells)).toMatchObject({ ok: true });
  });

  it('the column table in docs/imports.md names every column', () => {
    const docs = readFileSync(new URL('../docs/imports.md', import.meta.url), 'utf8');
    for (const c of Object.keys(COLUMNS)) expect(docs, c).toContain(`\`${c}\``);
  });
});

describe('what the new columns build', () => {
  it('supported accommodation from before the appeal was lodged gives it the 24-week clock; from after, none', () => {
    expect(tribunalClock({ ...lodged, supported_accommodation_from: '2026-08-01' })).toMatchObject({
      startedOn: '2026-09-11',
      state: 'running',
    });
    // The same day counts: the facts of the day the appeal was instituted.
    expect(tribunalClock({ ...lodged, supported_accommodation_from: '2026-09-10' })).toMatchObject({
      startedOn: '2026-09-11',
    });
    const after = stateOf({ ...lodged, supported_accommodation_from: '2026-10-01' });
    expect(after.clocks.find((c) => c.name === 'tribunal-24-weeks')).toBeUndefined();
    expect(after.cohort.supportedAccommodation).toBe(true); // in supported accommodation now
    expect(caseView(after).cohortAtAppeal?.supportedAccommodation).toBe(false); // but not when the appeal started
  });

  it('keeps the dated columns as dated facts on the case, over the cohort before them', () => {
    const s = stateOf({
      ...lodged,
      supported_accommodation_from: '2026-08-01',
      detained_from: '2026-03-01',
      released_on: '2026-04-01',
    });
    expect(s.cohortBase).toEqual({ supportedAccommodation: false, foreignNationalOffender: false, detained: false });
    expect(s.cohortFacts).toEqual([
      expect.objectContaining({ effectiveOn: '2026-03-01', changes: { detained: true } }),
      expect.objectContaining({ effectiveOn: '2026-04-01', changes: { detained: false } }),
      expect.objectContaining({ effectiveOn: '2026-08-01', changes: { supportedAccommodation: true } }),
    ]);
    expect(s.cohort).toEqual({ supportedAccommodation: true, foreignNationalOffender: false, detained: false });
    expect(s).toMatchObject({ stage: 'appeal', status: 'lodged', version: 0 });
  });

  it('an offender detained when the appeal was lodged is out of the duty; released before it, in', () => {
    const fno = { ...lodged, foreign_national_offender: 'yes' };
    expect(tribunalClock({ ...fno, detained_from: '2026-08-01' })).toBeUndefined();
    expect(tribunalClock({ ...fno, detained_from: '2026-08-01', released_on: '2026-10-01' })).toBeUndefined();
    expect(tribunalClock({ ...fno, detained_from: '2026-08-01', released_on: '2026-09-05' })).toMatchObject({
      startedOn: '2026-09-11',
    });
  });

  it('without the dated columns, the cohort columns judge as they always did: no facts recorded', () => {
    const s = stateOf({ ...lodged, supported_accommodation: 'yes' });
    expect(s.clocks.find((c) => c.name === 'tribunal-24-weeks')).toMatchObject({ startedOn: '2026-09-11' });
    expect(s).not.toHaveProperty('cohortFacts');
    expect(s).not.toHaveProperty('cohortBase');
  });

  it('refuses dated columns that contradict the rest, naming the field', () => {
    const fields = (cells: Cells) => {
      const built = build(cells);
      return built.ok ? [] : built.errors.map((e) => e.field);
    };
    expect(fields({ ...lodged, supported_accommodation_from: '2026-08-01', supported_accommodation: 'no' })).toEqual([
      'supportedAccommodationFrom',
    ]);
    expect(fields({ ...lodged, released_on: '2026-08-01' })).toEqual(['releasedOn']);
    expect(fields({ ...lodged, detained_from: '2026-08-01', released_on: '2026-07-01' })).toEqual(['releasedOn']);
    expect(fields({ ...lodged, detained_from: '2026-08-01', released_on: '2026-08-20', detained: 'yes' })).toEqual([
      'releasedOn',
    ]);
    expect(fields({ ...lodged, detained_from: '2026-08-01', detained: 'no' })).toEqual(['detainedFrom']);
    expect(fields({ ...lodged, supported_accommodation_from: '2027-01-01' })).toEqual(['supportedAccommodationFrom']);
  });

  it('a grant type builds the granted case and is kept on its record; only a grant at decision takes one', () => {
    const r = recordOf({ ...granted, grant: 'humanitarian protection' });
    expect(importedState(r, 'AC-TEST', at, DEFAULT_POLICY)).toMatchObject({
      ok: true,
      state: { stage: 'exit', status: 'granted', dates: { exitedOn: '2026-06-01' } },
    });
    expect(r.grant).toBe('humanitarian-protection');
    expect(build({ ...lodged, grant: 'refugee' })).toMatchObject({
      ok: false,
      errors: [{ field: 'grant', message: expect.stringContaining('appeal:lodged') }],
    });
  });

  it('the sending date starts the appeal window: an appeal late from the decision is in time from the notice', () => {
    const late = { ...lodged, appeal_lodged_date: '2026-09-20' }; // 19 days after the decision
    expect(build(late)).toMatchObject({
      ok: false,
      errors: [{ message: expect.stringContaining('appeal:out-of-time') }],
    });
    const inTime = stateOf({ ...late, sent_on: '2026-09-10' });
    expect(inTime).toMatchObject({ status: 'lodged', dates: { refusedOn: '2026-09-01', sentOn: '2026-09-10' } });
    const refused = stateOf({
      ...lodged,
      stage: 'decision',
      status: 'refused',
      appeal_lodged_date: '',
      sent_on: '2026-09-03',
    });
    expect(refused.dates).toMatchObject({
      refusedOn: '2026-09-01',
      sentOn: '2026-09-03',
      appealWindowLastDay: '2026-09-17',
    });
  });

  it('refuses a sending date that fits no refusal, naming the field', () => {
    const fields = (cells: Cells) => {
      const built = build(cells);
      return built.ok ? [] : built.errors.map((e) => e.field);
    };
    expect(fields({ ...lodged, sent_on: '2026-08-30' })).toEqual(['sentOn']); // before the decision
    expect(fields({ ...lodged, sent_on: '2026-09-12' })).toEqual(['appealLodgedDate']); // appeal before the notice
    expect(fields({ ...granted, grant: 'refugee', sent_on: '2026-06-02' })).toEqual(['sentOn']);
    expect(
      fields({ ...lodged, stage: 'claim', decision_date: '', appeal_lodged_date: '', sent_on: '2026-06-02' }),
    ).toEqual(['sentOn']);
  });

  it('puts the references among the case identifiers, where search finds them', () => {
    const s = stateOf({ ...lodged, pnc: '25/1234567A', prison_number: 'A1234BC', local_authority_ref: 'LA-2025.0042' });
    expect(s.identifiers).toMatchObject({
      pnc: '25/1234567A',
      prisonNumber: 'A1234BC',
      localAuthorityRef: 'LA-2025.0042',
    });
    expect(externalRefs(s)).toEqual(expect.arrayContaining(['25/1234567A', 'A1234BC', 'LA-2025.0042']));
  });

  it('a re-import adding a reference or a date is a change: the reference is patched in, the date rebuilds the clock', () => {
    const first = recordOf(lodged);
    const source = { importId: 'imp-1', file: 'a.csv', row: 2, by: 'sam', kind: 'opened' as const };
    const opened = { ...stateOf(lodged), imported: { record: first, source } };
    const second = recordOf({ ...lodged, pnc: '25/1234567A', supported_accommodation_from: '2026-08-01' });
    expect(changedFields(first, second)).toEqual(['pnc', 'cohort', 'supportedAccommodationFrom']);
    expect(changedFields(first, recordOf(lodged))).toEqual([]);
    const corrected = correctImport(
      opened,
      { record: second, source: { ...source, kind: 'corrected' } },
      at,
      DEFAULT_POLICY,
    );
    expect(corrected.identifiers.pnc).toBe('25/1234567A');
    expect(corrected.clocks.find((c) => c.name === 'tribunal-24-weeks')).toMatchObject({ startedOn: '2026-09-11' });
  });
});
