/**
 * The Home Office's own language, as HMCTS's public integration (hmcts/ia-home-office-integration-api)
 * shows it: the "instruct" message the tribunal side posts, its acknowledgement and its error body,
 * and the decision details a search answers with. The shapes are facts of that code; the schemas and
 * their names are ours. Types are derived from these schemas, never written twice.
 *
 * The instruct schema is strict (an unknown field is refused): the reference Home Office validates
 * every body with it, so a field we add by mistake (a name, say) fails a test instead of travelling.
 */
import { z } from 'zod';

/** `yyyy-MM-dd'T'HH:mm:ss'Z'`: the Home Office's date-time, UTC to the second. */
export const HO_DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/;
const dateTime = z.string().regex(HO_DATE_TIME, "yyyy-MM-dd'T'HH:mm:ss'Z'");
const date = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'yyyy-MM-dd');

const codeAndDescription = z.strictObject({ code: z.string().min(1), description: z.string() });

/** Who sends: HMCTS, as the real integration's configuration names it. */
export const CONSUMER = { code: 'HMCTS', description: 'HM Courts and Tribunal Service' } as const;
export const CONSUMER_REFERENCE = { code: 'HMCTS_CHALLENGE_REF', description: 'HMCTS challenge reference' } as const;

export const messageHeaderSchema = z.strictObject({
  consumer: codeAndDescription,
  correlationId: z.uuid(),
  eventDateTime: dateTime,
});
export type MessageHeader = z.infer<typeof messageHeaderSchema>;

/** The tribunal's reference for the appeal (its appeal reference number) in the Home Office's wrapping. */
const consumerReferenceSchema = z.strictObject({
  code: z.literal(CONSUMER_REFERENCE.code),
  consumer: codeAndDescription,
  description: z.string(),
  value: z.string().min(1),
});

/** The message types the Home Office knows (MessageType.java: the whole enum). */
export const HO_MESSAGE_TYPES = [
  'APPEAL_REQUESTED',
  'REQUEST_CHALLENGE_END',
  'REQUEST_EVIDENCE_BUNDLE',
  'REQUEST_REVIEW',
  'HEARING',
  'HEARING_BUNDLE_READY',
  'COURT_OUTCOME',
  'PERMISSION_TO_APPEAL',
  'DEFAULT',
] as const;
export type HomeOfficeMessageType = (typeof HO_MESSAGE_TYPES)[number];

/** Our own message types, for changes the Home Office's language has no word for: `TRACKER_` and our event's name. */
export const TRACKER_TYPE = /^TRACKER_[A-Z0-9_]+$/;

export const COURT_TYPES = ['FIRST_TIER', 'UPPER_TRIBUNAL', 'COURT_OF_APPEAL', 'SUPREME_COURT'] as const;
export const OUTCOMES = ['ALLOWED', 'DISMISSED', 'GRANTED', 'REFUSED', 'REHEARD', 'REMADE'] as const;
export const END_REASONS = ['STRUCK_OUT', 'ABANDONED', 'WITHDRAWN', 'NOT_VALID'] as const;
export const HEARING_TYPES = ['ORAL', 'PAPER'] as const;

/**
 * What every instruct message carries. `consumerReference` is absent until the tribunal has given the
 * appeal its reference (the real service only writes after the tribunal numbered the appeal; the
 * tracker also tells the Home Office of changes before any appeal, under its own message types).
 */
const envelope = {
  consumerReference: consumerReferenceSchema.optional(),
  hoReference: z.string().min(1),
  messageHeader: messageHeaderSchema,
  note: z.string().max(4000).optional(),
};

/**
 * The hearing as the Home Office hears of it. The real message can also carry witnesses' number and
 * names; the tracker keeps no witnesses (and no names travel in sync messages), so neither is here.
 */
const hearingSchema = z.strictObject({
  hmctsHearingRef: z.string().min(1).optional(),
  hearingLocation: z.string().min(1).optional(),
  hearingDate: date.optional(),
  hearingTime: z
    .string()
    .regex(/^\d{2}:\d{2}:\d{2}$/, 'HH:mm:ss')
    .optional(),
  hearingType: z.enum(HEARING_TYPES).optional(),
});

/**
 * The appeal a request for the evidence bundle is about. The real message names the applicants
 * (Person: names, date of birth, nationality): the tracker keeps personal data out of its sync
 * messages, so `applicants` is refused here, and `appealType` is left out (the tracker records none).
 */
const challengeSchema = z.strictObject({
  appealTierType: z.literal('FIRST_TIER'),
  appealType: z
    .enum(['REVOCATION_OF_PROTECTION', 'PROTECTION', 'EEA', 'HUMAN_RIGHTS', 'DEPRIVATION_OF_CITIZENSHIP', 'EU'])
    .optional(),
  challengeSubmissionDate: date.optional(),
});

const message = <T extends string, S extends z.ZodRawShape>(type: T, extra: S) =>
  z.strictObject({ ...envelope, messageType: z.literal(type), ...extra });

/** One instruct message: the envelope, its type and that type's own fields. */
export const instructSchema = z.union([
  z.discriminatedUnion('messageType', [
    message('APPEAL_REQUESTED', {}),
    message('REQUEST_EVIDENCE_BUNDLE', { deadlineDate: date.optional(), challenge: challengeSchema.optional() }),
    message('REQUEST_REVIEW', { deadlineDate: date.optional() }),
    message('HEARING', { hearing: hearingSchema }),
    message('HEARING_BUNDLE_READY', { hearing: hearingSchema.pick({ hmctsHearingRef: true, hearingType: true }) }),
    message('COURT_OUTCOME', {
      courtOutcome: z.strictObject({ courtType: z.enum(COURT_TYPES), outcome: z.enum(OUTCOMES) }),
    }),
    message('PERMISSION_TO_APPEAL', { courtType: z.enum(COURT_TYPES) }),
    message('REQUEST_CHALLENGE_END', { endReason: z.enum(END_REASONS), endChallengeDate: dateTime }),
    message('DEFAULT', {}),
  ]),
  // A change of ours with no Home Office counterpart: the same envelope, our type, and our event as it is.
  z.strictObject({
    ...envelope,
    messageType: z.string().regex(TRACKER_TYPE, 'TRACKER_ and the event name'),
    trackerEvent: z.looseObject({ type: z.string().min(1) }),
  }),
]);
export type InstructMessage = z.infer<typeof instructSchema>;

/** `errorDetail`: `0000` and success on an acknowledgement; the Home Office's error code otherwise. */
export const errorDetailSchema = z.object({
  errorCode: z.string().regex(/^\d{4}$/),
  messageText: z.string(),
  // The real fixtures send `"false"` as a string on errors.
  success: z.union([z.boolean(), z.enum(['true', 'false']).transform((v) => v === 'true')]),
});
export type ErrorDetail = z.infer<typeof errorDetailSchema>;

/**
 * A message header in the Home Office's answers, read loosely (as HMCTS reads them: unknown fields
 * ignored): only the correlation id matters to us.
 */
const answerHeaderSchema = z.looseObject({ correlationId: z.string().optional() });

/** The answer to an instruct message (acknowledgement or error): a message header and an error detail. */
export const acknowledgementSchema = z.looseObject({
  messageHeader: answerHeaderSchema,
  errorDetail: errorDetailSchema,
});
export type Acknowledgement = z.infer<typeof acknowledgementSchema>;
export const errorResponseSchema = z.looseObject({
  messageHeader: answerHeaderSchema.optional(),
  errorDetail: errorDetailSchema,
});

/** The Home Office's error codes the tracker meets (HomeOfficeDataErrorsHelper.java). */
export const HO_ERROR = {
  ok: '0000',
  referenceNotFound: '1020',
  invalidFormat: '1060',
  internalError: '1070',
} as const;

// --- The decision details a search answers with (POST /ichallenge/applicationStatus/getBySearchParameters) ---

export const searchRequestSchema = z.object({
  messageHeader: messageHeaderSchema,
  searchParams: z.array(z.object({ spType: z.literal('DOCUMENT_REFERENCE'), spValue: z.string().min(1) })).min(1),
});
export type SearchRequest = z.infer<typeof searchRequestSchema>;

const looseCode = z.object({ code: z.string(), description: z.string().nullish() });
/** One person's application on the Home Office's side. Read loosely, as HMCTS does: fields may be null or new. */
const applicationStatusSchema = z.looseObject({
  applicationType: looseCode.nullish(),
  claimReasonType: looseCode.nullish(),
  decisionType: looseCode.nullish(),
  /** `yyyy-MM-dd'T'HH:mm:ss'Z'` or `yyyy-MM-dd`: HMCTS reads both. */
  decisionDate: z.string().nullish(),
  documentReference: z.string().nullish(),
  roleType: looseCode.nullish(),
  roleSubType: looseCode.nullish(),
  rejectionReasons: z.array(z.object({ reason: z.string() })).nullish(),
});

/**
 * The search's answer. `status[].person` (names, date of birth) is the Home Office's to send; the
 * tracker reads only the decision from it and keeps none of the person's details.
 */
export const decisionDetailsSchema = z.looseObject({
  messageHeader: answerHeaderSchema.nullish(),
  messageType: z.string().optional(),
  status: z.array(z.looseObject({ applicationStatus: applicationStatusSchema.nullish() })).nullish(),
  errorDetail: errorDetailSchema.optional(),
});
export type DecisionDetails = z.infer<typeof decisionDetailsSchema>;
