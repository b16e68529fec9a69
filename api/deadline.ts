import type { Client } from '@temporalio/client';

/**
 * Every Temporal call from a route carries a deadline: when Temporal is away the caller gets a
 * prompt 503 (see problem.ts), not a request that hangs while the SDK retries.
 */
export const deadlineFor =
  (client: Client, timeoutMs: number) =>
  <T>(call: () => Promise<T>): Promise<T> =>
    client.withDeadline(Date.now() + timeoutMs, call);
