/**
 * The tribunal's own events, as its case system calls a service back (#22): a CCD callback
 * (`event_id`, `case_details{id, jurisdiction, case_type_id, state, case_data, version…}`, optional
 * `case_details_before`; hmcts/ia-home-office-integration-api …/domain/entities/ccd/callback/Callback.java
 * and …/ccd/CaseDetails.java) read as one of our events. The one table below says which of the
 * tribunal's events we hear and what each becomes; any other event id fails the schema.
 *
 * The callback names our case by the tribunal's appeal reference (`appealReferenceNumber` = our
 * HMCTS reference); a new appeal (`submitAppeal`) by the Home Office reference it was brought
 * against. Its id is `<case number>:<event id>:<version>` (see `callbackId`).
 */
import { z } from 'zod';
import type { CaseEvent } from '../domain/events.js';
import type { FieldError } from '../domain/fields.js';
import type { InboundReferences } from '../domain/inbound.js';
import { GWF_PATTERN, HO_REF_PATTERN, UAN_PATTERN } from '../domain/identifiers.js';
import type { Party } from '../domain/case.js';
import { CASE_DATA_FIELDS, CCD_CASE_TYPE, CCD_JURISDICTION, TRIBUNAL_STATES } from './hmcts-ccd.js';

const F = CASE_DATA_FIELDS;
/** A case number: CCD sends a long; read only while exact (2^53), or as a 16-digit string. */
const caseNumber = z
  .union([z.string(), z.number()])
  .refine(
    (v) => (typeof v === 'string' ? /^\d{16}$/.test(v) : Number.isSafeInteger(v) && v > 0),
    'must be the 16-digit case number (as a number, only while exact: below 2^53)',
  );
/** CCD's last_modified: a local date-time in UTC, without a zone. */
const localDateTime = z.iso.datetime({ local: true });

/** The party whose FTPA application was decided, and the outcome and date fields of that party. */
const FTPA_FIELDS = {
  appellant: {
    rj: 'ftpaAppellantRjDecisionOutcomeType',
    lj: 'ftpaAppellantDecisionOutcomeType',
    on: 'ftpaAppellantDecisionDate',
  },
  respondent: {
    rj: 'ftpaRespondentRjDecisionOutcomeType',
    lj: 'ftpaRespondentDecisionOutcomeType',
    on: 'ftpaRespondentDecisionDate',
  },
} as const;
/** The tribunal's FTPA outcomes our permission decision can say; the others (reheard, remade) have no counterpart. */
const PERMISSION: Record<string, 'granted' | 'refused'> = {
  granted: 'granted',
  partiallyGranted: 'granted',
  refused: 'refused',
  notAdmitted: 'refused',
};

type Read = { ok: true; event: CaseEvent } | { ok: false; errors: FieldError[] };
const at = (field: string) => `case_details.case_data.${field}`;
const ok = (event: CaseEvent): Read => ({ ok: true, event });

interface InboundRow<S extends z.ZodRawShape> {
  /** The case_data fields read (others are ignored: CCD sends the whole case). */
  reads: S;
  to: (data: z.infer<z.ZodObject<S>>) => Read;
  /** What the docs say it becomes. */
  becomes: string;
}
const row = <S extends z.ZodRawShape>(r: InboundRow<S>) => r;

function ftpaDecision(kind: 'rj' | 'lj') {
  return row({
    reads: {
      ftpaApplicantType: F.ftpaApplicantType,
      ftpaAppellantRjDecisionOutcomeType: F.ftpaAppellantRjDecisionOutcomeType.optional(),
      ftpaRespondentRjDecisionOutcomeType: F.ftpaRespondentRjDecisionOutcomeType.optional(),
      ftpaAppellantDecisionOutcomeType: F.ftpaAppellantDecisionOutcomeType.optional(),
      ftpaRespondentDecisionOutcomeType: F.ftpaRespondentDecisionOutcomeType.optional(),
      ftpaAppellantDecisionDate: F.ftpaAppellantDecisionDate.optional(),
      ftpaRespondentDecisionDate: F.ftpaRespondentDecisionDate.optional(),
    },
    becomes: `onward-appeal.decided {by: first-tier, outcome: granted|refused, decidedOn} from ftpa{Appellant|Respondent}${kind === 'rj' ? 'Rj' : ''}DecisionOutcomeType (granted, partiallyGranted → granted; refused, notAdmitted → refused) and ftpa…DecisionDate`,
    to: (d) => {
      const fields = FTPA_FIELDS[d.ftpaApplicantType as Party];
      const outcome = d[fields[kind]];
      const decision = outcome ? PERMISSION[outcome] : undefined;
      if (!decision)
        return {
          ok: false,
          errors: [
            {
              field: at(fields[kind]),
              message: outcome
                ? `${outcome} has no counterpart in the tracker (only granted, partiallyGranted, refused, notAdmitted)`
                : `is required for an application by the ${d.ftpaApplicantType}`,
            },
          ],
        };
      const decidedOn = d[fields.on];
      return ok({
        type: 'onward-appeal.decided',
        outcome: decision,
        by: 'first-tier',
        ...(decidedOn ? { decidedOn } : {}),
      });
    },
  });
}

/** The tribunal's events we hear, each as the one event of ours it becomes. */
export const INBOUND_TABLE = {
  submitAppeal: row({
    reads: {
      appealReferenceNumber: F.appealReferenceNumber,
      homeOfficeReferenceNumber: F.homeOfficeReferenceNumber,
      appealSubmissionDate: F.appealSubmissionDate.optional(),
      submissionOutOfTime: F.submissionOutOfTime.optional(),
    },
    becomes:
      'appeal.lodged {hmctsRef: appealReferenceNumber, lodgedOn: appealSubmissionDate, outOfTime: submissionOutOfTime}',
    to: (d) =>
      ok({
        type: 'appeal.lodged',
        hmctsRef: d.appealReferenceNumber,
        ...(d.appealSubmissionDate ? { lodgedOn: d.appealSubmissionDate } : {}),
        ...(d.submissionOutOfTime ? { outOfTime: d.submissionOutOfTime === 'Yes' } : {}),
      }),
  }),
  listCase: row({
    reads: { listCaseHearingDate: F.listCaseHearingDate },
    becomes: 'tribunal.listed {hearingDate: the day of listCaseHearingDate}',
    to: (d) => ok({ type: 'tribunal.listed', hearingDate: d.listCaseHearingDate.slice(0, 10) }),
  }),
  editCaseListing: row({
    reads: { listCaseHearingDate: F.listCaseHearingDate },
    becomes: 'tribunal.listed {hearingDate: the day of listCaseHearingDate} (a hearing moved)',
    to: (d) => ok({ type: 'tribunal.listed', hearingDate: d.listCaseHearingDate.slice(0, 10) }),
  }),
  adjournHearingWithoutDate: row({
    reads: { adjournHearingWithoutDateReasons: F.adjournHearingWithoutDateReasons.optional() },
    becomes: 'tribunal.adjourned {reason: adjournHearingWithoutDateReasons}',
    to: (d) =>
      ok({
        type: 'tribunal.adjourned',
        reason: d.adjournHearingWithoutDateReasons?.trim() || 'Adjourned without a date (the tribunal gave no reason)',
      }),
  }),
  sendDecisionAndReasons: row({
    reads: {
      isDecisionAllowed: F.isDecisionAllowed,
      appealDate: F.appealDate.optional(),
      sendDecisionsAndReasonsDate: F.sendDecisionsAndReasonsDate.optional(),
      listCaseHearingCentre: F.listCaseHearingCentre.optional(),
    },
    becomes:
      'tribunal.determined {outcome: isDecisionAllowed, determinedOn: appealDate, promulgatedOn: sendDecisionsAndReasonsDate, onThePapers: listCaseHearingCentre is decisionWithoutHearing}',
    to: (d) =>
      ok({
        type: 'tribunal.determined',
        outcome: d.isDecisionAllowed,
        ...(d.appealDate ? { determinedOn: d.appealDate } : {}),
        ...(d.sendDecisionsAndReasonsDate ? { promulgatedOn: d.sendDecisionsAndReasonsDate } : {}),
        ...(d.listCaseHearingCentre === 'decisionWithoutHearing' ? { onThePapers: true } : {}),
      }),
  }),
  endAppeal: row({
    reads: { endAppealOutcome: F.endAppealOutcome, endAppealOutcomeReason: F.endAppealOutcomeReason.optional() },
    becomes: 'appeal.withdrawn {reason: endAppealOutcomeReason} when endAppealOutcome is Withdrawn',
    to: (d) =>
      d.endAppealOutcome === 'Withdrawn'
        ? ok({
            type: 'appeal.withdrawn',
            reason: d.endAppealOutcomeReason?.trim() || 'Withdrawn (the tribunal gave no reason)',
          })
        : {
            ok: false,
            // Striking out is recorded by the tribunal's users on the case (it is not reported by webhook);
            // abandonment follows from the Home Office's exit events; "no valid appeal" has no event of ours.
            errors: [
              {
                field: at('endAppealOutcome'),
                message: `${d.endAppealOutcome} is not reported to the tracker (only Withdrawn)`,
              },
            ],
          },
  }),
  applyForFTPAAppellant: row({
    reads: {},
    becomes: 'onward-appeal.lodged {party: appellant, to: first-tier}',
    to: () => ok({ type: 'onward-appeal.lodged', party: 'appellant', to: 'first-tier' }),
  }),
  applyForFTPARespondent: row({
    reads: {},
    becomes: 'onward-appeal.lodged {party: respondent, to: first-tier}',
    to: () => ok({ type: 'onward-appeal.lodged', party: 'respondent', to: 'first-tier' }),
  }),
  decideFtpaApplication: ftpaDecision('rj'),
  residentJudgeFtpaDecision: ftpaDecision('rj'),
  leadershipJudgeFtpaDecision: ftpaDecision('lj'),
} as const;
export type InboundEventId = keyof typeof INBOUND_TABLE;
export const INBOUND_EVENT_IDS = Object.keys(INBOUND_TABLE) as InboundEventId[];

const caseDetails = z.looseObject({
  id: caseNumber,
  jurisdiction: z.literal(CCD_JURISDICTION),
  case_type_id: z.literal(CCD_CASE_TYPE),
  state: z.enum(TRIBUNAL_STATES),
  created_date: localDateTime.optional(),
  last_modified: localDateTime.optional(),
  /** The case's version: CCD raises it with every event saved on the case. */
  version: z.number().int().nonnegative().optional(),
  // Every event is about an appeal the tribunal registered, so every case carries its reference.
  case_data: z.looseObject({
    appealReferenceNumber: F.appealReferenceNumber,
    homeOfficeReferenceNumber: F.homeOfficeReferenceNumber.optional(),
  }),
});

/** A tribunal case event callback, as its case system sends it. Extra keys are allowed: CCD sends more. */
export const caseEventCallbackSchema = z
  .looseObject({
    event_id: z.enum(INBOUND_EVENT_IDS as [InboundEventId, ...InboundEventId[]]),
    case_details: caseDetails,
    // The case before the event: not read (before submitAppeal it has no appeal reference yet), only allowed.
    case_details_before: z.looseObject({}).optional(),
  })
  .refine((c) => c.case_details.version !== undefined || c.case_details.last_modified !== undefined, {
    message: 'version or last_modified is required: the event is applied once by its case, event and version',
    path: ['case_details', 'version'],
  });
export type CaseEventCallback = z.infer<typeof caseEventCallbackSchema>;

/** A body in the tribunal's callback shape rather than our envelope. */
export const isCaseEventCallback = (body: unknown): boolean =>
  typeof body === 'object' && body !== null && ('case_details' in body || 'event_id' in body);

/**
 * The inbound id of a callback: the same for every delivery of one event, different for each event
 * on the case. CCD raises the case's `version` with every event it saves, so case number, event id and
 * version name one event (the event id only makes the key readable); a callback without a version
 * uses the time the case was last modified, which the event's save also sets.
 */
export const callbackId = (c: CaseEventCallback) =>
  `${String(c.case_details.id).padStart(16, '0')}:${c.event_id}:${c.case_details.version ?? c.case_details.last_modified}`;

/** The references a callback finds its case by. */
function referencesOf(c: CaseEventCallback): InboundReferences {
  const data = c.case_details.case_data;
  if (c.event_id !== 'submitAppeal') return { hmctsRef: data.appealReferenceNumber };
  // A new appeal: the tribunal's reference is the event's to bring; the case is the one the Home Office refused.
  const ho = data.homeOfficeReferenceNumber ?? '';
  if (HO_REF_PATTERN.test(ho)) return { homeOfficeRef: ho };
  if (UAN_PATTERN.test(ho)) return { uan: ho };
  if (GWF_PATTERN.test(ho)) return { gwf: ho };
  return {};
}

export interface ReadCallback {
  id: string;
  occurredAt: string;
  references: InboundReferences;
  event: CaseEvent;
}

const schemaErrors = (error: z.ZodError): FieldError[] =>
  error.issues.map((i) => ({ field: i.path.length > 0 ? i.path.join('.') : 'body', message: i.message }));

/** A callback read as our inbound event, or the fields that fail (named by their path in the callback). */
export function readCaseEventCallback(
  body: unknown,
  now = () => new Date().toISOString(),
): { ok: true; value: ReadCallback } | { ok: false; errors: FieldError[] } {
  const parsed = caseEventCallbackSchema.safeParse(body);
  if (!parsed.success) return { ok: false, errors: schemaErrors(parsed.error) };
  const c = parsed.data;
  const r = INBOUND_TABLE[c.event_id] as InboundRow<z.ZodRawShape>;
  const data = z.looseObject(r.reads).safeParse(c.case_details.case_data);
  if (!data.success) return { ok: false, errors: schemaErrors(data.error).map((e) => ({ ...e, field: at(e.field) })) };
  const read = r.to(data.data);
  if (!read.ok) return read;
  const modified = c.case_details.last_modified;
  return {
    ok: true,
    value: {
      id: callbackId(c),
      // CCD keeps its times in UTC without a zone.
      occurredAt: modified ? new Date(`${modified}Z`).toISOString() : now(),
      references: referencesOf(c),
      event: read.event,
    },
  };
}
