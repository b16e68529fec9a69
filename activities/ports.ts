/**
 * A port per external system: deliver one message, get the system's receipt. The HTTP adapter speaks
 * each system's own language (its wire format: the body, the path, how its answer reads) and sends
 * what the tracker needs for exactly-once, in-order delivery as transport headers beside it.
 */
import { ApplicationFailure } from '@temporalio/activity';
import { SYNC_REJECTED, type OutboundMessage, type Receipt, type System, type SystemView } from '../domain/index.js';
import { envelope } from '../integrations/envelope.js';
import { TRACKER_HEADERS, type WireFormat } from '../integrations/wire.js';

export interface SystemPort {
  /** `cancelled`: the activity's own signal, so a try given up on (timed out, cancelled) stops talking too. */
  deliver(message: OutboundMessage, cancelled?: AbortSignal): Promise<Receipt>;
  /** What the system holds of a case (null: no record of it), for reconciliation. Throws when unreachable. */
  view(caseId: string): Promise<SystemView | null>;
}

/** 4xx the system means (bad reference, wrong state) are permanent; 408, 425 and 429 are not. */
const TRANSIENT_4XX = new Set([408, 425, 429]);

/** The transport headers of one message: the same on every attempt, whatever the body's language. */
export const trackerHeaders = (message: OutboundMessage): Record<string, string> => ({
  [TRACKER_HEADERS.key]: message.key,
  [TRACKER_HEADERS.caseId]: message.caseId,
  [TRACKER_HEADERS.seq]: String(message.seq),
  [TRACKER_HEADERS.stage]: message.after.stage,
  [TRACKER_HEADERS.status]: message.after.status,
  ...(message.redelivery ? { [TRACKER_HEADERS.redelivery]: '1' } : {}),
});

export function httpSystemPort(
  system: System,
  baseUrl: string,
  format: WireFormat = envelope as WireFormat,
  timeoutMs = 10_000,
): SystemPort {
  return {
    async deliver(message, cancelled) {
      const timeout = AbortSignal.timeout(timeoutMs);
      let res: Response;
      try {
        res = await fetch(new URL(format.path, baseUrl), {
          method: 'POST',
          headers: { 'content-type': 'application/json', ...trackerHeaders(message) },
          body: JSON.stringify(format.encode(message)),
          signal: cancelled ? AbortSignal.any([timeout, cancelled]) : timeout,
        });
      } catch (err) {
        // Unreachable, reset or timed out: retryable, and the retry carries the same key.
        throw new Error(`${system} unreachable: ${(err as Error).message}`);
      }
      const text = await res.text();
      if (res.ok) return format.receipt(JSON.parse(text) as unknown, message) satisfies Receipt;
      if (res.status >= 400 && res.status < 500 && !TRANSIENT_4XX.has(res.status)) {
        // The system's own words for it when it has them (the Home Office's error code and text).
        const refusal = format.refusal?.(res.status, parseJson(text));
        if (refusal && !refusal.permanent) throw new Error(`${system} answered ${res.status}: ${refusal.reason}`);
        throw ApplicationFailure.create({
          type: SYNC_REJECTED,
          message: `${system} rejected ${message.key} (${res.status}): ${refusal?.reason ?? text.slice(0, 500)}`,
          nonRetryable: true,
        });
      }
      throw new Error(`${system} answered ${res.status}: ${text.slice(0, 200)}`);
    },
    async view(caseId) {
      const res = await fetch(new URL(`/cases/${encodeURIComponent(caseId)}`, baseUrl), {
        signal: AbortSignal.timeout(timeoutMs),
      });
      if (res.status === 404) return null;
      if (!res.ok) throw new Error(`${system} answered ${res.status} for case ${caseId}`);
      const body = (await res.json()) as { stage: string; status: string; messages: Array<{ key: string }> };
      return { stage: body.stage, status: body.status, keys: body.messages.map((m) => m.key) };
    },
  };
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
