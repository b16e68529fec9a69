/**
 * Events the two systems tell us of their own accord (signed webhooks). Each system may report
 * only what happens on its side; the case applies them as the `integration` role, with the
 * sending system as the actor.
 */
import type { EventType } from './events.js';

export const SOURCES = ['hmcts', 'home-office'] as const;
export type Source = (typeof SOURCES)[number];

export const SOURCE_EVENTS: Record<Source, readonly EventType[]> = {
  hmcts: ['appeal.lodged', 'tribunal.listed', 'tribunal.determined', 'onward-appeal.lodged', 'onward-appeal.decided', 'appeal.evidence-requested', 'appeal.review-requested'],
  'home-office': ['decision.granted', 'decision.refused', 'decision.certified', 'decision.inadmissible', 'exit.removed', 'exit.departed', 'person.absconded', 'person.reported', 'further-submissions.lodged', 'appeal.evidence-served', 'appeal.review-served'],
};

/** How a case stores an inbound event's identity: unique per sending system. */
export const inboundKey = (source: Source, id: string) => `${source}:${id}`;

export type InboundOutcome = { status: 'applied'; caseId: string } | { status: 'duplicate'; caseId?: string } | { status: 'held'; caseId: string; reason: string } | { status: 'unmatched' };

export interface HeldEvent {
  key: string;
  type: EventType;
  reason: string;
  at: string;
}
