/**
 * A benchmark's own stack, as production runs it: the Temporal dev server on a fresh database, the
 * reference systems, the worker and the API, each its own process on free ports. Also an
 * in-process bare worker on a task queue of its own for the baseline: trivial workflows on the
 * same server, so every ratio compares like with like.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { bundleWorkflowCode, DefaultLogger, NativeConnection, Runtime, Worker } from '@temporalio/worker';
import { signDevToken } from '../api/auth.js';
import { loadConfig, type Config } from '../config/index.js';
import type { Role } from '../domain/index.js';
import { spawnService, waitForHttp, type Service } from '../scripts/processes.js';
import { startOwnTemporal } from '../temporal/own.js';
import { prepareNamespace } from '../temporal/server.js';
import { freePort } from './ports.js';

export interface BenchStack {
  apiUrl: string;
  /** 'dev': the dev server, one worker, one API process. 'cluster' (TEMPORAL_TOPOLOGY=cluster): the Temporal server on PostgreSQL, two workers, two API processes. */
  topology: 'dev' | 'cluster';
  /** Kills (SIGKILL) or stops (SIGTERM) a part and starts it again: the chaos suite's hands. 'worker' is the first worker; on the cluster the others carry on meanwhile. */
  restart(part: 'worker' | 'api' | 'server', how: 'kill' | 'stop', downMs?: number): Promise<void>;
  config: Config;
  client: Client;
  systems: { homeOffice: string; courts: string; notifier: string };
  worker: Service;
  workers: Service[];
  /** API processes behind the one port (API_PROCESSES). */
  apiProcesses: number;
  token(role: Role): Promise<string>;
  /** The bare baseline: a trivial workflow with one update handler, served in this process. */
  baseline: { taskQueue: string };
  stop(): Promise<void>;
}

const say = (line: string) => console.error(`[bench] ${line}`);

export interface BenchStackOptions {
  /** Worker processes on the task queue; default 2 on the cluster topology, 1 on the dev server. */
  workers?: number;
}

export async function startBenchStack(env: Record<string, string> = {}, options: BenchStackOptions = {}): Promise<BenchStack> {
  Runtime.install({ logger: new DefaultLogger('WARN') });
  const dir = mkdtempSync(join(tmpdir(), 'case-tracker-bench-'));
  const namespace = 'asylum-cases-bench';
  // BENCH_DYNAMIC_CONFIG="key=value;key=value": run the dev server with other dynamic config, to profile a setting.
  const temporal = await startOwnTemporal({ dir, namespace, tag: 'bench', freePort, log: say, ...(process.env.BENCH_DYNAMIC_CONFIG ? { dynamicConfig: process.env.BENCH_DYNAMIC_CONFIG.split(';') } : {}) });
  const { address } = temporal;
  const topology = temporal.topology === 'cluster' ? 'cluster' : 'dev';
  const connection = await Connection.connect({ address });
  await prepareNamespace(connection, namespace, 1);
  const client = new Client({ connection, namespace });

  const [ho, hmcts, notifier, api] = await Promise.all([freePort(), freePort(), freePort(), freePort()]);
  const shared = {
    TEMPORAL_ADDRESS: address,
    TEMPORAL_NAMESPACE: namespace,
    TEMPORAL_TASK_QUEUE: 'asylum-cases-bench',
    HOME_OFFICE_URL: `http://127.0.0.1:${ho}`,
    HMCTS_URL: `http://127.0.0.1:${hmcts}`,
    NOTIFIER_URL: `http://127.0.0.1:${notifier}`,
    PORT: String(api),
    IMPORT_DIR: join(dir, 'imports'),
    LOG_LEVEL: 'warn',
    WORKER_METRICS_ADDRESS: '',
    API_PROCESSES: topology === 'cluster' ? '2' : '1',
    RECONCILIATION_CRON: 'off',
    ...env,
  };
  const config = loadConfig(shared);
  if (!config.ok) throw new Error(config.error);
  const services: Service[] = [];
  // The parts' own logs only on request: under injected faults they are expected to complain.
  const quiet = (name: string) => (line: string) => (process.env.BENCH_VERBOSE ? say(`${name}: ${line}`) : undefined);
  for (const [name, port] of [['home-office', ho], ['hmcts', hmcts], ['notifier', notifier]] as const) {
    const s = spawnService(name, 'systems/server.ts', { args: [name, '--port', String(port), '--data', join(dir, `${name}.jsonl`)], onLine: quiet(name) });
    services.push(s);
    await waitForHttp(`http://127.0.0.1:${port}/healthz`, 30_000, s);
  }
  // BENCH_WORKER_NODE_ARGS="--cpu-prof --cpu-prof-dir=…": profile the worker (written when it stops).
  const nodeArgs = process.env.BENCH_WORKER_NODE_ARGS?.split(' ').filter(Boolean);
  const spawnWorker = (n: number) => spawnService(`worker-${n}`, 'worker.ts', { env: shared, onLine: quiet(`worker-${n}`), ...(nodeArgs ? { nodeArgs } : {}) });
  const spawnApi = () => spawnService('api', 'api/server.ts', { env: shared, onLine: quiet('api') });
  const workers = Array.from({ length: options.workers ?? (topology === 'cluster' ? 2 : 1) }, (_, i) => spawnWorker(i + 1));
  let apiService = spawnApi();
  await waitForHttp(`http://127.0.0.1:${api}/readyz`, 60_000, apiService);

  // The baseline worker: trivial workflows, bundled from bench/baseline-workflows.ts.
  const nativeConnection = await NativeConnection.connect({ address });
  const { code } = await bundleWorkflowCode({ workflowsPath: new URL('../bench/baseline-workflows.ts', import.meta.url).pathname, logger: { trace() {}, debug() {}, info() {}, warn() {}, error: say, log() {} } as never });
  const baselineQueue = 'bare-baseline';
  const bare = await Worker.create({ connection: nativeConnection, namespace, taskQueue: baselineQueue, workflowBundle: { code } });
  const bareRunning = bare.run();
  say(`stack up (${topology}, ${workers.length} worker${workers.length > 1 ? 's' : ''}, API × ${shared.API_PROCESSES}): API http://127.0.0.1:${api}, Temporal ${address}`);

  return {
    apiUrl: `http://127.0.0.1:${api}`,
    topology,
    config: config.config,
    client,
    systems: { homeOffice: shared.HOME_OFFICE_URL, courts: shared.HMCTS_URL, notifier: shared.NOTIFIER_URL },
    get worker() {
      return workers[0]!;
    },
    workers,
    apiProcesses: config.config.apiProcesses,
    async restart(part, how, downMs = 0) {
      const pause = () => new Promise((r) => setTimeout(r, downMs));
      if (part === 'worker') {
        await (how === 'kill' ? workers[0]!.kill() : workers[0]!.stop(10_000));
        await pause();
        workers[0] = spawnWorker(1);
      } else if (part === 'api') {
        await (how === 'kill' ? apiService.kill() : apiService.stop(10_000));
        await pause();
        apiService = spawnApi();
        await waitForHttp(`http://127.0.0.1:${api}/healthz`, 60_000, apiService);
      } else {
        await temporal.restart(how, downMs);
      }
    },
    token: (role) => signDevToken({ role, sub: `bench-${role}` }, config.config.auth),
    baseline: { taskQueue: baselineQueue },
    async stop() {
      // Guarded, so a stop after a failure reports that failure rather than one of its own.
      if (bare.getState() === 'RUNNING') bare.shutdown();
      await bareRunning.catch((err: unknown) => say(`the bare worker had stopped: ${String(err)}`));
      await nativeConnection.close();
      for (const s of [apiService, ...workers, ...services.reverse()]) await s.stop(5_000);
      await connection.close();
      await temporal.destroy();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Percentiles of a sample, in the sample's unit. */
export function percentiles(values: number[]): { n: number; p50: number; p95: number; p99: number; max: number } {
  const s = [...values].sort((a, b) => a - b);
  const at = (q: number) => s[Math.min(s.length - 1, Math.floor(q * s.length))] ?? NaN;
  return { n: s.length, p50: at(0.5), p95: at(0.95), p99: at(0.99), max: s.at(-1) ?? NaN };
}
