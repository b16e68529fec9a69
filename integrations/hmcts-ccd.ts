/**
 * The tribunal's vocabulary (#22): the Immigration and Asylum case type in HMCTS's case system (CCD),
 * as its public definitions and services spell it. Names and value lists come from
 * hmcts/ia-ccd-definitions (definitions/appeal/json: CaseType.json, State.json, CaseField.json,
 * FixedLists.json) and hmcts/ia-case-api (AsylumCaseFieldDefinition.java, State.java); the schemas
 * are ours. Only the fields the tracker sends or reads are here, and none that names a person.
 */
import { z } from 'zod';
import { HMCTS_REF_PATTERN } from '../domain/identifiers.js';

/** The case type the tribunal's appeals live in (CaseType.json). */
export const CCD_JURISDICTION = 'IA';
export const CCD_CASE_TYPE = 'Asylum';

/**
 * The case type's states (State.json), and `unknown`, which ia-case-api's State enum adds for a
 * state it cannot name: we send it where no appeal of this round has reached the tribunal.
 */
export const TRIBUNAL_STATES = [
  'appealStarted',
  'appealStartedByAdmin',
  'appealSubmitted',
  'pendingPayment',
  'awaitingRespondentEvidence',
  'caseBuilding',
  'caseUnderReview',
  'respondentReview',
  'submitHearingRequirements',
  'listing',
  'prepareForHearing',
  'finalBundling',
  'preHearing',
  'decision',
  'decided',
  'ended',
  'appealTakenOffline',
  'awaitingReasonsForAppeal',
  'reasonsForAppealSubmitted',
  'ftpaSubmitted',
  'ftpaDecided',
  'awaitingClarifyingQuestionsAnswers',
  'clarifyingQuestionsAnswersSubmitted',
  'awaitingCmaRequirements',
  'cmaRequirementsSubmitted',
  'cmaAdjustmentsAgreed',
  'cmaListed',
  'adjourned',
  'remitted',
  'migrated',
  'unknown',
] as const;
export type TribunalState = (typeof TRIBUNAL_STATES)[number];

const isoDate = z.iso.date();
const yesNo = z.enum(['Yes', 'No']);
const party = z.enum(['appellant', 'respondent']);
/** FixedLists.json ftpaDecisionOutcomeType; `reheardRule32` is accepted by the Home Office integration's code too. */
const FTPA_OUTCOMES = [
  'granted',
  'partiallyGranted',
  'refused',
  'notAdmitted',
  'reheardRule32',
  'reheardRule35',
  'remadeRule31',
  'remadeRule32',
] as const;
const ftpaOutcome = z.enum(FTPA_OUTCOMES);

/** FixedLists.json hearingVenue: where a hearing is listed (`listCaseHearingCentre`). */
export const HEARING_VENUES = [
  'taylorHouse',
  'nottingham',
  'newport',
  'newcastle',
  'manchester',
  'hattonCross',
  'glasgowTribunalsCentre',
  'coventry',
  'belfast',
  'bradford',
  'birmingham',
  'harmondsworth',
  'hendon',
  'yarlsWood',
  'bradfordKeighley',
  'mccMinshull',
  'mccCrownSquare',
  'manchesterMags',
  'nthTyneMags',
  'leedsMags',
  'alloaSherrif',
  'iacNationalVirtual',
  'remoteHearing',
  'decisionWithoutHearing',
] as const;

/** endAppealOutcome: the display strings are the codes (FixedLists.json). */
export const END_APPEAL_OUTCOMES = ['Withdrawn', 'Struck out', 'No valid appeal', 'Abandoned'] as const;

/** A direction in the `directions` collection (ia-case-api Direction.java): only the parts we send. */
const direction = z.strictObject({
  id: z.string().min(1),
  value: z.strictObject({
    tag: z.enum(['respondentEvidence', 'respondentReview']),
    parties: z.literal('respondent'),
    dateDue: isoDate,
  }),
});

/**
 * Every case_data field the tracker sends or reads, by its CCD name, with its CCD format. The
 * `tracker…` fields are ours: facts of a change that has no field in the tribunal's case type.
 */
export const CASE_DATA_FIELDS = {
  appealReferenceNumber: z.string().regex(HMCTS_REF_PATTERN),
  homeOfficeReferenceNumber: z.string().min(1).max(40),
  appealSubmissionDate: isoDate,
  submissionOutOfTime: yesNo,
  outOfTimeDecisionType: z.enum(['inTime', 'approved', 'rejected']),
  listCaseHearingCentre: z.enum(HEARING_VENUES),
  /** CCD DateTime: ISO local date-time without zone, e.g. 2026-12-01T10:00:00. */
  listCaseHearingDate: z.iso.datetime({ local: true }),
  ariaListingReference: z.string().min(1).max(40),
  adjournHearingWithoutDateReasons: z.string().max(2000),
  isDecisionAllowed: z.enum(['allowed', 'dismissed']),
  appealDate: isoDate,
  /** Text in CCD; we send the ISO date the decision was sent. */
  sendDecisionsAndReasonsDate: isoDate,
  endAppealOutcome: z.enum(END_APPEAL_OUTCOMES),
  endAppealOutcomeReason: z.string().max(2000),
  endAppealDate: isoDate,
  directions: z.array(direction).min(1),
  ftpaApplicantType: party,
  ftpaAppellantSubmitted: yesNo,
  ftpaRespondentSubmitted: yesNo,
  ftpaAppellantApplicationDate: isoDate,
  ftpaRespondentApplicationDate: isoDate,
  ftpaAppellantDecisionOutcomeType: ftpaOutcome,
  ftpaRespondentDecisionOutcomeType: ftpaOutcome,
  ftpaAppellantRjDecisionOutcomeType: ftpaOutcome,
  ftpaRespondentRjDecisionOutcomeType: ftpaOutcome,
  ftpaAppellantDecisionDate: isoDate,
  ftpaRespondentDecisionDate: isoDate,
  trackerHeardOn: isoDate,
  trackerOnThePapers: yesNo,
  trackerClock: z.literal('tribunal-24-weeks'),
  trackerInCohort: yesNo,
  trackerCourt: z.enum(['first-tier', 'upper-tribunal', 'court-of-appeal']),
  trackerOutcome: z.enum(['refused', 'granted', 'allowed', 'dismissed', 'remitted']),
  trackerParty: party,
} as const;
export type CaseDataField = keyof typeof CASE_DATA_FIELDS;
export type CaseData = { [K in CaseDataField]?: z.infer<(typeof CASE_DATA_FIELDS)[K]> };

/** `Yes`/`No` as CCD writes a boolean. */
export const yesOrNo = (b: boolean) => (b ? 'Yes' : 'No');
