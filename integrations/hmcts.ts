/**
 * HMCTS's language (#22): our changes sent to the tribunal as its own case events, in the shape of
 * its case system (CCD), and its answer read as our receipt. What each event is sent as is the one
 * table in hmcts-events.ts; the field names and formats are in hmcts-ccd.ts. The tracker's key,
 * case id, sequence and stage travel beside the body as transport headers (wire.ts).
 */
import { z } from 'zod';
import { isCourtCaseNumber, isHmctsRef } from '../domain/identifiers.js';
import type { OutboundMessage, Receipt } from '../domain/outbound.js';
import type { EventType } from '../domain/events.js';
import type { Position } from '../domain/stages.js';
import { positionOf } from '../domain/stages.js';
import {
  CASE_DATA_FIELDS,
  TRIBUNAL_STATES,
  type CaseData,
  type CaseDataField,
  type TribunalState,
} from './hmcts-ccd.js';
import { AS_POSITIONED, OUTBOUND_TABLE, type Counterpart } from './hmcts-events.js';
import type { WireFormat } from './wire.js';

/**
 * The tribunal's state for a change whose event leaves it where it is (CCD's `*`), or ours with no
 * counterpart: where our case stands, in the tribunal's states. `unknown` where no appeal of this
 * round has reached the tribunal.
 */
export function tribunalStateAt(after: OutboundMessage['after']): TribunalState {
  if (!after.dates.appealLodgedOn) return 'unknown';
  const afterOnward = after.dates.permissionRefusedOn ?? after.dates.onwardDecidedOn;
  const at: Partial<Record<Position, TribunalState>> = {
    'appeal:lodged': 'appealSubmitted',
    'appeal:out-of-time': 'appealSubmitted',
    'tribunal:listed': 'prepareForHearing',
    'tribunal:adjourned': 'adjourned',
    'tribunal:reserved': 'decision',
    'tribunal:allowed': afterOnward ? 'ftpaDecided' : 'decided',
    'tribunal:dismissed': afterOnward ? 'ftpaDecided' : 'decided',
    // Renewed to the Upper Tribunal after the First-tier refused: the First-tier's case stays decided.
    'tribunal:onward-appeal-pending': after.dates.permissionRefusedOn ? 'ftpaDecided' : 'ftpaSubmitted',
    'tribunal:permission-refused': 'ftpaDecided',
    'tribunal:remitted': 'remitted',
    'tribunal:struck-out': 'ended',
  };
  const state = at[positionOf(after)];
  if (state) return state;
  // Left the process: a determined appeal stays decided at the tribunal; one that ended undetermined is ended.
  if (after.stage === 'exit') return after.dates.determinedOn ? (afterOnward ? 'ftpaDecided' : 'decided') : 'ended';
  return 'unknown';
}

/** Our event types that notify HMCTS, each with its row: what the reference HMCTS and the docs read. */
export const HMCTS_EVENT_TYPES = Object.keys(OUTBOUND_TABLE) as EventType[];

const counterpartsOf = (type: string): readonly Counterpart<EventType>[] =>
  (OUTBOUND_TABLE as Record<string, { counterparts: readonly Counterpart<EventType>[] } | undefined>)[type]
    ?.counterparts ?? [];

/** Every counterpart in the table, with the event type it belongs to. */
export const HMCTS_COUNTERPARTS = HMCTS_EVENT_TYPES.flatMap((type) =>
  counterpartsOf(type).map((c) => ({ type, counterpart: c })),
);

/**
 * The case_data an event id carries, as a strict zod object: the fields of every counterpart sent as
 * that id; required when every one of them always carries it.
 */
function caseDataSchemaFor(eventId: string): z.ZodType<CaseData> {
  const rows = HMCTS_COUNTERPARTS.map((r) => r.counterpart).filter((c) => c.eventId === eventId);
  const fields = [...new Set(rows.flatMap((c) => c.carries ?? []))];
  const always = (f: CaseDataField) => rows.every((c) => c.carries?.includes(f) && !c.optional?.includes(f));
  const shape = Object.fromEntries(
    fields.map((f) => [f, always(f) ? CASE_DATA_FIELDS[f] : CASE_DATA_FIELDS[f].optional()]),
  );
  return z.strictObject(shape) as unknown as z.ZodType<CaseData>;
}
const CASE_DATA_SCHEMAS = new Map(
  [...new Set(HMCTS_COUNTERPARTS.map((r) => r.counterpart.eventId))].map((id) => [id, caseDataSchemaFor(id)]),
);
/** The tribunal's event ids and ours, as the table names them. */
export const HMCTS_EVENT_IDS = [...CASE_DATA_SCHEMAS.keys()];

/** A change of ours as the tribunal's case event. */
export const hmctsCaseEventSchema = z
  .strictObject({
    event_id: z.enum(HMCTS_EVENT_IDS as [string, ...string[]]),
    /** The tribunal's appeal reference once known; until then (an appeal it has not registered) our case id. */
    case_reference: z.string().min(1).max(40),
    /** The state the tribunal's case is in after the event. */
    state: z.enum(TRIBUNAL_STATES),
    case_data: z.record(z.string(), z.unknown()),
  })
  .superRefine((body, ctx) => {
    const parsed = CASE_DATA_SCHEMAS.get(body.event_id)?.safeParse(body.case_data);
    for (const issue of parsed?.success === false ? parsed.error.issues : [])
      ctx.addIssue({ code: 'custom', message: issue.message, path: ['case_data', ...issue.path] });
  }) as unknown as z.ZodType<HmctsCaseEvent>;

export interface HmctsCaseEvent {
  event_id: string;
  case_reference: string;
  state: TribunalState;
  case_data: CaseData;
}

/** The counterpart a change is sent as: the first of its row whose condition holds. */
export function counterpartFor(message: OutboundMessage): Counterpart<EventType> | undefined {
  return counterpartsOf(message.type).find((c) => !c.when || c.when.test(message.event as never, message));
}

/** Our event as the tribunal's case event (the table's row for it). */
export function encodeCaseEvent(message: OutboundMessage): HmctsCaseEvent {
  const c = counterpartFor(message);
  // The table covers every event that notifies HMCTS (a unit test holds it to domain/events.ts).
  if (!c) throw new Error(`no tribunal event for ${message.type}: add its row to integrations/hmcts-events.ts`);
  return {
    event_id: c.eventId,
    case_reference: message.after.identifiers.hmctsRef ?? message.caseId,
    state: c.state === AS_POSITIONED ? tribunalStateAt(message.after) : c.state,
    case_data: c.data?.(message.event as never, message) ?? {},
  };
}

/**
 * The tribunal answers like its case system: the case it holds, with its 16-digit case number as
 * `id` (CCD's case reference), its version after the event, its state, and the appeal reference in
 * its data. A number id is read only while it is exact (CCD's long exceeds a double above 2^53).
 */
export const hmctsCaseAnswerSchema = z.looseObject({
  id: z.union([z.string().regex(/^\d{16}$/), z.number().int().refine(Number.isSafeInteger, 'must be exact')]),
  version: z.number().int().nonnegative().optional(),
  state: z.string().optional(),
  case_reference: z.string().optional(),
  case_data: z.looseObject({ appealReferenceNumber: z.string().optional() }).optional(),
});
export type HmctsCaseAnswer = z.infer<typeof hmctsCaseAnswerSchema>;

/** Our own receipt shape, as the reference systems answered before #22. */
const trackerReceipt = z.strictObject({
  receiptId: z.string().min(1),
  references: z.strictObject({ hmctsRef: z.string().optional(), courtCaseNumber: z.string().optional() }).optional(),
});

/**
 * The tribunal's answer as our receipt. Its case number names the case, not the event, so the receipt
 * id is the case number with the version the event made (or, without one, our sequence number).
 */
export function caseAnswerReceipt(answer: unknown, message: OutboundMessage): Receipt {
  const parsed = hmctsCaseAnswerSchema.safeParse(answer);
  if (!parsed.success) {
    // A reference HMCTS that still answers with our receipt (before it speaks as a case system) is read as it is.
    const ours = trackerReceipt.safeParse(answer);
    if (ours.success) return ours.data;
    throw new Error(`HMCTS answered without its case: ${parsed.error.issues[0]?.message}`);
  }
  const a = parsed.data;
  const caseNumber = String(a.id).padStart(16, '0');
  const ref = a.case_data?.appealReferenceNumber ?? a.case_reference;
  return {
    receiptId: `${caseNumber}@${a.version ?? message.seq}`,
    references: {
      ...(ref && isHmctsRef(ref) ? { hmctsRef: ref } : {}),
      ...(isCourtCaseNumber(caseNumber) ? { courtCaseNumber: caseNumber } : {}),
    },
  };
}

export const hmctsCaseEventFormat: WireFormat<HmctsCaseEvent> = {
  name: 'hmcts-case-event',
  path: '/case-events',
  schema: hmctsCaseEventSchema,
  encode: encodeCaseEvent,
  typeOf: (body) => body.event_id,
  receipt: caseAnswerReceipt,
};
