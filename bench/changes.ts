/**
 * `npm run bench [-- --cases 200 --concurrency 8 --workers N]`: stage changes over HTTP against a bare
 * Temporal Update round trip on the same server at the same concurrency. Each case goes through a
 * realistic lifecycle (7 changes); we time every POST /cases/:id/events, the throughput, and the
 * time from sending a change to its receipt at each external system. The bare run starts as many
 * trivial workflows and sends each as many updates. Prints the table with ratios; writes JSON.
 */
import { parseArgs } from 'node:util';
import pMap from 'p-map';
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
  },
});
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

const stack = await startBenchStack({}, values.workers ? { workers: Number(values.workers) } : {});
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
  const out = {
    at: new Date().toISOString(),
    machine: machine(stack),
    cases: CASES,
    concurrency: C,
    product,
    bare: [bare1, bare2],
    baseline,
  };
  const file = writeResults('changes', out);
  const f = (v: number) => v.toFixed(0);
  console.log(`\nStage changes — ${out.machine}\n${CASES} cases × ${LIFECYCLE.length} changes, concurrency ${C}\n`);
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
  console.log(`\n503s retried: ${product.errors503}. Written: ${file}`);
} finally {
  await stack.stop();
}
