/**
 * Thousands of random and malformed requests to every route: bodies, headers, query strings and
 * tokens. No answer may be a 5xx, and no rejected request may change anything: the target case's
 * history keeps its length and no other case appears on this file's task queue.
 */
import fc from 'fast-check';
import { SignJWT } from 'jose';
import { describe, expect, it } from 'vitest';
import { EVENT_TYPES, ROLES } from '../domain/index.js';
import { caseWorkflowId } from '../workflows/messages.js';
import { settledHistoryLength, useStackWithCase, type Stack } from './harness.js';
import { variants } from './domain-fixtures.js';

const ctx = useStackWithCase();

const KNOWN_FIELDS = new Set(['type', 'grant', 'outOfCountry', 'decidedOn', 'hmctsRef', 'lodgedOn', 'reason', 'hearingDate', 'outcome', 'determinedOn', 'freshClaim', 'assignee', 'system']);

/** A valid event made invalid for certain: an unknown field (schemas are strict) or an unknown type. */
const brokenEvent = fc.oneof(
  fc.tuple(fc.constantFrom(...EVENT_TYPES.flatMap(variants)), fc.string({ minLength: 1, maxLength: 12 }).filter((k) => !KNOWN_FIELDS.has(k) && k !== '__proto__'), fc.jsonValue()).map(([e, k, v]) => ({ ...e, [k]: v })),
  fc.record({ type: fc.string().filter((t) => !(EVENT_TYPES as string[]).includes(t)) }),
  fc.jsonValue(),
);

const body = fc.oneof(
  brokenEvent.map((b) => JSON.stringify(b)),
  fc.string(), // mostly not JSON at all
  fc.jsonValue().map((v) => JSON.stringify(v)),
  fc.constant(''),
);

const secret = new TextEncoder().encode('not-the-secret-not-the-secret-not-the-secret');
const token = fc.oneof(
  fc.constantFrom(...ROLES).map((role) => ({ role })),
  fc.constant({ raw: '' }),
  fc.string().map((raw) => ({ raw })),
  fc.constantFrom('admin', 'system', '', 'CASEWORKER').map((role) => ({ role, sub: 'mallory' })),
  fc.constant({ wrongSecret: true }),
  fc.constant({ expired: true }),
);

const pathFor = (caseId: string) => fc.oneof(
  fc.constantFrom('/cases', `/cases/${caseId}`, `/cases/${caseId}/events`, '/reports/summary', '/healthz', '/readyz', '/openapi.json', '/metrics'),
  fc.string({ maxLength: 30 }).map((s) => `/cases/${encodeURIComponent(s)}`),
  fc.string({ maxLength: 30 }).map((s) => `/cases/${encodeURIComponent(s)}/events`),
  fc.tuple(fc.constantFrom('stage', 'cohort', 'assignee', 'escalation', 'deadlineBefore', 'ref', 'syncFailed', 'pageSize', 'pageToken', 'x'), fc.string({ maxLength: 40 })).map(([k, v]) => `/cases?${k}=${encodeURIComponent(v)}`),
);

const requestFor = (caseId: string) => fc.record({
  method: fc.constantFrom('GET', 'POST', 'PUT', 'DELETE', 'PATCH'),
  path: pathFor(caseId),
  body,
  token,
  contentType: fc.constantFrom('application/json', 'text/plain', 'application/problem+json', 'application/x-www-form-urlencoded', ''),
  idempotencyKey: fc.option(fc.string({ maxLength: 250 }), { nil: undefined }),
});

interface TokenChoice {
  role?: string;
  sub?: string;
  raw?: string;
  wrongSecret?: boolean;
  expired?: boolean;
}

async function bearer(t: TokenChoice, stack: Stack): Promise<string | undefined> {
  if (t.raw !== undefined) return t.raw;
  if (t.wrongSecret) return `Bearer ${await new SignJWT({ role: 'supervisor' }).setProtectedHeader({ alg: 'HS256' }).setSubject('x').setIssuer(stack.config.auth.issuer).sign(secret)}`;
  if (t.expired) return `Bearer ${await new SignJWT({ role: 'supervisor' }).setProtectedHeader({ alg: 'HS256' }).setSubject('x').setIssuer(stack.config.auth.issuer).setExpirationTime(1).sign(new TextEncoder().encode(stack.config.auth.jwtSecret))}`;
  if (t.role && (ROLES as readonly string[]).includes(t.role)) return `Bearer ${await stack.token(t.role as (typeof ROLES)[number])}`;
  return `Bearer ${await new SignJWT({ role: t.role }).setProtectedHeader({ alg: 'HS256' }).setSubject(t.sub ?? 'x').setIssuer(stack.config.auth.issuer).sign(new TextEncoder().encode(stack.config.auth.jwtSecret))}`;
}

describe('fuzzing every route', () => {
  it('never answers 5xx and never changes anything for a rejected request', { timeout: 300_000 }, async () => {
    const { stack, caseId } = ctx;
    const before = await settledHistoryLength(stack.client, caseWorkflowId(caseId));
    const statuses = new Map<number, number>();
    await fc.assert(
      fc.asyncProperty(requestFor(caseId), async (r) => {
        const headers: Record<string, string> = {};
        const auth = await bearer(r.token, stack);
        if (auth !== undefined) headers.authorization = auth;
        if (r.contentType) headers['content-type'] = r.contentType;
        if (r.idempotencyKey !== undefined && /^[\x20-\x7e]*$/.test(r.idempotencyKey)) headers['idempotency-key'] = r.idempotencyKey;
        const res = await fetch(`${stack.baseUrl}${r.path}`, { method: r.method, headers, body: r.method === 'GET' ? undefined : r.body });
        await res.arrayBuffer();
        statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
        expect(res.status, `${r.method} ${r.path} → ${res.status}`).toBeLessThan(500);
        // Nothing sent here is a valid change, so nothing may be accepted as one.
        if (r.method === 'POST') expect([200, 201]).not.toContain(res.status);
      }),
      { numRuns: 2_500 },
    );
    expect(await settledHistoryLength(stack.client, caseWorkflowId(caseId))).toBe(before);
    const { count } = await stack.client.workflow.count(`TaskQueue = '${stack.config.temporal.taskQueue}'`);
    expect(count).toBe(1);
    // The run exercised every kind of refusal, not only one.
    for (const status of [400, 401, 403, 404]) expect(statuses.get(status) ?? 0, `status ${status}`).toBeGreaterThan(0);
  });
});
