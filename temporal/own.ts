/**
 * A Temporal server of a run's own, for the test suite and the benchmarks: the server at
 * TEMPORAL_ADDRESS when set (started by someone else: nothing to restart or stop), a cluster server
 * on PostgreSQL with databases of its own under TEMPORAL_TOPOLOGY=cluster, or else a dev server on
 * a throw-away SQLite file. The same choice in one place, so the suite and the benches can never
 * disagree about which server they run on.
 */
import { join } from 'node:path';
import { resolveTemporalCli } from './cli.js';
import type { ChildProcess } from 'node:child_process';
import { onClusterTopology, throwAwayCluster } from './cluster.js';
import { startDevServer } from './server.js';

export interface OwnTemporal {
  address: string;
  topology: 'external' | 'cluster' | 'dev';
  /** The dev server's SQLite file (its -wal and -shm beside it); absent on other topologies. */
  dbFile?: string;
  /** Stops (or SIGKILLs) the server and starts it again on the same database and port after `downMs`. */
  restart(how: 'kill' | 'stop', downMs?: number): Promise<void>;
  /** Stops the server and throws its data away (a cluster's databases are dropped). */
  destroy(): Promise<void>;
}

export interface OwnTemporalOptions {
  /** A folder of the run's own: the dev server's file, the cluster's config, the logs. */
  dir: string;
  /** Created at launch on the dev server (the cluster's is registered by prepareNamespace). */
  namespace: string;
  /** Names the cluster's databases: case_tracker_<tag>_… */
  tag: string;
  freePort: () => Promise<number>;
  log: (line: string) => void;
  /** Dev server dynamic config (`key=value`), instead of DEV_SERVER_DYNAMIC_CONFIG. */
  dynamicConfig?: string[];
}

export async function startOwnTemporal(o: OwnTemporalOptions): Promise<OwnTemporal> {
  const external = process.env.TEMPORAL_ADDRESS;
  if (external) {
    o.log(`TEMPORAL_ADDRESS=${external} (using that server, starting none)`);
    return { address: external, topology: 'external', restart: async () => {}, destroy: async () => {} };
  }
  if (onClusterTopology()) {
    const cluster = await throwAwayCluster({
      dir: join(o.dir, 'cluster'),
      tag: o.tag,
      freePort: o.freePort,
      log: o.log,
    });
    return restartable('cluster', cluster.start, cluster.drop);
  }
  const cli = await resolveTemporalCli({ log: o.log });
  if (!cli.ok) throw new Error(cli.error);
  if (cli.value.kind !== 'binary') throw new Error(`expected a Temporal CLI binary, got ${cli.value.description}`);
  o.log(cli.value.description);
  const cliPath = cli.value.path;
  const port = await o.freePort();
  const dbFile = join(o.dir, 'temporal.sqlite');
  // The same database file and port every time, so a restarted server is the same server.
  const server = await restartable('dev', () =>
    startDevServer({
      cli: cliPath,
      dbFile,
      port,
      uiPort: 0,
      headless: true,
      logFile: join(o.dir, 'temporal.log'),
      namespaces: [o.namespace],
      ...(o.dynamicConfig ? { dynamicConfig: o.dynamicConfig } : {}),
    }),
  );
  return { ...server, dbFile };
}

/** One way to restart either server: `start` again on the same data and ports, after a stop or a SIGKILL. */
async function restartable(
  topology: OwnTemporal['topology'],
  start: () => Promise<{ address: string; process: ChildProcess; stop(): Promise<void> }>,
  afterStop: () => Promise<void> = async () => {},
): Promise<OwnTemporal> {
  let server = await start();
  return {
    address: server.address,
    topology,
    async restart(how, downMs = 0) {
      if (how === 'kill') server.process.kill('SIGKILL');
      await server.stop();
      await new Promise((r) => setTimeout(r, downMs));
      server = await start();
    },
    async destroy() {
      await server.stop();
      await afterStop();
    },
  };
}
