/**
 * Runs the Temporal dev server (SQLite file, web UI) and prepares a namespace for cases:
 * long retention (a case's history is its record) and the case search attributes.
 * Used by `npm start` and by the test global setup, so both run the same server the same way.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { Connection } from '@temporalio/client';
import { SearchAttributeType } from '@temporalio/common';
import { msToTs } from '@temporalio/common/lib/time.js';
import proto from '@temporalio/proto';
import { SEARCH_ATTRIBUTE_KEYS } from '../workflows/search-attributes.js';

export interface DevServerOptions {
  cli: string;
  dbFile: string;
  port: number;
  uiPort: number;
  /** Where the server's own output goes (it is chatty). */
  logFile: string;
  headless?: boolean;
  ip?: string;
  /** Created at launch, so they are usable at once. */
  namespaces?: string[];
  /** SQLite pragmas; default WAL journaling (see DEV_SERVER_PRAGMAS). */
  sqlitePragmas?: string[];
  /** Dynamic config values (`key=value`), e.g. for a benchmark's experiment; default DEV_SERVER_DYNAMIC_CONFIG. */
  dynamicConfig?: string[];
  /** Where the web UI decodes payloads (the API's `/codec`): without it the UI shows them encrypted. */
  uiCodecEndpoint?: string;
}

/**
 * Write-ahead logging doubles the dev server's throughput here (workflow starts 74/s → 147/s on
 * 2 cores) and keeps full durability: synchronous stays FULL, so an acknowledged write survives a
 * crash or power cut. synchronous=NORMAL would add a quarter more but can lose the last commits
 * on power loss, which a case tracker must not.
 */
export const DEV_SERVER_PRAGMAS = ['journal_mode=wal'];

/**
 * Eager activity dispatch: the server hands a newly scheduled activity straight back to the worker
 * that completed the workflow task, instead of through the task queue. Measured (`npm run bench`,
 * same machine, same hour): stage changes 21.3 → 28.9 a second, p50 361 → 268 ms, and a change's
 * arrival at the Home Office p50 1.8 s → 0.34 s. Durability is unchanged: the activity is still
 * recorded as scheduled and started in the history before it runs.
 */
export const DEV_SERVER_DYNAMIC_CONFIG: string[] = ['system.enableActivityEagerExecution=true'];

export interface DevServer {
  address: string;
  uiUrl: string | undefined;
  process: ChildProcess;
  stop(): Promise<void>;
}

export async function startDevServer(options: DevServerOptions): Promise<DevServer> {
  const ip = options.ip ?? '127.0.0.1';
  mkdirSync(dirname(options.dbFile), { recursive: true });
  mkdirSync(dirname(options.logFile), { recursive: true });
  const args = [
    'server',
    'start-dev',
    '--db-filename',
    options.dbFile,
    '--ip',
    ip,
    '--port',
    String(options.port),
    '--log-level',
    'warn',
  ];
  for (const ns of options.namespaces ?? []) args.push('--namespace', ns);
  for (const pragma of options.sqlitePragmas ?? DEV_SERVER_PRAGMAS) args.push('--sqlite-pragma', pragma);
  for (const value of options.dynamicConfig ?? DEV_SERVER_DYNAMIC_CONFIG) args.push('--dynamic-config-value', value);
  if (options.headless) args.push('--headless');
  else {
    args.push('--ui-port', String(options.uiPort));
    if (options.uiCodecEndpoint) args.push('--ui-codec-endpoint', options.uiCodecEndpoint);
  }
  const address = `${ip}:${options.port}`;
  const running = await runServer(options.cli, args, {
    address,
    logFile: options.logFile,
    what: 'the Temporal dev server',
  });
  return { ...running, address, uiUrl: options.headless ? undefined : `http://${ip}:${options.uiPort}` };
}

/**
 * Spawns a Temporal server binary with its output to `logFile` and resolves once its frontend
 * answers at `address`; a server that exits first is an error naming the log. Shared by the dev
 * server and the cluster's server.
 */
export async function runServer(
  binary: string,
  args: string[],
  o: { address: string; logFile: string; what: string; stopGraceMs?: number },
): Promise<{ process: ChildProcess; stop(): Promise<void> }> {
  const log = createWriteStream(o.logFile, { flags: 'a' });
  const child = spawn(binary, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout?.pipe(log);
  child.stderr?.pipe(log);
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const ready = await Promise.race([
    waitForServer(o.address, 60_000),
    exited.then((code) => new Error(`${o.what} exited with code ${code}; see ${o.logFile}`)),
  ]);
  if (ready instanceof Error) {
    child.kill('SIGKILL');
    throw ready;
  }
  return {
    process: child,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), o.stopGraceMs ?? 10_000);
      await exited;
      clearTimeout(timer);
      log.end();
    },
  };
}

/** Resolves once a Temporal frontend answers at `address`, or with the last error after `timeoutMs`. */
export async function waitForServer(address: string, timeoutMs: number): Promise<true | Error> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      const connection = await Connection.connect({ address, connectTimeout: 2_000 });
      try {
        await connection.workflowService.getSystemInfo({});
        return true;
      } finally {
        await connection.close();
      }
    } catch (err) {
      last = err;
      await new Promise((r) => setTimeout(r, 250));
    }
  }
  return new Error(`Temporal at ${address} did not answer within ${timeoutMs} ms: ${String(last)}`);
}

// @temporalio/proto is CommonJS without named-export hints.
const { temporal } = proto;

const INDEXED: Record<SearchAttributeType, number> = {
  [SearchAttributeType.TEXT]: temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_TEXT,
  [SearchAttributeType.KEYWORD]: temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD,
  [SearchAttributeType.INT]: temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_INT,
  [SearchAttributeType.DOUBLE]: temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_DOUBLE,
  [SearchAttributeType.BOOL]: temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_BOOL,
  [SearchAttributeType.DATETIME]: temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_DATETIME,
  [SearchAttributeType.KEYWORD_LIST]: temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD_LIST,
};

/**
 * Creates the namespace if missing (or stretches its retention), and registers any case search
 * attribute it lacks. Safe to run on every start.
 */
export async function prepareNamespace(
  connection: Connection,
  namespace: string,
  retentionDays: number,
): Promise<void> {
  const retention = msToTs(retentionDays * 24 * 60 * 60 * 1000);
  try {
    await connection.workflowService.describeNamespace({ namespace });
    await connection.workflowService.updateNamespace({
      namespace,
      config: { workflowExecutionRetentionTtl: retention },
    });
  } catch (err) {
    if ((err as { code?: number }).code !== 5 /* NOT_FOUND */) throw err;
    await connection.workflowService.registerNamespace({ namespace, workflowExecutionRetentionPeriod: retention });
    // A new namespace reaches the server's namespace cache a few seconds later.
    await until(() => connection.workflowService.describeNamespace({ namespace }), 30_000);
  }
  const { customAttributes } = await until(
    () => connection.operatorService.listSearchAttributes({ namespace }),
    30_000,
  );
  const missing = SEARCH_ATTRIBUTE_KEYS.filter((k) => !(k.name in (customAttributes ?? {})));
  if (missing.length > 0) {
    await connection.operatorService.addSearchAttributes({
      namespace,
      searchAttributes: Object.fromEntries(missing.map((k) => [k.name, INDEXED[k.type]])),
    });
  }
}

async function until<T>(attempt: () => Promise<T>, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await attempt();
    } catch (err) {
      if (Date.now() > deadline) throw err;
      await new Promise((r) => setTimeout(r, 500));
    }
  }
}
