/**
 * Bearer JWTs (jose): HS256 with JWT_SECRET locally, a JWKS URL in production. A token carries
 * `sub` and one `role`; which role may do what comes from the domain's table, never from here.
 */
import { LRUCache } from 'lru-cache';
import type { Request, RequestHandler } from 'express';
import { createRemoteJWKSet, jwtVerify, SignJWT, type JWTVerifyGetKey } from 'jose';
import { isRole, SOURCES, WORKFLOW_ACTOR, type Role, type Source } from '../domain/index.js';
import { HttpProblem, problem } from './problem.js';

export interface Principal {
  sub: string;
  role: Role;
  /** An integration token's system: it may send only that system's events, and read no person. */
  system?: Source;
}

export interface AuthConfig {
  jwtSecret: string;
  issuer: string;
  /** Every token must be for this audience. */
  audience: string;
  jwksUrl?: string | undefined;
  /** The algorithms a JWKS key may sign with (HS256 alone with the local secret). */
  jwksAlgorithms?: readonly string[];
}

/** The longest a token may live, `iat` to `exp` (the contract's second edition). */
const MAX_LIFETIME_S = 12 * 60 * 60;
const isSource = (v: unknown): v is Source => typeof v === 'string' && (SOURCES as readonly string[]).includes(v);
/** Actor ids the record gives to the systems and the workflow itself: no person's token may take one. */
const SYSTEM_ACTOR_IDS: readonly string[] = [...SOURCES, WORKFLOW_ACTOR.id];

declare module 'express-serve-static-core' {
  interface Request {
    principal?: Principal;
  }
}

/** Reads the pages' sign-in cookie (web/session.ts; handed in by the composition root, app.ts). */
export type SessionToken = (req: Request) => string | undefined;

export function createAuth(config: AuthConfig, sessionToken?: SessionToken) {
  const key: Uint8Array | JWTVerifyGetKey = config.jwksUrl
    ? createRemoteJWKSet(new URL(config.jwksUrl))
    : new TextEncoder().encode(config.jwtSecret);

  const verified = verifiedTokens();

  async function verify(token: string): Promise<Principal | string> {
    const known = verified.get(token);
    if (known) return known;
    try {
      const { payload } = await jwtVerify(token, key as Uint8Array, {
        issuer: config.issuer,
        audience: config.audience,
        requiredClaims: ['exp', 'iat', 'sub'],
        algorithms: config.jwksUrl ? [...(config.jwksAlgorithms ?? ['RS256', 'ES256'])] : ['HS256'],
      });
      if (typeof payload.sub !== 'string' || payload.sub.length === 0) return 'the token has no sub';
      if (payload.exp! - payload.iat! > MAX_LIFETIME_S) return 'the token lives longer than 12 hours';
      if (!isRole(payload.role)) return 'the token has no valid role';
      if (payload.role === 'integration') {
        if (!isSource(payload.system)) return `an integration token names its system: ${SOURCES.join(' or ')}`;
        return verified.keep(token, { sub: payload.sub, role: payload.role, system: payload.system }, payload);
      }
      if (SYSTEM_ACTOR_IDS.includes(payload.sub)) return `the subject ${payload.sub} is kept for a system`;
      return verified.keep(token, { sub: payload.sub, role: payload.role }, payload);
    } catch (err) {
      return `the token is not valid (${(err as { code?: string }).code ?? 'unverifiable'})`;
    }
  }

  /**
   * 401 without a valid token; 403 when the role is not among `roles` (all roles when empty).
   * `orSession`: without a bearer token, the pages' sign-in cookie is taken instead (for a route a
   * signed-in browser calls from another origin, the Temporal UI's codec; its CORS limits who may).
   */
  function requireRole(roles: Role[], { orSession = false } = {}): RequestHandler {
    return async (req, _res, next) => {
      const header = req.get('authorization') ?? '';
      const token = /^Bearer\s+(\S+)$/i.exec(header)?.[1] ?? (orSession ? sessionToken?.(req) : undefined);
      if (!token)
        throw new HttpProblem(problem(401, 'unauthenticated', 'Send Authorization: Bearer <token>.'), {
          'WWW-Authenticate': 'Bearer',
        });
      const principal = await verify(token);
      if (typeof principal === 'string')
        throw new HttpProblem(problem(401, 'unauthenticated', principal), {
          'WWW-Authenticate': 'Bearer error="invalid_token"',
        });
      // Known before the refusal, so the access log can say who was refused.
      req.principal = principal;
      if (roles.length > 0 && !roles.includes(principal.role)) {
        throw new HttpProblem(
          problem(403, 'role-not-allowed', `role ${principal.role} may not do this (only ${roles.join(', ')})`),
        );
      }
      next();
    };
  }

  return { requireRole, verify };
}

/** How many verified tokens are remembered, and for how long at most (a JWKS key rotated out stops being trusted by then). */
const VERIFIED_KEPT = 1_000;
const VERIFIED_FOR_MS = 5 * 60 * 1000;

/**
 * Tokens already verified, by their exact text: a client sends the same token on every request,
 * and checking its signature again (jose imports the key and verifies through WebCrypto each time)
 * was a tenth of the API's CPU on a change. Only a valid token is kept, never past its `exp` (or
 * before its `nbf`), and at most VERIFIED_FOR_MS; the least recently used goes when VERIFIED_KEPT
 * are held (lru-cache: the eviction and the per-entry time to live are its job, not ours).
 */
function verifiedTokens() {
  // Ages read from the wall clock, as `exp` and `nbf` are.
  const held = new LRUCache<string, { principal: Principal; from: number; until: number }>({
    max: VERIFIED_KEPT,
    perf: { now: () => Date.now() },
  });
  return {
    get(token: string): Principal | undefined {
      const hit = held.get(token);
      const now = Date.now();
      // The cache drops an entry after its time to live; the token's own window is checked here, to the millisecond.
      return hit && now >= hit.from && now < hit.until ? hit.principal : undefined;
    },
    keep(token: string, principal: Principal, claims: { exp?: number; nbf?: number }): Principal {
      const now = Date.now();
      const until = Math.min(claims.exp! * 1000, now + VERIFIED_FOR_MS);
      if (until > now) held.set(token, { principal, from: (claims.nbf ?? 0) * 1000, until }, { ttl: until - now });
      return principal;
    },
  };
}

/** A dev token, signed with the local secret. Production tokens come from the department's identity provider. */
export async function signDevToken(
  principal: Principal,
  config: Pick<AuthConfig, 'jwtSecret' | 'issuer' | 'audience'>,
  ttl = '12h',
): Promise<string> {
  return (
    new SignJWT({ role: principal.role, ...(principal.system ? { system: principal.system } : {}) })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject(principal.sub)
      .setIssuer(config.issuer)
      .setAudience(config.audience)
      // The expiry first: each reads the clock itself, and read the other way round a second could
      // pass between them, making a 12-hour token live 12 hours and 1 second, which verify() refuses
      // (an intermittent 401 in full test runs). This way round it lives at most `ttl`.
      .setExpirationTime(ttl)
      .setIssuedAt()
      .sign(new TextEncoder().encode(config.jwtSecret))
  );
}
