/**
 * A port per external system: deliver one message, get the system's receipt. The HTTP adapter is
 * the reference implementation; a real Atlas or HMCTS adapter replaces it behind the same type.
 */
import { ApplicationFailure } from '@temporalio/activity';
import { SYNC_REJECTED, type OutboundMessage, type Receipt, type System, type SystemView } from '../domain/index.js';

export interface SystemPort {
  deliver(message: OutboundMessage): Promise<Receipt>;
  /** What the system holds of a case (null: no record of it), for reconciliation. Throws when unreachable. */
  view(caseId: string): Promise<SystemView | null>;
}

/** 4xx the system means (bad reference, wrong state) are permanent; 408, 425 and 429 are not. */
const TRANSIENT_4XX = new Set([408, 425, 429]);

export function httpSystemPort(system: System, baseUrl: string, timeoutMs = 10_000): SystemPort {
  return {
    async deliver(message) {
      let res: Response;
      try {
        res = await fetch(new URL('/messages', baseUrl), {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'idempotency-key': message.key },
          body: JSON.stringify(message),
          signal: AbortSignal.timeout(timeoutMs),
        });
      } catch (err) {
        // Unreachable, reset or timed out: retryable, and the retry carries the same key.
        throw new Error(`${system} unreachable: ${(err as Error).message}`);
      }
      const text = await res.text();
      if (res.ok) return JSON.parse(text) as Receipt;
      if (res.status >= 400 && res.status < 500 && !TRANSIENT_4XX.has(res.status)) {
        throw ApplicationFailure.create({
          type: SYNC_REJECTED,
          message: `${system} rejected ${message.key} (${res.status}): ${text.slice(0, 500)}`,
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
