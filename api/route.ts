/**
 * Routes are declared once, as data: method, path, who may call, the zod schemas of what comes in,
 * the responses, and the handler. The same declaration mounts the Express handler and writes the
 * OpenAPI document, so the two cannot drift apart.
 */
import type { Request, RequestHandler, Response, Router } from 'express';
import type { OpenAPIRegistry, ResponseConfig } from '@asteasolutions/zod-to-openapi';
import type { z } from 'zod';
import type { Role } from '../domain/index.js';
import { ROUTE_INPUT, type AccessSpec } from './access.js';
import type { createAuth, Principal } from './auth.js';
import { HttpProblem, validationProblem } from './problem.js';
import { fieldErrors, problemSchema } from './schemas.js';

type Method = 'get' | 'post' | 'put' | 'delete';

export interface RouteInput<Q, B> {
  params: Record<string, string>;
  query: Q;
  body: B;
  principal: Principal | undefined;
}

export interface Route<Q = unknown, B = unknown> {
  method: Method;
  /** Express style, e.g. `/cases/:caseId`. */
  path: string;
  summary: string;
  tags: string[];
  /** Roles allowed; `public` needs no token. An empty list: any valid token. */
  roles: Role[] | 'public';
  /** Also takes the pages' sign-in cookie instead of a bearer token (a browser calling from another origin). */
  session?: boolean;
  query?: z.ZodType<Q>;
  body?: z.ZodType<B>;
  /** A body that is not JSON (a CSV upload): documented here, read from the request by the handler. */
  rawBody?: Record<string, { schema: z.ZodType }>;
  headers?: z.ZodObject;
  params?: z.ZodObject;
  responses: Record<number, ResponseConfig>;
  /** What the access log records of an answer (docs/operations.md#the-access-log). */
  access?: AccessSpec<Q, B>;
  handler: (input: RouteInput<Q, B>, req: Request, res: Response) => Promise<void> | void;
}

/** Infers Q and B from the schemas given, for a typed handler. */
export const route = <Q = undefined, B = undefined>(r: Route<Q, B>): Route => r as unknown as Route;

/**
 * Mounts each route behind its role guard; `recorder` (the access log) goes in front of both, so
 * a refusal is seen as well as an answer.
 */
export function mount(
  router: Router,
  routes: Route[],
  auth: ReturnType<typeof createAuth>,
  recorder: (r: Route) => RequestHandler | undefined = () => undefined,
): void {
  for (const r of routes) {
    const record = recorder(r);
    const guards: RequestHandler[] = [
      ...(record ? [record] : []),
      ...(r.roles === 'public' ? [] : [auth.requireRole(r.roles, { orSession: r.session ?? false })]),
    ];
    router[r.method](r.path, ...guards, async (req, res) => {
      const query = parse(r.query, req.query);
      const body = parse(r.body, req.body ?? {});
      const input = { params: req.params as Record<string, string>, query, body, principal: req.principal };
      res.locals[ROUTE_INPUT] = input;
      await r.handler(input, req, res);
    });
  }
}

function parse<T>(schema: z.ZodType<T> | undefined, value: unknown): T {
  if (!schema) return undefined as T;
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw new HttpProblem(validationProblem(fieldErrors(parsed.error)));
  return parsed.data;
}

const PROBLEM = {
  description: 'Problem (RFC 9457)',
  content: { 'application/problem+json': { schema: problemSchema } },
};
/** For routes that search or count: Temporal's visibility rate limit (the server's or the process's budget) was reached. */
export const rateLimited: ResponseConfig = {
  ...PROBLEM,
  description: 'Too many searches and counts at once; retry after `Retry-After` seconds',
};

export function registerPaths(registry: OpenAPIRegistry, routes: Route[]): void {
  for (const r of routes) {
    const authed = r.roles !== 'public';
    const responses: Record<number, ResponseConfig> = { ...r.responses };
    if (authed) {
      responses[401] ??= { ...PROBLEM, description: 'Missing or invalid token' };
      responses[403] ??= { ...PROBLEM, description: 'Valid token, role not allowed' };
    }
    if (r.query || r.body || r.headers)
      responses[400] ??= { ...PROBLEM, description: 'Invalid request; `errors` names each bad field' };
    registry.registerPath({
      method: r.method,
      path: toOpenApiPath(r.path),
      summary: r.summary,
      tags: r.tags,
      description: authed
        ? `Roles: ${Array.isArray(r.roles) && r.roles.length > 0 ? r.roles.join(', ') : 'any'}.${r.session ? " The pages' sign-in cookie is taken in place of a bearer token." : ''}`
        : 'No token needed.',
      ...(authed ? { security: [{ bearer: [] }] } : {}),
      request: {
        ...(r.params ? { params: r.params } : {}),
        ...(r.query ? { query: r.query as z.ZodObject } : {}),
        ...(r.headers ? { headers: r.headers } : {}),
        ...(r.body ? { body: { required: true, content: { 'application/json': { schema: r.body } } } } : {}),
        ...(r.rawBody ? { body: { required: true, content: r.rawBody } } : {}),
      },
      responses,
    });
  }
}

export const toOpenApiPath = (path: string) => path.replace(/:(\w+)/g, '{$1}');
