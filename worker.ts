/**
 * The worker: wiring only. Load config, connect once, build activities from their adapters, serve
 * the case workflows, shut down cleanly on SIGINT/SIGTERM. Tests boot `createWorker` itself, so a
 * registration missing here fails CI.
 */
import { fileURLToPath } from 'node:url';
import { getHeapStatistics } from 'node:v8';
import type { Client } from '@temporalio/client';
import { Runtime, Worker, type NativeConnection, type WorkerOptions } from '@temporalio/worker';
import { createActivities } from './activities/index.js';
import { httpSystemPort } from './activities/ports.js';
import { wireFormat } from './integrations/formats.js';
import { perHttpSystem } from './domain/index.js';
import { reportingPort } from './activities/reporting-port.js';
import { openReporting } from './reporting/index.js';
import { configOrExit, type Config } from './config/index.js';
import { createLogger } from './config/logger.js';
import { connectClient, connectWorker, dataConverter } from './config/temporal.js';
import { ensureReconciliationSchedule } from './schedules/reconciliation.js';

export const WORKFLOWS_PATH = fileURLToPath(new URL('./workflows/index.ts', import.meta.url));

/**
 * Bundle modules evaluated once per workflow thread and shared by every cached workflow. The SDK's
 * reusable V8 context evaluates the bundle's modules again for each workflow it caches; domain/ is
 * pure (no I/O, no package, no state of its own between calls), so it is evaluated once and shared,
 * frozen, instead of once per case (bench/cache-memory.ts measures the difference). Every bundle of
 * WORKFLOWS_PATH passes these (test/provide-run.ts), so tests and replays run the code as it runs here.
 */
export const PRELOADED_MODULES = [fileURLToPath(new URL('./domain/index.ts', import.meta.url))];

/**
 * Heap to allow each cached case. A new case holds 83–92 KiB of heap in the cache (bench/cache-memory.ts,
 * domain/ shared); three times that leaves room for a long-lived case's larger state (bounded: #19).
 * The SDK's own default budgets 1.7 MiB per workflow of any kind: 2,310 at a 4 GiB heap, fewer than a
 * timer storm's 10,000 cases, every one of them then replayed first.
 */
export const HEAP_PER_CACHED_CASE_KIB = 256;
/** Heap kept for everything else: the bundle, the activities, the task in hand. */
const HEAP_RESERVED_MIB = 512;

/**
 * How many workflows the worker keeps cached: the configured number, or as many as the workflow
 * thread's heap holds at HEAP_PER_CACHED_CASE_KIB (the thread has the process's heap limit; raise
 * both with NODE_OPTIONS=--max-old-space-size). At least the SDK's minimum of 2.
 */
export function workflowCacheSize(configured: number | undefined, heapLimitBytes: number): number {
  if (configured !== undefined) return configured;
  const heapMiB = heapLimitBytes / 2 ** 20;
  return Math.max(2, Math.floor(((heapMiB - HEAP_RESERVED_MIB) * 1024) / HEAP_PER_CACHED_CASE_KIB));
}

export interface WorkerWiring {
  connection: NativeConnection;
  /** For what activities ask of Temporal itself (reconciliation) and for the Schedule. */
  client: Client;
  config: Config;
  /** A prebuilt bundle (tests build one per run; production ships one). Default: bundle at start. */
  workflowBundle?: { code: string } | { codePath: string };
  overrides?: Partial<WorkerOptions>;
}

export async function createWorker({
  connection,
  client,
  config,
  workflowBundle,
  overrides,
}: WorkerWiring): Promise<Worker> {
  await ensureReconciliationSchedule(client, { taskQueue: config.temporal.taskQueue, ...config.reconciliation });
  return Worker.create({
    connection,
    namespace: config.temporal.namespace,
    taskQueue: config.temporal.taskQueue,
    // The client's own (encrypted payloads, encoded failures); a prebuilt bundle must have been
    // bundled with its failureConverterPath (test/provide-run.ts).
    dataConverter: dataConverter(config),
    maxCachedWorkflows: workflowCacheSize(config.workerCachedWorkflows, getHeapStatistics().heap_size_limit),
    ...(config.workerWorkflowTaskSlots ? { maxConcurrentWorkflowTaskExecutions: config.workerWorkflowTaskSlots } : {}),
    ...(workflowBundle
      ? { workflowBundle }
      : { workflowsPath: WORKFLOWS_PATH, bundlerOptions: { preloadModules: PRELOADED_MODULES } }),
    activities: createActivities({
      client,
      namespace: config.temporal.namespace,
      taskQueue: config.temporal.taskQueue,
      importDir: config.imports.dir,
      csvLimits: config.imports.csvLimits,
      importPace: config.imports.pace,
      importPriority: config.imports.priority,
      nameCaseFeatures: config.nameCaseFeatures,
      openReportingStore: () => openReporting(config.reporting),
      // One HTTP adapter per system, in its own language unless configured otherwise
      // (integrations/formats.ts); escalations go to the notifier's webhook (locally the reference
      // notifier stores and lists them).
      ports: {
        ...perHttpSystem((system) =>
          httpSystemPort(system, config.systems[system], wireFormat(system, config.formats[system])),
        ),
        // The reporting read model is written from here (its SQLite file or PostgreSQL), opened on the first delivery.
        reporting: reportingPort(() => openReporting(config.reporting, { lockWaitMs: 200 })),
      },
    }),
    ...overrides,
  });
}

async function main() {
  const config = configOrExit();
  const log = createLogger(config, 'worker');
  if (config.calendarWarning) log.warn(config.calendarWarning);
  // The SDK's own metrics (task latencies, slots, polls, activity outcomes) in Prometheus format.
  // Empty WORKER_METRICS_ADDRESS: none (tests run several workers on one machine).
  if (config.workerMetricsAddress)
    Runtime.install({ telemetryOptions: { metrics: { prometheus: { bindAddress: config.workerMetricsAddress } } } });
  const connection = await connectWorker(config);
  const { connection: clientConnection, client } = await connectClient(config);
  const bundlePath = process.env.WORKFLOW_BUNDLE;
  const worker = await createWorker({
    connection,
    client,
    config,
    ...(bundlePath ? { workflowBundle: { codePath: bundlePath } } : {}),
  });
  log.info(
    {
      taskQueue: config.temporal.taskQueue,
      namespace: config.temporal.namespace,
      cachedWorkflows: worker.options.maxCachedWorkflows,
    },
    'worker running',
  );
  // Worker.run() handles SIGINT/SIGTERM itself: it stops polling and lets running tasks finish.
  await worker.run();
  await clientConnection.close();
  await connection.close();
  log.info('worker stopped');
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  main().catch((err) => {
    console.error(err);
    process.exit(1);
  });
}
