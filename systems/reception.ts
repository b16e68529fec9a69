/**
 * How a reference system reads a delivery and answers it, in the language it is spoken to in: our
 * envelope (the message in the body, a receipt back), or a system's own (the body in its language,
 * the tracker's key, case, sequence and stage in the transport headers, its own acknowledgement).
 * The store, the in-order check and the faults are the same whatever the language.
 */
import { randomUUID } from 'node:crypto';
import type { Request } from 'express';
import type { z } from 'zod';
import { envelope, type Envelope } from '../integrations/envelope.js';
import { TRACKER_HEADERS } from '../integrations/wire.js';

/** What a reference system keeps of a delivery, whatever its language. */
export interface InboundMessage {
  key: string;
  caseId: string;
  seq: number;
  /** The system's name for what it received (its message type; our event type in the envelope). */
  type: string;
  at: string;
  after: { stage: string; status: string; identifiers: Record<string, string | undefined> };
  /** A change we acknowledged before and lost since: accepted behind later ones (a gap fill). */
  redelivery?: boolean;
}

export interface Answer {
  status: number;
  body: unknown;
}

export type Reading =
  | {
      ok: true;
      message: InboundMessage;
      /** The id this system gives what it stores. */
      receiptId: string;
      /** The body as received, kept when the system reads it back later (the Home Office's search). */
      body?: unknown;
    }
  | { ok: false; answer: Answer };

export interface Reception {
  /** The language's name, as in configuration: `envelope`, or the system's own format's name. */
  name: string;
  path: string;
  read(req: Request): Reading;
  /** The answer to a delivery stored now (`first`) or before. */
  accepted(receipt: { receiptId: string; references?: Record<string, string> }, req: Request, first: boolean): Answer;
  /** A permanent refusal: a reference this system does not know. */
  unknownReference(message: InboundMessage, req: Request): Answer;
}

/** Our envelope: the message itself in the body, `{ receiptId, references }` back. */
export function envelopeReception(systemName: string): Reception {
  return {
    name: envelope.name,
    path: envelope.path,
    // As before #22: only what the store and the in-order check need is required.
    read(req) {
      const m = req.body as Envelope;
      if (typeof m?.key !== 'string' || typeof m.caseId !== 'string' || !Number.isInteger(m.seq))
        return {
          ok: false,
          answer: { status: 400, body: { error: 'a message needs key, caseId and an integer seq' } },
        };
      return {
        ok: true,
        receiptId: `${systemName}-${randomUUID()}`,
        message: {
          key: m.key,
          caseId: m.caseId,
          seq: m.seq,
          type: m.type,
          at: m.at,
          // Partial envelopes were always accepted (a test's repeat, say): the store takes what there is.
          after: { stage: m.after?.stage, status: m.after?.status, identifiers: m.after?.identifiers ?? {} },
          ...(m.redelivery ? { redelivery: true } : {}),
        },
      };
    },
    accepted: (receipt, _req, first) => ({ status: first ? 201 : 200, body: receipt }),
    unknownReference: (message) => ({ status: 422, body: { error: `unknown reference for ${message.caseId}` } }),
  };
}

/** The tracker's transport headers of a delivery in a system's own language, or what is missing. */
export function trackerHeadersOf(
  req: Request,
):
  | { ok: true; key: string; caseId: string; seq: number; stage: string; status: string; redelivery: boolean }
  | { ok: false; missing: string[] } {
  const get = (name: string) => req.get(name)?.trim() || undefined;
  const key = get(TRACKER_HEADERS.key);
  const caseId = get(TRACKER_HEADERS.caseId);
  const seqText = get(TRACKER_HEADERS.seq);
  const seq = seqText !== undefined && /^\d+$/.test(seqText) ? Number(seqText) : undefined;
  const missing = [
    ...(key ? [] : [TRACKER_HEADERS.key]),
    ...(caseId ? [] : [TRACKER_HEADERS.caseId]),
    ...(seq !== undefined ? [] : [TRACKER_HEADERS.seq]),
  ];
  if (missing.length > 0) return { ok: false, missing };
  return {
    ok: true,
    key: key!,
    caseId: caseId!,
    seq: seq!,
    stage: get(TRACKER_HEADERS.stage) ?? '',
    status: get(TRACKER_HEADERS.status) ?? '',
    redelivery: get(TRACKER_HEADERS.redelivery) === '1',
  };
}

/** Each field a body got wrong, by its path; a field it should not have, by its own path. */
export const issuePaths = (error: z.ZodError) => [
  ...new Set(
    error.issues.flatMap((i) =>
      i.code === 'unrecognized_keys' ? i.keys.map((k) => [...i.path, k].join('.')) : [i.path.join('.') || '(body)'],
    ),
  ),
];
