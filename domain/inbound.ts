/**
 * Events the two systems tell us of their own accord (signed webhooks). Each system may report
 * only what happens on its side; the case applies them as the `integration` role, with the
 * sending system as the actor.
 */
import { eventsReportedBy, type CaseEvent, type EventType } from './events.js';
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
