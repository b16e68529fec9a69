/**
 * Our own envelope: the outbound message as the tracker holds it, posted to `/messages` and answered
 * with a receipt. What every system spoke before #22, and still the notifier's language (and any
 * system's, for comparison, with its format setting at `envelope`).
 */
import { z } from 'zod';
import type { OutboundMessage, Receipt } from '../domain/index.js';
import type { WireFormat } from './wire.js';

/** What a receiver reads of our message; the rest travels as it is. */
export const envelopeSchema = z.looseObject({
  key: z.string().min(1),
  caseId: z.string().min(1),
  seq: z.number().int().nonnegative(),
  type: z.string().min(1),
  at: z.string().min(1),
  event: z.looseObject({ type: z.string() }),
  after: z.looseObject({
    stage: z.string(),
    status: z.string(),
    identifiers: z.record(z.string(), z.string().optional()),
  }),
  redelivery: z.boolean().optional(),
});
export type Envelope = z.infer<typeof envelopeSchema>;

const receiptSchema = z.object({
  receiptId: z.string().min(1),
  references: z.object({ hmctsRef: z.string().optional(), courtCaseNumber: z.string().optional() }).optional(),
});

export const envelope: WireFormat<Envelope> = {
  name: 'envelope',
  path: '/messages',
  schema: envelopeSchema,
  encode: (message: OutboundMessage) => message as unknown as Envelope,
  typeOf: (body) => body.type,
  receipt: (answer): Receipt => receiptSchema.parse(answer),
};
