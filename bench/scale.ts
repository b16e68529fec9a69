/**
 * `npm run bench:scale [-- --cases 10000,100000 --samples 40]`: how the product holds up as open
 * cases pile up on one dev server. Cases come in through the import in 10,000-row files (the
 * fastest honest way in); at each mark we time `GET /cases` searches and `GET /reports/summary`,
 * against the same visibility query made directly with the Temporal client (the bare baseline),
 * and read the worker's memory (RSS of its process tree) and workflow cache size. Prints a table;
 * writes JSON.
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { homeOfficeRef } from '../domain/index.js';
import { visibilityQuery, type SearchQuery } from '../api/search.js';
import { freePort } from '../test/ports.js';
import { CASE_WORKFLOW_TYPE } from '../workflows/messages.js';
import { backlogSheet } from './backlog.js';
import { drained, importCsv, machine, timed, writeResults } from './common.js';
import { startBenchStack, type BenchStack } from './stack.js';

const { values } = parseArgs({
  options: {
    cases: { type: 'string', default: '10000,100000' },
    samples: { type: 'string', default: '40' },
    chunk: { type: 'string', default: '10000' },
    /** The worker's IMPORT_PACE for the seeding: the product's default, or fixed (faster to seed, a backlog left behind). */
    pace: { type: 'string', default: 'adaptive' },
    /**
     * Worker processes: one by default on either topology (the cluster's default is two), so the
     * memory per cached case is one worker's on both.
     */
    workers: { type: 'string', default: '1' },
  },
});
const MARKS = values.cases
  .split(',')
  .map(Number)
  .sort((a, b) => a - b);
const SAMPLES = Number(values.samples);
const CHUNK = Number(values.chunk);
const say = (line: string) => console.error(`[scale] ${line}`);
/** RSS of a process and its descendants (the worker runs under tsx's wrapper). */
function treeRssBytes(pid: number): number {
  const rss = (p: number) =>
    Number(/VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${p}/status`, 'utf8'))?.[1] ?? 0) * 1024;
  const children = (p: number): number[] => {
    try {
      return readFileSync(`/proc/${p}/task/${p}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number);
    } catch {
      return [];
    }
  };
  const all = [pid];
  for (let i = 0; i < all.length; i++) all.push(...children(all[i]!));
  return all.reduce((sum, p) => sum + rss(p), 0);
}

async function cacheSize(metricsUrl: string): Promise<number | undefined> {
  const text = await fetch(metricsUrl)
    .then((r) => r.text())
    .catch(() => '');
  const line = text.split('\n').find((l) => l.startsWith('temporal_sticky_cache_size'));
  return line ? Number(line.split(' ').at(-1)) : undefined;
}

/** The searches a caseworker and a supervisor make, each with its visibility query for the baseline. */
const SEARCHES: Array<[string, Omit<SearchQuery, 'pageSize' | 'pageToken'>]> = [
  ['stage = appeal', { stage: 'appeal' }],
  ['assignee', { assignee: 'caseworker.7' }],
  ['by reference', { ref: homeOfficeRef('C', 4242) }],
  ['24-week cohort, escalated', { cohort: '24-week', escalation: 1 }],
];

async function measure(stack: BenchStack, token: string, metricsUrl: string, open: number) {
  const auth = { authorization: `Bearer ${token}` };
  const get = async (path: string) => {
    const res = await fetch(`${stack.apiUrl}${path}`, { headers: auth });
    if (res.status !== 200) throw new Error(`${path}: ${res.status} ${await res.text()}`);
    return res.json();
  };
  const searches = [];
  for (const [name, q] of SEARCHES) {
    const params = new URLSearchParams({
      ...Object.fromEntries(Object.entries(q).map(([k, v]) => [k, String(v)])),
      pageSize: '25',
    });
    const ours = await timed(SAMPLES, () => get(`/cases?${params}`));
    const bare = await timed(SAMPLES, async () => {
      for await (const _ of stack.client.workflow.list({ query: visibilityQuery(q), pageSize: 25 })) break;
    });
    searches.push({ name, ours, bare });
  }
  const summary = await timed(Math.max(5, SAMPLES / 4), () => get('/reports/summary'));
  return {
    open,
    searches,
    summary,
    workerRssMiB: treeRssBytes(stack.worker.process.pid!) / 2 ** 20,
    cachedWorkflows: await cacheSize(metricsUrl),
  };
}

const metricsPort = await freePort();
const workers = Number(values.workers);
// Workers share one environment: with more than one, none serves metrics (the cache size reads '?').
const stack = await startBenchStack(
  { ...(workers === 1 ? { WORKER_METRICS_ADDRESS: `127.0.0.1:${metricsPort}` } : {}), IMPORT_PACE: values.pace },
  { workers },
);
const metricsUrl = `http://127.0.0.1:${metricsPort}/metrics`;
try {
  const token = await stack.token('supervisor');
  await new Promise((r) => setTimeout(r, 5_000));
  const idleRssMiB = treeRssBytes(stack.worker.process.pid!) / 2 ** 20;
  const marks = [];
  let imported = 0;
  const t0 = performance.now();
  for (const mark of MARKS) {
    while (imported < mark) {
      const n = Math.min(CHUNK, mark - imported);
      const run = await importCsv(stack, token, backlogSheet(imported, n), `backlog-${imported}.csv`, 5000);
      if (run.report.outcomes.created !== n)
        throw new Error(
          `import created ${run.report.outcomes.created} of ${n}: ${JSON.stringify(run.report.outcomes)}`,
        );
      imported += n;
      say(
        `${imported} cases in ${((performance.now() - t0) / 1000).toFixed(0)} s (${(n / run.seconds).toFixed(0)}/s this file)`,
      );
    }
    // Reads are timed on a settled caseload: every case's first task run (a fixed pace leaves a
    // backlog behind the import's report), then back-dated escalations and visibility given time.
    await drained(stack, stack.config.temporal.taskQueue);
    await new Promise((r) => setTimeout(r, 30_000));
    const open = (
      await stack.client.workflow.count(`WorkflowType = '${CASE_WORKFLOW_TYPE}' AND ExecutionStatus = 'Running'`)
    ).count;
    const m = await measure(stack, token, metricsUrl, open);
    marks.push(m);
    // Said as soon as measured: a run stopped before the next mark keeps what it found.
    say(
      `measured at ${open} open cases: ${JSON.stringify({ searchesP95: Object.fromEntries(m.searches.map((x) => [x.name, [Math.round(x.ours.p95), Math.round(x.bare.p95)]])), summaryP95: Math.round(m.summary.p95), workerRssMiB: Math.round(m.workerRssMiB), cachedWorkflows: m.cachedWorkflows })}`,
    );
  }
  const out = {
    at: new Date().toISOString(),
    machine: machine(stack),
    samples: SAMPLES,
    idleRssMiB,
    pace: values.pace,
    importSeconds: (performance.now() - t0) / 1000,
    marks,
  };
  const file = writeResults('scale', out);
  const ms = (v: number) => `${v.toFixed(0)} ms`;
  console.log(`\nScale — ${out.machine}\n`);
  console.log(
    '| open cases | request | ours p50 / p95 | bare visibility list p50 / p95 | ours ÷ bare (p95) | target |',
  );
  console.log('|---|---|---|---|---|---|');
  for (const m of marks) {
    for (const s of m.searches)
      console.log(
        `| ${m.open} | GET /cases: ${s.name} | ${ms(s.ours.p50)} / ${ms(s.ours.p95)} | ${ms(s.bare.p50)} / ${ms(s.bare.p95)} | ${(s.ours.p95 / s.bare.p95).toFixed(2)} | p95 < 300 ms |`,
      );
    console.log(`| ${m.open} | GET /reports/summary | ${ms(m.summary.p50)} / ${ms(m.summary.p95)} | – | – | |`);
  }
  console.log('\n| open cases | worker RSS | cached workflows | RSS growth per cached case |');
  console.log('|---|---|---|---|');
  for (const m of marks)
    console.log(
      `| ${m.open} | ${m.workerRssMiB.toFixed(0)} MiB (idle ${idleRssMiB.toFixed(0)}) | ${m.cachedWorkflows ?? '?'} | ${m.cachedWorkflows ? `${(((m.workerRssMiB - idleRssMiB) * 1024) / m.cachedWorkflows).toFixed(0)} KiB` : '?'} |`,
    );
  console.log(`\nWritten: ${file}`);
} finally {
  await stack.stop();
}
