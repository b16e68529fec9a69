/**
 * `npm start` as a user runs it: everything comes up, the printed token works, Ctrl-C leaves no
 * process behind, and a second start still has the case.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { spawnService, type Service } from '../scripts/processes.js';
import {
  dropDatabases,
  onClusterTopology,
  postgresOf,
  resolveServerBinaries,
  TEMPORAL_SERVER_VERSION,
} from '../temporal/cluster.js';
import { newCaseBody } from './harness.js';
import { freePort } from './ports.js';
import { eventually } from './systems.js';

const dir = mkdtempSync(join(tmpdir(), 'case-tracker-start-'));
const running: Service[] = [];
afterAll(async () => {
  for (const s of running) await s.kill();
  rmSync(dir, { recursive: true, force: true });
});

async function start(
  env: Record<string, string>,
  args: string[] = [],
): Promise<{ service: Service; output: string[] }> {
  const output: string[] = [];
  let ready: () => void;
  const isReady = new Promise<void>((resolve) => (ready = resolve));
  const service = spawnService('start', 'scripts/start.ts', {
    env,
    args,
    onLine: (line) => {
      output.push(line);
      if (line.includes('Ctrl-C stops everything')) ready();
    },
  });
  running.push(service);
  const outcome = await Promise.race([
    isReady.then(() => 'ready'),
    service.exited.then((code) => `exited ${code}`),
    new Promise((r) => setTimeout(() => r('timeout'), 90_000)),
  ]);
  if (outcome !== 'ready') throw new Error(`npm start did not come up (${outcome}):\n${output.join('\n')}`);
  return { service, output };
}

/** Every process below `pid`, from the process table. */
function descendants(pid: number): number[] {
  const rows = execFileSync('ps', ['-e', '-o', 'pid=,ppid='], { encoding: 'utf8' })
    .trim()
    .split('\n')
    .map((l) => l.trim().split(/\s+/).map(Number) as [number, number]);
  const found: number[] = [];
  const walk = (parent: number) =>
    rows.filter(([, ppid]) => ppid === parent).forEach(([child]) => (found.push(child), walk(child)));
  walk(pid);
  return found;
}

async function settle(survivors: () => number[], withinMs: number): Promise<number[]> {
  const deadline = Date.now() + withinMs;
  while (survivors().length > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
  return survivors();
}

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

// `npm start` always; `npm run start:cluster` too when the suite runs on the cluster topology.
const topologies = onClusterTopology() ? (['dev', 'cluster'] as const) : (['dev'] as const);
const clusterDatabase = `case_tracker_start_${process.pid}`;
afterAll(async () => {
  if (!onClusterTopology()) return;
  const binaries = await resolveServerBinaries();
  if (binaries.ok)
    await dropDatabases(binaries.value, {
      ...postgresOf(process.env.TEMPORAL_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/x'),
      database: clusterDatabase,
    });
});

describe.each(topologies)('npm start (%s)', (topology) => {
  it(
    'starts everything, prints what to click and tokens, stops cleanly, and keeps cases across restarts',
    { timeout: 300_000 },
    async () => {
      const [port, temporalPort, uiPort, hoPort, hmctsPort, metricsPort, notifierPort, apiMetricsPort] = [
        await freePort(),
        await freePort(),
        await freePort(),
        await freePort(),
        await freePort(),
        await freePort(),
        await freePort(),
        await freePort(),
      ];
      const env: Record<string, string> = {
        NOTIFIER_URL: `http://127.0.0.1:${notifierPort}`,
        WORKER_METRICS_ADDRESS: `127.0.0.1:${metricsPort}`,
        API_METRICS_ADDRESS: `127.0.0.1:${apiMetricsPort}`,
        HOME_OFFICE_URL: `http://127.0.0.1:${hoPort}`,
        HMCTS_URL: `http://127.0.0.1:${hmctsPort}`,
        PORT: String(port),
        TEMPORAL_PORT: String(temporalPort),
        TEMPORAL_UI_PORT: String(uiPort),
        TEMPORAL_DB: join(dir, topology, 'temporal.sqlite'),
        TEMPORAL_ADDRESS: '',
        LOG_LEVEL: 'warn',
      };
      if (topology === 'cluster') env.TEMPORAL_POSTGRES_URL = `postgres://postgres@127.0.0.1:5432/${clusterDatabase}`;
      const args = topology === 'cluster' ? ['--cluster'] : [];

      const first = await start(env, args);
      const banner = first.output.join('\n');
      expect(banner).toContain(`http://localhost:${port}`);
      const token = /^\s+caseworker\s+(\S+)$/m.exec(banner)?.[1];
      expect(token).toBeTruthy();

      expect((await fetch(`http://127.0.0.1:${port}/readyz`)).status).toBe(200);
      if (topology === 'dev') {
        expect(banner).toContain(`http://127.0.0.1:${uiPort}/namespaces/asylum-cases/workflows`);
        expect((await fetch(`http://127.0.0.1:${uiPort}/`)).status).toBe(200);
      } else {
        expect(banner).toMatch(
          new RegExp(`Temporal server ${TEMPORAL_SERVER_VERSION} on 127\\.0\\.0\\.1:\\d+ \\(PostgreSQL`),
        );
        expect(banner).toContain(`workers worker-1 + worker-2, API × 2 on port ${port}`);
        // The second worker's SDK metrics, on the next port.
        expect(await (await fetch(`http://127.0.0.1:${metricsPort + 1}/metrics`)).text()).toContain('temporal_');
      }
      // The worker's SDK metrics and the API's own, on its internal listener (on the cluster, both
      // processes' summed by the primary); never on the public port.
      expect(await (await fetch(`http://127.0.0.1:${metricsPort}/metrics`)).text()).toContain('temporal_');
      expect(await (await fetch(`http://127.0.0.1:${apiMetricsPort}/metrics`)).text()).toContain(
        'temporal_client_request_duration_seconds',
      );
      expect((await fetch(`http://127.0.0.1:${port}/metrics`)).status).toBe(404);
      const created = await fetch(`http://127.0.0.1:${port}/cases`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify(newCaseBody()),
      });
      expect(created.status).toBe(201);
      const { caseId } = (await created.json()) as { caseId: string };

      const children = descendants(first.service.process.pid!);
      // dev: dev server, three reference systems, worker, API; cluster: server, systems, two workers, API primary and two processes.
      expect(children.length).toBeGreaterThanOrEqual(topology === 'dev' ? 6 : 9);
      // A change reaches the reference Home Office, a process of its own.
      // As a client should: a 503 (the worker still starting on a loaded machine) is retried with the same key.
      const screen = () =>
        fetch(`http://127.0.0.1:${port}/cases/${caseId}/events`, {
          method: 'POST',
          headers: {
            authorization: `Bearer ${token}`,
            'content-type': 'application/json',
            'idempotency-key': `screen-${caseId}`,
          },
          body: JSON.stringify({ type: 'claim.screened' }),
        });
      let screened = await screen();
      for (let attempt = 1; screened.status === 503 && attempt < 5; attempt++) screened = await screen();
      expect(screened.status).toBe(200);
      await eventually(
        async () => ((await fetch(`http://127.0.0.1:${hoPort}/cases/${caseId}`)).status === 200 ? true : undefined),
        30_000,
        'delivery to the Home Office',
      );
      first.service.process.kill('SIGINT');
      expect(await first.service.exited).toBe(0);
      // Helpers such as tsx's esbuild service leave when their parent does: allow them a moment.
      const survivors = await settle(() => children.filter(alive), 3_000);
      if (survivors.length)
        console.error(execFileSync('ps', ['-o', 'pid,stat,cmd', '-p', survivors.join(',')], { encoding: 'utf8' }));
      expect(survivors).toEqual([]);

      const second = await start(env, args);
      const again = await fetch(`http://127.0.0.1:${port}/cases/${caseId}`, {
        headers: { authorization: `Bearer ${token}` },
      });
      if (again.status !== 200) await new Promise((r) => setTimeout(r, 1_000)); // let the API's log line arrive
      expect(
        again.status,
        `${await again.clone().text()}\n${second.output.filter((l) => l.startsWith('[api]') || l.startsWith('[worker')).join('\n')}`,
      ).toBe(200);
      expect(await again.json()).toMatchObject({
        caseId,
        stage: 'claim',
        status: 'screened',
        sync: { homeOffice: { delivered: 1 } },
      });
      second.service.process.kill('SIGINT');
      expect(await second.service.exited).toBe(0);
    },
  );
});
