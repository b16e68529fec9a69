/** A case as the domain opens it, for pure tests of the table. */
import { openCase } from '../domain/index.js';

export const newCaseState = () =>
  openCase({
    caseId: 'AC-000000000000',
    homeOfficeRef: 'H0000001',
    person: { name: 'P', dateOfBirth: '1990-01-01', nationality: 'ERI' },
    claimDate: '2026-01-01',
    cohort: { supportedAccommodation: true, foreignNationalOffender: false, detained: false },
    openedAt: '2026-01-01T00:00:00.000Z',
  });
