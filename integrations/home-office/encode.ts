/**
 * One of our outbound messages as a Home Office instruct message: the envelope (references, header),
 * the type and fields of its row in the mapping table, or our own type with our event as it is.
 * No personal data: our messages carry none, and nothing here adds any.
 */
import type { EventOf, EventType, OutboundMessage } from '../../domain/index.js';
import { correlationIdOf } from '../correlation.js';
import { HOME_OFFICE_MESSAGES, trackerType, type HomeOfficeRow } from './mapping.js';
import { CONSUMER, CONSUMER_REFERENCE, type InstructMessage, type MessageHeader } from './schema.js';

/** An ISO instant as the Home Office writes it: `yyyy-MM-dd'T'HH:mm:ss'Z'` (UTC, to the second). */
export const homeOfficeDateTime = (instant: string) => `${new Date(instant).toISOString().slice(0, 19)}Z`;

export const messageHeader = (message: Pick<OutboundMessage, 'key' | 'at'>): MessageHeader => ({
  consumer: { ...CONSUMER },
  correlationId: correlationIdOf(message.key),
  eventDateTime: homeOfficeDateTime(message.at),
});

export function encodeInstruct(message: OutboundMessage): InstructMessage {
  const { identifiers } = message.after;
  const envelope = {
    // The tribunal's appeal reference, once it has one.
    ...(identifiers.hmctsRef
      ? {
          consumerReference: {
            code: CONSUMER_REFERENCE.code,
            consumer: { ...CONSUMER },
            description: CONSUMER_REFERENCE.description,
            value: identifiers.hmctsRef,
          },
        }
      : {}),
    hoReference: identifiers.homeOfficeRef,
    messageHeader: messageHeader(message),
  };
  const row = HOME_OFFICE_MESSAGES[message.type as EventType] as HomeOfficeRow<EventType> | undefined;
  if (!row || row.messageType === 'ours')
    return { ...envelope, messageType: trackerType(message.type), trackerEvent: { ...message.event } };
  const fields = row.fields?.(message.event as EventOf<EventType>, message.after, message.at) ?? {};
  return { ...envelope, messageType: row.messageType, ...fields } as InstructMessage;
}
