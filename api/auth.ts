/**
 * Bearer JWTs (jose): HS256 with JWT_SECRET locally, a JWKS URL in production. A token carries
 * `sub` and one `role`; which role may do what comes from the domain's table, never from here.
 */
import type { RequestHandler } from 'express';
import { createRemoteJWKSet, jwtVerify, SignJWT, type JWTVerifyGetKey } from 'jose';
import { isRole, type Role } from '../domain/index.js';
import { HttpProblem, problem } from './problem.js';

export interface Principal {
  sub: string;
  role: Role;
}

export interface AuthConfig {
  jwtSecret: string;
  issuer: string;
  jwksUrl?: string | undefined;
}

declare module 'express-serve-static-core' {
  interface Request {
    principal?: Principal;
  }
}

export function createAuth(config: AuthConfig) {
  const key: Uint8Array | JWTVerifyGetKey = config.jwksUrl
    ? createRemoteJWKSet(new URL(config.jwksUrl))
    : new TextEncoder().encode(config.jwtSecret);

  async function verify(token: string): Promise<Principal | string> {
    try {
      const { payload } = await jwtVerify(token, key as Uint8Array, {
        issuer: config.issuer,
        algorithms: config.jwksUrl ? undefined : ['HS256'],
      });
      if (typeof payload.sub !== 'string' || payload.sub.length === 0) return 'the token has no sub';
      if (!isRole(payload.role)) return 'the token has no valid role';
      return { sub: payload.sub, role: payload.role };
    } catch (err) {
      return `the token is not valid (${(err as { code?: string }).code ?? 'unverifiable'})`;
    }
  }

  /** 401 without a valid token; 403 when the role is not among `roles` (all roles when empty). */
  function requireRole(...roles: Role[]): RequestHandler {
    return async (req, _res, next) => {
      const header = req.get('authorization') ?? '';
      const match = /^Bearer\s+(\S+)$/i.exec(header);
      if (!match?.[1])
        throw new HttpProblem(problem(401, 'unauthenticated', 'Send Authorization: Bearer <token>.'), {
          'WWW-Authenticate': 'Bearer',
        });
      const principal = await verify(match[1]);
      if (typeof principal === 'string')
        throw new HttpProblem(problem(401, 'unauthenticated', principal), {
          'WWW-Authenticate': 'Bearer error="invalid_token"',
        });
      if (roles.length > 0 && !roles.includes(principal.role)) {
        throw new HttpProblem(
          problem(403, 'role-not-allowed', `role ${principal.role} may not do this (only ${roles.join(', ')})`),
        );
      }
      req.principal = principal;
      next();
    };
  }

  return { requireRole, verify };
}

/** A dev token, signed with the local secret. Production tokens come from the department's identity provider. */
export async function signDevToken(
  principal: Principal,
  config: Pick<AuthConfig, 'jwtSecret' | 'issuer'>,
  ttl = '12h',
): Promise<string> {
  return new SignJWT({ role: principal.role })
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject(principal.sub)
    .setIssuer(config.issuer)
    .setIssuedAt()
    .setExpirationTime(ttl)
    .sign(new TextEncoder().encode(config.jwtSecret));
}
