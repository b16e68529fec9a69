/**
 * A full Temporal server (not the dev server) on the local PostgreSQL: the server and its SQL
 * schema tool built once from Go modules into the cache beside the CLI, the persistence and
 * visibility databases created and migrated (safe to repeat), the server's configuration written
 * from config/temporal-cluster.yaml, and the server started and waited for. Used by
 * `npm run start:cluster`, `npm run test:cluster` and the benchmarks' cluster topology.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadConfig } from '../config/index.js';
import { goInstall, productCacheDir } from './go-build.js';
import { findOnPath, isExecutable } from './cli.js';
import { runServer } from './server.js';

/** The project's config/ folder, where the server's configuration templates are. */
const CONFIG_DIR = fileURLToPath(new URL('../config/', import.meta.url));

/** One pinned release of the 1.32 line, for the server and its schema tool alike. */
export const TEMPORAL_SERVER_VERSION = 'v1.32.0';
const MODULE = 'go.temporal.io/server';

export interface Postgres {
  host: string;
  port: number;
  user: string;
  password: string;
  /** Persistence; visibility lives in `${database}_visibility`. */
  database: string;
}

export interface ClusterOptions {
  /** Where the written configuration and the server's log go. */
  dir: string;
  postgres: Postgres;
  /** The server's ports: `portsFrom(7233)` for a fixed set, or one free port each (tests). */
  ports: ClusterPorts;
  historyShards: number;
  ip?: string;
  log?: (line: string) => void;
}

export interface ClusterServer {
  address: string;
  process: ChildProcess;
  stop(): Promise<void>;
}

export type Binaries = { server: string; sql: string };

export const serverCacheDir = (env: NodeJS.ProcessEnv = process.env) =>
  productCacheDir(`temporal-server-${TEMPORAL_SERVER_VERSION}`, env);

/** The server and schema tool from the cache, building both once when missing. */
export async function resolveServerBinaries(
  env: NodeJS.ProcessEnv = process.env,
  log: (line: string) => void = () => {},
): Promise<{ ok: true; value: Binaries } | { ok: false; error: string }> {
  const dir = serverCacheDir(env);
  const found = { server: join(dir, 'server'), sql: join(dir, 'sql') };
  if (isExecutable(found.server) && isExecutable(found.sql)) return { ok: true, value: found };
  const go = findOnPath('go', env);
  if (!go)
    return {
      ok: false,
      error: `The cluster needs the Temporal server ${TEMPORAL_SERVER_VERSION}, built once with Go into ${dir}: install Go 1.25 or newer and run again.`,
    };
  mkdirSync(dir, { recursive: true });
  const built = await goInstall({
    go,
    packages: [`${MODULE}/cmd/server@${TEMPORAL_SERVER_VERSION}`, `${MODULE}/cmd/tools/sql@${TEMPORAL_SERVER_VERSION}`],
    dir,
    what: `the Temporal server ${TEMPORAL_SERVER_VERSION} and its SQL schema tool`,
    env,
    log,
  });
  return built.ok ? { ok: true, value: found } : built;
}

/** Runs the schema tool; its DEBUG chatter is kept only for an error. */
function sqlTool(binary: string, pg: Postgres, database: string, args: string[]): Promise<void> {
  const all = [
    '--plugin',
    'postgres12',
    '--ep',
    pg.host,
    '-p',
    String(pg.port),
    '-u',
    pg.user,
    ...(pg.password ? ['--pw', pg.password] : []),
    '--db',
    database,
    ...args,
  ];
  return new Promise((res, rej) => {
    const child = spawn(binary, all, { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (c) => (output += c));
    child.stderr.on('data', (c) => (output += c));
    child.on('error', rej);
    child.on('close', (code) =>
      code === 0
        ? res()
        : rej(
            new Error(
              `temporal sql tool ${args.join(' ')} on ${database} failed (exit ${code}):\n${output.split('\n').slice(-15).join('\n')}`,
            ),
          ),
    );
  });
}

/** postgres://user[:password]@host[:port]/database (TEMPORAL_POSTGRES_URL) as the schema tool wants it. */
export function postgresOf(url: string): Postgres {
  const u = new URL(url);
  return {
    host: u.hostname,
    port: Number(u.port || 5432),
    user: decodeURIComponent(u.username || 'postgres'),
    password: decodeURIComponent(u.password),
    database: u.pathname.slice(1),
  };
}

export const visibilityDatabase = (pg: Postgres) => `${pg.database}_visibility`;

/**
 * Creates both databases and brings their schemas to this release's latest (the schemas travel
 * inside the tool). Every step is a no-op when already done, so it runs on every start.
 */
export async function prepareDatabases(binaries: Binaries, pg: Postgres): Promise<void> {
  for (const [database, schema] of [
    [pg.database, 'postgresql/v12/temporal'],
    [visibilityDatabase(pg), 'postgresql/v12/visibility'],
  ] as const) {
    await sqlTool(binaries.sql, pg, database, ['create']);
    await sqlTool(binaries.sql, pg, database, ['setup-schema', '-v', '0.0']);
    await sqlTool(binaries.sql, pg, database, ['update-schema', '-s', schema]);
  }
}

/** Drops both databases (a test run's own, when it ends). */
export async function dropDatabases(binaries: Binaries, pg: Postgres): Promise<void> {
  for (const database of [pg.database, visibilityDatabase(pg)])
    await sqlTool(binaries.sql, pg, database, ['drop', '-f']);
}

export const CLUSTER_PORT_NAMES = [
  'frontend',
  'history',
  'matching',
  'worker',
  'http',
  'frontendMembership',
  'historyMembership',
  'matchingMembership',
  'workerMembership',
] as const;
export type ClusterPorts = Record<(typeof CLUSTER_PORT_NAMES)[number], number>;

/** Frontend on `port`; history, matching, worker and HTTP on the next four; membership ports 1000 below each service. */
export function portsFrom(port: number): ClusterPorts {
  return {
    frontend: port,
    history: port + 1,
    matching: port + 2,
    worker: port + 3,
    http: port + 4,
    frontendMembership: port - 1000,
    historyMembership: port - 999,
    matchingMembership: port - 998,
    workerMembership: port - 997,
  };
}

/** config/temporal-cluster.yaml with its ${…} filled in; an unfilled name is an error, not an empty value. */
export function serverConfig(o: ClusterOptions, dynamicConfigPath: string): string {
  const ports = o.ports;
  const values: Record<string, string | number> = {
    SHARDS: o.historyShards,
    DB: o.postgres.database,
    VISIBILITY_DB: visibilityDatabase(o.postgres),
    PG_ADDRESS: `${o.postgres.host}:${o.postgres.port}`,
    PG_USER: o.postgres.user,
    PG_PASSWORD: o.postgres.password,
    IP: o.ip ?? '127.0.0.1',
    FRONTEND_PORT: ports.frontend,
    HISTORY_PORT: ports.history,
    MATCHING_PORT: ports.matching,
    WORKER_PORT: ports.worker,
    HTTP_PORT: ports.http,
    FRONTEND_MEMBERSHIP_PORT: ports.frontendMembership,
    HISTORY_MEMBERSHIP_PORT: ports.historyMembership,
    MATCHING_MEMBERSHIP_PORT: ports.matchingMembership,
    WORKER_MEMBERSHIP_PORT: ports.workerMembership,
    DYNAMIC_CONFIG: dynamicConfigPath,
  };
  const template = readFileSync(join(CONFIG_DIR, 'temporal-cluster.yaml'), 'utf8');
  return template.replace(/\$\{(\w+)\}/g, (_, name: string) => {
    if (!(name in values)) throw new Error(`config/temporal-cluster.yaml names \${${name}}, which nothing fills in`);
    return String(values[name]);
  });
}

/** Prepares the databases, writes the configuration and starts the server; resolves once it serves. */
export async function startClusterServer(binaries: Binaries, o: ClusterOptions): Promise<ClusterServer> {
  const dir = resolve(o.dir);
  mkdirSync(join(dir, 'config'), { recursive: true });
  await prepareDatabases(binaries, o.postgres);
  const dynamicConfig = join(dir, 'config', 'dynamic.yaml');
  writeFileSync(dynamicConfig, readFileSync(join(CONFIG_DIR, 'temporal-cluster-dynamic.yaml')));
  writeFileSync(join(dir, 'config', 'cluster.yaml'), serverConfig(o, dynamicConfig));
  const logFile = join(dir, 'temporal-server.log');
  const address = `${o.ip ?? '127.0.0.1'}:${o.ports.frontend}`;
  const running = await runServer(
    binaries.server,
    ['--root', dir, '--config', 'config', '--env', 'cluster', '--allow-no-auth', 'start'],
    { address, logFile, what: 'the Temporal server', stopGraceMs: 15_000 },
  );
  o.log?.(
    `Temporal server ${TEMPORAL_SERVER_VERSION} on ${address} (PostgreSQL ${o.postgres.host}:${o.postgres.port}/${o.postgres.database}, ${o.historyShards} history shards); log ${logFile}`,
  );
  return { address, ...running };
}

/**
 * What runs against the cluster in `npm run start:cluster` and the cluster benchmarks: the
 * visibility limit in config/temporal-cluster-dynamic.yaml is sized so that these processes at
 * TEMPORAL_VISIBILITY_RPS each stay under it.
 */
export const CLUSTER_PROCESSES = { workers: 2, apiProcesses: 2 } as const;

/** `TEMPORAL_TOPOLOGY=cluster`: tests and benchmarks run on a cluster server of their own instead of a dev server. */
export const onClusterTopology = (env: NodeJS.ProcessEnv = process.env) => env.TEMPORAL_TOPOLOGY === 'cluster';

export interface ThrowAwayCluster {
  /** Starts the server on the run's databases and ports; again after a stop, it is the same server. */
  start(): Promise<ClusterServer>;
  /** Drops the run's databases (after the server has stopped). */
  drop(): Promise<void>;
}

/**
 * A cluster for one test run or benchmark: databases of its own (dropped at the end), its ports
 * chosen free. `freePort` comes from the caller so temporal/ keeps no test helpers.
 */
export async function throwAwayCluster(o: {
  dir: string;
  tag: string;
  freePort: () => Promise<number>;
  log?: (line: string) => void;
  env?: NodeJS.ProcessEnv;
}): Promise<ThrowAwayCluster> {
  const env = o.env ?? process.env;
  // TEMPORAL_POSTGRES_URL and TEMPORAL_HISTORY_SHARDS with their defaults, as `npm run start:cluster` reads them.
  const config = loadConfig(env);
  if (!config.ok) throw new Error(config.error);
  const { postgresUrl, historyShards } = config.config.temporal.cluster;
  const binaries = await resolveServerBinaries(env, o.log);
  if (!binaries.ok) throw new Error(binaries.error);
  const postgres = {
    ...postgresOf(postgresUrl),
    database: `case_tracker_${o.tag}_${process.pid}_${Date.now().toString(36)}`,
  };
  const ports = {} as ClusterPorts;
  for (const name of CLUSTER_PORT_NAMES) ports[name] = await o.freePort();
  const options: ClusterOptions = { dir: o.dir, postgres, ports, historyShards, ...(o.log ? { log: o.log } : {}) };
  return {
    start: () => startClusterServer(binaries.value, options),
    drop: () => dropDatabases(binaries.value, postgres),
  };
}
