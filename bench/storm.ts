/**
 * `npm run bench:storm [-- --cases 10000 --lead-minutes 8 --spread-minutes 0]`: the timer storm. N appeals in the
 * 24-week cohort, all lodged on the same day, so their 16-week warning falls in the same minute.
 * The minute is placed a few minutes ahead with the policy's warning time of day
 * (POLICY_WARNING_TIME) and appeals lodged 16 weeks and a day before it, brought in through the
 * import. Lag = the escalation's recorded time (workflow time, carried to the notifier) minus the
 * due minute, and the notifier's receipt minus the due minute. Baseline in the same run: N bare
 * workflows sleeping until one minute, and how late their workflow time woke. Caseworker latency:
 * a caseworker's change (POST case.assigned) and read of a case of their own, one after another,
 * timed when the stack is idle and again from the due minute until the storm has passed; the target
 * is p99 during the storm ≤ 2× idle. Prints; writes JSON.
 */
import { parseArgs } from 'node:util';
import pMap from 'p-map';
import { DEFAULT_POLICY, homeOfficeRef, londonTimePlus, warningOffsetMs } from '../domain/index.js';
import { addDays, londonDate } from '../domain/days.js';
import type { StoredMessage } from '../systems/reference-system.js';
import { newCaseBody } from '../test/case-body.js';
import { bareStarts, importCsv, machine, writeResults } from './common.js';
import { formatTrace, lateTrace, taskTimeouts } from './late.js';
import { caseWorkflowId } from '../workflows/messages.js';
import { percentiles, startBenchStack, type BenchStack } from './stack.js';

const { values } = parseArgs({
  options: {
    cases: { type: 'string', default: '10000' },
    'lead-minutes': { type: 'string' },
    concurrency: { type: 'string', default: '32' },
    'spread-minutes': { type: 'string', default: '0' },
  },
});
const N = Number(values.cases);
// POLICY_WARNING_SPREAD_MINUTES: each case's warning at its own second of that many minutes after the
// due minute. Lags are then from each case's own instant, and the bare timers are spread alike.
const SPREAD = Number(values['spread-minutes']);
if (!Number.isInteger(SPREAD) || SPREAD < 0) throw new Error('--spread-minutes: whole minutes, 0 or more');
const spreadPolicy = { ...DEFAULT_POLICY, tribunal: { ...DEFAULT_POLICY.tribunal, warningSpreadMinutes: SPREAD } };
/** Where a case's (or a bare timer's) instant falls after the due minute: the product's own spread. */
const offsetOf = (id: string) => warningOffsetMs(id, spreadPolicy);
const CONCURRENCY = Number(values.concurrency);
const MINUTE = 60_000;
const say = (line: string) => console.error(`[storm] ${line}`);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const ceilMinute = (ms: number) => Math.ceil(ms / MINUTE) * MINUTE;

// Time to be ready before the storm: the stack (~1 min) and the import (~40 cases/s here), plus a margin.
const leadMinutes = values['lead-minutes'] ? Number(values['lead-minutes']) : Math.ceil(2.5 + N / 40 / 60);
const due = ceilMinute(Date.now() + leadMinutes * MINUTE);
const dueIso = new Date(due).toISOString();
// The policy places warnings at a London time of day on a London date.
const dueLondon = {
  date: londonDate(due),
  time: new Date(due).toLocaleTimeString('en-GB', {
    timeZone: 'Europe/London',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  }),
};
const WARNING_WEEKS = 16;

/** Appeals lodged the day before the clock starts, 16 weeks before the due day. */
function stormSheet(n: number): string {
  const startedOn = addDays(dueLondon.date, -WARNING_WEEKS * 7);
  const lodged = addDays(startedOn, -1);
  const lines = [
    'ho_ref,name,date_of_birth,nationality,supported_accommodation,stage,claim_date,decision_date,appeal_lodged_date',
  ];
  for (let i = 0; i < n; i++)
    lines.push(
      `${homeOfficeRef('S', 1_000_000 + i)},Storm Appellant ${i},1990-01-01,ERI,yes,appeal,${addDays(lodged, -150)},${addDays(lodged, -7)},${lodged}`,
    );
  return `${lines.join('\n')}\n`;
}

async function escalations(notifierUrl: string): Promise<StoredMessage[]> {
  const { messages } = (await (await fetch(`${notifierUrl}/messages`)).json()) as { messages: StoredMessage[] };
  return messages.filter((m) => m.type === 'clock.escalated');
}

/** Opens `n` cases of the caseworker's own through the API (not in the storm's cohort). */
async function openCases(stack: BenchStack, token: string, n: number): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < n; i++) {
    const res = await fetch(`${stack.apiUrl}/cases`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify(newCaseBody()),
    });
    if (res.status !== 201) throw new Error(`open: ${res.status} ${await res.text()}`);
    ids.push(((await res.json()) as { caseId: string }).caseId);
  }
  return ids;
}

/**
 * A caseworker at work until stopped: on each of their cases in turn, a change (reassigned: a workflow
 * update, through the worker) then a read of the case, one request at a time, 100 ms apart. Answers
 * each kind's percentiles (ms) and how many failed.
 */
function caseworker(stack: BenchStack, token: string, caseIds: string[]) {
  const change: number[] = [];
  const read: number[] = [];
  let errors = 0;
  let running = true;
  const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
  const timedFetch = async (into: number[], path: string, init: RequestInit = {}) => {
    const t0 = performance.now();
    const res = await fetch(`${stack.apiUrl}${path}`, { ...init, headers }).catch(() => undefined);
    await res?.arrayBuffer();
    into.push(performance.now() - t0);
    if (!res || res.status !== 200) errors += 1;
  };
  const loop = (async () => {
    for (let i = 0; running; i++) {
      const caseId = caseIds[i % caseIds.length]!;
      await timedFetch(change, `/cases/${caseId}/events`, {
        method: 'POST',
        body: JSON.stringify({ type: 'case.assigned', assignee: `caseworker.${i % 7}` }),
      });
      await timedFetch(read, `/cases/${caseId}`);
      await sleep(100);
    }
  })();
  return async () => {
    running = false;
    await loop;
    return { change: percentiles(change), read: percentiles(read), errors };
  };
}

const stack = await startBenchStack({
  POLICY_WARNING_TIME: dueLondon.time,
  POLICY_WARNING_SPREAD_MINUTES: String(SPREAD),
  POLICY_COMMENCEMENT_DATE: '2000-01-01',
});
try {
  say(
    `${N} warnings due at ${dueIso}${SPREAD ? ` and over the ${SPREAD} minutes after` : ''} (lead ${leadMinutes} min)`,
  );
  const token = await stack.token('supervisor');
  // The caseworker's latency when nothing else runs: their cases opened and settled, then 20 s of work.
  const worker = await stack.token('caseworker');
  const ownCases = await openCases(stack, worker, 5);
  await sleep(5_000);
  const idleStop = caseworker(stack, worker, ownCases);
  await sleep(20_000);
  const idle = await idleStop();
  say(`caseworker idle: change p99 ${idle.change.p99.toFixed(0)} ms, read p99 ${idle.read.p99.toFixed(0)} ms`);
  const run = await importCsv(stack, token, stormSheet(N), 'storm.csv', 2000);
  if (run.report.outcomes.created !== N)
    throw new Error(`import created ${run.report.outcomes.created} of ${N}: ${JSON.stringify(run.report.outcomes)}`);
  const spare = (due - Date.now()) / 1000;
  say(`imported ${N} cases in ${run.seconds.toFixed(0)} s; ${spare.toFixed(0)} s before the storm`);
  if (spare < 10)
    throw new Error(
      `the import ended ${spare.toFixed(0)} s before the due minute: too close to measure a storm. Rerun with --lead-minutes ${leadMinutes + Math.ceil((10 - spare) / 60) + 1}`,
    );
  const early = await escalations(stack.systems.notifier);
  if (early.length > 0) throw new Error(`${early.length} escalations before their due minute`);

  // Ours: wait for every escalation to reach the notifier (or 20 minutes).
  await sleep(due - Date.now());
  const stormStop = caseworker(stack, worker, ownCases);
  let seen: StoredMessage[] = [];
  for (const giveUp = Date.now() + (20 + SPREAD) * MINUTE; Date.now() < giveUp; await sleep(2000)) {
    seen = await escalations(stack.systems.notifier);
    if (seen.length >= N) break;
  }
  const storm = await stormStop();
  const perCase = new Map<string, number>();
  for (const m of seen) perCase.set(m.caseId, (perCase.get(m.caseId) ?? 0) + 1);
  const duplicated = [...perCase.values()].filter((c) => c > 1).length;
  // Each case's own instant, as the product places it (on London's wall clock after the due minute).
  const dueOf = (caseId: string) => Date.parse(londonTimePlus(dueLondon.date, dueLondon.time, offsetOf(caseId)));
  /** Seconds from a case's own instant to its escalation's recorded (workflow) time. */
  const lagOf = (m: StoredMessage) => (Date.parse(m.at) - dueOf(m.caseId)) / 1000;
  const recorded = percentiles(seen.map(lagOf));
  const received = percentiles(seen.map((m) => (Date.parse(m.receivedAt) - dueOf(m.caseId)) / 1000));
  const searchable = await stack.client.workflow.count(`CaseEscalationLevel = 1 AND ExecutionStatus = 'Running'`);
  say(`ours: ${seen.length} escalations, recorded lag p99 ${recorded.p99.toFixed(1)} s`);

  // Bare: as many trivial workflows sleeping until one minute, started after ours settled.
  const bareDue = ceilMinute(Date.now() + (N / 80) * 1000 + 30_000);
  const startsPerSecond = await bareStarts(stack, N, CONCURRENCY, {
    type: 'bareTimer',
    idPrefix: 'bare-timer',
    args: (i) => [bareDue + offsetOf(`bare-timer-${i}`)],
  });
  const bareSpare = (bareDue - Date.now()) / 1000;
  if (bareSpare < 5)
    throw new Error(`bare timers started ${bareSpare.toFixed(0)} s before their due minute: too close`);
  await sleep(bareDue + SPREAD * MINUTE - Date.now());
  const bareLags = await pMap(
    Array.from({ length: N }, (_, i) => i),
    (i) => stack.baseline.client.workflow.getHandle(`bare-timer-${i}`).result() as Promise<number>,
    { concurrency: CONCURRENCY },
  );
  const bare = percentiles(bareLags.map((ms) => ms / 1000));

  // Where the latest cases' time went, read from their histories (after the bare run, so it costs that nothing).
  // Each history is fetched once: all of them for the timeouts, the ten latest again from memory for their traces.
  const histories = new Map(
    await pMap(
      [...perCase.keys()],
      async (caseId) =>
        [caseId, (await stack.client.workflow.getHandle(caseWorkflowId(caseId)).fetchHistory()).events ?? []] as const,
      { concurrency: 16 },
    ),
  );
  const timeouts = taskTimeouts([...histories.values()]);
  const lateTraces = [...seen]
    .sort((a, b) => lagOf(b) - lagOf(a))
    .slice(0, 10)
    .map((m) => ({
      recordedLag: lagOf(m),
      ...lateTrace(caseWorkflowId(m.caseId), histories.get(m.caseId) ?? [], dueOf(m.caseId)),
    }));

  const out = {
    at: new Date().toISOString(),
    machine: machine(stack),
    cases: N,
    dueAt: dueIso,
    spreadMinutes: SPREAD,
    importSeconds: run.seconds,
    escalations: { recorded: seen.length, duplicated, searchable, expected: N },
    lagSeconds: { recorded, notifierReceipt: received, bare },
    ratios: {
      allProcessed: recorded.max / bare.max,
      p99: recorded.p99 / bare.p99,
      caseworkerChangeP99: storm.change.p99 / idle.change.p99,
      caseworkerReadP99: storm.read.p99 / idle.read.p99,
    },
    caseworkerMs: { idle, storm },
    bareStartsPerSecond: startsPerSecond,
    workflowTaskTimeouts: timeouts,
    lateTraces,
  };
  const file = writeResults('storm', out);
  const s = (v: number) => `${v.toFixed(1)} s`;
  console.log(
    `\nTimer storm — ${out.machine}\n${N} 16-week warnings due at ${dueIso}${SPREAD ? `, spread over ${SPREAD} minutes (lags from each one's own instant)` : ''}\n`,
  );
  console.log('| measure | ours (escalation recorded) | bare timer woke | ours ÷ bare | target |');
  console.log('|---|---|---|---|---|');
  for (const [name, q] of [
    ['lag p50', 'p50'],
    ['lag p99', 'p99'],
    ['lag max', 'max'],
  ] as const) {
    console.log(
      `| ${name} | ${s(recorded[q])} | ${s(bare[q])} | ${(recorded[q] / bare[q]).toFixed(2)} | ${q === 'max' ? 'ours ÷ bare ≤ 1.2 (all processed)' : ''} |`,
    );
  }
  console.log(`| escalation at the notifier, p50 / p99 | ${s(received.p50)} / ${s(received.p99)} | – | – | |`);
  const ms = (v: number) => `${v.toFixed(0)} ms`;
  console.log('\n| caseworker | idle p50 / p99 | during the storm p50 / p99 | p99 ÷ idle | target |');
  console.log('|---|---|---|---|---|');
  for (const kind of ['change', 'read'] as const)
    console.log(
      `| ${kind === 'change' ? 'change (POST case.assigned)' : 'read (GET /cases/:id)'} | ${ms(idle[kind].p50)} / ${ms(idle[kind].p99)} | ${ms(storm[kind].p50)} / ${ms(storm[kind].p99)} | ${(storm[kind].p99 / idle[kind].p99).toFixed(2)} | ≤ 2 |`,
    );
  console.log(`Caseworker requests failed: idle ${idle.errors}, during the storm ${storm.errors}`);
  console.log(
    `\nEscalations recorded ${seen.length} of ${N}, duplicated ${duplicated}, searchable at level 1: ${searchable.count}`,
  );
  console.log(`\nWorkflow task timeouts in the storm's histories: ${JSON.stringify(timeouts)}`);
  console.log(
    `The ${lateTraces.length} latest, from their instant:\n${lateTraces.map((t) => `${formatTrace(t)} (recorded +${t.recordedLag.toFixed(2)}s)`).join('\n')}`,
  );
  console.log(`Written: ${file}`);
  if (seen.length !== N || duplicated !== 0) process.exitCode = 1;
} finally {
  await stack.stop();
}
