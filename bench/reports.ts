/**
 * `npm run bench:reports [-- --cases 250000 --workflows 2000 --samples 50 --screenshot docs/overview.png
 * --screenshot-of page|charts]`:
 * the reports (#20) at scale. The reporting read model is seeded with `--cases` open cases (the
 * exited ones on top) through the store's own `apply` (test/reporting-population.ts: two years of back-dated
 * stays), the stack is started on that file, and `--workflows` real cases are imported besides (the
 * worker projects them into the same model). Then GET /reports/flow (a year), /reports/ageing,
 * /reports/summary and the overview page are timed one after another and four at a time, and so
 * are the visibility counts the summary is made of before #20, made directly with the Temporal
 * client over the imported workflows: 250,000 workflows cannot be imported on this machine in
 * reasonable time (bench/scale.ts: 100,000 took 53 minutes), so the ratio is store at `--cases`
 * against visibility at `--workflows`. Whatever /reports/summary answers from on this branch is
 * what is timed, so the same command measures it again once the summary reads the model.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { addDays, APPEAL_ENDINGS, deadlinesBefore, londonDate, STAGES } from '../domain/index.js';
import { openReportingStore } from '../reporting/index.js';
import { launchChromium } from '../test/browser.js';
import { CASE_WORKFLOW_TYPE, SA } from '../workflows/messages.js';
import { ONWARD_PENDING_STATUSES } from '../api/routes/reports.js';
import { backlogSheet } from './backlog.js';
import { importCsv, machine, timed, writeResults } from './common.js';
import { population } from '../test/reporting-population.js';
import { startBenchStack } from './stack.js';

const { values } = parseArgs({
  options: {
    cases: { type: 'string', default: '250000' },
    workflows: { type: 'string', default: '2000' },
    samples: { type: 'string', default: '50' },
    screenshot: { type: 'string' },
    // 'charts': the flow and ageing charts only, the parts read from the model whatever the summary reads.
    'screenshot-of': { type: 'string', default: 'page' },
  },
});
const CASES = Number(values.cases);
const WORKFLOWS = Number(values.workflows);
const SAMPLES = Number(values.samples);
const say = (line: string) => console.error(`[reports] ${line}`);
const today = londonDate(Date.now());

/**
 * The visibility counts GET /reports/summary made before the read model (api/routes/reports.ts at
 * #20): one count a stage and a way an appeal ended, and one for each other figure.
 */
function summaryVisibilityCounts(): string[] {
  const clock = (status: string) => `${SA.clock.name} = '${status}'`;
  return [
    ...STAGES.map((stage) => `${SA.stage.name} = '${stage}'`),
    `${SA.syncFailed.name} = true`,
    `${SA.absconded.name} = true`,
    `${SA.appeals.name} >= 2`,
    `${SA.escalation.name} >= 1 AND (${clock('running')} OR ${clock('breached')})`,
    clock('running'),
    `${clock('running')} AND ${SA.deadline.name} < '${deadlinesBefore(addDays(today, 28))}'`,
    ...['breached', 'exception', 'exception-decided', 'in-time', 'late', 'ended'].map(clock),
    `${SA.appealPending.name} = true`,
    `${SA.status.name} = 'further-submissions-pending'`,
    `${SA.status.name} IN (${ONWARD_PENDING_STATUSES.map((s) => `'${s}'`).join(', ')})`,
    ...APPEAL_ENDINGS.map((how) => `${SA.appealEnded.name} = '${how}'`),
  ].map((where) => `WorkflowType = '${CASE_WORKFLOW_TYPE}' AND ${where}`);
}

// The model, seeded before any part opens it: batches of messages, each batch one transaction.
const dir = mkdtempSync(join(tmpdir(), 'case-tracker-bench-reports-'));
const dbFile = join(dir, 'reporting.sqlite');
const seedStart = performance.now();
const seeded = { cases: 0, open: 0, messages: 0 };
{
  const store = openReportingStore(dbFile);
  let batches = 0;
  for (const batch of population(CASES, today)) {
    await store.applyAll(batch.messages);
    Object.assign(seeded, { cases: batch.cases, open: batch.open, messages: seeded.messages + batch.messages.length });
    if (++batches % 20 === 0) say(`seeded ${batch.open} open of ${batch.cases} cases`);
  }
  await store.close();
}
const seedSeconds = (performance.now() - seedStart) / 1000;
say(
  `seeded ${seeded.open} open cases (${seeded.cases} in all, ${seeded.messages} messages) in ${seedSeconds.toFixed(0)} s`,
);

const stack = await startBenchStack({ REPORTING_DB: dbFile });
try {
  const token = await stack.token('supervisor');
  const importStart = performance.now();
  for (let done = 0; done < WORKFLOWS; done += 5_000) {
    const n = Math.min(5_000, WORKFLOWS - done);
    const run = await importCsv(stack, token, backlogSheet(done, n, today), `backlog-${done}.csv`, 2000);
    if (run.report.outcomes.created !== n)
      throw new Error(`import created ${run.report.outcomes.created} of ${n}: ${JSON.stringify(run.report.outcomes)}`);
  }
  const running = `WorkflowType = '${CASE_WORKFLOW_TYPE}' AND ExecutionStatus = 'Running'`;
  while ((await stack.client.workflow.count(running)).count < WORKFLOWS) await new Promise((r) => setTimeout(r, 2000));
  // Let back-dated escalations, deliveries and visibility settle before timing reads.
  await new Promise((r) => setTimeout(r, 15_000));
  say(`imported ${WORKFLOWS} workflows in ${((performance.now() - importStart) / 1000).toFixed(0)} s`);

  const get = (path: string, headers: Record<string, string>) => async () => {
    const res = await fetch(`${stack.apiUrl}${path}`, { headers, redirect: 'manual' });
    const body = await res.text();
    if (res.status !== 200) throw new Error(`${path}: ${res.status} ${body.slice(0, 300)}`);
  };
  const bearer = { authorization: `Bearer ${token}` };
  const counts = summaryVisibilityCounts();
  const requests: Array<[string, () => Promise<unknown>]> = [
    [
      `GET /reports/flow (${addDays(today, -364)} to ${today})`,
      get(`/reports/flow?from=${addDays(today, -364)}&to=${today}`, bearer),
    ],
    ['GET /reports/ageing', get('/reports/ageing', bearer)],
    ['GET /reports/summary', get('/reports/summary', bearer)],
    ['overview page (/app, signed in)', get('/app', { cookie: `case_tracker_token=${token}` })],
    // One after another, as the API's visibility budget paces them: all at once, the dev server's
    // own per-namespace limit refuses some and the client's retries back off for seconds.
    [
      `visibility: the summary's ${counts.length} counts before #20 (Temporal client, one after another)`,
      async () => {
        for (const query of counts) await stack.client.workflow.count(query);
      },
    ],
  ];
  const rows = [];
  for (const [name, call] of requests) {
    await call(); // warm: the first call pays for statements prepared and pages read
    const alone = await timed(SAMPLES, call);
    const four = await timed(SAMPLES, call, 4);
    rows.push({ name, alone, four });
    say(`${name}: p95 ${alone.p95.toFixed(0)} ms alone, ${four.p95.toFixed(0)} ms four at a time`);
  }

  if (values.screenshot) {
    const browser = await launchChromium();
    try {
      const context = await browser.newContext({ viewport: { width: 1100, height: 900 } });
      await context.addCookies([{ name: 'case_tracker_token', value: token, url: stack.apiUrl }]);
      const page = await context.newPage();
      await page.goto(`${stack.apiUrl}/app`);
      if (values['screenshot-of'] === 'charts') {
        const boxes = await Promise.all(['#weekly-flow', '#ageing'].map((id) => page.locator(id).boundingBox()));
        const [flow, ageing] = boxes.map((b) => b ?? { x: 0, y: 0, width: 0, height: 0 });
        // The page's full width: the charts' axis labels reach left of their sections.
        const width = page.viewportSize()?.width ?? 1100;
        await page.screenshot({
          path: values.screenshot,
          fullPage: true,
          clip: { x: 0, y: flow!.y - 16, width, height: ageing!.y + ageing!.height - flow!.y + 32 },
        });
      } else await page.screenshot({ path: values.screenshot, fullPage: true });
      say(`overview screenshot: ${values.screenshot}`);
    } finally {
      await browser.close();
    }
  }

  const out = {
    at: new Date().toISOString(),
    machine: machine(stack),
    seeded,
    seedSeconds,
    workflows: WORKFLOWS,
    samples: SAMPLES,
    rows,
  };
  const file = writeResults('reports', out);
  const ms = (v: number) => `${v.toFixed(0)} ms`;
  const p = (s: { p50: number; p95: number; p99: number }) => `${ms(s.p50)} / ${ms(s.p95)} / ${ms(s.p99)}`;
  console.log(
    `\nReports — ${seeded.open} open cases in the read model (${seeded.cases} in all, seeded in ${seedSeconds.toFixed(0)} s), ${WORKFLOWS} workflows in visibility; ${out.machine}; ${SAMPLES} samples each\n`,
  );
  console.log('| request | alone p50 / p95 / p99 | 4 at once p50 / p95 / p99 | target p95 |');
  console.log('|---|---|---|---|');
  for (const r of rows)
    console.log(
      `| ${r.name} | ${p(r.alone)} | ${p(r.four)} | ${r.name.startsWith('overview') ? '< 500 ms' : r.name.startsWith('GET') ? '< 300 ms' : ''} |`,
    );
  const visibility = rows.at(-1)!;
  console.log(`\nRead model at ${seeded.open} open cases ÷ visibility counts at ${WORKFLOWS} workflows (p95, alone):`);
  for (const r of rows.slice(0, 3)) console.log(`- ${r.name}: ${(r.alone.p95 / visibility.alone.p95).toFixed(2)}`);
  console.log(`\nWritten: ${file}`);
} finally {
  await stack.stop();
  rmSync(dir, { recursive: true, force: true });
}
