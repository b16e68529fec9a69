/**
 * What every benchmark does besides its own measurement: say which machine it ran on, start bare
 * workflows for the baseline, bring cases in through the import, and write its JSON.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import pMap from 'p-map';
import { caseQueueReader } from '../activities/import-pace.js';
import { TEMPORAL_SERVER_VERSION } from '../temporal/cluster.js';
import { percentiles, type BenchStack } from './stack.js';

export const machine = (stack?: Pick<BenchStack, 'topology' | 'workers' | 'apiProcesses'>) =>
  `${cpus().length} cores (${cpus()[0]?.model.trim()}), ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}, ${
    stack?.topology === 'cluster'
      ? `Temporal server ${TEMPORAL_SERVER_VERSION} on PostgreSQL, ${stack.workers.length} worker(s), ${stack.apiProcesses} API processes`
      : 'Temporal dev server (SQLite, WAL)'
  }`;

/** Writes bench/results/<name>-<time>.json and returns its path. */
export function writeResults(name: string, out: { at: string } & Record<string, unknown>): string {
  mkdirSync('bench/results', { recursive: true });
  const file = `bench/results/${name}-${out.at.replace(/[:.]/g, '-')}.json`;
  writeFileSync(file, `${JSON.stringify(out, null, 2)}\n`);
  return file;
}

/** Starts `n` bare workflows at `concurrency`; answers starts per second. */
export async function bareStarts(
  stack: BenchStack,
  n: number,
  concurrency: number,
  opts: { type?: string; idPrefix?: string; args?: (i: number) => unknown[] } = {},
): Promise<number> {
  const t0 = performance.now();
  await pMap(
    Array.from({ length: n }, (_, i) => i),
    (i) =>
      stack.baseline.client.workflow.start(opts.type ?? 'bareWorkflow', {
        workflowId: `${opts.idPrefix ?? 'bare-start'}-${i}`,
        taskQueue: stack.baseline.taskQueue,
        args: opts.args?.(i) ?? [],
      }),
    { concurrency },
  );
  return n / ((performance.now() - t0) / 1000);
}

export interface ImportRun {
  seconds: number;
  validationSeconds: number;
  report: { phase: string; accepted: number; rejected: number; outcomes: Record<string, number> } & Record<
    string,
    unknown
  >;
}

/** Uploads a CSV through `POST /imports` and polls its report until done. */
export async function importCsv(
  stack: BenchStack,
  token: string,
  csv: string,
  fileName: string,
  pollMs = 1000,
): Promise<ImportRun> {
  const auth = { authorization: `Bearer ${token}` };
  const t0 = performance.now();
  const res = await fetch(`${stack.apiUrl}/imports?fileName=${encodeURIComponent(fileName)}`, {
    method: 'POST',
    headers: { ...auth, 'content-type': 'text/csv' },
    body: csv,
  });
  if (res.status !== 202) throw new Error(`upload of ${fileName}: ${res.status} ${await res.text()}`);
  const { location } = (await res.json()) as { location: string };
  let validatedAt: number | undefined;
  for (;;) {
    const report = (await (await fetch(`${stack.apiUrl}${location}`, { headers: auth })).json()) as ImportRun['report'];
    if (report.phase !== 'validating') validatedAt ??= performance.now();
    if (report.phase === 'done')
      return {
        seconds: (performance.now() - t0) / 1000,
        validationSeconds: ((validatedAt ?? performance.now()) - t0) / 1000,
        report,
      };
    await new Promise((r) => setTimeout(r, pollMs));
  }
}

/**
 * Calls `call` `n` times, one after another or `concurrency` at a time; the percentiles of how long
 * each took, in ms.
 */
export async function timed(n: number, call: () => Promise<unknown>, concurrency = 1) {
  const samples: number[] = [];
  await pMap(
    Array.from({ length: n }),
    async () => {
      const t0 = performance.now();
      await call();
      samples.push(performance.now() - t0);
    },
    { concurrency },
  );
  return percentiles(samples);
}

/**
 * Waits until no workflow task waits in `taskQueue` (two readings in a row): the cases started are
 * then absorbed, their first tasks run. A start answers long before that, so a rate of starts alone
 * flatters whoever floods the queue (the first runs here left 5–23 s of tasks waiting at the end).
 */
export async function drained(stack: BenchStack, taskQueue: string) {
  const read = caseQueueReader(stack.client, stack.config.temporal.namespace, taskQueue, 'all');
  for (let calm = 0; calm < 2;) {
    await new Promise((r) => setTimeout(r, 250));
    calm = (await read()).backlogCount === 0 ? calm + 1 : 0;
  }
}
