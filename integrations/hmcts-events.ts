/**
 * The one table of what the tribunal hears from us (#22): for each of our events that notifies HMCTS
 * (domain/events.ts `notify`), the tribunal's case event it is sent as, the state the tribunal's case
 * is in after it, and the case_data fields it carries, by their CCD names. Event ids and states come
 * from hmcts/ia-ccd-definitions definitions/appeal/json/CaseEvent.json (PreConditionState →
 * PostConditionState); the FTPA state override from hmcts/ia-case-api FtpaAppealStateHandler.java.
 * Where the tribunal has no event for a change of ours, the event id is our own, `tracker…`.
 *
 * A row may have several counterparts: the first whose `when` holds is sent. Free text (reasons) is
 * never carried: it is where personal data creeps in, and no tribunal event needs it.
 */
import type { EventOf, EventType } from '../domain/events.js';
import type { OutboundMessage } from '../domain/outbound.js';
import { londonDate } from '../domain/days.js';
import type { Party } from '../domain/case.js';
import { yesOrNo, type CaseData, type CaseDataField, type TribunalState } from './hmcts-ccd.js';

/** The state is not the event's own: the tribunal's case stays where it is (CCD's `*`), read from our position. */
export const AS_POSITIONED = 'as-positioned';

export interface Counterpart<T extends EventType> {
  /** The tribunal's event id (CaseEvent.json), or ours (`tracker…`) where it has none. */
  eventId: string;
  state: TribunalState | typeof AS_POSITIONED;
  /** When this counterpart applies (absent: always); `text` is what the docs say. */
  when?: { text: string; test: (event: EventOf<T>, message: OutboundMessage) => boolean };
  /** The case_data fields it carries; the schema refuses any other. `optional` ones may be absent. */
  carries?: readonly CaseDataField[];
  optional?: readonly CaseDataField[];
  data?: (event: EventOf<T>, message: OutboundMessage) => CaseData;
}

export interface OutboundRow<T extends EventType> {
  counterparts: readonly Counterpart<T>[];
  /** Where the public source shows the tribunal's side (repository and path), or why it has none. */
  source: string;
}

export type OutboundTable = { readonly [T in EventType]?: OutboundRow<T> };

const DEFS = 'hmcts/ia-ccd-definitions definitions/appeal/json/CaseEvent.json';
const day = (m: OutboundMessage) => londonDate(m.at);
/** Whose application an onward challenge is: the event's word, else the case's after the change. */
const partyOf = (e: { party?: Party }, m: OutboundMessage): Party | undefined => e.party ?? m.appeal?.onward?.party;
/** An exit that abandoned the appeal (2002 Act s.104(4)): the appeal it ended, this very day. */
const abandonedHere = (_e: unknown, m: OutboundMessage) =>
  m.appeal?.ended?.how === 'abandoned' && m.appeal.ended.on === day(m);
const abandonment = {
  eventId: 'endAppeal',
  state: 'ended',
  when: { text: 'the exit abandoned a pending appeal', test: abandonedHere },
  carries: ['endAppealOutcome', 'endAppealDate'],
  data: (_e: unknown, m: OutboundMessage): CaseData => ({ endAppealOutcome: 'Abandoned', endAppealDate: day(m) }),
} as const;
const ended = (outcome: 'Withdrawn' | 'Struck out') => ({
  eventId: 'endAppeal',
  state: 'ended' as const,
  carries: ['endAppealOutcome', 'endAppealDate'] as const,
  data: (_e: unknown, m: OutboundMessage): CaseData => ({ endAppealOutcome: outcome, endAppealDate: day(m) }),
});
const ftpaApplication = (p: Party) => ({
  eventId: p === 'appellant' ? 'applyForFTPAAppellant' : 'applyForFTPARespondent',
  state: 'ftpaSubmitted' as const,
  carries:
    p === 'appellant'
      ? (['ftpaApplicantType', 'ftpaAppellantSubmitted', 'ftpaAppellantApplicationDate'] as const)
      : (['ftpaApplicantType', 'ftpaRespondentSubmitted', 'ftpaRespondentApplicationDate'] as const),
  data: (_e: unknown, m: OutboundMessage): CaseData =>
    p === 'appellant'
      ? { ftpaApplicantType: p, ftpaAppellantSubmitted: 'Yes', ftpaAppellantApplicationDate: day(m) }
      : { ftpaApplicantType: p, ftpaRespondentSubmitted: 'Yes', ftpaRespondentApplicationDate: day(m) },
});
const beyondFirstTier = (to: string | undefined, m: OutboundMessage) =>
  (to ?? m.appeal?.onward?.court ?? 'first-tier') !== 'first-tier';

export const OUTBOUND_TABLE: OutboundTable = {
  'appeal.lodged': {
    source: `${DEFS} (submitAppeal: appealStarted → appealSubmitted)`,
    counterparts: [
      {
        eventId: 'submitAppeal',
        state: 'appealSubmitted',
        carries: ['appealReferenceNumber', 'homeOfficeReferenceNumber', 'appealSubmissionDate', 'submissionOutOfTime'],
        // HMCTS assigns its reference when the appeal reaches it; we send it only when the tribunal gave it us.
        optional: ['appealReferenceNumber'],
        data: (e, m) => ({
          ...(m.after.identifiers.hmctsRef ? { appealReferenceNumber: m.after.identifiers.hmctsRef } : {}),
          homeOfficeReferenceNumber: m.after.identifiers.homeOfficeRef,
          appealSubmissionDate: m.after.dates.appealLodgedOn ?? e.lodgedOn ?? day(m),
          submissionOutOfTime: yesOrNo(m.after.status === 'out-of-time'),
        }),
      },
    ],
  },
  'appeal.extension-decided': {
    source: `${DEFS} (recordOutOfTimeDecision: state unchanged); hmcts/ia-ccd-definitions FixedLists.json outOfTimeDecisionType`,
    counterparts: [
      {
        eventId: 'recordOutOfTimeDecision',
        state: 'appealSubmitted',
        when: { text: 'granted', test: (e) => e.granted },
        carries: ['outOfTimeDecisionType'],
        data: () => ({ outOfTimeDecisionType: 'approved' }),
      },
      {
        // CCD records the refusal without a change of state and then ends the appeal; our case leaves
        // the appeal here (rights exhausted), so the state we send is the one it ends in.
        eventId: 'recordOutOfTimeDecision',
        state: 'ended',
        when: { text: 'refused', test: (e) => !e.granted },
        carries: ['outOfTimeDecisionType'],
        data: () => ({ outOfTimeDecisionType: 'rejected' }),
      },
    ],
  },
  'appeal.decision-withdrawn': {
    source: `${DEFS} (endAppeal → ended); FixedLists.json endAppealOutcome "Withdrawn" (rules r.17(2): treated as withdrawn)`,
    counterparts: [ended('Withdrawn')],
  },
  'tribunal.listed': {
    // A relisting is sent as listCase too: the message does not say whether the case was listed before.
    source: `${DEFS} (listCase: listing → prepareForHearing); hmcts/ia-home-office-integration-api …/domain/handlers/presubmit/ListCaseNotificationHandler.java`,
    counterparts: [
      {
        eventId: 'listCase',
        state: 'prepareForHearing',
        carries: ['listCaseHearingDate'],
        // We hold the hearing's day only: the time is sent as midnight, meaning "not known here".
        data: (e) => ({ listCaseHearingDate: `${e.hearingDate}T00:00:00` }),
      },
    ],
  },
  'tribunal.adjourned': {
    source: `${DEFS} (editCaseListing: state unchanged; adjournHearingWithoutDate → adjourned)`,
    counterparts: [
      {
        eventId: 'editCaseListing',
        state: 'prepareForHearing',
        when: { text: 'with a new hearing date', test: (e) => e.hearingDate !== undefined },
        carries: ['listCaseHearingDate'],
        data: (e) => ({ listCaseHearingDate: `${e.hearingDate}T00:00:00` }),
      },
      { eventId: 'adjournHearingWithoutDate', state: 'adjourned' },
    ],
  },
  'tribunal.reserved': {
    source: `${DEFS} (decisionAndReasonsStarted: preHearing → decision); no CCD field for the hearing's day was found: trackerHeardOn is ours`,
    counterparts: [
      {
        eventId: 'decisionAndReasonsStarted',
        state: 'decision',
        carries: ['trackerHeardOn'],
        data: (_e, m) => ({ trackerHeardOn: m.after.dates.heardOn ?? day(m) }),
      },
    ],
  },
  'tribunal.determined': {
    source: `${DEFS} (sendDecisionAndReasons: decision → decided); hmcts/ia-case-api …/domain/entities/AsylumCaseFieldDefinition.java (isDecisionAllowed, appealDate, sendDecisionsAndReasonsDate)`,
    counterparts: [
      {
        eventId: 'sendDecisionAndReasons',
        state: 'decided',
        carries: ['isDecisionAllowed', 'appealDate', 'sendDecisionsAndReasonsDate', 'trackerOnThePapers'],
        optional: ['trackerOnThePapers'],
        data: (e, m) => ({
          isDecisionAllowed: e.outcome,
          appealDate: m.after.dates.determinedOn ?? day(m),
          sendDecisionsAndReasonsDate: m.after.dates.promulgatedOn ?? day(m),
          ...(e.onThePapers ? { trackerOnThePapers: 'Yes' } : {}),
        }),
      },
    ],
  },
  'appeal.withdrawn': {
    source: `${DEFS} (endAppeal → ended); FixedLists.json endAppealOutcome`,
    counterparts: [ended('Withdrawn')],
  },
  'appeal.struck-out': {
    source: `${DEFS} (endAppeal → ended); FixedLists.json endAppealOutcome`,
    counterparts: [ended('Struck out')],
  },
  'appeal.reinstated': {
    source: `${DEFS} (reinstateAppeal: ended → the state before the appeal ended)`,
    counterparts: [{ eventId: 'reinstateAppeal', state: AS_POSITIONED }],
  },
  'appeal.direction-extended': {
    source: `${DEFS} (changeDirectionDueDate: state unchanged); hmcts/ia-home-office-integration-api …/domain/entities/Direction.java, DirectionTag.java`,
    counterparts: [
      {
        eventId: 'changeDirectionDueDate',
        state: 'awaitingRespondentEvidence',
        when: { text: 'the respondent-evidence direction', test: (e) => e.clock === 'respondent-evidence' },
        carries: ['directions'],
        data: (e) => ({
          directions: [
            { id: e.clock, value: { tag: 'respondentEvidence', parties: 'respondent', dateDue: e.deadline } },
          ],
        }),
      },
      {
        eventId: 'changeDirectionDueDate',
        state: 'respondentReview',
        carries: ['directions'],
        data: (e) => ({
          directions: [{ id: e.clock, value: { tag: 'respondentReview', parties: 'respondent', dateDue: e.deadline } }],
        }),
      },
    ],
  },
  // The directions' due days are the tracker's clocks, which the message does not carry.
  'appeal.evidence-requested': {
    source: `${DEFS} (requestRespondentEvidence → awaitingRespondentEvidence)`,
    counterparts: [{ eventId: 'requestRespondentEvidence', state: 'awaitingRespondentEvidence' }],
  },
  'appeal.evidence-served': {
    source: `${DEFS} (uploadHomeOfficeBundle: awaitingRespondentEvidence, unchanged)`,
    counterparts: [{ eventId: 'uploadHomeOfficeBundle', state: 'awaitingRespondentEvidence' }],
  },
  'appeal.review-requested': {
    source: `${DEFS} (requestRespondentReview → respondentReview)`,
    counterparts: [{ eventId: 'requestRespondentReview', state: 'respondentReview' }],
  },
  'appeal.review-served': {
    source: `${DEFS} (uploadHomeOfficeAppealResponse: respondentReview, unchanged)`,
    counterparts: [{ eventId: 'uploadHomeOfficeAppealResponse', state: 'respondentReview' }],
  },
  'clock.exception': {
    source: 'none: the tribunal records no exception to the 24-week duty as an event of its own',
    counterparts: [
      {
        eventId: 'trackerClockException',
        state: AS_POSITIONED,
        carries: ['trackerClock'],
        data: (e) => ({ trackerClock: e.clock }),
      },
    ],
  },
  'tribunal.24-week-flag-set': {
    source: 'none found: ia-case-api keeps stf24w… fields but no event id for setting them was read',
    counterparts: [
      {
        eventId: 'trackerTwentyFourWeekFlagSet',
        state: AS_POSITIONED,
        carries: ['trackerInCohort'],
        data: (e) => ({ trackerInCohort: yesOrNo(e.inCohort) }),
      },
    ],
  },
  'onward-appeal.lodged': {
    source: `${DEFS} (applyForFTPAAppellant/Respondent); hmcts/ia-case-api …/domain/handlers/presubmit/FtpaAppealStateHandler.java (→ ftpaSubmitted)`,
    counterparts: [
      {
        // Permission from the Upper Tribunal or the Court of Appeal is not asked in the First-tier's case system.
        eventId: 'trackerOnwardAppealLodged',
        state: AS_POSITIONED,
        when: { text: 'to the Upper Tribunal or the Court of Appeal', test: (e, m) => beyondFirstTier(e.to, m) },
        carries: ['trackerCourt', 'trackerParty'],
        optional: ['trackerParty'],
        data: (e, m) => {
          const p = partyOf(e, m);
          return {
            trackerCourt: e.to ?? m.appeal?.onward?.court ?? 'upper-tribunal',
            ...(p ? { trackerParty: p } : {}),
          };
        },
      },
      {
        ...ftpaApplication('respondent'),
        when: { text: 'by the respondent', test: (e, m) => partyOf(e, m) === 'respondent' },
      },
      {
        ...ftpaApplication('appellant'),
        when: { text: 'by the appellant', test: (e, m) => partyOf(e, m) === 'appellant' },
      },
      {
        // A message queued before it carried the appeal's standing, for an application that named no party.
        eventId: 'trackerOnwardAppealLodged',
        state: AS_POSITIONED,
        carries: ['trackerCourt'],
        data: () => ({ trackerCourt: 'first-tier' }),
      },
    ],
  },
  'onward-appeal.decided': {
    source: `${DEFS} (decideFtpaApplication: ftpaSubmitted → ftpaDecided; markAppealAsRemitted: ftpaDecided → remitted); FixedLists.json ftpaDecisionOutcomeType`,
    counterparts: [
      {
        eventId: 'decideFtpaApplication',
        state: 'ftpaDecided',
        when: {
          text: 'the First-tier decided permission (granted or refused), for the appellant',
          test: (e, m) => e.by === 'first-tier' && m.appeal?.onward?.party === 'appellant',
        },
        carries: ['ftpaApplicantType', 'ftpaAppellantRjDecisionOutcomeType', 'ftpaAppellantDecisionDate'],
        data: (e, m) => ({
          ftpaApplicantType: 'appellant',
          ftpaAppellantRjDecisionOutcomeType: e.outcome === 'granted' ? 'granted' : 'refused',
          ftpaAppellantDecisionDate: e.decidedOn ?? day(m),
        }),
      },
      {
        eventId: 'decideFtpaApplication',
        state: 'ftpaDecided',
        when: {
          text: 'the First-tier decided permission (granted or refused), for the respondent',
          test: (e, m) => e.by === 'first-tier' && m.appeal?.onward?.party === 'respondent',
        },
        carries: ['ftpaApplicantType', 'ftpaRespondentRjDecisionOutcomeType', 'ftpaRespondentDecisionDate'],
        data: (e, m) => ({
          ftpaApplicantType: 'respondent',
          ftpaRespondentRjDecisionOutcomeType: e.outcome === 'granted' ? 'granted' : 'refused',
          ftpaRespondentDecisionDate: e.decidedOn ?? day(m),
        }),
      },
      {
        eventId: 'markAppealAsRemitted',
        state: 'remitted',
        when: { text: 'remitted to the First-tier', test: (e) => e.outcome === 'remitted' },
      },
      {
        // The Upper Tribunal's and the Court of Appeal's decisions are made outside the First-tier's case system.
        eventId: 'trackerOnwardAppealDecided',
        state: AS_POSITIONED,
        carries: ['trackerCourt', 'trackerOutcome'],
        optional: ['trackerCourt'],
        data: (e) => ({ ...(e.by ? { trackerCourt: e.by } : {}), trackerOutcome: e.outcome }),
      },
    ],
  },
  'permission-renewal-window.expired': {
    source: 'none: the tribunal has no event for an unused renewal window',
    counterparts: [{ eventId: 'trackerPermissionRenewalWindowExpired', state: AS_POSITIONED }],
  },
  'onward-appeal-window.expired': {
    source: 'none: the tribunal has no event for an unused window to seek permission',
    counterparts: [{ eventId: 'trackerOnwardAppealWindowExpired', state: AS_POSITIONED }],
  },
  'appeal-window.expired': {
    source: 'none: the window closes before any appeal reaches the tribunal',
    counterparts: [{ eventId: 'trackerAppealWindowExpired', state: AS_POSITIONED }],
  },
  'exit.leave-granted': {
    source: `${DEFS} (endAppeal → ended); FixedLists.json endAppealOutcome "Abandoned" (2002 Act s.104(4A))`,
    counterparts: [abandonment, { eventId: 'trackerLeaveGranted', state: AS_POSITIONED }],
  },
  'exit.removed': {
    source: 'none: a removal after the appeal is over is the Home Office’s; the tribunal has no event for it',
    // Removal comes only once the appeal is over (2002 Act s.78): it never abandons one.
    counterparts: [{ eventId: 'trackerRemoved', state: AS_POSITIONED }],
  },
  'exit.departed': {
    source: `${DEFS} (endAppeal → ended); FixedLists.json endAppealOutcome "Abandoned" (2002 Act s.104(4))`,
    counterparts: [abandonment, { eventId: 'trackerDeparted', state: AS_POSITIONED }],
  },
};
