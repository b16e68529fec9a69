/**
 * `npm run bench [-- --cases 200 --concurrency 1,8 --workers N --codec on|off|both]`: stage changes
 * over HTTP against two baselines on the same server, in the same run, at each concurrency:
 *
 * - the same-job baseline (#21, bench/same-job-workflow.ts): the least a Temporal program must do
 *   for one change (an update that validates and records it; per system that must hear of it an
 *   activity POSTing to the same reference system, its receipt recorded), driven by the client;
 * - the bare update: a trivial workflow, one update per change.
 *
 * Each case goes through a realistic lifecycle (7 changes); we time every POST /cases/:id/events,
 * the throughput, and the time from sending a change to its receipt at each external system. Every
 * side runs twice, in mirrored order (bare, same-job, ours, ours direct, then back), and the two
 * rounds are pooled, so a server that slows as its database grows flatters no side. Ours is also
 * driven through the client without the API (the same `applyEvent` update the API sends): the
 * API's share of a change is the difference.
 * After the runs, a sample of histories is read to count what one change costs the server, and the
 * API's own steps (token check, access-log write) are timed in this process.
 *
 * Prints a table and the ratios per concurrency; writes JSON: `byConcurrency[c].ratios` for each,
 * and top-level `ratios: { sameJob: { throughput, p50, p99 }, bareUpdate: { … } }` for the highest
 * concurrency (ours ÷ the baseline: throughput ≥ 0.9× same-job and p50 ≤ 1.2× is the target).
 * `--codec both`: the same workload twice in one run, on a stack of its own each, without the
 * payload codec (PAYLOAD_ENCRYPTION=off) and with it, and the cost of the codec on a change as
 * the ratio of the two (#19). Default `on`: the product as it ships.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import pMap from 'p-map';
import { request } from 'undici';
import type { Client } from '@temporalio/client';
import { defaultPayloadConverter } from '@temporalio/common';
import { createAccessLog } from '../api/access-log.js';
import { createAuth, signDevToken } from '../api/auth.js';
import { loadConfig } from '../config/index.js';
import { dataConverter } from '../config/temporal.js';
import type { CaseEvent } from '../domain/index.js';
import { newCaseBody } from '../test/case-body.js';
import { LIFECYCLE } from '../test/lifecycle-changes.js';
import { applyEventUpdate, caseWorkflowId } from '../workflows/messages.js';
import { bumpUpdate } from './baseline-workflows.js';
import { machine, writeResults } from './common.js';
import { eventMs } from './history.js';
import { plainChangeUpdate, type PlainChange } from './same-job-workflow.js';
import { percentiles, startBenchStack, type BenchStack } from './stack.js';

const { values } = parseArgs({
  options: {
    cases: { type: 'string', default: '200' },
    concurrency: { type: 'string', default: '1,8' },
    workers: { type: 'string' },
    codec: { type: 'string', default: 'on' },
    format: { type: 'string', default: 'envelope' },
  },
});
// The language the systems are spoken to in, on both sides. The same-job baseline posts our envelope
// to `/messages` (bench/same-job-activities.ts): with the systems in their own languages (the
// product's default since #22) it is refused every time and its deliveries stall behind the first,
// so it would do a fraction of the job and flatter every ratio. `--format native`: ours as it ships,
// the same-job's deliveries refused (its figures then say nothing).
if (!['envelope', 'native'].includes(values.format!)) throw new Error('--format envelope or native');
if (values.format === 'envelope') {
  // Read by the reference systems, the worker and the API, each started from this environment.
  process.env.HOME_OFFICE_FORMAT = 'envelope';
  process.env.HMCTS_FORMAT = 'envelope';
}
if (!['on', 'off', 'both'].includes(values.codec!)) throw new Error('--codec on, off or both');
const CODEC_RUNS: Array<'off' | 'on'> = values.codec === 'both' ? ['off', 'on'] : [values.codec as 'on' | 'off'];
const CASES = Number(values.cases);
const CONCURRENCIES = values.concurrency!.split(',').map(Number);
if (CONCURRENCIES.some((c) => !Number.isInteger(c) || c < 1)) throw new Error('--concurrency: e.g. 8 or 1,8');
/** The concurrency the top-level figures are for: the highest. */
const MAIN = Math.max(...CONCURRENCIES);
/** Histories read per side after the runs, to count what a change costs the server. */
const HISTORY_SAMPLE = 10;

/** Runs `work` for items 0..n-1, `c` at a time. */
const pool = (n: number, c: number, work: (i: number) => Promise<void>) =>
  pMap(
    Array.from({ length: n }, (_, i) => i),
    work,
    { concurrency: c },
  );

type Percentiles = ReturnType<typeof percentiles>;
interface Timed {
  changes: number;
  seconds: number;
  throughput: number;
  latency: Percentiles;
  cpuMsPerChange: Record<string, number>;
  /** Every change's latency, for pooling rounds; dropped before the results are written. */
  samples?: number[];
}

/**
 * One side's two rounds as one: changes over time for throughput, latencies pooled for the
 * percentiles, CPU per change averaged; the rest (receipt times, ids) from the first round.
 */
function bothRounds<T extends Timed>(x: T, y: T): T {
  const cpu = { ...x.cpuMsPerChange };
  for (const [part, ms] of Object.entries(y.cpuMsPerChange)) cpu[part] = round1(((cpu[part] ?? 0) + ms) / 2);
  const samples = [...(x.samples ?? []), ...(y.samples ?? [])];
  return {
    ...x,
    changes: x.changes + y.changes,
    seconds: x.seconds + y.seconds,
    throughput: (x.changes + y.changes) / (x.seconds + y.seconds),
    latency: percentiles(samples),
    cpuMsPerChange: cpu,
    samples,
  };
}
const round1 = (v: number) => Math.round(v * 10) / 10;

/**
 * Drives every case through its lifecycle, `c` cases at a time; changes to one case are
 * sequential, as in life. `send` makes one change and answers once it is confirmed.
 */
async function drive(
  ids: string[],
  c: number,
  send: (id: string, seq: number) => Promise<void>,
  sentAt?: Map<string, number>,
): Promise<Timed> {
  const latencies: number[] = [];
  const cpu0 = cpuByPart();
  const t0 = performance.now();
  await pool(ids.length, c, async (i) => {
    for (let seq = 0; seq < LIFECYCLE.length; seq++) {
      const sent = Date.now();
      const t = performance.now();
      await send(ids[i]!, seq);
      latencies.push(performance.now() - t);
      // The change's sequence number at the systems is seq + 1 (0 is the opening).
      sentAt?.set(`${ids[i]}:${seq + 1}`, sent);
    }
  });
  const seconds = (performance.now() - t0) / 1000;
  const cpu1 = cpuByPart();
  // CPU per change by part over the timed changes (deliveries still finishing after the last answer are not counted).
  const cpuMsPerChange = Object.fromEntries(
    Object.entries(cpu1).map(([part, ms]) => [part, round1((ms - (cpu0[part] ?? 0)) / latencies.length)]),
  );
  return {
    changes: latencies.length,
    seconds,
    throughput: latencies.length / seconds,
    latency: percentiles(latencies),
    cpuMsPerChange,
    samples: latencies,
  };
}

/** Receipt times: what each reference system stored, against when the change was sent. */
async function receipts(stack: BenchStack, sentAt: Map<string, number>) {
  await new Promise((r) => setTimeout(r, 5_000));
  const out: Record<string, Percentiles> = {};
  for (const [system, url] of [
    ['homeOffice', stack.systems.homeOffice],
    ['courts', stack.systems.courts],
  ] as const) {
    const { messages } = (await (await fetch(`${url}/messages`)).json()) as {
      messages: Array<{ caseId: string; seq: number; receivedAt: string }>;
    };
    out[system] = percentiles(
      messages.flatMap((m) => {
        const sent = sentAt.get(`${m.caseId}:${m.seq}`);
        return sent === undefined ? [] : [Date.parse(m.receivedAt) - sent];
      }),
    );
  }
  return out as { homeOffice: Percentiles; courts: Percentiles };
}

/**
 * CPU time (ms) of each process of the stack so far, by its part: this process (the driver and the
 * in-process baseline worker), and its descendants (worker, API, reference systems, Temporal server)
 * read from /proc. A run's share is the difference of two readings.
 */
function cpuByPart(): Record<string, number> {
  const own = process.cpuUsage();
  const out: Record<string, number> = { 'bench (driver + baseline worker)': (own.user + own.system) / 1000 };
  const procs = readdirSync('/proc').flatMap((d) => {
    if (!/^\d+$/.test(d)) return [];
    try {
      const stat = readFileSync(`/proc/${d}/stat`, 'utf8');
      const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      const cmd = readFileSync(`/proc/${d}/cmdline`, 'utf8').split('\0').join(' ');
      // utime and stime in clock ticks (100 a second on Linux).
      return [{ pid: Number(d), ppid: Number(f[1]), ms: (Number(f[11]) + Number(f[12])) * 10, cmd }];
    } catch {
      return []; // gone meanwhile
    }
  });
  const mine = new Set([process.pid]);
  for (let grew = true; grew;) {
    grew = false;
    for (const p of procs)
      if (!mine.has(p.pid) && mine.has(p.ppid)) {
        mine.add(p.pid);
        grew = true;
      }
  }
  for (const p of procs) {
    if (p.pid === process.pid || !mine.has(p.pid)) continue;
    const part = /worker\.ts/.test(p.cmd)
      ? 'worker'
      : /systems\/server\.ts/.test(p.cmd)
        ? 'reference systems'
        : /server\.ts/.test(p.cmd)
          ? 'API'
          : /temporal/.test(p.cmd)
            ? 'Temporal server'
            : 'other';
    out[part] = (out[part] ?? 0) + p.ms;
  }
  return out;
}

/** Opens `CASES` cases through the API (untimed); answers their ids. */
async function openCases(stack: BenchStack, token: string, c: number): Promise<string[]> {
  const ids: string[] = [];
  await pool(CASES, c, async () => {
    const res = await fetch(`${stack.apiUrl}/cases`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify(newCaseBody()),
    });
    if (res.status !== 201) throw new Error(`open: ${res.status}`);
    ids.push(((await res.json()) as { caseId: string }).caseId);
  });
  return ids;
}

async function ours(stack: BenchStack, c: number) {
  const tokens = { caseworker: await stack.token('caseworker'), tribunal: await stack.token('tribunal') };
  const ids = await openCases(stack, tokens.caseworker, c);
  const sentAt = new Map<string, number>();
  let errors = 0;
  const timed = await drive(
    ids,
    c,
    async (caseId, seq) => {
      const [role, body] = LIFECYCLE[seq]!;
      for (let attempt = 1; ; attempt++) {
        // undici's request, as the worker's deliveries use: the global fetch's own cost (about 1 ms a
        // request here) is the load generator's, not the service's, and the baselines' client pays none.
        const res = await request(`${stack.apiUrl}/cases/${caseId}/events`, {
          method: 'POST',
          headers: {
            authorization: `Bearer ${tokens[role]}`,
            'content-type': 'application/json',
            'idempotency-key': `${caseId}-${seq}`,
          },
          body: JSON.stringify(body),
        });
        await res.body.dump();
        if (res.statusCode === 200) return;
        errors += 1;
        if (res.statusCode !== 503 || attempt >= 5) throw new Error(`${String(body.type)}: ${res.statusCode}`);
      }
    },
    sentAt,
  );
  return { ...timed, errors503: errors, toReceipt: await receipts(stack, sentAt), ids };
}

/** Ours without the API: the same `applyEvent` update the API sends, through the product's client. */
async function oursDirect(stack: BenchStack, c: number) {
  const ids = await openCases(stack, await stack.token('caseworker'), c);
  const timed = await drive(ids, c, async (caseId, seq) => {
    const [role, body] = LIFECYCLE[seq]!;
    await stack.client.workflow.getHandle(caseWorkflowId(caseId)).executeUpdate(applyEventUpdate, {
      args: [{ event: body as unknown as CaseEvent, actor: { id: `bench-${role}`, role } }],
      updateId: `${caseId}-${seq}`,
    });
  });
  return { ...timed, ids };
}

async function sameJob(stack: BenchStack, c: number) {
  const { client, taskQueue } = stack.baseline;
  const ids = Array.from({ length: CASES }, (_, i) => `same-job-${c}-${i}-${Date.now()}`);
  await pool(ids.length, c, async (i) => {
    await client.workflow.start('sameJobWorkflow', { workflowId: ids[i]!, taskQueue, args: [ids[i]!] });
  });
  const sentAt = new Map<string, number>();
  const timed = await drive(
    ids,
    c,
    async (id, seq) => {
      await client.workflow
        .getHandle(id)
        .executeUpdate(plainChangeUpdate, { args: [LIFECYCLE[seq]![1] as PlainChange], updateId: `${id}-${seq}` });
    },
    sentAt,
  );
  return { ...timed, toReceipt: await receipts(stack, sentAt), ids };
}

async function bare(stack: BenchStack, c: number) {
  const ids = Array.from({ length: CASES }, (_, i) => `bare-${c}-${i}-${Date.now()}`);
  await pool(ids.length, c, async (i) => {
    await stack.baseline.client.workflow.start('bareWorkflow', {
      workflowId: ids[i]!,
      taskQueue: stack.baseline.taskQueue,
    });
  });
  return drive(ids, c, async (id, seq) => {
    await stack.baseline.client.workflow
      .getHandle(id)
      .executeUpdate(bumpUpdate, { args: [1], updateId: `${id}-${seq}` });
  });
}

const mean = (a: number, b: number) => (a + b) / 2;
/** The baseline of two runs, one before ours and one after. */
const meanOf = (x: Timed, y: Timed) => ({
  throughput: mean(x.throughput, y.throughput),
  p50: mean(x.latency.p50, y.latency.p50),
  p95: mean(x.latency.p95, y.latency.p95),
  p99: mean(x.latency.p99, y.latency.p99),
});
type Baseline = ReturnType<typeof meanOf>;
const ratiosOf = (product: Timed, base: Baseline) => ({
  throughput: product.throughput / base.throughput,
  p50: product.latency.p50 / base.p50,
  p99: product.latency.p99 / base.p99,
});

/** The bytes of every payload (and failure) an event carries: its data and metadata. */
function payloadBytes(value: unknown): number {
  if (value instanceof Uint8Array) return value.byteLength;
  if (typeof value === 'string') return value.length;
  if (!value || typeof value !== 'object') return 0;
  return Object.values(value).reduce((n: number, v) => n + payloadBytes(v), 0);
}

/**
 * What a case's history holds, by event kind, over a sample of workflows, per change: the events
 * before the first update are the opening's, the rest the changes'.
 */
async function historyCounts(client: Client, workflowIds: string[]) {
  const perChange: Record<string, number> = {};
  const opening: Record<string, number> = {};
  let runs = 0;
  // The time the worker held each of the changes' workflow tasks (started to completed, the server's
  // clock): for ours it includes the tries within the task; for the same job, both of its tasks.
  let taskMs = 0;
  let taskStarted: number | undefined;
  for (const id of workflowIds.slice(0, HISTORY_SAMPLE)) {
    const { events } = await client.workflow.getHandle(id).fetchHistory();
    let changing = false;
    for (const event of events ?? []) {
      const at = eventMs(event);
      if (event.workflowTaskStartedEventAttributes) taskStarted = at;
      if (event.workflowTaskCompletedEventAttributes && changing && taskStarted !== undefined)
        taskMs += at - taskStarted;
      const bytes = payloadBytes(event);
      const kind = Object.keys(event)
        .find((k) => k.endsWith('EventAttributes') && (event as Record<string, unknown>)[k])
        ?.replace(/EventAttributes$/, '');
      if (!kind) continue;
      if (kind === 'workflowExecutionUpdateAccepted') changing = true;
      const into = changing ? perChange : opening;
      into[kind] = (into[kind] ?? 0) + 1;
      into.events = (into.events ?? 0) + 1;
      into.payloadBytes = (into.payloadBytes ?? 0) + bytes;
    }
    runs += 1;
  }
  const per = (counts: Record<string, number>, n: number) =>
    Object.fromEntries(
      Object.entries(counts)
        .sort(([, a], [, b]) => b - a)
        .map(([k, v]) => [k, Math.round((v / n) * 100) / 100]),
    );
  const changes = runs * LIFECYCLE.length;
  return {
    workflows: runs,
    perChange: { ...per(perChange, changes), taskMs: Math.round((taskMs / changes) * 100) / 100 },
    opening: per(opening, runs),
  };
}

/** The API's own steps for a change, timed in this process on this machine: the token check and the access-log write. */
async function apiSteps() {
  const config = loadConfig({ LOCAL_MODE: '1' });
  if (!config.ok) throw new Error(config.error);
  const { verify } = createAuth(config.config.auth);
  const token = await signDevToken({ role: 'caseworker', sub: 'bench' }, config.config.auth);
  const n = 2_000;
  const t0 = performance.now();
  for (let i = 0; i < n; i++) await verify(token);
  const verifyMs = (performance.now() - t0) / n;
  const dir = mkdtempSync(join(tmpdir(), 'bench-access-log-'));
  try {
    const ids = Array.from({ length: 20 }, (_, i) => `AC-${String(i).padStart(12, '0')}`); // the shape isCaseId takes
    const entry = {
      at: new Date().toISOString(),
      sub: 'bench',
      role: 'caseworker',
      action: 'change' as const,
      route: 'POST /cases/:caseId/events',
    };
    const timeLog = async (fsync: boolean) => {
      const log = createAccessLog({ dir: join(dir, String(fsync)), fsync });
      for (const id of ids) await log.record([id], entry); // each case's file made first, as opening a case does
      const samples: number[] = [];
      for (let i = 0; i < 200; i++) {
        const t = performance.now();
        await log.record([ids[i % ids.length]!], entry);
        samples.push(performance.now() - t);
      }
      return percentiles(samples);
    };
    return { tokenVerifyMs: verifyMs, accessLogFsync: await timeLog(true), accessLogNoFsync: await timeLog(false) };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** One stack, the workload on it at each concurrency: every side twice, in mirrored order. */
async function measure(codec: 'on' | 'off') {
  const stack = await startBenchStack(
    { PAYLOAD_ENCRYPTION: codec },
    values.workers ? { workers: Number(values.workers) } : {},
  );
  try {
    const byConcurrency: Record<string, Awaited<ReturnType<typeof atConcurrency>>> = {};
    const atConcurrency = async (c: number) => {
      // Two rounds in mirrored order (ABBA): a machine that speeds up or slows down during the run
      // weighs on every side alike, and each side is measured twice.
      const bare1 = await bare(stack, c);
      const same1 = await sameJob(stack, c);
      const ours1 = await ours(stack, c);
      const direct1 = await oursDirect(stack, c);
      const direct2 = await oursDirect(stack, c);
      const ours2 = await ours(stack, c);
      const same2 = await sameJob(stack, c);
      const bare2 = await bare(stack, c);
      const product = { ...bothRounds(ours1, ours2), errors503: ours1.errors503 + ours2.errors503 };
      const direct = bothRounds(direct1, direct2);
      const sameJobBaseline = meanOf(same1, same2);
      const baseline = meanOf(bare1, bare2);
      return {
        product,
        direct,
        sameJob: [same1, same2],
        sameJobBaseline,
        bare: [bare1, bare2],
        baseline,
        ratios: { sameJob: ratiosOf(product, sameJobBaseline), bareUpdate: ratiosOf(product, baseline) },
      };
    };
    for (const c of CONCURRENCIES) byConcurrency[c] = await atConcurrency(c);
    const main = byConcurrency[MAIN]!;
    // Read after every run: each case's deliveries have long settled.
    const histories = {
      ours: await historyCounts(stack.client, main.product.ids.map(caseWorkflowId)),
      sameJob: await historyCounts(stack.baseline.client, main.sameJob[0]!.ids),
      bare: { note: 'one update per change: accepted and completed in one workflow task' },
    };
    // The ids were for the histories; the JSON keeps the figures.
    for (const r of Object.values(byConcurrency))
      for (const x of [r.product, r.direct, ...r.sameJob, ...r.bare] as Array<{ ids?: string[]; samples?: number[] }>) {
        delete x.ids;
        delete x.samples;
      }
    return { codec, machine: machine(stack), byConcurrency, histories };
  } finally {
    await stack.stop();
  }
}

const f = (v: number) => v.toFixed(0);
const x = (v: number) => v.toFixed(2);
function printRun(run: Awaited<ReturnType<typeof measure>>) {
  for (const c of CONCURRENCIES) {
    const { product, direct, sameJob: same, sameJobBaseline: sj, baseline: b, ratios } = run.byConcurrency[c]!;
    console.log(
      `\nStage changes, payload codec ${run.codec} — ${run.machine}\n${CASES} cases × ${LIFECYCLE.length} changes, concurrency ${c}\n`,
    );
    console.log(
      '| measure | ours (HTTP → API → update) | ours without the API (client → update) | same-job baseline | bare Temporal update | ours ÷ same-job | target | ours ÷ bare |',
    );
    console.log('|---|---|---|---|---|---|---|---|');
    console.log(
      `| throughput | ${product.throughput.toFixed(1)} changes/s | ${direct.throughput.toFixed(1)} | ${sj.throughput.toFixed(1)} | ${b.throughput.toFixed(1)} | ${x(ratios.sameJob.throughput)} | ≥ 0.9 | ${x(ratios.bareUpdate.throughput)} |`,
    );
    for (const q of ['p50', 'p95', 'p99'] as const)
      console.log(
        `| latency ${q} | ${f(product.latency[q])} ms | ${f(direct.latency[q])} ms | ${f(sj[q])} ms | ${f(b[q])} ms | ${x(product.latency[q] / sj[q])} | ${q === 'p50' ? '≤ 1.2' : ''} | ${x(product.latency[q] / b[q])} |`,
      );
    for (const [system, name] of [
      ['homeOffice', 'Home Office'],
      ['courts', 'HMCTS'],
    ] as const)
      console.log(
        `| to ${name} receipt p50 / p99 | ${f(product.toReceipt[system].p50)} / ${f(product.toReceipt[system].p99)} ms | – | ${f(same[0]!.toReceipt[system].p50)} / ${f(same[0]!.toReceipt[system].p99)} ms (first run) | – | | | |`,
      );
    console.log(`\n503s retried: ${product.errors503}.`);
    console.log(`CPU ms per change, by part (this process drives every run and serves the baselines' worker):`);
    console.log(`  ours:                ${JSON.stringify(product.cpuMsPerChange)}`);
    console.log(`  ours without the API: ${JSON.stringify(direct.cpuMsPerChange)}`);
    console.log(`  same-job (first):    ${JSON.stringify(same[0]!.cpuMsPerChange)}`);
    console.log(`  bare (first):        ${JSON.stringify(run.byConcurrency[c]!.bare[0]!.cpuMsPerChange)}`);
    console.log(
      `Ratios at concurrency ${c}: same-job ${JSON.stringify(ratios.sameJob, (_, v: unknown) => (typeof v === 'number' ? Number(v.toFixed(2)) : v))}; bare update ${JSON.stringify(ratios.bareUpdate, (_, v: unknown) => (typeof v === 'number' ? Number(v.toFixed(2)) : v))}`,
    );
  }
  console.log(
    `\nPer change at concurrency ${MAIN} (history of ${run.histories.ours.workflows} workflows each, the opening apart):`,
  );
  console.log(`ours:     ${JSON.stringify(run.histories.ours.perChange)}`);
  console.log(`same-job: ${JSON.stringify(run.histories.sameJob.perChange)}`);
  console.log(`opening, ours: ${JSON.stringify(run.histories.ours.opening)}`);
  console.log(`opening, same-job: ${JSON.stringify(run.histories.sameJob.opening)}`);
}

const runs: Array<Awaited<ReturnType<typeof measure>>> = [];
for (const codec of CODEC_RUNS) runs.push(await measure(codec));
runs.forEach(printRun);
const steps = await apiSteps();
console.log(
  `\nThe API's own steps, in this process: token check ${steps.tokenVerifyMs.toFixed(3)} ms; access-log write with fdatasync p50 ${steps.accessLogFsync.p50.toFixed(2)} / p99 ${steps.accessLogFsync.p99.toFixed(2)} ms, without ${steps.accessLogNoFsync.p50.toFixed(2)} / ${steps.accessLogNoFsync.p99.toFixed(2)} ms.`,
);
const mainOf = (run: (typeof runs)[number]) => run.byConcurrency[MAIN]!.product;
const [off, on] = runs;
const codecCost =
  off && on
    ? {
        throughput: mainOf(on).throughput / mainOf(off).throughput,
        p50: mainOf(on).latency.p50 / mainOf(off).latency.p50,
        p95: mainOf(on).latency.p95 / mainOf(off).latency.p95,
        p99: mainOf(on).latency.p99 / mainOf(off).latency.p99,
      }
    : undefined;
if (off && on && codecCost) {
  console.log(`\nThe payload codec's cost on a change (same run, a stack each, concurrency ${MAIN})\n`);
  console.log('| measure | without codec | with codec | with ÷ without |');
  console.log('|---|---|---|---|');
  console.log(
    `| throughput | ${mainOf(off).throughput.toFixed(1)} changes/s | ${mainOf(on).throughput.toFixed(1)} changes/s | ${codecCost.throughput.toFixed(2)} |`,
  );
  for (const q of ['p50', 'p95', 'p99'] as const)
    console.log(
      `| latency ${q} | ${f(mainOf(off).latency[q])} ms | ${f(mainOf(on).latency[q])} ms | ${codecCost[q].toFixed(2)} |`,
    );
}
/** The codec alone, in this process: one change's worth of payloads (a case view each way), sealed and opened. */
async function codecAlone() {
  const config = loadConfig({ LOCAL_MODE: '1' });
  if (!config.ok) throw new Error(config.error);
  const [codec] = dataConverter(config.config).payloadCodecs!;
  const payload = defaultPayloadConverter.toPayload({ ...newCaseBody(), history: LIFECYCLE })!;
  const n = 5_000;
  const t0 = performance.now();
  for (let i = 0; i < n; i++) await codec!.decode(await codec!.encode([payload]));
  return { payloadBytes: payload.data!.length, microsecondsPerRoundTrip: ((performance.now() - t0) * 1000) / n };
}
const alone = codecCost ? await codecAlone() : undefined;
if (alone)
  console.log(
    `\nThe codec alone: a ${alone.payloadBytes}-byte payload encrypted and decrypted in ${alone.microsecondsPerRoundTrip.toFixed(1)} µs.`,
  );
const single = runs.length === 1 ? runs[0]! : undefined;
const file = writeResults('changes', {
  at: new Date().toISOString(),
  machine: runs[0]!.machine,
  cases: CASES,
  concurrencies: CONCURRENCIES,
  // The figures (#21): ours ÷ each baseline at the highest concurrency; every concurrency's in byConcurrency.
  concurrency: MAIN,
  ratios: runs.at(-1)!.byConcurrency[MAIN]!.ratios,
  apiSteps: steps,
  // One run: its figures; both: each run, and the codec's cost.
  ...(single
    ? { codec: single.codec, byConcurrency: single.byConcurrency, histories: single.histories }
    : { runs, codecCost, codecAlone: alone }),
});
console.log(`\nWritten: ${file}`);
