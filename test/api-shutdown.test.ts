/**
 * The API process stopping: a request in flight when SIGTERM arrives still gets its answer, and
 * the process then exits 0.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnService, waitForHttp, type Service } from '../scripts/processes.js';
import { startStack, type Stack } from './harness.js';
import { freePort } from './ports.js';

let stack: Stack;
let api: Service | undefined;
beforeAll(async () => {
  stack = await startStack({ workerProcess: true });
});
afterAll(async () => {
  await api?.kill();
  await stack?.stop();
});

describe('graceful shutdown', () => {
  it('finishes a request in flight after SIGTERM, then exits 0', { timeout: 90_000 }, async () => {
    const port = await freePort();
    const { temporal, auth } = stack.config;
    api = spawnService('api', 'server.ts', {
      env: {
        PORT: String(port),
        TEMPORAL_ADDRESS: temporal.address,
        TEMPORAL_NAMESPACE: temporal.namespace,
        TEMPORAL_TASK_QUEUE: temporal.taskQueue,
        JWT_SECRET: auth.jwtSecret,
        LOG_LEVEL: 'warn',
        UPDATE_TIMEOUT_MS: '30000',
        SHUTDOWN_GRACE_MS: '30000',
      },
    });
    await waitForHttp(`http://127.0.0.1:${port}/readyz`, 30_000, api);
    const caseId = await stack.openCase();

    // With no worker, the change waits inside the API for the workflow to confirm it.
    await stack.killWorker();
    const token = await stack.token('caseworker');
    const inFlight = fetch(`http://127.0.0.1:${port}/cases/${caseId}/events`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${token}`,
        'content-type': 'application/json',
        'idempotency-key': `shutdown-${caseId}`,
      },
      body: JSON.stringify({ type: 'claim.screened' }),
    });
    await new Promise((r) => setTimeout(r, 1_000));
    api.process.kill('SIGTERM');
    await new Promise((r) => setTimeout(r, 500));
    expect(api.process.exitCode).toBeNull(); // still finishing
    await stack.startWorker();

    const res = await inFlight;
    expect(res.status).toBe(200);
    expect(((await res.json()) as { version: number }).version).toBe(1);
    expect(await api.exited).toBe(0);
  });
});
