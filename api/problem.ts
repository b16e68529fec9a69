/**
 * RFC 9457 problem+json for every error, and the one mapper from Temporal's errors to it.
 * Client mistakes never become 500s; internals never reach the wire.
 */
import type { ErrorRequestHandler, Response } from 'express';
import { status as grpcStatus } from '@grpc/grpc-js';
import {
  isGrpcServiceError,
  ServiceError,
  WorkflowUpdateFailedError,
  WorkflowUpdateRPCTimeoutOrCancelledError,
} from '@temporalio/client';
import type { Logger } from 'pino';
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
  429: 'Too many requests',
  503: 'Service unavailable',
  500: 'Internal error',
};

export function problem(status: number, slug: string, detail: string, extra: Record<string, unknown> = {}): Problem {
  return {
    type: `urn:asylum-case-tracker:problem:${slug}`,
    title: TITLES[status] ?? 'Error',
    status,
    detail,
    ...extra,
  };
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
  problem(
    400,
    'validation',
    `${errors.length} field${errors.length === 1 ? '' : 's'} failed validation: ${errors.map((e) => e.field).join(', ')}`,
    { errors },
  );

const RETRY_AFTER_SECONDS = '5';
/** A rate limit is a token bucket refilled every second: the next second may well have room. */
const RATE_LIMITED_RETRY_AFTER_SECONDS = '1';
/**
 * Temporal failing to answer, not the client asking wrongly: a retry later can succeed. CANCELLED,
 * UNKNOWN, FAILED_PRECONDITION, ABORTED and INTERNAL come from a server restarting or a worker not
 * yet polling (a read right after the whole stack restarts); INVALID_ARGUMENT, permission and
 * UNIMPLEMENTED stay 500: those are our bug or our configuration. RESOURCE_EXHAUSTED is apart: the
 * store is there and said "not now" (a rate limit, the server's or this process's own budget).
 */
const UNAVAILABLE_CODES = new Set([1, 2, 4 /* DEADLINE_EXCEEDED */, 9, 10, 13, 14 /* UNAVAILABLE */]);

/** The gRPC status behind what the Temporal client threw: raw workflowService calls (search) throw it, the client's own calls wrap it in a ServiceError. */
export function grpcStatusOf(err: unknown): { code: number; name: string; details: string } | undefined {
  const raw = isGrpcServiceError(err)
    ? err
    : err instanceof ServiceError
      ? (err.cause as { code?: number; details?: string } | undefined)
      : undefined;
  if (typeof raw?.code !== 'number') return undefined;
  return { code: raw.code, name: grpcStatus[raw.code] ?? String(raw.code), details: raw.details ?? '' };
}

/** Maps what the Temporal client throws onto the contract; undefined when it is not Temporal's. */
export function temporalProblem(err: unknown): { problem: Problem; headers?: Record<string, string> } | undefined {
  if (err instanceof WorkflowNotFoundError) return { problem: problem(404, 'case-not-found', 'No case with that id.') };
  if (err instanceof WorkflowExecutionAlreadyStartedError)
    return { problem: problem(409, 'case-exists', 'A case with that id already exists.') };
  if (err instanceof WorkflowUpdateFailedError && err.cause instanceof ApplicationFailure) {
    const rejection = err.cause.details?.[0] as Rejection | undefined;
    switch (err.cause.type) {
      case 'invalid':
        return {
          problem: validationProblem(
            rejection?.kind === 'invalid' ? rejection.errors : [{ field: 'event', message: err.cause.message }],
          ),
        };
      case 'forbidden':
        return { problem: problem(403, 'role-not-allowed', err.cause.message) };
      case 'not-allowed':
        return {
          problem: problem(409, 'event-not-allowed', err.cause.message, {
            allowedEvents: rejection?.kind === 'not-allowed' ? rejection.allowedEvents : [],
          }),
        };
    }
  }
  if (err instanceof WorkflowUpdateRPCTimeoutOrCancelledError) {
    return {
      problem: problem(
        503,
        'temporal-timeout',
        'The change was not confirmed in time; retry with the same Idempotency-Key.',
      ),
      headers: { 'Retry-After': RETRY_AFTER_SECONDS },
    };
  }
  if (err instanceof ServiceError || isGrpcServiceError(err)) {
    const code = grpcStatusOf(err)?.code;
    if (code === grpcStatus.NOT_FOUND) return { problem: problem(404, 'case-not-found', 'No case with that id.') };
    if (code === grpcStatus.RESOURCE_EXHAUSTED) {
      return {
        problem: problem(
          429,
          'temporal-rate-limited',
          'The case store is answering as many searches and counts as it allows; retry after the time given.',
        ),
        headers: { 'Retry-After': RATE_LIMITED_RETRY_AFTER_SECONDS },
      };
    }
    if (code === undefined || UNAVAILABLE_CODES.has(code)) {
      return {
        problem: problem(503, 'temporal-unavailable', 'The case store is unreachable; retry shortly.'),
        headers: { 'Retry-After': RETRY_AFTER_SECONDS },
      };
    }
  }
  return undefined;
}

/** The last middleware: everything thrown ends here as problem+json. */
export function errorHandler(logger: Logger): ErrorRequestHandler {
  return (err, req, res, _next) => {
    if (err instanceof HttpProblem) return sendProblem(res, err.problem, err.headers);
    // body-parser's own errors carry a status and a type.
    const status = (err as { status?: number }).status;
    const bodyType = (err as { type?: string }).type;
    if (bodyType === 'entity.too.large')
      return sendProblem(res, problem(413, 'body-too-large', 'The request body is larger than allowed.'));
    if (bodyType === 'entity.parse.failed')
      return sendProblem(res, validationProblem([{ field: 'body', message: 'is not valid JSON' }]));
    if (status && status >= 400 && status < 500)
      return sendProblem(res, problem(status, 'bad-request', (err as Error).message));
    // pino-http's logger for the request carries its id.
    const log = (req as { log?: Logger }).log ?? logger;
    const mapped = temporalProblem(err);
    if (mapped) {
      // Temporal said no or did not answer: the log names what it said, so a rate limit is not taken for an outage.
      if (mapped.problem.status >= 429) {
        const grpc = grpcStatusOf(err);
        const said = grpc
          ? `Temporal answered ${grpc.name}${grpc.details ? ` (${grpc.details})` : ''}`
          : (err as Error).message;
        log.warn(
          {
            problem: mapped.problem.type,
            ...(grpc ? { grpcStatus: grpc.name, grpcCode: grpc.code, grpcDetails: grpc.details } : {}),
          },
          `${mapped.problem.status} ${mapped.problem.title}: ${said}`,
        );
      }
      return sendProblem(res, mapped.problem, mapped.headers);
    }
    log.error({ err }, 'unhandled error');
    sendProblem(res, problem(500, 'internal', 'Something went wrong on our side; it has been logged.'));
  };
}
