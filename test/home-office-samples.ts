/**
 * Sample outbound messages for the Home Office's language: every event it hears of, in each of its
 * payload variants, on a case with an appeal reference, a hearing, directions due and an onward
 * challenge (what the mapping reads), and no person. Shared by the format's unit test, the reference
 * Home Office's test and the docs' generated table.
 */
import {
  EVENT_ROWS,
  EVENT_TYPES,
  messageKey,
  type CaseEvent,
  type EventType,
  type OutboundMessage,
} from '../domain/index.js';
import { variants } from './domain-fixtures.js';

/** Whether an event notifies the Home Office: always, or in some state (its `notify` is a rule). */
export function notifiesHomeOffice(type: EventType): boolean {
  const notify = EVENT_ROWS[type].notify;
  if (typeof notify !== 'function') return notify.includes('homeOffice');
  const states = [0, 1].flatMap((appeals) =>
    ['allowed', 'dismissed'].map(
      (status) => ({ counts: { appeals }, status }) as unknown as Parameters<typeof notify>[0],
    ),
  );
  return states.some((s) => notify(s).includes('homeOffice'));
}

export const HOME_OFFICE_EVENTS = EVENT_TYPES.filter(notifiesHomeOffice);

export const SAMPLE_AT = '2026-06-01T09:30:12.345Z';

export function sampleMessage(event: CaseEvent, seq = 7): OutboundMessage {
  return {
    key: messageKey('AC-000000000000', seq, 'homeOffice'),
    system: 'homeOffice',
    caseId: 'AC-000000000000',
    seq,
    type: event.type,
    at: SAMPLE_AT,
    actor: { id: 'tribunal-1', role: 'tribunal' },
    event,
    after: {
      stage: 'tribunal',
      status: 'listed',
      identifiers: { caseId: 'AC-000000000000', homeOfficeRef: 'H0000001', hmctsRef: 'PA/50001/2026' },
      dates: { claimDate: '2026-01-01', appealLodgedOn: '2026-03-02', promulgatedOn: '2026-05-29' },
      cohort: { supportedAccommodation: true, foreignNationalOffender: false, detained: false },
      onward: { party: 'appellant', court: 'first-tier', kind: 'permission', lodgedOn: '2026-06-01' },
      deadlines: { 'respondent-evidence': '2026-06-29', 'respondent-review': '2026-06-15' },
    },
  };
}

/** Every Home Office event in every payload variant, as sample messages. */
export const sampleMessages = (): OutboundMessage[] =>
  HOME_OFFICE_EVENTS.flatMap((type) => variants(type).map((event, i) => sampleMessage(event, 7 + i)));
