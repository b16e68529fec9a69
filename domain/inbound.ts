/**
 * Events the two systems tell us of their own accord (signed webhooks). Each system may report
 * only what happens on its side; the case applies them as the `integration` role, with the
 * sending system as the actor.
 */
import { eventsReportedBy, type CaseEvent, type EventType } from './events.js';
import type { CaseState, Identifiers } from './case.js';
import { canonicalPnc } from './identifiers.js';
import { perSource, type Source } from './systems.js';

/** What each system may report: derived from the table's `reportedBy`, never listed here. */
export const SOURCE_EVENTS: Record<Source, readonly EventType[]> = perSource((source) => eventsReportedBy(source));

/** How a case stores an inbound event's identity: unique per sending system. */
export const inboundKey = (source: Source, id: string) => `${source}:${id}`;

export type InboundOutcome =
  | { status: 'applied'; caseId: string }
  | { status: 'duplicate'; caseId?: string }
  | { status: 'held'; caseId: string; reason: string }
  | { status: 'unmatched' };

export interface HeldEvent {
  key: string;
  type: EventType;
  reason: string;
  /** When it was received (workflow time). */
  at: string;
  /** The whole event as the system sent it, so a supervisor can apply it once it fits. Absent on events held
   * before held events kept their payload: those can only be dismissed. */
  event?: CaseEvent;
  source?: Source;
}

/** The references an inbound event may carry to find its case (the contract's `references`). */
export interface InboundReferences {
  caseId?: string;
  homeOfficeRef?: string;
  uan?: string;
  gwf?: string;
  hmctsRef?: string;
}

/** Identifiers an event writes onto the case it is applied to (an appeal's HMCTS reference, `case.identified`'s). */
const ADOPTABLE = ['hmctsRef', 'pnc', 'prisonNumber', 'localAuthorityRef'] as const satisfies ReadonlyArray<
  keyof Identifiers
>;

/** What the event would adopt onto its case, as the case would store it (a PNC ID in its canonical form). */
export function adoptedReferences(event: CaseEvent): string[] {
  const fields = event as unknown as Partial<Record<(typeof ADOPTABLE)[number], unknown>>;
  return ADOPTABLE.flatMap((k) => {
    const v = fields[k];
    if (typeof v !== 'string' || v.length === 0) return [];
    return [k === 'pnc' ? canonicalPnc(v) : v];
  });
}

/** Why a reference held by another case stops an event: it is never moved by an event (#19). */
export const referenceOwnedElsewhere = (reference: string, otherCase: string) =>
  `reference ${reference} already belongs to case ${otherCase}`;

/**
 * An event aimed at a case by `references.caseId` must agree with that case: why its other
 * references contradict the case it names (or the case it reached), or null. An HMCTS reference the
 * event itself brings (a new appeal's) is not a contradiction.
 */
export function referenceContradiction(
  state: CaseState,
  references: InboundReferences | undefined,
  event: CaseEvent,
): string | null {
  if (!references?.caseId) return null;
  if (references.caseId !== state.caseId)
    return `references.caseId ${references.caseId} is not this case (${state.caseId})`;
  const adopted = adoptedReferences(event);
  for (const key of ['homeOfficeRef', 'uan', 'gwf', 'hmctsRef'] as const) {
    const theirs = references[key];
    const ours = state.identifiers[key];
    if (!theirs || !ours || theirs === ours) continue;
    if (key === 'hmctsRef' && adopted.includes(theirs)) continue;
    return `references.${key} ${theirs} contradicts case ${state.caseId} (its ${key} is ${ours})`;
  }
  return null;
}
