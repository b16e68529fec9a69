/**
 * Reading the Home Office's decision details for a reference (its search, as HMCTS's integration
 * calls it), in our terms: which decision, and its day. Null: the Home Office holds no decision yet;
 * an unknown reference is its error 1020, returned as such.
 */
import { randomUUID } from 'node:crypto';
import {
  CONSUMER,
  decisionOf,
  errorResponseSchema,
  homeOfficeDateTime,
  SEARCH_PATH,
  type HomeOfficeDecision,
  type SearchRequest,
} from '../integrations/home-office.js';

export type DecisionRead =
  { ok: true; decision: HomeOfficeDecision | null } | { ok: false; errorCode: string; reason: string };

export async function readHomeOfficeDecision(
  baseUrl: string,
  reference: string,
  timeoutMs = 10_000,
): Promise<DecisionRead> {
  const request: SearchRequest = {
    // A search is a read: a fresh correlation id each time, as HMCTS's integration sends.
    messageHeader: {
      consumer: { ...CONSUMER },
      correlationId: randomUUID(),
      eventDateTime: homeOfficeDateTime(new Date().toISOString()),
    },
    searchParams: [{ spType: 'DOCUMENT_REFERENCE', spValue: reference }],
  };
  const res = await fetch(new URL(SEARCH_PATH, baseUrl), {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(request),
    signal: AbortSignal.timeout(timeoutMs),
  });
  const answer: unknown = await res.json().catch(() => undefined);
  if (res.ok) return { ok: true, decision: decisionOf(answer) };
  const error = errorResponseSchema.safeParse(answer);
  if (res.status === 400 && error.success)
    return { ok: false, errorCode: error.data.errorDetail.errorCode, reason: error.data.errorDetail.messageText };
  throw new Error(`home-office search answered ${res.status}`);
}
