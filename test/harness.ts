/**
 * A stack per test file on the run's one Temporal server: the real worker wiring (worker.ts) on a
 * task queue of its own, and the real API app on a free port, driven over real HTTP.
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Server } from 'node:http';
import { Connection, type Client } from '@temporalio/client';
import { NativeConnection, Runtime, DefaultLogger, type Worker } from '@temporalio/worker';
import { pino, type Logger } from 'pino';
import { afterAll, beforeAll, inject } from 'vitest';
import { appDepsFromConfig, createApp, type AppDeps } from '../app.js';
import { signDevToken } from '../api/auth.js';
import { createMetrics } from '../api/metrics.js';
import { createAccessLog } from '../api/access-log.js';
import { loadConfig, type Config } from '../config/index.js';
import { connectClient } from '../config/temporal.js';
import type { HttpSystem, Role, Source } from '../domain/index.js';
import { createWorker } from '../worker.js';
import { spawnService, type Service } from '../scripts/processes.js';
import { prepareNamespace } from '../temporal/server.js';
import { onClusterTopology } from '../temporal/cluster.js';
import { openReporting, type ReportingStore } from '../reporting/index.js';
import { newCaseBody, uniqueHomeOfficeRef } from './case-body.js';
import { eventually, startSystems, type RunningSystem } from './systems.js';
import { throwAwayReportingDatabase } from './reporting-db.js';

let runtimeInstalled = false;

export interface Stack {
  baseUrl: string;
  systems: Record<HttpSystem, RunningSystem>;
  /** The worker: in-process by default; a separate process (killable) with `workerProcess`. */
  killWorker(): Promise<void>;
  startWorker(): Promise<void>;
  client: Client;
  config: Config;
  /** The API's reading of the reporting read model (the worker writes the same file, or PostgreSQL database). */
  reporting: ReportingStore;
  /** A token for a role; an integration token names its system (the Home Office unless said). */
  token(role: Role, sub?: string, system?: Source): Promise<string>;
  /** Opens a case over HTTP (expects 201) and returns its id; `opened` lists them in order. */
  openCase(overrides?: Record<string, unknown>): Promise<string>;
  /** Opens a case and waits until search finds it by its Home Office reference (inbound events find cases so). */
  openFindableCase(overrides?: Record<string, unknown>): Promise<{ caseId: string; homeOfficeRef: string }>;
  opened: string[];
  /** fetch with a bearer token for `role` and JSON in and out. */
  /**
   * fetch with a bearer token for `role` and JSON in and out. A change (POST …/events) behaves as
   * the contract asks of a client: it carries an Idempotency-Key and retries a 503 with the same
   * key (a loaded two-core machine can take longer than the API's deadline); a GET retries a 503
   * too; `retry503: false` shows the 503 instead.
   */
  call(
    method: string,
    path: string,
    options?: { role?: Role | null; body?: unknown; headers?: Record<string, string>; retry503?: boolean },
  ): Promise<{ status: number; headers: Headers; body: any }>;
  stop(): Promise<void>;
}

export function testConfig(env: Record<string, string> = {}): Config {
  const result = loadConfig({
    LOCAL_MODE: '1',
    TEMPORAL_ADDRESS: inject('temporalAddress'),
    TEMPORAL_NAMESPACE: inject('namespace'),
    TEMPORAL_TASK_QUEUE: `test-${randomUUID()}`,
    IMPORT_DIR: mkdtempSync(join(tmpdir(), 'imports-')),
    ACCESS_LOG_DIR: mkdtempSync(join(tmpdir(), 'access-log-')),
    REPORTING_DB: join(mkdtempSync(join(tmpdir(), 'reporting-')), 'reporting.sqlite'),
    LOG_LEVEL: 'silent',
    // Imports still pace themselves (the pace's rules: test/import-pace.unit.test.ts), against a looser
    // mark: two test files share two cores, so a case queue 50 ms behind is the machine, not a caseworker.
    IMPORT_PACE_BACKLOG_MS: '1000',
    IMPORT_PACE_STEP: '25',
    ...env,
  });
  if (!result.ok) throw new Error(result.error);
  return result.config;
}

export interface StackOptions {
  env?: Record<string, string>;
  /** Run the worker as its own process (worker.ts), so a test can SIGKILL it. */
  workerProcess?: boolean;
  /** A namespace of its own, created for this stack, named from this prefix. */
  namespacePrefix?: string;
  /** The API's logger; silent unless a test reads what the API logs. */
  logger?: Logger;
}

export async function startStack(options: StackOptions = {}): Promise<Stack> {
  if (!runtimeInstalled) {
    // The SDK's own logs only when something is wrong: test output stays readable.
    Runtime.install({ logger: new DefaultLogger('WARN') });
    runtimeInstalled = true;
  }
  let namespace: Record<string, string> = {};
  if (options.namespacePrefix) {
    const name = `${options.namespacePrefix}-${randomUUID().slice(0, 8)}`;
    const admin = await Connection.connect({ address: inject('temporalAddress') });
    await prepareNamespace(admin, name, 1);
    await admin.close();
    namespace = { TEMPORAL_NAMESPACE: name };
  }
  const { systems, env: systemsEnv } = await startSystems();
  // What has started so far, stopped again if a later part fails to start (a slow machine, a
  // refused connection): a failed start leaves no process or connection behind the test file.
  const undo: Array<() => Promise<unknown>> = [() => Promise.all(Object.values(systems).map((s) => s.kill()))];
  try {
    // On the cluster topology (`npm run test:cluster`) the reporting model is in PostgreSQL, as
    // `npm run start:cluster` keeps it: a database of this stack's own.
    const reportingDb = onClusterTopology() ? await throwAwayReportingDatabase('stack') : undefined;
    if (reportingDb) undo.push(() => reportingDb.drop());
    const env = {
      ...namespace,
      ...systemsEnv,
      ...(reportingDb ? { REPORTING_POSTGRES_URL: reportingDb.url } : {}),
      ...options.env,
    };
    const config = testConfig(env);
    let nativeConnection: NativeConnection | undefined;
    let worker: Worker | undefined;
    let running: Promise<void> | undefined;
    let workerService: Service | undefined;
    async function startWorker() {
      if (options.workerProcess) {
        workerService = spawnService('worker', 'worker.ts', {
          env: {
            ...env,
            TEMPORAL_ADDRESS: config.temporal.address,
            TEMPORAL_NAMESPACE: config.temporal.namespace,
            TEMPORAL_TASK_QUEUE: config.temporal.taskQueue,
            REPORTING_DB: config.reporting.dbFile,
            WORKFLOW_BUNDLE: inject('workflowBundlePath'),
            LOG_LEVEL: 'warn',
            WORKER_METRICS_ADDRESS: '',
          },
        });
        return;
      }
      nativeConnection ??= await NativeConnection.connect({ address: config.temporal.address });
      worker = await createWorker({
        connection: nativeConnection,
        client,
        config,
        workflowBundle: { codePath: inject('workflowBundlePath') },
      });
      running = worker.run();
    }
    async function killWorker() {
      if (workerService) await workerService.kill();
      else if (worker) {
        worker.shutdown();
        await running;
      }
    }
    // The client as server.ts makes it (its metrics, its visibility budget, no SDK retries), so
    // the tests meet Temporal's refusals as the API does in production.
    const metrics = createMetrics();
    const { connection, client } = await connectClient(config, metrics.observeTemporal);
    undo.push(
      () => connection.close(),
      async () => nativeConnection?.close(),
    );
    await startWorker();
    undo.push(killWorker);
    const reporting = await openReporting(config.reporting);
    const deps = appDepsFromConfig(config);
    const app = createApp({
      devSignIn: true,
      secureCookies: false,
      client,
      logger: options.logger ?? pino({ level: 'silent' }),
      metrics,
      reporting,
      ...deps,
    });
    const server: Server = await new Promise((resolve) => {
      const s = app.listen(0, '127.0.0.1', () => resolve(s));
    });
    const { port } = server.address() as { port: number };
    const baseUrl = `http://127.0.0.1:${port}`;
    const token = (role: Role, sub = `test-${role}`, system: Source = 'home-office') =>
      signDevToken({ role, sub, ...(role === 'integration' ? { system } : {}) }, config.auth);

    const opened: string[] = [];
    const stack: Stack = {
      opened,
      async openCase(overrides = {}) {
        const res = await stack.call('POST', '/cases', { body: newCaseBody(overrides) });
        if (res.status !== 201) throw new Error(`POST /cases answered ${res.status}: ${JSON.stringify(res.body)}`);
        opened.push(res.body.caseId);
        return res.body.caseId as string;
      },
      async openFindableCase(overrides = {}) {
        const body = newCaseBody(overrides);
        const caseId = await stack.openCase(body);
        const homeOfficeRef = body.homeOfficeRef as string;
        await eventually(
          async () =>
            (await stack.call('GET', `/cases?ref=${homeOfficeRef}`, { role: 'supervisor' })).body.cases.length === 1
              ? true
              : undefined,
          15_000,
          'the case in search',
        );
        return { caseId, homeOfficeRef };
      },
      baseUrl,
      client,
      config,
      reporting,
      systems,
      killWorker,
      startWorker,
      token,
      async call(method, path, options = {}) {
        const headers: Record<string, string> = { ...options.headers };
        if (options.role !== null) headers.authorization = `Bearer ${await token(options.role ?? 'caseworker')}`;
        if (options.body !== undefined) headers['content-type'] ??= 'application/json';
        const isChange = method === 'POST' && path.endsWith('/events') && options.retry503 !== false;
        if (isChange) headers['idempotency-key'] ??= randomUUID();
        // A read is safe to repeat: retried like a change, as the contract's Retry-After asks of a client.
        const retries = isChange || (method === 'GET' && options.retry503 !== false);
        for (let attempt = 1; ; attempt++) {
          const res = await fetch(`${baseUrl}${path}`, {
            method,
            headers,
            body:
              options.body === undefined
                ? undefined
                : typeof options.body === 'string'
                  ? options.body
                  : JSON.stringify(options.body),
          });
          const text = await res.text();
          if (retries && res.status === 503 && attempt < 5) continue;
          return {
            status: res.status,
            headers: res.headers,
            body: text && /json/.test(res.headers.get('content-type') ?? '') ? JSON.parse(text) : text || undefined,
          };
        }
      },
      async stop() {
        server.closeAllConnections();
        await new Promise((resolve) => server.close(resolve));
        await deps.accessLog.close();
        await killWorker();
        await connection.close();
        await nativeConnection?.close();
        await reporting.close();
        await reportingDb?.drop();
        await Promise.all(Object.values(systems).map((s) => s.kill()));
      },
    };
    return stack;
  } catch (err) {
    for (const step of undo.reverse()) await step().catch(() => {});
    throw err;
  }
}

/**
 * A stack on a namespace of its own, for tests whose figures count every case there (reports,
 * imports, the pages' watch list): other files' cases cannot leak in.
 */
export function useStackInOwnNamespace(prefix: string, env: Record<string, string> = {}): Stack {
  return useStack({ env, namespacePrefix: prefix });
}

export { newCaseBody, uniqueHomeOfficeRef };

/**
 * A second API process's app on the stack's client and a free port, with what a test changes
 * (another policy, an unwritable access log): its URL, and how to close it.
 */
export async function extraApi(stack: Stack, deps: Partial<AppDeps>): Promise<{ url: string; close(): Promise<void> }> {
  const accessLog = deps.accessLog ?? createAccessLog(stack.config.accessLog);
  const app = createApp({
    devSignIn: true,
    secureCookies: false,
    client: stack.client,
    taskQueue: stack.config.temporal.taskQueue,
    namespace: stack.config.temporal.namespace,
    auth: stack.config.auth,
    logger: pino({ level: 'silent' }),
    reporting: stack.reporting,
    ...deps,
    accessLog,
  });
  const server: Server = await new Promise((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  return {
    url: `http://127.0.0.1:${(server.address() as { port: number }).port}`,
    close: async () => {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await accessLog.close();
    },
  };
}

/**
 * Makes the Home Office reject the case's next delivery for good, and waits until the case shows it.
 * `latencyMs`: how slowly it answers meanwhile; past the try's 1.5 s (TRY_WITHIN_MS) the refusal
 * comes to the scheduled delivery (the try within the task given up on), otherwise to the try.
 */
export async function rejectedDelivery(stack: Stack, caseId: string, { latencyMs = 0 } = {}): Promise<void> {
  await stack.systems.homeOffice.faults({ rejectRefs: [caseId], latencyMs });
  try {
    await stack.call('POST', `/cases/${caseId}/events`, { body: { type: 'claim.screened' } });
    await eventually(
      async () => ((await stack.call('GET', `/cases/${caseId}`)).body.sync.homeOffice.failure ? true : undefined),
      20_000,
      'failure',
    );
  } finally {
    await stack.systems.homeOffice.faults({ rejectRefs: [] });
  }
}

/** How many events the current run's history holds. */
export async function historyLength(client: Client, workflowId: string): Promise<number> {
  const history = await client.workflow.getHandle(workflowId).fetchHistory();
  return history.events?.length ?? 0;
}

/**
 * The history length once the workflow is idle: no workflow task scheduled or running at the end
 * of its history, and the same length on two reads apart.
 */
export async function settledHistoryLength(client: Client, workflowId: string): Promise<number> {
  let last = -1;
  for (;;) {
    const events = (await client.workflow.getHandle(workflowId).fetchHistory()).events ?? [];
    const tail = events.at(-1);
    const busy = !tail || tail.workflowTaskScheduledEventAttributes || tail.workflowTaskStartedEventAttributes;
    if (!busy && events.length === last) return last;
    last = busy ? -1 : events.length;
    await new Promise((r) => setTimeout(r, 300));
  }
}

/**
 * For a test file that works on one stack and one open case: starts both before the tests and
 * stops the stack after. Read `ctx.stack` and `ctx.caseId` inside tests.
 */
export function useStackWithCase(options: StackOptions = {}) {
  const ctx = {} as { stack: Stack; caseId: string };
  beforeAll(async () => {
    ctx.stack = await startStack(options);
    ctx.caseId = await ctx.stack.openCase();
  });
  afterAll(async () => {
    await ctx.stack?.stop();
  });
  return ctx;
}

/**
 * The stack of a test file: started before its tests, stopped after them (after `beforeStop`,
 * e.g. recording fixtures). The value returned stands for the stack once it is running.
 */
export function useStack(options: StackOptions = {}, beforeStop?: (stack: Stack) => Promise<void>): Stack {
  let running: Stack | undefined;
  beforeAll(async () => {
    running = await startStack(options);
  });
  afterAll(async () => {
    if (!running) return;
    await beforeStop?.(running);
    await running.stop();
  });
  return new Proxy({} as Stack, {
    get(_target, prop) {
      if (!running) throw new Error('the test stack is used before it started');
      const value = running[prop as keyof Stack];
      return typeof value === 'function' ? value.bind(running) : value;
    },
  });
}
