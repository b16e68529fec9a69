/**
 * How a change travels in a system's own language (#22). The body is the message that system already
 * understands (the Home Office's instruct message, the tribunal's case event); what the tracker needs
 * for exactly-once, in-order delivery and reconciliation travels beside it as transport headers, so
 * ordering, idempotency keys, receipts and reconciliation stay the same whatever the language.
 */
import type { z } from 'zod';
import type { OutboundMessage, Receipt } from '../domain/index.js';

/** One system's language for our outbound messages: where it is posted, what it is, how its answer reads. */
export interface WireFormat<Body = unknown> {
  /** Its name in configuration and the docs, e.g. `home-office-instruct`. */
  readonly name: string;
  /** The path on the system's base URL the message is posted to. */
  readonly path: string;
  /** What the receiving system accepts: the reference system validates every body against it. */
  readonly schema: z.ZodType<Body>;
  /** The message for one change: the matching one in its language, or the same header with a type of ours. */
  encode(message: OutboundMessage): Body;
  /** The system's name for what the body is (its message type or event id), as stored and listed. */
  typeOf(body: Body): string;
  /** The system's acknowledgement read as our receipt (its id, and any references it assigned). */
  receipt(answer: unknown, message: OutboundMessage): Receipt;
  /**
   * A 4xx answer in the system's words: its code and text for the case's sync failure, and whether it
   * is for good (a reference it does not know) or worth retrying (its own internal error). Absent, or
   * undefined for an answer it cannot read: the status alone decides, as for any HTTP system.
   */
  refusal?(status: number, answer: unknown): Refusal | undefined;
}

export interface Refusal {
  permanent: boolean;
  /** One line: the system's code and text. */
  reason: string;
}

/**
 * The tracker's transport headers: the receiver's idempotency key, and what its in-order check and
 * its view of a case for reconciliation read. Sent with every body, whatever its language.
 */
export const TRACKER_HEADERS = {
  key: 'idempotency-key',
  caseId: 'x-tracker-case-id',
  seq: 'x-tracker-seq',
  /** The case's stage and status after the change: what reconciliation compares with the system's view. */
  stage: 'x-tracker-stage',
  status: 'x-tracker-status',
  /** Present (`1`) on a redelivery into a gap found by reconciliation. */
  redelivery: 'x-tracker-redelivery',
} as const;
