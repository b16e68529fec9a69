/**
 * Recording access as routes declare it: a route names its action in one line (`access: { action }`,
 * and which cases when they are not the path's `:caseId`), and mount() puts this in front of it. The
 * answer is held until its entries are written: the body leaves only once the access log has it
 * (and, with the log unwritable, a 503 leaves instead: no case is read without a record of it).
 * A refusal of a token's role (403) on a case's route is recorded as `denied`; a 401 (nobody to name)
 * and a 404 (no such case) are not.
 */
import type { Request, RequestHandler, Response } from 'express';
import type { Logger } from 'pino';
import type { AccessAction, AccessLog } from './access-log.js';
import { problem, sendProblem } from './problem.js';
import type { Route, RouteInput } from './route.js';

export interface AccessSpec<Q = unknown, B = unknown> {
  action: AccessAction;
  /** The cases the answer is about, read from the input and the body sent; unset: the path's `:caseId`. */
  cases?: (input: RouteInput<Q, B>, body: unknown) => string[];
  /** Who acted on a route without a token (a signed webhook): the system that signed it. */
  actor?: (req: Request) => { sub: string; role: string };
}

/** Where mount() leaves the parsed input for the recorder. */
export const ROUTE_INPUT = 'routeInput';

/** The recorder for a route, or undefined when the route concerns no case. */
export function accessRecorder(log: AccessLog, logger: Logger) {
  return (r: Route): RequestHandler | undefined => {
    const spec = r.access;
    const caseRoute = r.path.includes(':caseId');
    if (!spec && !caseRoute) return undefined;
    const route = `${r.method.toUpperCase()} ${r.path}`;
    return (req, res, next) => {
      // Read now: by the time an error handler answers, req.params are its own (none).
      const caseId = typeof req.params.caseId === 'string' ? req.params.caseId : undefined;
      holdUntilWritten(
        res,
        async (body) => {
          const who = req.principal ?? spec?.actor?.(req);
          if (!who) return;
          const at = new Date().toISOString();
          if (res.statusCode === 403) {
            if (caseRoute && caseId)
              await log.record([caseId], { at, sub: who.sub, role: who.role, action: 'denied', route });
            return;
          }
          if (!spec || res.statusCode >= 400) return;
          const input = res.locals[ROUTE_INPUT] as RouteInput<unknown, unknown>;
          const cases = spec.cases ? spec.cases(input, body) : caseId ? [caseId] : [];
          await log.record(cases, { at, sub: who.sub, role: who.role, action: spec.action, route });
        },
        (err) => {
          (req.log ?? logger).error({ err: (err as Error).message, route }, 'access log not written: answering 503');
          res.removeHeader('Location');
          sendProblem(
            res,
            problem(503, 'access-log-unavailable', 'The access could not be recorded; nothing was disclosed. Retry.'),
            { 'Retry-After': '5' },
          );
        },
      );
      next();
    };
  };
}

/**
 * The first send (json or send) waits for `before(body)`; then the body leaves, or `failed` answers
 * instead. Express's json() sends through send(), which passes straight on once held.
 */
function holdUntilWritten(res: Response, before: (body: unknown) => Promise<void>, failed: (err: unknown) => void) {
  const send = res.send.bind(res);
  const json = res.json.bind(res);
  let held = false;
  const hold =
    (out: (body: unknown) => Response) =>
    (body: unknown): Response => {
      if (held) return out(body);
      held = true;
      before(body).then(
        () => out(body),
        (err: unknown) => {
          res.send = send;
          res.json = json;
          failed(err);
        },
      );
      return res;
    };
  res.send = hold(send) as Response['send'];
  res.json = hold(json) as Response['json'];
}
