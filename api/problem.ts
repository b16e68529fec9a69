/**
 * RFC 9457 problem+json for every error, and the one mapper from Temporal's errors to it.
 * Client mistakes never become 500s; internals never reach the wire.
 */
import type { ErrorRequestHandler, Response } from 'express';
import { isGrpcServiceError, ServiceError, WorkflowUpdateFailedError, WorkflowUpdateRPCTimeoutOrCancelledError } from '@temporalio/client';
import { ApplicationFailure, WorkflowExecutionAlreadyStartedError, WorkflowNotFoundError } from '@temporalio/common';
import type { FieldError, Rejection } from '../domain/index.js';

export interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  errors?: FieldError[];
  [extra: string]: unknown;
}

const TITLES: Record<number, string> = {
  400: 'Bad request',
  401: 'Unauthorised',
  403: 'Forbidden',
  404: 'Not found',
  409: 'Conflict',
  413: 'Payload too large',
  415: 'Unsupported media type',
  503: 'Service unavailable',
  500: 'Internal error',
};

export function problem(status: number, slug: string, detail: string, extra: Record<string, unknown> = {}): Problem {
  return { type: `urn:asylum-case-tracker:problem:${slug}`, title: TITLES[status] ?? 'Error', status, detail, ...extra };
}

export function sendProblem(res: Response, p: Problem, headers: Record<string, string> = {}): void {
  res.status(p.status).set(headers).type('application/problem+json').send(JSON.stringify(p));
}

/** A problem the route decided on, thrown to skip the rest of the handler. */
export class HttpProblem extends Error {
  constructor(
    readonly problem: Problem,
    readonly headers: Record<string, string> = {},
  ) {
    super(problem.detail);
  }
}

export const validationProblem = (errors: FieldError[]) =>
  problem(400, 'validation', `${errors.length} field${errors.length === 1 ? '' : 's'} failed validation: ${errors.map((e) => e.field).join(', ')}`, { errors });

const RETRY_AFTER_SECONDS = '5';
/**
 * Temporal failing to answer, not the client asking wrongly: a retry later can succeed. CANCELLED,
 * UNKNOWN, FAILED_PRECONDITION, ABORTED and INTERNAL come from a server restarting or a worker not
 * yet polling (a read right after the whole stack restarts); INVALID_ARGUMENT, permission and
 * UNIMPLEMENTED stay 500: those are our bug or our configuration.
 */
const UNAVAILABLE_CODES = new Set([1, 2, 4 /* DEADLINE_EXCEEDED */, 8 /* RESOURCE_EXHAUSTED */, 9, 10, 13, 14 /* UNAVAILABLE */]);

/** Maps what the Temporal client throws onto the contract; undefined when it is not Temporal's. */
export function temporalProblem(err: unknown): { problem: Problem; headers?: Record<string, string> } | undefined {
  if (err instanceof WorkflowNotFoundError) return { problem: problem(404, 'case-not-found', 'No case with that id.') };
  if (err instanceof WorkflowExecutionAlreadyStartedError) return { problem: problem(409, 'case-exists', 'A case with that id already exists.') };
  if (err instanceof WorkflowUpdateFailedError && err.cause instanceof ApplicationFailure) {
    const rejection = err.cause.details?.[0] as Rejection | undefined;
    switch (err.cause.type) {
      case 'invalid':
        return { problem: validationProblem(rejection?.kind === 'invalid' ? rejection.errors : [{ field: 'event', message: err.cause.message }]) };
      case 'forbidden':
        return { problem: problem(403, 'role-not-allowed', err.cause.message) };
      case 'not-allowed':
        return { problem: problem(409, 'event-not-allowed', err.cause.message, { allowedEvents: rejection?.kind === 'not-allowed' ? rejection.allowedEvents : [] }) };
    }
  }
  if (err instanceof WorkflowUpdateRPCTimeoutOrCancelledError) {
    return { problem: problem(503, 'temporal-timeout', 'The change was not confirmed in time; retry with the same Idempotency-Key.'), headers: { 'Retry-After': RETRY_AFTER_SECONDS } };
  }
  // The client's own calls wrap a gRPC failure in ServiceError; raw workflowService calls (search)
  // throw the gRPC error itself. Both mean the same to the caller.
  if (err instanceof ServiceError || isGrpcServiceError(err)) {
    const code = isGrpcServiceError(err) ? err.code : (err.cause as { code?: number } | undefined)?.code;
    if (code === 5) return { problem: problem(404, 'case-not-found', 'No case with that id.') };
    if (code === undefined || UNAVAILABLE_CODES.has(code)) {
      return { problem: problem(503, 'temporal-unavailable', 'The case store is unreachable; retry shortly.'), headers: { 'Retry-After': RETRY_AFTER_SECONDS } };
    }
  }
  return undefined;
}

/** The last middleware: everything thrown ends here as problem+json. */
export function errorHandler(log: (err: unknown) => void): ErrorRequestHandler {
  return (err, _req, res, _next) => {
    if (err instanceof HttpProblem) return sendProblem(res, err.problem, err.headers);
    // body-parser's own errors carry a status and a type.
    const status = (err as { status?: number }).status;
    const bodyType = (err as { type?: string }).type;
    if (bodyType === 'entity.too.large') return sendProblem(res, problem(413, 'body-too-large', 'The request body is larger than allowed.'));
    if (bodyType === 'entity.parse.failed') return sendProblem(res, validationProblem([{ field: 'body', message: 'is not valid JSON' }]));
    if (status && status >= 400 && status < 500) return sendProblem(res, problem(status, 'bad-request', (err as Error).message));
    const mapped = temporalProblem(err);
    if (mapped) return sendProblem(res, mapped.problem, mapped.headers);
    log(err);
    sendProblem(res, problem(500, 'internal', 'Something went wrong on our side; it has been logged.'));
  };
}
