/** Cases and events for tests of the table (pure) and of the API (over HTTP). */
import { openCase, type CaseEvent, type EventType } from '../domain/index.js';

export const newCaseState = () =>
  openCase({
    caseId: 'AC-000000000000',
    homeOfficeRef: 'H0000001',
    person: { name: 'P', dateOfBirth: '1990-01-01', nationality: 'ERI' },
    claimDate: '2026-01-01',
    cohort: { supportedAccommodation: true, foreignNationalOffender: false, detained: false },
    openedAt: '2026-01-01T00:00:00.000Z',
  });

/** Every valid payload choice for each event type (a few values stand for each field). */
export function variants(type: EventType): CaseEvent[] {
  const v = (...extras: object[]) => extras.map((e) => ({ type, ...e }) as CaseEvent);
  switch (type) {
    case 'decision.granted':
      return v({ grant: 'refugee' }, { grant: 'humanitarian-protection' });
    case 'decision.refused':
      return v({ outOfCountry: false }, { outOfCountry: true });
    case 'appeal.decision-withdrawn':
      return v({ reason: 'review' });
    case 'tribunal.listed':
      return v({ hearingDate: '2026-07-01' });
    case 'tribunal.determined':
      return v({ outcome: 'allowed' }, { outcome: 'dismissed' }, { outcome: 'dismissed', onThePapers: true });
    case 'appeal.lodged':
      return v({}, { outOfTime: true });
    case 'appeal.extension-decided':
      return v({ granted: true, reason: 'good reason' }, { granted: false, reason: 'no good reason' });
    case 'tribunal.adjourned':
      return v({ reason: 'interpreter' }, { reason: 'interpreter', hearingDate: '2026-08-01' });
    case 'appeal.withdrawn':
    case 'appeal.struck-out':
    case 'appeal.reinstated':
      return v({ reason: 'recorded' });
    case 'appeal.direction-extended':
      return v({ clock: 'respondent-evidence', deadline: '2026-07-01', reason: 'more time' });
    case 'held.applied':
      return v({ key: 'hmcts:1' });
    case 'held.dismissed':
      return v({ key: 'hmcts:1', reason: 'sent in error' });
    case 'onward-appeal.decided':
      return v(
        { outcome: 'refused' },
        { outcome: 'allowed' },
        { outcome: 'remitted' },
        { outcome: 'refused', by: 'first-tier' },
        { outcome: 'granted', by: 'first-tier' },
        { outcome: 'granted', by: 'upper-tribunal' },
        { outcome: 'refused', by: 'upper-tribunal' },
        { outcome: 'allowed', by: 'upper-tribunal' },
        { outcome: 'dismissed', by: 'upper-tribunal' },
        { outcome: 'dismissed', by: 'court-of-appeal' },
      );
    case 'onward-appeal.lodged':
      return v({}, { party: 'respondent', to: 'first-tier' }, { to: 'upper-tribunal' }, { to: 'court-of-appeal' });
    case 'further-submissions.lodged':
      return v({ freshClaim: true }, { freshClaim: false }, {});
    case 'further-submissions.decided':
      return v({ outcome: 'rejected' }, { outcome: 'fresh-claim-refused' }, { outcome: 'granted' });
    case 'judicial-review.lodged':
      return v({ against: 'certification' }, { against: 'inadmissibility' }, { against: 'further-submissions' });
    case 'judicial-review.decided':
      return v({ outcome: 'dismissed' }, { outcome: 'allowed' });
    case 'cohort.changed':
      return v(
        { supportedAccommodation: true, effectiveOn: '2026-01-15', reason: 'moved in' },
        { detained: true, effectiveOn: '2026-02-01', reason: 'detained' },
      );
    case 'tribunal.24-week-flag-set':
      return v({ inCohort: true, reason: 'flagged' }, { inCohort: false, reason: 'unflagged' });
    case 'case.assigned':
      return v({ assignee: 'alice' });
    case 'clock.exception':
      return v({ clock: 'tribunal-24-weeks', reason: 'no judge available' });
    case 'clock.escalated':
      return v({ clock: 'tribunal-24-weeks', level: 1 }, { clock: 'tribunal-24-weeks', level: 3 });
    case 'clock.breached':
      return v({ clock: 'tribunal-24-weeks' });
    case 'case.identified':
      return v({ pnc: '12/345678U' }, { prisonNumber: 'A1234BC', localAuthorityRef: 'LA-2026.17' });
    case 'case.linked':
    case 'case.link-recorded':
      return v(
        { caseId: 'AC-000000000001', relation: 'same-person' },
        { caseId: 'AC-000000000002', relation: 'dependant' },
      );
    case 'sync.resent':
      return v({ system: 'homeOffice' }, { system: 'courts' });
    default:
      return v({});
  }
}
