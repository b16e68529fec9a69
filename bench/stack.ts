/**
 * A benchmark's own stack: test/stack.ts's (a Temporal server of its own, the reference systems,
 * the worker and the API, each its own process on free ports), plus an in-process bare worker on a
 * task queue of its own for the baseline: trivial workflows on the same server, so every ratio
 * compares like with like.
 */
import { Client } from '@temporalio/client';
import { bundleWorkflowCode, DefaultLogger, NativeConnection, Runtime, Worker } from '@temporalio/worker';
import { startProcessStack, type ProcessStack } from '../test/stack.js';
import { createSameJobActivities } from './same-job-activities.js';

export interface BenchStack extends ProcessStack {
  /**
   * The bare baseline: a trivial workflow with one update handler, served in this process, and the
   * client to drive it. Bare Temporal: no payload codec on either (the product's client, `client`,
   * encrypts; this one does not). The same-job baseline (#21) runs on it too.
   */
  baseline: { taskQueue: string; client: Client };
}

const say = (line: string) => console.error(`[bench] ${line}`);

export interface BenchStackOptions {
  /** Worker processes on the task queue; default 2 on the cluster topology, 1 on the dev server. */
  workers?: number;
}

export async function startBenchStack(
  env: Record<string, string> = {},
  options: BenchStackOptions = {},
): Promise<BenchStack> {
  Runtime.install({ logger: new DefaultLogger('WARN') });
  const stack = await startProcessStack({
    name: 'bench',
    env,
    ...options,
    // BENCH_DYNAMIC_CONFIG="key=value;key=value": run the dev server with other dynamic config, to profile a setting.
    ...(process.env.BENCH_DYNAMIC_CONFIG ? { dynamicConfig: process.env.BENCH_DYNAMIC_CONFIG.split(';') } : {}),
    // BENCH_WORKER_NODE_ARGS="--cpu-prof --cpu-prof-dir=…": profile the worker (written when it stops).
    ...(process.env.BENCH_WORKER_NODE_ARGS
      ? { workerNodeArgs: process.env.BENCH_WORKER_NODE_ARGS.split(' ').filter(Boolean) }
      : {}),
    // BENCH_API_NODE_ARGS="--cpu-prof --cpu-prof-dir=…": profile the API the same way.
    ...(process.env.BENCH_API_NODE_ARGS
      ? { apiNodeArgs: process.env.BENCH_API_NODE_ARGS.split(' ').filter(Boolean) }
      : {}),
    // The parts' own logs only on request: under injected faults they are expected to complain.
    verbose: Boolean(process.env.BENCH_VERBOSE),
  });

  // The baseline worker: trivial workflows, bundled from bench/baseline-workflows.ts, and the
  // same-job baseline's workflow and activity (bench/same-job-workflow.ts), delivering to the stack's reference systems.
  const { address, namespace } = stack.config.temporal;
  const nativeConnection = await NativeConnection.connect({ address });
  const { code } = await bundleWorkflowCode({
    workflowsPath: new URL('./baseline-workflows.ts', import.meta.url).pathname,
    logger: { trace() {}, debug() {}, info() {}, warn() {}, error: say, log() {} } as never,
  });
  const baselineQueue = 'bare-baseline';
  const sameJob = createSameJobActivities(stack.systems);
  const bare = await Worker.create({
    connection: nativeConnection,
    namespace,
    taskQueue: baselineQueue,
    workflowBundle: { code },
    activities: { deliverPlain: sameJob.deliverPlain },
  });
  const bareRunning = bare.run();

  // Onto the stack itself, not a copy: its `worker` is a getter that follows restarts.
  const stopStack = stack.stop.bind(stack);
  return Object.assign(stack, {
    baseline: { taskQueue: baselineQueue, client: new Client({ connection: stack.client.connection, namespace }) },
    async stop() {
      // Guarded, so a stop after a failure reports that failure rather than one of its own.
      if (bare.getState() === 'RUNNING') bare.shutdown();
      await bareRunning.catch((err: unknown) => say(`the bare worker had stopped: ${String(err)}`));
      await nativeConnection.close();
      sameJob.close();
      await stopStack();
    },
  });
}

/** Percentiles of a sample, in the sample's unit. */
export function percentiles(values: number[]): { n: number; p50: number; p95: number; p99: number; max: number } {
  const s = [...values].sort((a, b) => a - b);
  const at = (q: number) => s[Math.min(s.length - 1, Math.floor(q * s.length))] ?? NaN;
  return { n: s.length, p50: at(0.5), p95: at(0.95), p99: at(0.99), max: s.at(-1) ?? NaN };
}
