/**
 * The API's fuzz corpus: random and malformed requests to every route (bodies, headers, query
 * strings, tokens), none of them a valid change. Used by test/api-fuzz.test.ts on its own and by
 * the reliability suite (test/chaos-scenario.ts) while it kills and cuts things.
 */
import fc from 'fast-check';
import { SignJWT } from 'jose';
import { signDevToken } from '../api/auth.js';
import { API_EVENT_TYPES } from '../api/schemas.js';
import { EVENT_TYPES, ROLES, SOURCE_EVENTS, SOURCES, type Role, type Source } from '../domain/index.js';
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
const seconds = () => Math.floor(Date.now() / 1000);

/**
 * Claims of a token signed with the right secret that the contract's second edition still refuses:
 * each lacks or breaks one thing (expiry, audience, life, a system's name, a system for an
 * integration).
 */
const refusedClaims = fc.constantFrom(
  { name: 'no exp', claims: { role: 'supervisor', sub: 'x', iat: 0 } },
  { name: 'no iat', claims: { role: 'supervisor', sub: 'x', exp: 3600 } },
  { name: 'foreign aud', claims: { role: 'supervisor', sub: 'x', aud: 'someone-else', iat: 0, exp: 3600 } },
  { name: 'over 12 h', claims: { role: 'supervisor', sub: 'x', iat: 0, exp: 12 * 3600 + 60 } },
  { name: 'person as a system', claims: { role: 'caseworker', sub: 'home-office', iat: 0, exp: 3600 } },
  { name: 'integration without system', claims: { role: 'integration', sub: 'feed', iat: 0, exp: 3600 } },
  { name: 'unknown system', claims: { role: 'integration', sub: 'feed', system: 'atlas', iat: 0, exp: 3600 } },
  { name: 'system on a person', claims: { role: 'caseworker', sub: 'x', system: 'hmcts', iat: 0, exp: 3600 } },
);

const token = fc.oneof(
  fc.constantFrom(...ROLES).map((role) => ({ role })),
  fc.constant({ raw: '' }),
  fc.string().map((raw) => ({ raw })),
  fc.constantFrom('admin', 'system', '', 'CASEWORKER').map((role) => ({ role, sub: 'mallory' })),
  fc.constant({ wrongSecret: true }),
  fc.constant({ expired: true }),
  fc.constantFrom('HS512', 'none').map((alg) => ({ alg })),
  refusedClaims.map(({ claims }) => ({ claims })),
  // A system's own valid token: confined to its events, to opening (the Home Office) and to reading without the person.
  fc.constantFrom(...SOURCES).map((integration) => ({ integration })),
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
      `/cases/${caseId}/timeline`,
      `/cases/${caseId}/record`,
      `/cases/${caseId}/held/x/apply`,
      `/cases/${caseId}/held/x/dismiss`,
      '/people/H1234567',
      '/imports',
      '/integrations/unmatched',
      ...SOURCES.map((source) => `/integrations/${source}/events`),
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
    // Webhook signatures that must fail: malformed, or well formed with a wrong HMAC, stale or ahead.
    signature: fc.option(
      fc.oneof(
        fc.string({ maxLength: 80 }),
        fc
          .tuple(fc.integer({ min: -3600, max: 3600 }), fc.stringMatching(/^[0-9a-f]{64}$/))
          .map(([skew, hex]) => `t=${seconds() + skew},sha256=${hex}`),
      ),
      { nil: undefined },
    ),
  });

/**
 * A system's integration token sending a valid event that system does not report, to the case:
 * the scoping must refuse it (403) whatever the event, and change nothing.
 */
export const foreignEventFor = (caseId: string) =>
  fc
    .constantFrom(...SOURCES)
    .chain((integration) =>
      fc.record({
        integration: fc.constant(integration),
        event: fc.constantFrom(
          ...API_EVENT_TYPES.filter((t) => !SOURCE_EVENTS[integration].includes(t)).flatMap(variants),
        ),
      }),
    )
    .map(({ integration, event }) => ({
      method: 'POST' as const,
      path: `/cases/${caseId}/events`,
      body: JSON.stringify(event),
      token: { integration } as TokenChoice,
      contentType: 'application/json' as const,
      idempotencyKey: undefined,
      signature: undefined,
      foreign: true as const,
    }));

export interface TokenChoice {
  role?: string;
  sub?: string;
  raw?: string;
  wrongSecret?: boolean;
  expired?: boolean;
  alg?: string;
  /** Claims signed with the right secret; iat and exp are seconds from now. */
  claims?: Record<string, unknown>;
  integration?: Source;
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
  if (t.integration)
    return `Bearer ${await signDevToken({ sub: `${t.integration}-feed`, role: 'integration', system: t.integration }, stack.auth)}`;
  if (t.alg === 'none') {
    const part = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');
    return `Bearer ${part({ alg: 'none' })}.${part({ role: 'supervisor', sub: 'x', iss: stack.auth.issuer, aud: stack.auth.audience, iat: seconds(), exp: seconds() + 60 })}.`;
  }
  if (t.alg)
    return `Bearer ${await new SignJWT({ role: 'supervisor', aud: stack.auth.audience })
      .setProtectedHeader({ alg: t.alg })
      .setSubject('x')
      .setIssuer(stack.auth.issuer)
      .setIssuedAt()
      .setExpirationTime('1h')
      .sign(new TextEncoder().encode(stack.auth.jwtSecret))}`;
  if (t.claims) {
    const { iat, exp, ...rest } = t.claims as { iat?: number; exp?: number };
    return `Bearer ${await new SignJWT({
      iss: stack.auth.issuer,
      aud: stack.auth.audience,
      ...rest,
      ...(iat !== undefined ? { iat: seconds() + iat } : {}),
      ...(exp !== undefined ? { exp: seconds() + exp } : {}),
    })
      .setProtectedHeader({ alg: 'HS256' })
      .sign(new TextEncoder().encode(stack.auth.jwtSecret))}`;
  }
  if (t.role && (ROLES as readonly string[]).includes(t.role)) return `Bearer ${await stack.token(t.role as Role)}`;
  return `Bearer ${await new SignJWT({ role: t.role })
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject(t.sub ?? 'x')
    .setIssuer(stack.auth.issuer)
    .sign(new TextEncoder().encode(stack.auth.jwtSecret))}`;
}

type Generated<F> = F extends (caseId: string) => fc.Arbitrary<infer R> ? R : never;
export type FuzzRequest = Generated<typeof requestFor> | Generated<typeof foreignEventFor>;

/** Sends one fuzzed request; answers its status (the body is read and dropped). */
export async function sendFuzzed(baseUrl: string, r: FuzzRequest, signer: FuzzAuth): Promise<number> {
  const headers: Record<string, string> = {};
  const auth = await bearer(r.token, signer);
  if (auth !== undefined) headers.authorization = auth;
  if (r.contentType) headers['content-type'] = r.contentType;
  if (r.signature !== undefined && /^[\x20-\x7e]*$/.test(r.signature)) headers['x-signature'] = r.signature;
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
