/**
 * `npm run import -- cases.csv [--dry-run]` (with `npm start` running): uploads a spreadsheet as a
 * supervisor, shows progress with a bar, prints the outcome and every rejected row, and writes the
 * whole report beside the file. `--template` prints the columns with an example row.
 */
import { createReadStream, statSync, writeFileSync } from 'node:fs';
import { basename } from 'node:path';
import { Readable } from 'node:stream';
import { parseArgs } from 'node:util';
import { SingleBar, Presets } from 'cli-progress';
import { signDevToken } from '../api/auth.js';
import { configOrExit } from '../config/index.js';
import { TEMPLATE } from '../imports/format.js';
import type { ImportReport } from '../imports/report.js';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    'dry-run': { type: 'boolean', default: false },
    template: { type: 'boolean', default: false },
    url: { type: 'string' },
  },
});
if (values.template) {
  process.stdout.write(TEMPLATE);
  process.exit(0);
}
const file = positionals[0];
if (!file) {
  console.error(
    'usage: npm run import -- <file.csv> [--dry-run] [--url http://localhost:3000]   |   npm run import -- --template',
  );
  process.exit(2);
}
const config = configOrExit();
const api = values.url ?? `http://127.0.0.1:${config.port}`;
const token = await signDevToken({ role: 'supervisor', sub: process.env.USER ?? 'importer' }, config.auth);
const auth = { authorization: `Bearer ${token}` };

const size = statSync(file).size;
const started = await fetch(
  `${api}/imports?dryRun=${values['dry-run']}&fileName=${encodeURIComponent(basename(file))}`,
  {
    method: 'POST',
    headers: { ...auth, 'content-type': 'text/csv', 'content-length': String(size) },
    body: Readable.toWeb(createReadStream(file)) as ReadableStream,
    duplex: 'half',
  } as RequestInit,
).catch((err: Error) => {
  console.error(`No tracker answering at ${api} (${err.message}). Start it with \`npm start\`.`);
  process.exit(1);
});
const accepted = (await started.json()) as { importId?: string; location?: string; detail?: string };
if (started.status !== 202) {
  console.error(`The import was refused (${started.status}): ${accepted.detail ?? JSON.stringify(accepted)}`);
  process.exit(1);
}

const bar = new SingleBar(
  { format: ' {phase} |{bar}| {value}/{total} rows  {eta_formatted} left', hideCursor: true },
  Presets.shades_classic,
);
let report: ImportReport;
let barStarted = false;
for (;;) {
  const res = await fetch(`${api}${accepted.location}`, { headers: auth });
  if (res.ok) {
    report = (await res.json()) as ImportReport;
    const total = values['dry-run'] ? report.rows : report.accepted;
    const value = values['dry-run'] ? (report.phase === 'done' ? report.rows : 0) : report.processed;
    if (!barStarted && report.phase !== 'validating') {
      bar.start(Math.max(total, 1), value, { phase: report.phase });
      barStarted = true;
    } else if (barStarted) bar.update(value, { phase: report.phase });
    if (report.phase === 'done') break;
  }
  await new Promise((r) => setTimeout(r, 500));
}
if (barStarted) bar.stop();

const out = `${file}.report.json`;
writeFileSync(out, `${JSON.stringify(report, null, 2)}\n`);
const o = report.outcomes;
console.log(
  `\n${report.dryRun ? 'Dry run' : 'Import'} ${report.importId} of ${report.file}: ${report.rows} rows, ${report.accepted} accepted, ${report.rejected} rejected.`,
);
if (!report.dryRun)
  console.log(
    `Cases: ${o.created} created, ${o.updated} updated, ${o.unchanged} unchanged, ${o.conflict} not applied.`,
  );
if (report.possibleDuplicates.length > 0)
  console.log(
    `${report.possibleDuplicates.length} row(s) may describe a person already in the file under another reference (see the report).`,
  );
for (const r of report.rejections.slice(0, 50)) console.log(`  row ${r.row}  ${r.field}: ${r.reason}`);
if (report.rejections.length > 50) console.log(`  … and ${report.rejections.length - 50} more`);
for (const c of report.conflicts.slice(0, 20)) console.log(`  row ${c.row} not applied: ${c.reason}`);
console.log(`Full report: ${out}`);
