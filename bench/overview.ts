/**
 * `npm run bench:overview [-- --supervisors 20 --seconds 60 --cases 1000]`: supervisors opening the
 * overview and asking for the summary at the same moment, over and over, for a minute. Both are
 * made of visibility calls that the Temporal server limits per namespace, and the API paces its
 * own (TEMPORAL_VISIBILITY_RPS per process): this shows that nobody is refused, and what the pacing
 * costs, against one supervisor alone on the same stack. TEMPORAL_TOPOLOGY=cluster for the cluster.
 */
import { parseArgs } from 'node:util';
import { messySpreadsheet } from '../test/spreadsheet.js';
import { importCsv, machine, timed, writeResults } from './common.js';
import { percentiles, startBenchStack } from './stack.js';

const { values } = parseArgs({
  options: {
    supervisors: { type: 'string', default: '20' },
    seconds: { type: 'string', default: '60' },
    cases: { type: 'string', default: '1000' },
    samples: { type: 'string', default: '20' },
  },
});
const SUPERVISORS = Number(values.supervisors);
const say = (line: string) => console.error(`[overview] ${line}`);

const stack = await startBenchStack();
try {
  const token = await stack.token('supervisor');
  // About one generated row in nine is a deliberate defect: generate enough rows for the cases asked.
  const sheet = messySpreadsheet(Math.ceil(Number(values.cases) / 0.89), 500);
  await importCsv(stack, token, sheet.csv, 'seed.csv', 2000);
  const auth = { authorization: `Bearer ${token}` };
  for (;;) {
    const summary = (await (await fetch(`${stack.apiUrl}/reports/summary`, { headers: auth })).json()) as {
      openCases?: number;
    };
    if (summary.openCases === sheet.accepted) break;
    await new Promise((r) => setTimeout(r, 2000));
  }
  say(`seeded ${sheet.accepted} cases; visibility has them all`);

  const get = async (path: string, headers: Record<string, string>) => {
    const t0 = performance.now();
    const res = await fetch(`${stack.apiUrl}${path}`, { headers, redirect: 'manual' });
    await res.arrayBuffer();
    return { status: res.status, ms: performance.now() - t0 };
  };
  const overview = (t: string) => get('/app', { cookie: `case_tracker_token=${t}` });
  const summary = (t: string) => get('/reports/summary', { authorization: `Bearer ${t}` });

  // Alone: one supervisor, the overview and the summary together, one after another.
  const aloneOverview: number[] = [];
  const aloneSummary: number[] = [];
  const aloneAll = await timed(Number(values.samples), async () => {
    const [o, s] = await Promise.all([overview(token), summary(token)]);
    if (o.status !== 200 || s.status !== 200) throw new Error(`alone: overview ${o.status}, summary ${s.status}`);
    aloneOverview.push(o.ms);
    aloneSummary.push(s.ms);
  });

  // Together: every supervisor loads both at once, again as soon as both have answered.
  const tokens = await Promise.all(
    Array.from({ length: SUPERVISORS }, (_, i) => stack.token('supervisor', `supervisor-${i}`)),
  );
  const loaded = { overview: [] as number[], summary: [] as number[] };
  const statuses: Record<string, number> = {};
  const until = performance.now() + Number(values.seconds) * 1000;
  let rounds = 0;
  await Promise.all(
    tokens.map(async (t) => {
      while (performance.now() < until) {
        const [o, s] = await Promise.all([overview(t), summary(t)]);
        for (const [kind, r] of [
          ['overview', o],
          ['summary', s],
        ] as const) {
          loaded[kind].push(r.ms);
          statuses[`${kind} ${r.status}`] = (statuses[`${kind} ${r.status}`] ?? 0) + 1;
        }
        rounds++;
      }
    }),
  );
  const errors = Object.entries(statuses)
    .filter(([k]) => !k.endsWith(' 200'))
    .reduce((n, [, v]) => n + v, 0);
  const rows = [
    { name: 'overview page', alone: percentiles(aloneOverview), together: percentiles(loaded.overview) },
    { name: 'GET /reports/summary', alone: percentiles(aloneSummary), together: percentiles(loaded.summary) },
  ];
  const out = {
    at: new Date().toISOString(),
    machine: machine(stack),
    cases: sheet.accepted,
    supervisors: SUPERVISORS,
    seconds: Number(values.seconds),
    visibilityPerSecondPerProcess: stack.config.temporal.visibilityPerSecond,
    rounds,
    statuses,
    errors,
    aloneBoth: aloneAll,
    rows,
  };
  const file = writeResults('overview', out);
  console.log(
    `\nOverview and summary, ${SUPERVISORS} supervisors at once for ${values.seconds} s, ${sheet.accepted} cases — ${machine(stack)}; visibility budget ${out.visibilityPerSecondPerProcess}/s per process\n`,
  );
  console.log(
    `${rounds} rounds (overview + summary each), ${rounds * 2} requests, errors: ${errors} (${JSON.stringify(statuses)})\n`,
  );
  console.log('| request | alone p50 / p95 | 20 at once p50 / p95 / p99 / max |');
  console.log('|---|---|---|');
  for (const r of rows)
    console.log(
      `| ${r.name} | ${r.alone.p50.toFixed(0)} / ${r.alone.p95.toFixed(0)} ms | ${r.together.p50.toFixed(0)} / ${r.together.p95.toFixed(0)} / ${r.together.p99.toFixed(0)} / ${r.together.max.toFixed(0)} ms |`,
    );
  console.log(`\nWritten: ${file}`);
  if (errors > 0) process.exitCode = 1;
} finally {
  await stack.stop();
}
