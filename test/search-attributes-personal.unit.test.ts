/**
 * Search attributes are not encrypted: Temporal indexes them in clear, and its UI lists them (#19).
 * They must hold references, dates, statuses and counts only, never who the person is: checked
 * over every state random changes reach from a case whose person's details are distinctive.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  applyEvent,
  checkEvent,
  DEFAULT_POLICY,
  EVENT_TYPES,
  openCase,
  rolesFor,
  type CaseEvent,
  type CaseState,
} from '../domain/index.js';
import { SA, searchAttributesOf } from '../workflows/search-attributes.js';
import { variants } from './domain-fixtures.js';

const person = { name: 'Zéphyrine Quandt-Oyelaran', dateOfBirth: '1987-11-23', nationality: 'SYR' };
const ctx = { at: '2026-06-01T12:00:00.000Z', policy: DEFAULT_POLICY };
const start = openCase({
  caseId: 'AC-000000000001',
  homeOfficeRef: 'H0000002',
  person,
  claimDate: '2026-01-01',
  cohort: { supportedAccommodation: true, foreignNationalOffender: true, detained: true },
  openedAt: '2026-01-01T00:00:00.000Z',
});

/** Each value an attribute holds, as text (a date as its ISO form). */
const texts = (state: CaseState) =>
  searchAttributesOf(state).flatMap(({ value }) =>
    (Array.isArray(value) ? value : [value]).map((v) => (v instanceof Date ? v.toISOString() : String(v))),
  );

/** What would say who the person is: the name or a part of it, the date of birth (any form), the nationality. */
const personal = [
  ...person.name.split(/[\s-]+/),
  person.dateOfBirth,
  person.dateOfBirth.replace(/-/g, ''),
  '23/11/1987',
  person.nationality,
].map((p) => p.toLowerCase());

describe('search attributes hold no personal data', () => {
  it('are the known list of references, dates, statuses and counts (a new one is looked at here first)', () => {
    expect(Object.keys(SA).sort()).toEqual(
      [
        'absconded',
        'appealEnded',
        'appealPending',
        'appeals',
        'assignee',
        'clock',
        'cohort',
        'deadline',
        'escalation',
        'refs',
        'stage',
        'status',
        'syncFailed',
      ].sort(),
    );
  });

  it('never carry the name, date of birth or nationality, whatever changes the case goes through', () => {
    const anyEvent = fc.constantFrom(...EVENT_TYPES.flatMap(variants));
    fc.assert(
      fc.property(fc.array(anyEvent, { maxLength: 40 }), (events: CaseEvent[]) => {
        let state = start;
        for (const event of [undefined, ...events]) {
          if (event) {
            const role = rolesFor(event.type)[0]!;
            if (!checkEvent(state, event, role, ctx))
              state = { ...applyEvent(state, event, ctx), version: state.version + 1 };
          }
          for (const value of texts(state)) for (const p of personal) expect(value.toLowerCase()).not.toContain(p);
        }
      }),
      { numRuns: 200 },
    );
  });
});
