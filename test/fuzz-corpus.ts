/**
 * The API's fuzz corpus: random and malformed requests to every route (bodies, headers, query
 * strings, tokens), none of them a valid change. Used by test/api-fuzz.test.ts on its own and by
 * the reliability suite (test/chaos-scenario.ts) while it kills and cuts things.
 */
import fc from 'fast-check';
import { SignJWT } from 'jose';
import { EVENT_TYPES, ROLES, type Role } from '../domain/index.js';
import { variants } from './domain-fixtures.js';

const KNOWN_FIELDS = new Set([
  'type',
  'grant',
  'outOfCountry',
  'decidedOn',
  'hmctsRef',
  'lodgedOn',
  'reason',
  'hearingDate',
  'outcome',
  'determinedOn',
  'freshClaim',
  'assignee',
  'system',
  'pnc',
  'prisonNumber',
  'localAuthorityRef',
  'caseId',
  'relation',
]);

/** A valid event made invalid for certain: an unknown field (schemas are strict) or an unknown type. */
const brokenEvent = fc.oneof(
  fc
    .tuple(
      fc.constantFrom(...EVENT_TYPES.flatMap(variants)),
      fc.string({ minLength: 1, maxLength: 12 }).filter((k) => !KNOWN_FIELDS.has(k) && k !== '__proto__'),
      fc.jsonValue(),
    )
    .map(([e, k, v]) => ({ ...e, [k]: v })),
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

const pathFor = (caseId: string) =>
  fc.oneof(
    fc.constantFrom(
      '/cases',
      `/cases/${caseId}`,
      `/cases/${caseId}/events`,
      '/reports/summary',
      '/healthz',
      '/readyz',
      '/openapi.json',
      '/metrics',
    ),
    fc.string({ maxLength: 30 }).map((s) => `/cases/${encodeURIComponent(s)}`),
    fc.string({ maxLength: 30 }).map((s) => `/cases/${encodeURIComponent(s)}/events`),
    fc
      .tuple(
        fc.constantFrom(
          'stage',
          'cohort',
          'assignee',
          'escalation',
          'deadlineBefore',
          'ref',
          'syncFailed',
          'pageSize',
          'pageToken',
          'x',
        ),
        fc.string({ maxLength: 40 }),
      )
      .map(([k, v]) => `/cases?${k}=${encodeURIComponent(v)}`),
  );

export const requestFor = (caseId: string) =>
  fc.record({
    method: fc.constantFrom('GET', 'POST', 'PUT', 'DELETE', 'PATCH'),
    path: pathFor(caseId),
    body,
    token,
    contentType: fc.constantFrom(
      'application/json',
      'text/plain',
      'application/problem+json',
      'application/x-www-form-urlencoded',
      '',
    ),
    idempotencyKey: fc.option(fc.string({ maxLength: 250 }), { nil: undefined }),
  });

export interface TokenChoice {
  role?: string;
  sub?: string;
  raw?: string;
  wrongSecret?: boolean;
  expired?: boolean;
}

/** What a fuzzed request needs to sign its tokens: the API's issuer and secret, and real tokens by role. */
export interface FuzzAuth {
  auth: { issuer: string; jwtSecret: string; audience: string };
  token(role: Role): Promise<string>;
}

async function bearer(t: TokenChoice, stack: FuzzAuth): Promise<string | undefined> {
  if (t.raw !== undefined) return t.raw;
  if (t.wrongSecret)
    return `Bearer ${await new SignJWT({ role: 'supervisor' }).setProtectedHeader({ alg: 'HS256' }).setSubject('x').setIssuer(stack.auth.issuer).sign(secret)}`;
  if (t.expired)
    return `Bearer ${await new SignJWT({ role: 'supervisor' }).setProtectedHeader({ alg: 'HS256' }).setSubject('x').setIssuer(stack.auth.issuer).setExpirationTime(1).sign(new TextEncoder().encode(stack.auth.jwtSecret))}`;
  if (t.role && (ROLES as readonly string[]).includes(t.role)) return `Bearer ${await stack.token(t.role as Role)}`;
  return `Bearer ${await new SignJWT({ role: t.role })
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject(t.sub ?? 'x')
    .setIssuer(stack.auth.issuer)
    .sign(new TextEncoder().encode(stack.auth.jwtSecret))}`;
}

export type FuzzRequest = typeof requestFor extends (caseId: string) => fc.Arbitrary<infer R> ? R : never;

/** Sends one fuzzed request; answers its status (the body is read and dropped). */
export async function sendFuzzed(baseUrl: string, r: FuzzRequest, signer: FuzzAuth): Promise<number> {
  const headers: Record<string, string> = {};
  const auth = await bearer(r.token, signer);
  if (auth !== undefined) headers.authorization = auth;
  if (r.contentType) headers['content-type'] = r.contentType;
  if (r.idempotencyKey !== undefined && /^[\x20-\x7e]*$/.test(r.idempotencyKey))
    headers['idempotency-key'] = r.idempotencyKey;
  const res = await fetch(`${baseUrl}${r.path}`, {
    method: r.method,
    headers,
    body: r.method === 'GET' ? undefined : r.body,
  });
  await res.arrayBuffer();
  return res.status;
}
