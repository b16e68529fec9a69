/**
 * `npm run bench:pages [-- --cases 10000]`: the pages with many cases in the system. Seeds the
 * cases through the import (fastest honest way in), then times each page a supervisor opens,
 * and the API call underneath it as the baseline, so the ratio shows what rendering adds.
 */
import { parseArgs } from 'node:util';
import { caseIdFor } from '../ids/case-id.js';
import { messySpreadsheet } from '../test/spreadsheet.js';
import { importCsv, machine, timed, writeResults } from './common.js';
import { startBenchStack } from './stack.js';

const { values } = parseArgs({
  options: { cases: { type: 'string', default: '10000' }, samples: { type: 'string', default: '40' } },
});
const stack = await startBenchStack();
try {
  const token = await stack.token('supervisor');
  // About one generated row in nine is a deliberate defect: generate enough rows for the cases asked.
  const sheet = messySpreadsheet(Math.ceil(Number(values.cases) / 0.89), 500);
  const t0 = performance.now();
  await importCsv(stack, token, sheet.csv, 'seed.csv', 2000);
  console.error(`[bench] seeded ${sheet.accepted} cases in ${((performance.now() - t0) / 1000).toFixed(0)} s`);
  // Let the back-dated escalations settle and visibility catch up before timing.
  await new Promise((res) => setTimeout(res, 60_000));

  const cookie = `case_tracker_token=${token}`;
  const someCase = caseIdFor(sheet.good[0]!.ref);
  const pairs: Array<[string, string, string]> = [
    ['overview', '/app', '/reports/summary'],
    ['find a case (first page)', '/app/cases?stage=appeal', '/cases?stage=appeal&pageSize=25'],
    ['find by reference', `/app/cases?ref=${sheet.good[1]!.ref}`, `/cases?ref=${sheet.good[1]!.ref}`],
    ['case page', `/app/cases/${someCase}`, `/cases/${someCase}`],
  ];
  const time = (path: string, headers: Record<string, string>) =>
    timed(Number(values.samples), async () => {
      const res = await fetch(`${stack.apiUrl}${path}`, { headers, redirect: 'manual' });
      await res.arrayBuffer();
      if (res.status !== 200) throw new Error(`${path}: ${res.status}`);
    });
  const rows = [];
  for (const [name, page, api] of pairs) {
    const p = await time(page, { cookie });
    const a = await time(api, { authorization: `Bearer ${token}` });
    rows.push({ name, page: p, api: a, ratioP50: p.p50 / a.p50 });
  }
  const file = writeResults('pages', {
    at: new Date().toISOString(),
    machine: machine(stack),
    cases: sheet.accepted,
    rows,
  });
  console.log(`\nPages with ${sheet.accepted} cases — ${machine(stack)}\n`);
  console.log('| page | page p50 / p95 | API call underneath p50 / p95 | page ÷ API (p50) |');
  console.log('|---|---|---|---|');
  for (const r of rows)
    console.log(
      `| ${r.name} | ${r.page.p50.toFixed(0)} / ${r.page.p95.toFixed(0)} ms | ${r.api.p50.toFixed(0)} / ${r.api.p95.toFixed(0)} ms | ${r.ratioP50.toFixed(2)} |`,
    );
  console.log(`\nWritten: ${file}`);
} finally {
  await stack.stop();
}
