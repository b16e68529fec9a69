/**
 * `npm run bench:import [-- --rows 5000,50000]`: spreadsheet import on its own stack. For each size:
 * the import rate (rows brought in per second, validation included), the API's latency while it
 * runs against the same requests when idle, and (for the first size) a re-import that must be all
 * "unchanged". Baseline in the same run: bare workflow starts of a trivial workflow at the same
 * concurrency, so "rows/s ÷ bare starts/s" shows what the product adds. Prints a table; writes JSON.
 */
import { randomUUID } from 'node:crypto';
import { loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import pMap from 'p-map';
import { caseIdFor } from '../ids/case-id.js';
import { newCaseBody } from '../test/case-body.js';
import { messySpreadsheet, type Sheet } from '../test/spreadsheet.js';
import { caseWorkflowId } from '../workflows/messages.js';
import { canChangePriority, type ImportPriorityMode } from '../imports/priority.js';
import { bareStarts, drained, importCsv, machine, writeResults } from './common.js';
import { eventMs, eventName } from './history.js';
import { percentiles, startBenchStack, type BenchStack } from './stack.js';

const { values } = parseArgs({
  options: {
    rows: { type: 'string', default: '5000,50000' },
    baseline: { type: 'string', default: '3000' },
    /** Cases opened through the API before the import, for the probe's caseworker changes. */
    'probe-cases': { type: 'string', default: '20' },
    'idle-seconds': { type: 'string', default: '10' },
    /** Skip the re-import of the first size (quick checks). */
    'no-reimport': { type: 'boolean', default: false },
    /** The worker's IMPORT_PACE: adaptive (the product's default), fixed, or both (a stack each, in one run). */
    pace: { type: 'string', default: 'adaptive' },
    /** The worker's IMPORT_PRIORITY: off (the product's default), auto (bulk where the server can set cases back), or both. */
    priority: { type: 'string', default: 'off' },
  },
});
const sizes = values.rows.split(',').map(Number);
const CONCURRENCY = 32; // the import's IMPORT_CONCURRENCY default: at most this many rows at once
type Pace = 'adaptive' | 'fixed';
if (!['adaptive', 'fixed', 'both'].includes(values.pace)) throw new Error('--pace adaptive, fixed or both');
const PACES: Pace[] = values.pace === 'both' ? ['fixed', 'adaptive'] : [values.pace as Pace];
type Priority = ImportPriorityMode;
if (!['auto', 'off', 'both'].includes(values.priority)) throw new Error('--priority auto, off or both');
const PRIORITIES: Priority[] = values.priority === 'both' ? ['off', 'auto'] : [values.priority as Priority];

/**
 * Interactive work, timed, until stopped: a caseworker's changes (`case.assigned` on cases opened
 * through the API before the import, each change a Temporal update and a delivery to reporting) and
 * a supervisor's reads (a case, a page of the list). #21's target is on the changes.
 */
function probe(stack: BenchStack, tokens: { supervisor: string; caseworker: string }, own: string[], someCase: string) {
  const changes: number[] = [];
  const reads: number[] = [];
  let errors = 0;
  let running = true;
  const paths = [`/cases/${someCase}`, '/cases?stage=appeal&pageSize=20'];
  const timed = async (into: number[], call: () => Promise<Response | undefined>, ok: (status: number) => boolean) => {
    const t0 = performance.now();
    const res = await call().catch(() => undefined);
    if (!res || !ok(res.status)) errors += 1;
    await res?.arrayBuffer();
    into.push(performance.now() - t0);
  };
  const loop = (async () => {
    for (let i = 0; running; i++) {
      const caseId = own[i % own.length]!;
      await timed(
        changes,
        () =>
          fetch(`${stack.apiUrl}/cases/${caseId}/events`, {
            method: 'POST',
            headers: {
              authorization: `Bearer ${tokens.caseworker}`,
              'content-type': 'application/json',
              'idempotency-key': `probe-${caseId}-${randomUUID()}`,
            },
            body: JSON.stringify({ type: 'case.assigned', assignee: `caseworker ${i % 7}` }),
          }),
        (status) => status === 200,
      );
      // A 404 is an answer (the probed case may not be imported yet); a 5xx or no answer is not.
      await timed(
        reads,
        () =>
          fetch(`${stack.apiUrl}${paths[i % paths.length]}`, {
            headers: { authorization: `Bearer ${tokens.supervisor}` },
          }),
        (status) => status < 500,
      );
      await new Promise((r) => setTimeout(r, 100));
    }
  })();
  return async () => {
    running = false;
    await loop;
    return { changes: percentiles(changes), reads: percentiles(reads), errors };
  };
}

/** Opens `n` cases through the API for the probe's changes. */
async function openOwnCases(stack: BenchStack, token: string, n: number): Promise<string[]> {
  return pMap(
    Array.from({ length: n }),
    async () => {
      const res = await fetch(`${stack.apiUrl}/cases`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify(newCaseBody()),
      });
      if (res.status !== 201) throw new Error(`open: ${res.status}`);
      return ((await res.json()) as { caseId: string }).caseId;
    },
    { concurrency: 4 },
  );
}

async function runImport(stack: BenchStack, token: string, sheet: Sheet, name: string) {
  const run = await importCsv(stack, token, sheet.csv, name);
  if (run.report.rejected !== sheet.rejections.length || run.report.accepted !== sheet.accepted)
    throw new Error(
      `expected ${sheet.accepted} accepted / ${sheet.rejections.length} rejected, got ${run.report.accepted} / ${run.report.rejected}`,
    );
  return { ...run, rowsPerSecond: sheet.rows / run.seconds };
}

/**
 * What an imported case costs the server beside a bare start: its history's events by type, and how
 * long its workflow tasks waited for the worker (scheduled → started), from a sample of histories.
 */
async function historyProfile(stack: BenchStack, workflowIds: string[], client = stack.client) {
  const byType = new Map<string, number>();
  const waits: number[] = [];
  for (const id of workflowIds) {
    const history = await client.workflow.getHandle(id).fetchHistory();
    let scheduledAt: number | undefined;
    for (const e of history.events ?? []) {
      const type = eventName(e);
      byType.set(type, (byType.get(type) ?? 0) + 1);
      const at = eventMs(e);
      if (type === 'WORKFLOW_TASK_SCHEDULED') scheduledAt = at;
      if (type === 'WORKFLOW_TASK_STARTED' && scheduledAt !== undefined) waits.push(at - scheduledAt);
    }
  }
  const n = workflowIds.length;
  const events = Object.fromEntries([...byType].sort().map(([k, v]) => [k, Math.round((v / n) * 10) / 10]));
  return {
    sampled: n,
    eventsPerCase: Object.values(events).reduce((a, b) => a + b, 0),
    events,
    taskWaitMs: percentiles(waits),
  };
}

const ratio = (during: number, idle: number) => during / idle;

/** One stack with the worker's import pace and priority set: its own bare baseline, then each size. */
async function runWith(pace: Pace, priority: Priority) {
  const stack = await startBenchStack({ IMPORT_PACE: pace, IMPORT_PRIORITY: priority });
  try {
    const tokens = { supervisor: await stack.token('supervisor'), caseworker: await stack.token('caseworker') };
    const own = await openOwnCases(stack, tokens.caseworker, Number(values['probe-cases']));
    const n = Number(values.baseline);
    const t0 = performance.now();
    const bare = await bareStarts(stack, n, CONCURRENCY);
    await drained(stack, stack.baseline.taskQueue);
    const bareSettled = n / ((performance.now() - t0) / 1000);
    console.error(`[bench] bare starts: ${bare.toFixed(0)}/s, settled ${bareSettled.toFixed(0)}/s`);
    const bareProfile = await historyProfile(
      stack,
      Array.from({ length: 10 }, (_, i) => `bare-start-${i * Math.floor(n / 10)}`),
      stack.baseline.client,
    );
    const rows: Array<Record<string, unknown>> = [];
    let offset = 0;
    for (const [i, size] of sizes.entries()) {
      const sheet = messySpreadsheet(size, 100 + i, offset);
      offset += size;
      const someCase = caseIdFor(sheet.good[0]!.ref);
      const idleStop = probe(stack, tokens, own, someCase);
      await new Promise((r) => setTimeout(r, Number(values['idle-seconds']) * 1000));
      const idle = await idleStop();
      const loadBefore = loadavg()[0]!;
      const busyStop = probe(stack, tokens, own, someCase);
      const t0 = performance.now();
      const first = await runImport(stack, tokens.supervisor, sheet, `bench-${size}.csv`);
      await drained(stack, stack.config.temporal.taskQueue);
      const settledSeconds = (performance.now() - t0) / 1000;
      const busy = await busyStop();
      const loadAfter = loadavg()[0]!;
      if (first.report.outcomes.created !== sheet.accepted)
        throw new Error(`created ${first.report.outcomes.created} of ${sheet.accepted}`);
      const sample = sheet.good
        .filter((_, k) => k % Math.max(1, Math.floor(sheet.good.length / 20)) === 0)
        .slice(0, 20)
        .map((g) => caseWorkflowId(caseIdFor(g.ref)));
      const profile = await historyProfile(stack, sample);
      rows.push({
        rows: size,
        what: 'import',
        seconds: first.seconds,
        validationSeconds: first.validationSeconds,
        rowsPerSecond: first.rowsPerSecond,
        casesPerSecond: sheet.accepted / first.seconds,
        ratioToBareStarts: sheet.accepted / first.seconds / bare,
        settledSeconds,
        ratioSettled: sheet.accepted / settledSeconds / bareSettled,
        changeP99Ratio: ratio(busy.changes.p99, idle.changes.p99),
        apiIdle: idle,
        apiDuringImport: busy,
        loadAverage: { before: loadBefore, after: loadAfter },
        profile,
      });
      console.error(`[bench] ${size} rows: ${first.seconds.toFixed(1)} s`);
      if (i === 0 && !values['no-reimport']) {
        const again = await runImport(stack, tokens.supervisor, sheet, `bench-${size}.csv`);
        if (again.report.outcomes.unchanged !== sheet.accepted)
          throw new Error(`re-import: ${JSON.stringify(again.report.outcomes)}`);
        rows.push({
          rows: size,
          what: 're-import (all unchanged)',
          seconds: again.seconds,
          rowsPerSecond: again.rowsPerSecond,
        });
      }
    }
    const { serverVersion } = await stack.client.workflowService.getSystemInfo({});
    const bulk = priority === 'auto' && canChangePriority(serverVersion);
    return {
      pace: `${pace}, ${bulk ? 'bulk priority' : 'default priority'}`,
      machine: machine(stack),
      bare,
      bareSettled,
      bareProfile,
      rows,
    };
  } finally {
    await stack.stop();
  }
}

const runs = [];
for (const pace of PACES) for (const priority of PRIORITIES) runs.push(await runWith(pace, priority));
const out = { at: new Date().toISOString(), machine: runs[0]!.machine, concurrency: CONCURRENCY, runs };
const file = writeResults('import', out);
const ms = (v: number) => `${v.toFixed(0)} ms`;
const span = (r: any, what: 'changes' | 'reads', q: 'p50' | 'p99') =>
  r.apiIdle ? `${ms(r.apiIdle[what][q])} → ${ms(r.apiDuringImport[what][q])}` : '–';
console.log(`\nImport benchmark — ${out.machine}\nImport at most ${CONCURRENCY} rows at once\n`);
console.log(
  '| pace | bare starts/s (settled/s) | rows | run | time to report (to settled) | rows/s | starts ÷ bare starts | settled ÷ bare settled | change p50 idle → import | change p99 idle → import | change p99 ÷ idle | read p99 idle → import | API errors | load (1 min) |',
);
console.log('|---|---|---|---|---|---|---|---|---|---|---|---|---|---|');
for (const run of runs)
  for (const r of run.rows as any[])
    console.log(
      `| ${run.pace} | ${run.bare.toFixed(0)} (${run.bareSettled.toFixed(0)}) | ${r.rows} | ${r.what} | ${r.seconds.toFixed(1)} s${r.settledSeconds ? ` (${r.settledSeconds.toFixed(1)} s)` : ''} | ${r.rowsPerSecond.toFixed(0)} | ${r.ratioToBareStarts ? r.ratioToBareStarts.toFixed(2) : '–'} | ${r.ratioSettled ? r.ratioSettled.toFixed(2) : '–'} | ${span(r, 'changes', 'p50')} | ${span(r, 'changes', 'p99')} | ${r.changeP99Ratio ? r.changeP99Ratio.toFixed(2) : '–'} | ${span(r, 'reads', 'p99')} | ${r.apiDuringImport ? r.apiDuringImport.errors : '–'} | ${r.loadAverage ? `${r.loadAverage.before.toFixed(1)} → ${r.loadAverage.after.toFixed(1)}` : '–'} |`,
    );
console.log(
  '\nTargets (#21): cases/s ÷ bare starts/s ≥ 0.8 (read on settled: a case counts once its first workflow task has run); caseworker change p99 during ÷ idle ≤ 2.',
);
for (const run of runs) {
  console.log(`Bare start (${run.pace} stack): ${run.bareProfile.eventsPerCase} history events`);
  for (const r of run.rows as any[])
    if (r.profile)
      console.log(
        `Profile, ${run.pace}, ${r.rows} rows: ${r.profile.eventsPerCase} history events per imported case; workflow task wait p50/p99 ${ms(r.profile.taskWaitMs.p50)} / ${ms(r.profile.taskWaitMs.p99)}; ${JSON.stringify(r.profile.events)}`,
      );
}
console.log(`\nWritten: ${file}`);
