/** A valid new-case body, for tests and benchmarks (no test runner needed to import it). */
import { randomInt } from 'node:crypto';

/** A Home Office reference for a new case (random: the run's server is fresh, so clashes are 1 in 10^7 per pair). */
export function uniqueHomeOfficeRef(): string {
  return `T${String(randomInt(10_000_000)).padStart(7, '0')}`;
}

export function newCaseBody(overrides: Record<string, unknown> = {}): Record<string, any> {
  return {
    homeOfficeRef: uniqueHomeOfficeRef(),
    person: { name: 'Test Person', dateOfBirth: '1990-04-01', nationality: 'ERI' },
    claimDate: '2026-01-05',
    cohort: { supportedAccommodation: true, foreignNationalOffender: false, detained: false },
    ...overrides,
  };
}
