/**
 * The request bodies, one zod schema each. Formats and rules come from domain/, so the edge and
 * the workflow's validator cannot disagree; the compile-time checks at the end tie each schema
 * to the domain type it stands for.
 */
import { z } from './zod.js';
import {
  APPEAL_ENDINGS,
  COURTS,
  JUDICIAL_REVIEW_TARGETS,
  CLOCK_VIEW_STATES,
  GWF_PATTERN,
  HMCTS_REF_PATTERN,
  HO_REF_PATTERN,
  isCalendarDate,
  londonDate,
  isHmctsRef,
  DRIFT_KINDS,
  RECONCILED_SYSTEMS,
  UAN_PATTERN,
  EVENT_ROWS,
  EVENT_TYPES,
  FIELD_MESSAGES,
  LINK_RELATIONS,
  identifierProblem,
  rolesFor,
  ROLES,
  STAGES,
  STATUSES,
  type CaseEvent,
  type CaseView,
  type FieldSpec,
  type FieldError,
  type OpenCaseInput,
} from '../domain/index.js';

/** Today in London: the tribunal's day, not UTC's (they differ from midnight to 01:00 in summer). */
const today = () => londonDate(Date.now());
/** A real calendar date, YYYY-MM-DD: bodies and search filters alike. */
export const calendarDate = z.string({ error: FIELD_MESSAGES.date }).refine(isCalendarDate, FIELD_MESSAGES.date);
const date = calendarDate;
const pastDate = date.refine((d) => d <= today(), FIELD_MESSAGES.future);
const text = (max: number) =>
  z.string({ error: FIELD_MESSAGES.empty }).trim().min(1, FIELD_MESSAGES.empty).max(max, FIELD_MESSAGES.tooLong(max));

export const createCaseBody = z
  .object({
    homeOfficeRef: z.string().regex(HO_REF_PATTERN, 'must be a letter and 7 digits, e.g. H1234567'),
    uan: z.string().regex(UAN_PATTERN, 'must look like 1234-5678-9012-3456').optional(),
    gwf: z.string().regex(GWF_PATTERN, 'must be GWF and 9 digits').optional(),
    person: z.strictObject({ name: text(200), dateOfBirth: pastDate, nationality: text(100) }),
    claimDate: pastDate,
    cohort: z.strictObject({
      supportedAccommodation: z.boolean(),
      foreignNationalOffender: z.boolean(),
      detained: z.boolean(),
    }),
    assignee: text(100).optional(),
  })
  .strict()
  .openapi('NewCase');
export type CreateCaseBody = z.infer<typeof createCaseBody>;

/** One field of an event, as the API takes it: built from the field's declaration in the table. */
function fieldSchema(spec: FieldSpec): z.ZodType {
  const base = ((): z.ZodType => {
    switch (spec.kind) {
      case 'date':
        return spec.past ? pastDate : date;
      case 'text':
        return text(spec.max);
      case 'boolean':
        return z.boolean({ error: FIELD_MESSAGES.boolean });
      case 'enum':
        return z.enum(spec.values as [string, ...string[]], { error: FIELD_MESSAGES.oneOf(spec.values) });
      case 'hmctsRef':
        return z
          .string({ error: FIELD_MESSAGES.hmctsRef })
          .regex(HMCTS_REF_PATTERN, FIELD_MESSAGES.hmctsRef)
          .refine(isHmctsRef, FIELD_MESSAGES.hmctsRef);
      case 'int':
        return z.number({ error: FIELD_MESSAGES.int }).int(FIELD_MESSAGES.int).min(spec.min, FIELD_MESSAGES.int);
      case 'identifier': {
        const format = spec.format;
        return z.string({ error: FIELD_MESSAGES.identifier[format] }).superRefine((value, ctx) => {
          const problem = identifierProblem(format, value);
          if (problem) ctx.addIssue({ code: 'custom', message: problem });
        });
      }
      case 'value':
        throw new Error('a structured field belongs to an event only the workflow sends');
    }
  })();
  return spec.optional ? base.optional() : base;
}

/** The events a request may carry: every row someone other than the workflow itself may send. */
export const API_EVENT_TYPES = EVENT_TYPES.filter((t) => rolesFor(t).some((r) => r !== 'system'));
type ApiEvent = CaseEvent; // narrowed at run time by the union below; the workflow's validator checks roles again

/** Every event body, derived from the table's rows: nothing here names an event. */
export const caseEventBody = z
  .discriminatedUnion(
    'type',
    API_EVENT_TYPES.map((type) =>
      z.strictObject({
        type: z.literal(type),
        ...Object.fromEntries(Object.entries(EVENT_ROWS[type].fields).map(([name, spec]) => [name, fieldSchema(spec)])),
      }),
    ) as unknown as [z.ZodObject, ...z.ZodObject[]],
  )
  // A named component, so the document shows one CaseEvent, not a copy inline.
  .openapi('CaseEvent') as unknown as z.ZodType<ApiEvent>;
export type CaseEventBody = ApiEvent;

export const problemSchema = z
  .object({
    type: z.string(),
    title: z.string(),
    status: z.number().int(),
    detail: z.string(),
    errors: z.array(z.object({ field: z.string(), message: z.string() })).optional(),
    allowedEvents: z.array(z.enum(EVENT_TYPES)).optional(),
    caseId: z.string().optional(),
  })
  .openapi('Problem');

const statusValues = STAGES.flatMap((stage) => [...STATUSES[stage]]);
const syncStatus = z.object({
  delivered: z.number().int(),
  pending: z.number().int(),
  failure: z.object({ seq: z.number().int(), reason: z.string(), at: z.string() }).nullable(),
  lastReceipt: z.string().optional(),
});

export const driftSchema = z
  .object({
    system: z.enum(RECONCILED_SYSTEMS),
    kind: z.enum(DRIFT_KINDS),
    detail: z.string(),
    seq: z.number().int().optional(),
  })
  .openapi('Drift');

export const caseLinkSchema = z.object({ caseId: z.string(), relation: z.enum(LINK_RELATIONS) }).openapi('CaseLink');

export const abscondingPeriod = z.object({ from: z.string(), to: z.string().optional() });

/** The case as the API answers it; tied to the domain's CaseView below. */
const cohortView = z.object({
  supportedAccommodation: z.boolean(),
  foreignNationalOffender: z.boolean(),
  detained: z.boolean(),
  outOfCountry: z.boolean().optional(),
});

export const caseViewSchema = z
  .object({
    caseId: z.string(),
    stage: z.enum(STAGES),
    status: z.enum(statusValues as [string, ...string[]]),
    identifiers: z.object({
      caseId: z.string(),
      homeOfficeRef: z.string(),
      uan: z.string().optional(),
      gwf: z.string().optional(),
      hmctsRef: z.string().optional(),
      courtCaseNumber: z.string().optional(),
      pnc: z.string().optional(),
      prisonNumber: z.string().optional(),
      localAuthorityRef: z.string().optional(),
    }),
    person: z
      .object({ name: z.string(), dateOfBirth: z.string(), nationality: z.string() })
      .optional()
      .openapi({ description: "The person; absent for a system's integration token" }),
    cohort: cohortView,
    assignee: z.string().nullable(),
    flags: z.object({ absconded: z.boolean() }),
    counts: z.object({ claims: z.number().int(), appeals: z.number().int(), abscondings: z.number().int() }),
    abscondingPeriods: z.array(abscondingPeriod),
    dates: z.record(z.string(), z.union([z.string(), z.boolean(), z.number()]).optional()),
    clocks: z.array(
      z.object({
        name: z.string(),
        startedAt: z.string(),
        lastDay: z.string().openapi({
          description: 'The last day on which the thing may still be done (a Europe/London date)',
          example: '2026-12-15',
        }),
        deadline: z.string().openapi({
          description: 'The instant the limit closes: the end of lastDay in Europe/London',
          example: '2026-12-16T00:00:00.000Z',
        }),
        state: z.enum(CLOCK_VIEW_STATES).openapi({
          description:
            'met: done in time; breached: closed while running or done late; ended: the appeal ended another way',
        }),
        level: z.number().int(),
        warnings: z.array(z.string()),
        stoppedOn: z.string().optional(),
        breachedAt: z.string().optional(),
        exception: z.object({ reason: z.string(), at: z.string() }).optional(),
        decidedInTime: z.boolean().optional(),
        late: z.boolean().optional(),
        endedOn: z.string().optional(),
        extensions: z.array(z.object({ on: z.string(), lastDay: z.string(), reason: z.string() })).optional(),
      }),
    ),
    sync: z.object({ homeOffice: syncStatus, courts: syncStatus, notifier: syncStatus }),
    appealPending: z.boolean().openapi({
      description: 'An appeal could still be brought in time, or one awaits a decision (2002 Act s.104)',
    }),
    appealPendingReason: z.string().optional(),
    appealEnded: z.object({ how: z.enum(APPEAL_ENDINGS), on: z.string() }).optional(),
    cohortAtAppeal: cohortView.optional().openapi({
      description: 'The circumstances on the day the current appeal started: what 24-week membership is judged on',
    }),
    cohortFacts: z
      .array(
        z.object({
          effectiveOn: z.string(),
          changes: cohortView.partial(),
          reason: z.string(),
          by: z.string().optional(),
          recordedAt: z.string(),
        }),
      )
      .optional(),
    tribunalFlag: z.object({ inCohort: z.boolean(), reason: z.string(), on: z.string() }).optional(),
    onward: z
      .object({
        party: z.enum(['appellant', 'respondent']),
        court: z.enum(COURTS),
        kind: z.enum(['permission', 'appeal']),
        lodgedOn: z.string(),
      })
      .optional(),
    furtherSubmissions: z.object({ lodgedOn: z.string(), from: z.string() }).optional(),
    judicialReview: z.object({ lodgedOn: z.string(), against: z.enum(JUDICIAL_REVIEW_TARGETS) }).optional(),
    removalBarred: z.string().optional().openapi({ description: 'Why removal is barred now, if it is' }),
    held: z.array(
      z.object({
        key: z.string(),
        type: z.enum(EVENT_TYPES),
        reason: z.string(),
        receivedAt: z.string(),
        event: z
          .object({ type: z.enum(EVENT_TYPES) })
          .passthrough()
          .optional(),
      }),
    ),
    heldDropped: z.number().int().optional().openapi({
      description:
        'Held events dropped from `held` (the oldest first) to keep the case bounded; the timeline still shows them',
    }),
    reconciliation: z.object({ at: z.string(), drift: z.array(driftSchema) }).optional(),
    allowedEvents: z.array(z.enum(EVENT_TYPES)),
    openedAt: z.string(),
    version: z.number().int(),
    links: z
      .array(caseLinkSchema)
      .openapi({ description: 'Other cases this one is linked to (both cases show a link)' }),
  })
  .openapi('Case');

export const roleSchema = z.enum(ROLES);

/** zod's issues as the contract's `errors`: each bad field by its path. */
export function fieldErrors(error: z.ZodError): FieldError[] {
  return error.issues.map((i) => ({ field: i.path.length > 0 ? i.path.join('.') : 'body', message: i.message }));
}

// Compile-time ties to the domain: a schema that drifts from its type fails `npm run check`.
type Assert<T extends true> = T;
export type _ViewMatchesDomain = Assert<CaseView extends z.infer<typeof caseViewSchema> ? true : false>;
export type _CreateMatchesDomain = Assert<
  Omit<CreateCaseBody, never> extends Omit<OpenCaseInput, 'caseId' | 'openedAt'> ? true : false
>;

const delivery = z.object({
  status: z.enum(['delivered', 'failed', 'pending']),
  receipt: z.string().optional(),
  failure: z.string().optional(),
  attempts: z.number().int().optional(),
  at: z.string().optional(),
});

export const timelineSchema = z
  .object({
    caseId: z.string(),
    runs: z.number().int(),
    entries: z.array(
      z.object({
        seq: z.number().int(),
        at: z.string(),
        type: z.string(),
        actor: z.object({ id: z.string(), role: z.string() }),
        from: z.string(),
        to: z.string(),
        sync: z.object({ homeOffice: delivery.optional(), courts: delivery.optional(), notifier: delivery.optional() }),
        note: z.string().optional(),
      }),
    ),
  })
  .openapi('Timeline');
