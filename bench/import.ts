/**
 * `npm run bench:import [-- --rows 5000,50000]`: spreadsheet import on its own stack. For each size:
 * the import rate (rows brought in per second, validation included), the API's latency while it
 * runs against the same requests when idle, and (for the first size) a re-import that must be all
 * "unchanged". Baseline in the same run: bare workflow starts of a trivial workflow at the same
 * concurrency, so "rows/s ÷ bare starts/s" shows what the product adds. Prints a table; writes JSON.
 */
import { parseArgs } from 'node:util';
import { caseIdFor } from '../ids/case-id.js';
import { messySpreadsheet, type Sheet } from '../test/spreadsheet.js';
import { bareStarts, importCsv, machine, writeResults } from './common.js';
import { percentiles, startBenchStack, type BenchStack } from './stack.js';

const { values } = parseArgs({
  options: { rows: { type: 'string', default: '5000,50000' }, baseline: { type: 'string', default: '3000' } },
});
const sizes = values.rows.split(',').map(Number);
const CONCURRENCY = 32; // what the import activity uses

/** Requests a supervisor's screen makes, timed, until stopped. */
function probe(stack: BenchStack, token: string, caseId: string) {
  const samples: number[] = [];
  let errors = 0;
  let running = true;
  const paths = [`/cases/${caseId}`, '/cases?stage=appeal&pageSize=20'];
  const loop = (async () => {
    for (let i = 0; running; i++) {
      const t0 = performance.now();
      const res = await fetch(`${stack.apiUrl}${paths[i % paths.length]}`, {
        headers: { authorization: `Bearer ${token}` },
      }).catch(() => undefined);
      // A 404 is an answer (the probed case may not be imported yet); a 5xx or no answer is not.
      if (!res || res.status >= 500) errors += 1;
      await res?.arrayBuffer();
      samples.push(performance.now() - t0);
      await new Promise((r) => setTimeout(r, 100));
    }
  })();
  return async () => {
    running = false;
    await loop;
    return { ...percentiles(samples), errors };
  };
}

async function runImport(stack: BenchStack, token: string, sheet: Sheet, name: string) {
  const run = await importCsv(stack, token, sheet.csv, name);
  if (run.report.rejected !== sheet.rejections.length || run.report.accepted !== sheet.accepted)
    throw new Error(
      `expected ${sheet.accepted} accepted / ${sheet.rejections.length} rejected, got ${run.report.accepted} / ${run.report.rejected}`,
    );
  return { ...run, rowsPerSecond: sheet.rows / run.seconds };
}

const stack = await startBenchStack();
try {
  const token = await stack.token('supervisor');
  const n = Number(values.baseline);
  const bare = await bareStarts(stack, n, CONCURRENCY);
  console.error(`[bench] bare starts: ${bare.toFixed(0)}/s`);
  const rows: Array<Record<string, unknown>> = [];
  let offset = 0;
  for (const [i, size] of sizes.entries()) {
    const sheet = messySpreadsheet(size, 100 + i, offset);
    offset += size;
    const someCase = caseIdFor(sheet.good[0]!.ref);
    const idleStop = probe(stack, token, someCase);
    await new Promise((r) => setTimeout(r, 5_000));
    const idle = await idleStop();
    const busyStop = probe(stack, token, someCase);
    const first = await runImport(stack, token, sheet, `bench-${size}.csv`);
    const busy = await busyStop();
    if (first.report.outcomes.created !== sheet.accepted)
      throw new Error(`created ${first.report.outcomes.created} of ${sheet.accepted}`);
    rows.push({
      rows: size,
      what: 'import',
      seconds: first.seconds,
      validationSeconds: first.validationSeconds,
      rowsPerSecond: first.rowsPerSecond,
      casesPerSecond: sheet.accepted / first.seconds,
      ratioToBareStarts: sheet.accepted / first.seconds / bare,
      apiIdle: idle,
      apiDuringImport: busy,
    });
    console.error(`[bench] ${size} rows: ${first.seconds.toFixed(1)} s`);
    if (i === 0) {
      const again = await runImport(stack, token, sheet, `bench-${size}.csv`);
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
  const out = {
    at: new Date().toISOString(),
    machine: machine(stack),
    bareStartsPerSecond: bare,
    concurrency: CONCURRENCY,
    results: rows,
  };
  const file = writeResults('import', out);
  const ms = (v: number) => `${v.toFixed(0)} ms`;
  console.log(
    `\nImport benchmark — ${out.machine}\nBaseline: bare workflow starts ${bare.toFixed(0)}/s at concurrency ${CONCURRENCY}\n`,
  );
  console.log(
    '| rows | run | time | rows/s | cases/s ÷ bare starts/s | API p50 idle → import | API p99 idle → import | API errors |',
  );
  console.log('|---|---|---|---|---|---|---|---|');
  for (const r of rows as any[]) {
    console.log(
      `| ${r.rows} | ${r.what} | ${r.seconds.toFixed(1)} s${r.validationSeconds ? ` (validation ${r.validationSeconds.toFixed(1)} s)` : ''} | ${r.rowsPerSecond.toFixed(0)} | ${r.ratioToBareStarts ? r.ratioToBareStarts.toFixed(2) : '–'} | ${r.apiIdle ? `${ms(r.apiIdle.p50)} → ${ms(r.apiDuringImport.p50)}` : '–'} | ${r.apiIdle ? `${ms(r.apiIdle.p99)} → ${ms(r.apiDuringImport.p99)}` : '–'} | ${r.apiDuringImport ? r.apiDuringImport.errors : '–'} |`,
    );
  }
  console.log(`\nWritten: ${file}`);
} finally {
  await stack.stop();
}
