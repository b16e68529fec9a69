/**
 * A stack of its own, as production runs it: a Temporal server of its own (temporal/own.ts: a dev
 * server on a fresh database, or with TEMPORAL_TOPOLOGY=cluster a server on PostgreSQL, and the
 * reporting read model in a PostgreSQL database of its own), the reference systems, the worker and
 * the API, each its own process on free ports, each restartable.
 * The chaos test runs on it; the benchmarks build on it (bench/stack.ts adds a bare baseline).
 * test/harness.ts is the lighter stack most test files use, on the run's one shared server.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { signDevToken } from '../api/auth.js';
import { loadConfig, type Config } from '../config/index.js';
import { dataConverter } from '../config/temporal.js';
import { perHttpSystem, type Role, type HttpSystem } from '../domain/index.js';
import { spawnService, waitForHttp, type Service } from '../scripts/processes.js';
import { CLUSTER_PROCESSES } from '../temporal/cluster.js';
import { startOwnTemporal } from '../temporal/own.js';
import { prepareNamespace } from '../temporal/server.js';
import { freePort } from './ports.js';
import { throwAwayReportingDatabase } from './reporting-db.js';
import { startSystems } from './systems.js';

export interface ProcessStack {
  apiUrl: string;
  /** 'dev': the dev server, one worker, one API process. 'cluster' (TEMPORAL_TOPOLOGY=cluster): the Temporal server on PostgreSQL, two workers, two API processes. */
  topology: 'dev' | 'cluster';
  /** Kills (SIGKILL) or stops (SIGTERM) a part and starts it again: the chaos suite's hands. 'worker' is the first worker; on the cluster the others carry on meanwhile. */
  restart(part: 'worker' | 'api' | 'server', how: 'kill' | 'stop', downMs?: number): Promise<void>;
  /** The parts' configuration: its `temporal` names the server, namespace and task queue. */
  config: Config;
  client: Client;
  systems: Record<HttpSystem, string>;
  worker: Service;
  workers: Service[];
  /** API processes behind the one port (API_PROCESSES). */
  apiProcesses: number;
  token(role: Role, sub?: string): Promise<string>;
  stop(): Promise<void>;
}

export interface ProcessStackOptions {
  /** Names the namespace and task queue (asylum-cases-<name>), the cluster's databases, the log prefix and the token subjects. */
  name: string;
  /** Configuration for the worker and the API over the stack's own. */
  env?: Record<string, string>;
  /** Worker processes on the task queue; default 2 on the cluster topology, 1 on the dev server. */
  workers?: number;
  /** Dev server dynamic config (`key=value`), e.g. to profile a setting. */
  dynamicConfig?: string[];
  /** Node's flags for the worker processes, e.g. --cpu-prof. */
  workerNodeArgs?: string[];
  /** Node's flags for the API process, e.g. --cpu-prof. */
  apiNodeArgs?: string[];
  /** Print the parts' own logs (by default dropped: under injected faults they are expected to complain). */
  verbose?: boolean;
}

export async function startProcessStack(options: ProcessStackOptions): Promise<ProcessStack> {
  const { name } = options;
  const say = (line: string) => console.error(`[${name}] ${line}`);
  const dir = mkdtempSync(join(tmpdir(), `case-tracker-${name}-`));
  const namespace = `asylum-cases-${name}`;
  const temporal = await startOwnTemporal({
    dir,
    namespace,
    tag: name,
    freePort,
    log: say,
    ...(options.dynamicConfig ? { dynamicConfig: options.dynamicConfig } : {}),
  });
  // What has started so far, stopped again if a later part fails to start: a failed start (a slow
  // machine, a port taken) leaves no server or process running behind the test file.
  const undo: Array<() => Promise<unknown>> = [() => temporal.destroy()];
  try {
    const { address } = temporal;
    const topology = temporal.topology === 'cluster' ? 'cluster' : 'dev';
    const connection = await Connection.connect({ address });
    undo.push(() => connection.close());
    await prepareNamespace(connection, namespace, 1);

    const quiet = (part: string) => (line: string) => (options.verbose ? say(`${part}: ${line}`) : undefined);
    const { systems, env: systemsEnv } = await startSystems((wire) => ({ dir, onLine: quiet(wire) }));
    undo.push(() => Promise.all(Object.values(systems).map((s) => s.kill())));
    const api = await freePort();
    const reporting = topology === 'cluster' ? await throwAwayReportingDatabase(name) : undefined;
    if (reporting) undo.push(() => reporting.drop());
    const shared = {
      TEMPORAL_ADDRESS: address,
      TEMPORAL_NAMESPACE: namespace,
      TEMPORAL_TASK_QUEUE: namespace,
      ...systemsEnv,
      PORT: String(api),
      IMPORT_DIR: join(dir, 'imports'),
      ACCESS_LOG_DIR: join(dir, 'access-log'),
      REPORTING_DB: join(dir, 'reporting.sqlite'),
      ...(reporting ? { REPORTING_POSTGRES_URL: reporting.url } : {}),
      LOG_LEVEL: 'warn',
      WORKER_METRICS_ADDRESS: '',
      API_METRICS_ADDRESS: '',
      API_PROCESSES: String(topology === 'cluster' ? CLUSTER_PROCESSES.apiProcesses : 1),
      RECONCILIATION_CRON: 'off',
      LOCAL_MODE: '1',
      ...options.env,
    };
    const config = loadConfig(shared);
    if (!config.ok) throw new Error(config.error);
    // The parts' own data converter: what they encrypt, this client reads.
    const client = new Client({ connection, namespace, dataConverter: dataConverter(config.config) });
    const nodeArgs = options.workerNodeArgs;
    const spawnWorker = (n: number) =>
      spawnService(`worker-${n}`, 'worker.ts', {
        env: shared,
        onLine: quiet(`worker-${n}`),
        ...(nodeArgs ? { nodeArgs } : {}),
      });
    const apiNodeArgs = options.apiNodeArgs;
    const spawnApi = () =>
      spawnService('api', 'server.ts', {
        env: shared,
        onLine: quiet('api'),
        ...(apiNodeArgs ? { nodeArgs: apiNodeArgs } : {}),
      });
    const workers = Array.from(
      { length: options.workers ?? (topology === 'cluster' ? CLUSTER_PROCESSES.workers : 1) },
      (_, i) => spawnWorker(i + 1),
    );
    let apiService = spawnApi();
    undo.push(() => Promise.all([apiService, ...workers].map((s) => s.kill())));
    await waitForHttp(`http://127.0.0.1:${api}/readyz`, 60_000, apiService);
    say(
      `stack up (${topology}, ${workers.length} worker${workers.length > 1 ? 's' : ''}, API × ${shared.API_PROCESSES}): API http://127.0.0.1:${api}, Temporal ${address}`,
    );

    return {
      apiUrl: `http://127.0.0.1:${api}`,
      topology,
      config: config.config,
      client,
      systems: perHttpSystem((key) => systems[key].url),
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
      token: (role, sub = `${name}-${role}`) => signDevToken({ role, sub }, config.config.auth),
      async stop() {
        for (const s of [apiService, ...workers]) await s.stop(5_000);
        for (const s of Object.values(systems).reverse()) await s.stop(5_000);
        await connection.close();
        await temporal.destroy();
        await reporting?.drop();
        rmSync(dir, { recursive: true, force: true });
      },
    };
  } catch (err) {
    for (const step of undo.reverse()) await step().catch(() => {});
    rmSync(dir, { recursive: true, force: true });
    throw err;
  }
}
