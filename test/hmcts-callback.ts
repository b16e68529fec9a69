/** A case event callback as the tribunal's case system sends it (CCD's shape), for the tests that post or read one. */
export interface CallbackIds {
  caseNumber: string;
  appealReferenceNumber: string;
}

export const ccdCallback = (
  ids: CallbackIds,
  eventId: string,
  state: string,
  version: number,
  caseData: Record<string, unknown>,
) => ({
  event_id: eventId,
  case_details: {
    id: ids.caseNumber,
    jurisdiction: 'IA',
    case_type_id: 'Asylum',
    state,
    created_date: '2026-02-05T09:00:00',
    last_modified: '2026-03-01T10:15:00',
    security_classification: 'PUBLIC',
    version,
    case_data: { appealReferenceNumber: ids.appealReferenceNumber, ...caseData },
  },
});
