/**
 * The process's budget of Temporal visibility calls (searches, counts, listings), kept under the
 * namespace's visibility rate limit: the frontend refuses calls past that limit with
 * RESOURCE_EXHAUSTED ("namespace rate limit exceeded"), so the process paces its own instead.
 * A gRPC interceptor on the one connection, so every visibility call of the process is paced,
 * whichever route, activity or page made it; other calls pass untouched.
 */
import { InterceptingCall, Metadata, status, type Interceptor } from '@grpc/grpc-js';

/** The frontend's visibility rate-limit group (temporal server v1.29, service/frontend/configs/quotas.go). */
export const VISIBILITY_METHODS: ReadonlySet<string> = new Set(
  [
    'CountWorkflowExecutions',
    'ScanWorkflowExecutions',
    'ListOpenWorkflowExecutions',
    'ListClosedWorkflowExecutions',
    'ListWorkflowExecutions',
    'ListArchivedWorkflowExecutions',
    'ListWorkers',
    'DescribeWorker',
    'GetWorkerTaskReachability',
    'ListSchedules',
    'ListBatchOperations',
    'ListDeployments',
    'GetDeploymentReachability',
  ].map((m) => `/temporal.api.workflowservice.v1.WorkflowService/${m}`),
);

/** Starts this much before its deadline at the latest: a call queued later would fail anyway, and says so now. */
const START_MARGIN_MS = 100;

/** How a call refused by the budget reads; problem.ts tells it apart from the server's own refusal by it. */
export const BUDGET_REFUSAL = 'visibility budget of this process spent until past the call deadline';

export interface RateBudget {
  /** Milliseconds until a call may start, its slot taken; undefined (nothing taken) when that is after `latest`. */
  reserve(latest?: number): number | undefined;
}

/**
 * `perSecond` calls a second, up to `burst` at once after a quiet spell: the token bucket the
 * server itself applies, kept as the time the next slot falls due (virtual scheduling), so waiting
 * calls start first come, first served.
 */
export function rateBudget(perSecond: number, burst = perSecond, now: () => number = Date.now): RateBudget {
  const interval = 1000 / perSecond;
  const tolerance = (Math.max(1, burst) - 1) * interval;
  let due = -Infinity;
  return {
    reserve(latest = Infinity) {
      const t = now();
      const next = Math.max(due, t);
      const at = Math.max(t, next - tolerance);
      if (at > latest) return undefined;
      due = next + interval;
      return at - t;
    },
  };
}

/** Holds each visibility call until the budget has a slot for it, within the call's own deadline. */
export function visibilityBudget(budget: RateBudget): Interceptor {
  return (options, nextCall) => {
    const call = nextCall(options);
    if (!VISIBILITY_METHODS.has(options.method_definition.path)) return new InterceptingCall(call);
    let pending: { timer: NodeJS.Timeout; start: () => void } | undefined;
    return new InterceptingCall(call, {
      start(metadata, listener, next) {
        // The deadline is the request's (withDeadline in the API): time spent queued here counts against it.
        const deadline =
          options.deadline === undefined
            ? Infinity
            : typeof options.deadline === 'number'
              ? options.deadline
              : options.deadline.getTime();
        const wait = budget.reserve(deadline - START_MARGIN_MS);
        if (wait === undefined) {
          // Never sent: the caller hears RESOURCE_EXHAUSTED, as from the server's own limiter.
          listener.onReceiveStatus({
            code: status.RESOURCE_EXHAUSTED,
            details: BUDGET_REFUSAL,
            metadata: new Metadata(),
          });
          return;
        }
        if (wait <= 0) return next(metadata, listener);
        const start = () => {
          pending = undefined;
          next(metadata, listener);
        };
        pending = { timer: setTimeout(start, wait), start };
      },
      cancel(next) {
        // Cancelled while queued: start it now, so the cancellation reaches the caller through the call.
        if (pending) {
          clearTimeout(pending.timer);
          pending.start();
        }
        next();
      },
    });
  };
}
