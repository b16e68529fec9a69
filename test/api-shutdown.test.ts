/**
 * The API process stopping: a request in flight when SIGTERM arrives still gets its answer, and
 * the process then exits 0. And the process's metrics: on API_METRICS_ADDRESS, never the public
 * port; with API_PROCESSES > 1 the primary serves every process's summed.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnService, waitForHttp, type Service } from '../scripts/processes.js';
import { startStack, type Stack } from './harness.js';
import { freePort } from './ports.js';

let stack: Stack;
let api: Service | undefined;
let cluster: Service | undefined;
beforeAll(async () => {
  stack = await startStack({ workerProcess: true });
});
afterAll(async () => {
  await api?.kill();
  await cluster?.kill();
  await stack?.stop();
});

/** server.ts on free ports, against this file's stack. */
async function apiProcess(env: Record<string, string> = {}) {
  const [port, metricsPort] = [await freePort(), await freePort()];
  const { temporal, auth } = stack.config;
  const service = spawnService('api', 'server.ts', {
    env: {
      PORT: String(port),
      API_METRICS_ADDRESS: `127.0.0.1:${metricsPort}`,
      TEMPORAL_ADDRESS: temporal.address,
      TEMPORAL_NAMESPACE: temporal.namespace,
      TEMPORAL_TASK_QUEUE: temporal.taskQueue,
      JWT_SECRET: auth.jwtSecret,
      LOG_LEVEL: 'warn',
      ...env,
    },
  });
  await waitForHttp(`http://127.0.0.1:${port}/readyz`, 30_000, service);
  return { service, port, metricsUrl: `http://127.0.0.1:${metricsPort}/metrics` };
}

/** How many times the metrics say GET /readyz answered 200 (0 when not counted yet). */
const readyzCount = (text: string) =>
  Number(
    /http_request_duration_seconds_count\{method="GET",route="\/readyz",status="200"\} (\d+)/.exec(text)?.[1] ?? 0,
  );

describe('metrics', () => {
  it('are served on the internal listener only, the public port answering 404', { timeout: 60_000 }, async () => {
    const { service, port, metricsUrl } = await apiProcess();
    try {
      expect((await fetch(`http://127.0.0.1:${port}/metrics`)).status).toBe(404);
      const res = await fetch(metricsUrl);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toContain('text/plain');
      const text = await res.text();
      expect(readyzCount(text)).toBeGreaterThanOrEqual(1);
      expect(text).toContain('temporal_client_request_duration_seconds');
      expect(text).toContain('process_cpu_user_seconds_total');
      // The listener serves metrics and nothing else: not the API.
      expect((await fetch(metricsUrl.replace('/metrics', '/healthz'))).status).toBe(404);
    } finally {
      await service.kill();
    }
  });

  it('of several processes are summed by the primary on one listener', { timeout: 60_000 }, async () => {
    const api = await apiProcess({ API_PROCESSES: '2' });
    cluster = api.service;
    expect((await fetch(`http://127.0.0.1:${api.port}/metrics`)).status).toBe(404);
    // Enough readiness checks that both processes (the primary deals connections round-robin) answered some.
    for (let i = 0; i < 20; i++)
      await fetch(`http://127.0.0.1:${api.port}/readyz`, { headers: { connection: 'close' } });
    const text = await (await fetch(api.metricsUrl)).text();
    expect(readyzCount(text)).toBeGreaterThanOrEqual(21);
    await cluster.kill();
    cluster = undefined;
  });
});

describe('graceful shutdown', () => {
  it('finishes a request in flight after SIGTERM, then exits 0', { timeout: 90_000 }, async () => {
    const started = await apiProcess({ UPDATE_TIMEOUT_MS: '30000', SHUTDOWN_GRACE_MS: '30000' });
    api = started.service;
    const { port } = started;
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
