/**
 * `npx tsx bench/cache-memory.ts [--cases 1000]`: the worker's memory per cached workflow (#21). One dev
 * server; on it, each in a fresh process of its own (so one phase's freed pages are not another's
 * RSS), a worker with room in its cache for every workflow and N workflows held in it:
 *   - bare: bench/baseline-workflows.ts's trivial workflow (one update handler, waiting), the baseline;
 *   - case-unshared: new cases on the product's bundle as it was before #21 (every module once per case);
 *   - case: new cases on the bundle as the worker builds it (worker.ts: PRELOADED_MODULES shared).
 * Cases' deliveries are answered by a stub. The workflows run in the phase's main thread (the SDK's
 * debugMode: the same reusable V8 context, without the worker thread), so a forced GC and the
 * isolate's heap see them; RSS also counts what the SDK's core (Rust) keeps per cached run.
 * Per workflow = (after N − before) ÷ N, after GC, the context already made by one workflow before.
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { parseArgs } from 'node:util';
import pMap from 'p-map';
import { Client, Connection } from '@temporalio/client';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import {
  bundleWorkflowCode,
  DefaultLogger,
  NativeConnection,
  Runtime,
  Worker,
  type WorkerOptions,
} from '@temporalio/worker';
import type { Activities } from '../activities/index.js';
import { caseIdFor } from '../ids/case-id.js';
import { DEFAULT_POLICY, openCase, type OpenCaseInput, type OutboundMessage, type Receipt } from '../domain/index.js';
import { resolveTemporalCli } from '../temporal/cli.js';
import {
  caseStateQuery,
  caseWorkflowId,
  CASE_WORKFLOW_TYPE,
  namedFeatures,
  type CaseWorkflowInput,
} from '../workflows/messages.js';
import { SEARCH_ATTRIBUTE_KEYS, searchAttributesOf } from '../workflows/search-attributes.js';
import { PRELOADED_MODULES, WORKFLOWS_PATH } from '../worker.js';
import { newCaseBody } from '../test/case-body.js';
import { bumpUpdate } from './baseline-workflows.js';
import { machine, writeResults } from './common.js';

const { values } = parseArgs({
  options: {
    cases: { type: 'string', default: '1000' },
    concurrency: { type: 'string', default: '8' },
    // Internal: run one phase against the server at `address` and print its figures as JSON.
    phase: { type: 'string' },
    address: { type: 'string' },
  },
});
const N = Number(values.cases);
const CONCURRENCY = Number(values.concurrency);
const say = (line: string) => console.error(`[cache-memory] ${line}`);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const MiB = 2 ** 20;
const PHASES = ['bare', 'case-unshared', 'case'] as const;
type PhaseName = (typeof PHASES)[number];

interface PhaseFigures {
  before: { heapUsedMiB: number; rssMiB: number };
  after: { heapUsedMiB: number; rssMiB: number };
  perWorkflowKiB: { heapUsed: number; rss: number };
  seconds: number;
}

if (values.phase) {
  const figures = await runPhase(values.phase as PhaseName, values.address!);
  console.log(JSON.stringify(figures));
  process.exit(0);
}

// The parent: one server, then each phase in a child process of its own, one after another.
Runtime.install({ logger: new DefaultLogger('ERROR') });
const cli = await resolveTemporalCli({ log: say });
if (!cli.ok) throw new Error(cli.error);
if (cli.value.kind !== 'binary')
  throw new Error('needs a Temporal CLI binary (not TEMPORAL_ADDRESS): a dev server of its own');
const env = await TestWorkflowEnvironment.createLocal({
  server: {
    executable: { type: 'existing-path', path: cli.value.path },
    searchAttributes: SEARCH_ATTRIBUTE_KEYS,
    log: { format: 'pretty', level: 'error' },
  },
});
const results = {} as Record<PhaseName, PhaseFigures>;
try {
  for (const phase of PHASES) {
    results[phase] = await child(phase, env.address);
    const p = results[phase].perWorkflowKiB;
    say(`${phase}: per workflow heap ${p.heapUsed.toFixed(1)} KiB, RSS ${p.rss.toFixed(1)} KiB`);
  }
} finally {
  await env.teardown();
}

const out = {
  at: new Date().toISOString(),
  machine: machine(),
  workflows: N,
  ...results,
  caseOverBareKiB: {
    heapUsed: results.case.perWorkflowKiB.heapUsed - results.bare.perWorkflowKiB.heapUsed,
    rss: results.case.perWorkflowKiB.rss - results.bare.perWorkflowKiB.rss,
  },
};
const file = writeResults('cache-memory', out);
const k = (v: number) => `${v.toFixed(1)} KiB`;
console.log(`\nWorker memory per cached workflow — ${out.machine}\n${N} workflows each, after GC\n`);
console.log('| per cached workflow | heap used | RSS |');
console.log('|---|---|---|');
const row = (name: string, f: PhaseFigures) =>
  console.log(`| ${name} | ${k(f.perWorkflowKiB.heapUsed)} | ${k(f.perWorkflowKiB.rss)} |`);
row('bare workflow', results.bare);
row('case, every module once per case (before #21)', results['case-unshared']);
row('case, domain/ shared (PRELOADED_MODULES)', results.case);
console.log(`| case − bare | ${k(out.caseOverBareKiB.heapUsed)} | ${k(out.caseOverBareKiB.rss)} |`);
console.log(`Written: ${file}`);

/** Runs this file again for one phase; answers the figures it prints. */
function child(phase: PhaseName, address: string): Promise<PhaseFigures> {
  const args = [
    ...process.execArgv,
    fileURLToPath(import.meta.url),
    ...['--phase', phase, '--address', address, '--cases', String(N), '--concurrency', String(CONCURRENCY)],
  ];
  const proc = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'inherit'] });
  let stdout = '';
  proc.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  return new Promise((resolve, reject) =>
    proc.on('exit', (code) =>
      code === 0
        ? resolve(JSON.parse(stdout.trim().split('\n').at(-1)!) as PhaseFigures)
        : reject(new Error(`phase ${phase} exited ${code}`)),
    ),
  );
}

interface Phase {
  bundle: { workflowsPath: string; preloadModules?: string[] };
  activities?: WorkerOptions['activities'];
  /** Starts workflow i and waits until the worker has run its first task (it is then in the cache). */
  start(i: number, taskQueue: string): Promise<void>;
  /** Resolves when the phase's workflows have nothing left to do (their deliveries answered). */
  settled(): Promise<void>;
}

async function runPhase(name: PhaseName, address: string): Promise<PhaseFigures> {
  Runtime.install({ logger: new DefaultLogger('ERROR') });
  // A forced GC without a command-line flag: the flag set at run time, `gc` read from a fresh context.
  setFlagsFromString('--expose-gc');
  const gc = runInNewContext('gc') as () => void;
  const settledMemory = async () => {
    for (let i = 0; i < 4; i++) {
      gc();
      await sleep(250);
    }
    const { heapUsed, rss } = process.memoryUsage();
    return { heapUsed, rss };
  };
  const connection = await NativeConnection.connect({ address });
  const clientConnection = await Connection.connect({ address });
  const client = new Client({ connection: clientConnection });
  const phase = phases(client)[name];
  const taskQueue = `cache-memory-${name}`;
  const quiet = { trace() {}, debug() {}, info() {}, warn() {}, error: say, log() {} } as never;
  const { code } = await bundleWorkflowCode({ ...phase.bundle, logger: quiet });
  const worker = await Worker.create({
    connection,
    taskQueue,
    workflowBundle: { code },
    ...(phase.activities ? { activities: phase.activities } : {}),
    maxCachedWorkflows: N + 10,
    debugMode: true, // this thread: GC and heap figures include the workflows
  });
  const running = worker.run();
  try {
    await phase.start(-1, taskQueue); // the context and whatever is shared exist before the baseline
    await phase.settled();
    const before = await settledMemory();
    const t0 = performance.now();
    await pMap(
      Array.from({ length: N }, (_, i) => i),
      (i) => phase.start(i, taskQueue),
      { concurrency: CONCURRENCY },
    );
    await phase.settled();
    const seconds = (performance.now() - t0) / 1000;
    const after = await settledMemory();
    const per = (k: keyof typeof before) => (after[k] - before[k]) / N / 1024;
    return {
      before: { heapUsedMiB: before.heapUsed / MiB, rssMiB: before.rss / MiB },
      after: { heapUsedMiB: after.heapUsed / MiB, rssMiB: after.rss / MiB },
      perWorkflowKiB: { heapUsed: per('heapUsed'), rss: per('rss') },
      seconds,
    };
  } finally {
    worker.shutdown();
    await running;
    await connection.close();
    await clientConnection.close();
  }
}

function phases(client: Client): Record<PhaseName, Phase> {
  // The cases' deliveries: answered at once, counted, so a phase knows when they stop.
  let delivered = 0;
  const activities: Partial<Activities> = {
    async deliver(message: OutboundMessage): Promise<Receipt> {
      delivered += 1;
      return { receiptId: `${message.system}-${message.key}` };
    },
  };
  const cases = (refLetter: string, preloadModules?: string[]): Phase => ({
    bundle: { workflowsPath: WORKFLOWS_PATH, ...(preloadModules ? { preloadModules } : {}) },
    activities,
    async start(i, taskQueue) {
      const body = newCaseBody({ homeOfficeRef: `${refLetter}${String(i + 1).padStart(7, '0')}` }) as Omit<
        OpenCaseInput,
        'caseId' | 'openedAt'
      >;
      const caseId = caseIdFor(body.homeOfficeRef);
      const open: OpenCaseInput = { ...body, caseId, openedAt: new Date().toISOString() };
      const input: CaseWorkflowInput = { open, policy: DEFAULT_POLICY, ...namedFeatures(true) };
      const handle = await client.workflow.start(CASE_WORKFLOW_TYPE, {
        workflowId: caseWorkflowId(caseId),
        taskQueue,
        args: [input],
        typedSearchAttributes: searchAttributesOf(openCase(open)),
      });
      // Answered once the worker has run its first task; on a loaded machine a task may time out
      // and be retried, and a query meanwhile is refused: ask again.
      for (let attempt = 1; ; attempt++) {
        try {
          await handle.query(caseStateQuery);
          return;
        } catch (err) {
          if (attempt >= 30) throw err;
          await sleep(1000);
        }
      }
    },
    async settled() {
      // Deliveries and the tasks recording their receipts: done when none has come for two seconds.
      for (let last = -1; last !== delivered; await sleep(2000)) last = delivered;
      await sleep(2000);
    },
  });
  return {
    bare: {
      bundle: { workflowsPath: fileURLToPath(new URL('./baseline-workflows.ts', import.meta.url)) },
      async start(i, taskQueue) {
        const handle = await client.workflow.start('bareWorkflow', { workflowId: `bare-${i}`, taskQueue, args: [] });
        await handle.executeUpdate(bumpUpdate, { args: [1] });
      },
      settled: async () => undefined,
    },
    'case-unshared': cases('U'),
    case: cases('C', PRELOADED_MODULES),
  };
}
