/**
 * The one mapping table: each of our events the Home Office hears of, the Home Office message type it
 * becomes, and the fields that type carries, filled from our event and the case after it. Where the
 * Home Office has no word for a change, the row says so (`ours`): the same envelope, a type of ours.
 * docs/integration.md shows this table with the public source of each row; a unit test checks that
 * every event that notifies the Home Office has a row.
 */
import { londonDate, type Court, type EventOf, type EventType, type OutboundMessage } from '../../domain/index.js';
import type { COURT_TYPES } from './schema.js';
import { type HomeOfficeMessageType, type InstructMessage } from './schema.js';

type After = OutboundMessage['after'];
/** The type-specific fields of one instruct message (everything but the envelope). */
type Fields = Record<string, unknown>;

export interface HomeOfficeRow<T extends EventType> {
  /** The Home Office's message type, or `ours`: `TRACKER_` and our event's name. */
  messageType: HomeOfficeMessageType | 'ours';
  /** Where HMCTS's public integration sends this type for the matching tribunal event. */
  source?: string;
  /** The type's own fields, and the note, from our event and the case after it. */
  fields?: (event: EventOf<T>, after: After, at: string) => Fields & { note?: string };
}

const HOI = 'hmcts/ia-home-office-integration-api, src/main/java/…/domain/handlers/presubmit/';
const COURT: Record<Court, (typeof COURT_TYPES)[number]> = {
  'first-tier': 'FIRST_TIER',
  'upper-tribunal': 'UPPER_TRIBUNAL',
  'court-of-appeal': 'COURT_OF_APPEAL',
};
/** The day a challenge ended, as the Home Office writes it: the London day at midnight (EndAppealNotificationHandler). */
const endDate = (at: string) => `${londonDate(at)}T00:00:00Z`;
const ours = { messageType: 'ours' } as const;

/** Every event that notifies the Home Office (domain/events.ts, `notify`), and what it becomes there. */
export const HOME_OFFICE_MESSAGES: { [T in EventType]?: HomeOfficeRow<T> } = {
  'claim.screened': ours,
  'claim.interviewed': ours,
  'claim.withdrawn': ours,
  // The Home Office's own decisions, reported by it: told back so its record and ours agree.
  'decision.granted': ours,
  'decision.refused': ours,
  'decision.certified': ours,
  'decision.inadmissible': ours,
  'appeal.lodged': { messageType: 'APPEAL_REQUESTED', source: `${HOI}AppealSubmittedNotificationHandler.java` },
  'appeal.extension-decided': ours,
  // The respondent withdrew its decision: the tribunal treats the appeal as withdrawn (r.17(2)).
  'appeal.decision-withdrawn': {
    messageType: 'REQUEST_CHALLENGE_END',
    source: `${HOI}EndAppealNotificationHandler.java`,
    fields: (e, _after, at) => ({
      endReason: 'WITHDRAWN',
      endChallengeDate: endDate(at),
      note: `Decision withdrawn by the respondent: ${e.reason}`,
    }),
  },
  'appeal.evidence-requested': {
    messageType: 'REQUEST_EVIDENCE_BUNDLE',
    source: `${HOI}RequestEvidenceBundleNotificationHandler.java`,
    fields: (_e, after) => ({
      ...deadline(after, 'respondent-evidence'),
      challenge: {
        appealTierType: 'FIRST_TIER',
        ...(after.dates.appealLodgedOn ? { challengeSubmissionDate: after.dates.appealLodgedOn } : {}),
      },
    }),
  },
  'appeal.evidence-served': ours,
  'appeal.review-requested': {
    messageType: 'REQUEST_REVIEW',
    source: `${HOI}RequestEvidenceReviewNotificationHandler.java`,
    fields: (_e, after) => deadline(after, 'respondent-review'),
  },
  'appeal.review-served': ours,
  // A direction's new due date: the real service sends DEFAULT with a note (ChangeDirectionDueDateNotificationHandler).
  'appeal.direction-extended': {
    messageType: 'DEFAULT',
    source: `${HOI}ChangeDirectionDueDateNotificationHandler.java`,
    fields: (e) => ({ note: `The ${e.clock} direction is now due on ${e.deadline}: ${e.reason}` }),
  },
  'tribunal.listed': {
    messageType: 'HEARING',
    source: `${HOI}ListCaseNotificationHandler.java`,
    fields: (e) => ({ hearing: { hearingDate: e.hearingDate, hearingType: 'ORAL' } }),
  },
  // With a new date the hearing moves (editCaseListing); without, it is adjourned without a date.
  'tribunal.adjourned': {
    messageType: 'HEARING',
    source: `${HOI}AdjournHearingWithoutDateNotificationHandler.java, EditCaseListingNotificationHandler.java`,
    fields: (e) => ({
      hearing: { ...(e.hearingDate ? { hearingDate: e.hearingDate } : {}), hearingType: 'ORAL' },
      note: `Adjourned: ${e.reason}`,
    }),
  },
  'tribunal.reserved': ours,
  'tribunal.determined': {
    messageType: 'COURT_OUTCOME',
    source: `${HOI}AppealDecidedNotificationHandler.java`,
    fields: (e, after) => ({
      courtOutcome: { courtType: 'FIRST_TIER', outcome: e.outcome === 'allowed' ? 'ALLOWED' : 'DISMISSED' },
      ...(after.dates.promulgatedOn ? { note: `Promulgated on ${after.dates.promulgatedOn}` } : {}),
    }),
  },
  'tribunal.24-week-flag-set': ours,
  'appeal.withdrawn': {
    messageType: 'REQUEST_CHALLENGE_END',
    source: `${HOI}EndAppealNotificationHandler.java`,
    fields: (e, _after, at) => ({ endReason: 'WITHDRAWN', endChallengeDate: endDate(at), note: e.reason }),
  },
  'appeal.struck-out': {
    messageType: 'REQUEST_CHALLENGE_END',
    source: `${HOI}EndAppealNotificationHandler.java`,
    fields: (e, _after, at) => ({ endReason: 'STRUCK_OUT', endChallengeDate: endDate(at), note: e.reason }),
  },
  'appeal.reinstated': ours,
  // Permission to appeal, at the court it is sought from (the real service sends the First-tier only).
  'onward-appeal.lodged': {
    messageType: 'PERMISSION_TO_APPEAL',
    source: `${HOI}FtpaAppellantNotificationHandler.java, FtpaRespondentNotificationHandler.java`,
    fields: (e, after) => {
      const party = e.party ?? after.onward?.party;
      return {
        courtType: COURT[e.to ?? after.onward?.court ?? 'first-tier'],
        ...(party ? { note: `Permission to appeal sought by the ${party}` } : {}),
      };
    },
  },
  'onward-appeal.decided': {
    messageType: 'COURT_OUTCOME',
    source: `${HOI}LeadershipJudgeFtpaDecidedNotificationHandler.java, ResidentJudgeFtpaDecidedNotificationHandler.java`,
    fields: (e) => ({
      courtOutcome: {
        courtType: COURT[e.by ?? 'first-tier'],
        // Remitted for a fresh First-tier hearing: the Home Office's REHEARD.
        outcome: (
          {
            refused: 'REFUSED',
            granted: 'GRANTED',
            allowed: 'ALLOWED',
            dismissed: 'DISMISSED',
            remitted: 'REHEARD',
          } as const
        )[e.outcome],
      },
    }),
  },
  'permission-renewal-window.expired': ours,
  'exit.leave-granted': ours,
  'exit.removed': ours,
  'exit.departed': ours,
  'person.absconded': ours,
  'person.reported': ours,
  'further-submissions.lodged': ours,
  'further-submissions.decided': ours,
  'judicial-review.lodged': ours,
  'judicial-review.decided': ours,
  'cohort.changed': ours,
  'clock.exception': ours,
  'appeal-window.expired': ours,
  'onward-appeal-window.expired': ours,
  'case.identified': ours,
};

/** A direction's last day, when the message carries it (absent on messages queued before deadlines were sent). */
function deadline(after: After, clock: 'respondent-evidence' | 'respondent-review'): { deadlineDate?: string } {
  const day = after.deadlines?.[clock];
  return day ? { deadlineDate: day } : {};
}

/** Our own type for a change the Home Office has no word for: `claim.screened` → `TRACKER_CLAIM_SCREENED`. */
export const trackerType = (type: string) => `TRACKER_${type.toUpperCase().replace(/[^A-Z0-9]+/g, '_')}`;

/** The Home Office's message type for one of our events (ours for a change without a counterpart). */
export function homeOfficeMessageType(type: string): InstructMessage['messageType'] {
  const row = HOME_OFFICE_MESSAGES[type as EventType];
  return row && row.messageType !== 'ours' ? row.messageType : trackerType(type);
}
