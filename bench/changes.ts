/**
 * `npm run bench [-- --cases 200 --concurrency 8 --workers N --codec on|off|both]`: stage changes over HTTP against a bare
 * Temporal Update round trip on the same server at the same concurrency. Each case goes through a
 * realistic lifecycle (7 changes); we time every POST /cases/:id/events, the throughput, and the
 * time from sending a change to its receipt at each external system. The bare run starts as many
 * trivial workflows and sends each as many updates. Prints the table with ratios; writes JSON.
 * `--codec both`: the same workload twice in one run, on a stack of its own each, without the
 * payload codec (PAYLOAD_ENCRYPTION=off) and with it, and the cost of the codec on a change as
 * the ratio of the two (#19). Default `on`: the product as it ships.
 */
import { parseArgs } from 'node:util';
import pMap from 'p-map';
import { defaultPayloadConverter } from '@temporalio/common';
import { loadConfig } from '../config/index.js';
import { dataConverter } from '../config/temporal.js';
import { newCaseBody } from '../test/case-body.js';
import { LIFECYCLE } from '../test/lifecycle-changes.js';
import { bumpUpdate } from './baseline-workflows.js';
import { machine, writeResults } from './common.js';
import { percentiles, startBenchStack, type BenchStack } from './stack.js';

const { values } = parseArgs({
  options: {
    cases: { type: 'string', default: '200' },
    concurrency: { type: 'string', default: '8' },
    workers: { type: 'string' },
    codec: { type: 'string', default: 'on' },
  },
});
if (!['on', 'off', 'both'].includes(values.codec!)) throw new Error('--codec on, off or both');
const CODEC_RUNS: Array<'off' | 'on'> = values.codec === 'both' ? ['off', 'on'] : [values.codec as 'on' | 'off'];
const CASES = Number(values.cases);
const C = Number(values.concurrency);

/** Runs `work` for items 0..n-1, `C` at a time. */
const pool = (n: number, work: (i: number) => Promise<void>) =>
  pMap(
    Array.from({ length: n }, (_, i) => i),
    work,
    { concurrency: C },
  );

async function ours(stack: BenchStack) {
  const tokens = { caseworker: await stack.token('caseworker'), tribunal: await stack.token('tribunal') };
  const ids: string[] = [];
  await pool(CASES, async () => {
    const res = await fetch(`${stack.apiUrl}/cases`, {
      method: 'POST',
      headers: { authorization: `Bearer ${tokens.caseworker}`, 'content-type': 'application/json' },
      body: JSON.stringify(newCaseBody()),
    });
    if (res.status !== 201) throw new Error(`open: ${res.status}`);
    ids.push(((await res.json()) as { caseId: string }).caseId);
  });
  const latencies: number[] = [];
  const sentAt = new Map<string, number>(); // caseId:seq → when the change was sent
  let errors = 0;
  const t0 = performance.now();
  // Each worker takes a case and drives it through its lifecycle: changes to one case are sequential, as in life.
  await pool(ids.length, async (i) => {
    const caseId = ids[i]!;
    for (const [seq, [role, body]] of LIFECYCLE.entries()) {
      const key = `${caseId}-${seq}`;
      for (let attempt = 1; ; attempt++) {
        const sent = Date.now();
        const t = performance.now();
        const res = await fetch(`${stack.apiUrl}/cases/${caseId}/events`, {
          method: 'POST',
          headers: {
            authorization: `Bearer ${tokens[role]}`,
            'content-type': 'application/json',
            'idempotency-key': key,
          },
          body: JSON.stringify(body),
        });
        await res.arrayBuffer();
        if (res.status === 200) {
          latencies.push(performance.now() - t);
          if (!sentAt.has(`${caseId}:${seq + 1}`)) sentAt.set(`${caseId}:${seq + 1}`, sent);
          break;
        }
        errors += 1;
        if (res.status !== 503 || attempt >= 5) throw new Error(`${body.type}: ${res.status}`);
      }
    }
  });
  const seconds = (performance.now() - t0) / 1000;
  // Receipt times: what each reference system stored, against when the change was sent.
  await new Promise((r) => setTimeout(r, 5_000));
  const toReceipt: Record<string, number[]> = {};
  for (const [system, url] of [
    ['homeOffice', stack.systems.homeOffice],
    ['courts', stack.systems.courts],
  ] as const) {
    const { messages } = (await (await fetch(`${url}/messages`)).json()) as {
      messages: Array<{ caseId: string; seq: number; receivedAt: string }>;
    };
    toReceipt[system] = messages.flatMap((m) => {
      const sent = sentAt.get(`${m.caseId}:${m.seq}`);
      return sent === undefined ? [] : [Date.parse(m.receivedAt) - sent];
    });
  }
  return {
    changes: latencies.length,
    seconds,
    throughput: latencies.length / seconds,
    latency: percentiles(latencies),
    errors503: errors,
    toReceipt: { homeOffice: percentiles(toReceipt.homeOffice!), courts: percentiles(toReceipt.courts!) },
  };
}

async function bare(stack: BenchStack) {
  const ids = Array.from({ length: CASES }, (_, i) => `bare-${i}-${Date.now()}`);
  await pool(ids.length, async (i) => {
    await stack.baseline.client.workflow.start('bareWorkflow', {
      workflowId: ids[i]!,
      taskQueue: stack.baseline.taskQueue,
    });
  });
  const latencies: number[] = [];
  const t0 = performance.now();
  await pool(ids.length, async (i) => {
    const handle = stack.baseline.client.workflow.getHandle(ids[i]!);
    for (let n = 0; n < LIFECYCLE.length; n++) {
      const t = performance.now();
      await handle.executeUpdate(bumpUpdate, { args: [1], updateId: `${ids[i]}-${n}` });
      latencies.push(performance.now() - t);
    }
  });
  const seconds = (performance.now() - t0) / 1000;
  return {
    changes: latencies.length,
    seconds,
    throughput: latencies.length / seconds,
    latency: percentiles(latencies),
  };
}

/** One stack, the workload on it: bare, ours, bare again (the two bare runs' mean is the baseline). */
async function measure(codec: 'on' | 'off') {
  const stack = await startBenchStack(
    { PAYLOAD_ENCRYPTION: codec },
    values.workers ? { workers: Number(values.workers) } : {},
  );
  try {
    // Bare first, then ours, then bare again: the average of the two bare runs is the baseline,
    // so a server that slows as its database grows does not flatter either side.
    const bare1 = await bare(stack);
    const product = await ours(stack);
    const bare2 = await bare(stack);
    const mean = (a: number, b: number) => (a + b) / 2;
    const baseline = {
      throughput: mean(bare1.throughput, bare2.throughput),
      p50: mean(bare1.latency.p50, bare2.latency.p50),
      p95: mean(bare1.latency.p95, bare2.latency.p95),
      p99: mean(bare1.latency.p99, bare2.latency.p99),
    };
    return { codec, machine: machine(stack), product, bare: [bare1, bare2], baseline };
  } finally {
    await stack.stop();
  }
}

const f = (v: number) => v.toFixed(0);
function printRun(run: Awaited<ReturnType<typeof measure>>) {
  const { product, baseline } = run;
  console.log(
    `\nStage changes, payload codec ${run.codec} — ${run.machine}\n${CASES} cases × ${LIFECYCLE.length} changes, concurrency ${C}\n`,
  );
  console.log('| measure | ours (HTTP → API → update) | bare Temporal update | ours ÷ bare | target |');
  console.log('|---|---|---|---|---|');
  console.log(
    `| throughput | ${product.throughput.toFixed(1)} changes/s | ${baseline.throughput.toFixed(1)} updates/s | ${(product.throughput / baseline.throughput).toFixed(2)} | ≥ 0.70 |`,
  );
  console.log(
    `| latency p50 | ${f(product.latency.p50)} ms | ${f(baseline.p50)} ms | ${(product.latency.p50 / baseline.p50).toFixed(2)} | ≤ 1.5 |`,
  );
  console.log(
    `| latency p95 | ${f(product.latency.p95)} ms | ${f(baseline.p95)} ms | ${(product.latency.p95 / baseline.p95).toFixed(2)} | |`,
  );
  console.log(
    `| latency p99 | ${f(product.latency.p99)} ms | ${f(baseline.p99)} ms | ${(product.latency.p99 / baseline.p99).toFixed(2)} | ≤ 2 |`,
  );
  console.log(
    `| to Home Office receipt p50 / p99 | ${f(product.toReceipt.homeOffice.p50)} / ${f(product.toReceipt.homeOffice.p99)} ms | – | – | |`,
  );
  console.log(
    `| to HMCTS receipt p50 / p99 | ${f(product.toReceipt.courts.p50)} / ${f(product.toReceipt.courts.p99)} ms | – | – | |`,
  );
  console.log(`\n503s retried: ${product.errors503}.`);
}

const runs = [];
for (const codec of CODEC_RUNS) runs.push(await measure(codec));
runs.forEach(printRun);
const [off, on] = runs;
const codecCost =
  off && on
    ? {
        throughput: on.product.throughput / off.product.throughput,
        p50: on.product.latency.p50 / off.product.latency.p50,
        p95: on.product.latency.p95 / off.product.latency.p95,
        p99: on.product.latency.p99 / off.product.latency.p99,
      }
    : undefined;
if (off && on && codecCost) {
  console.log(`\nThe payload codec's cost on a change (same run, a stack each)\n`);
  console.log('| measure | without codec | with codec | with ÷ without |');
  console.log('|---|---|---|---|');
  console.log(
    `| throughput | ${off.product.throughput.toFixed(1)} changes/s | ${on.product.throughput.toFixed(1)} changes/s | ${codecCost.throughput.toFixed(2)} |`,
  );
  for (const q of ['p50', 'p95', 'p99'] as const)
    console.log(
      `| latency ${q} | ${f(off.product.latency[q])} ms | ${f(on.product.latency[q])} ms | ${codecCost[q].toFixed(2)} |`,
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
  concurrency: C,
  // One run: the shape earlier results have; both: each run, and the codec's cost.
  ...(single
    ? { codec: single.codec, product: single.product, bare: single.bare, baseline: single.baseline }
    : { runs, codecCost, codecAlone: alone }),
});
console.log(`\nWritten: ${file}`);
