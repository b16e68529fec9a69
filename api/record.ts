/**
 * The whole record of a case as one self-contained document, for audit and disclosure: the case
 * as it stands and every change from its history. JSON, or a printable HTML page.
 */
import type { CaseView } from '../domain/index.js';
import type { TimelineEntry } from '../history/timeline.js';

export interface CaseRecord {
  generatedAt: string;
  case: CaseView;
  runs: number;
  timeline: TimelineEntry[];
}

const escape = (v: unknown) =>
  String(v ?? '').replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!,
  );

export function recordHtml(r: CaseRecord): string {
  const c = r.case;
  const ids = Object.entries(c.identifiers)
    .map(([k, v]) => `<tr><th>${escape(k)}</th><td>${escape(v)}</td></tr>`)
    .join('');
  const rows = r.timeline
    .map((e) => {
      const sync = Object.entries(e.sync)
        .map(
          ([system, d]) =>
            `${escape(system)}: ${escape(d?.status)}${d?.receipt ? ` (${escape(d.receipt)})` : ''}${d?.failure ? ` (${escape(d.failure)})` : ''}`,
        )
        .join('<br>');
      return `<tr><td>${e.seq}</td><td>${escape(e.at)}</td><td>${escape(e.type)}</td><td>${escape(e.actor.id)} (${escape(e.actor.role)})</td><td>${escape(e.from)} → ${escape(e.to)}</td><td>${sync}</td></tr>`;
    })
    .join('');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Case record ${escape(c.caseId)}</title>
<style>body{font-family:Arial,sans-serif;margin:2em;color:#0b0c0c}table{border-collapse:collapse;margin-bottom:1.5em}th,td{border:1px solid #b1b4b6;padding:4px 8px;text-align:left;vertical-align:top}@media print{a{color:inherit}}</style></head>
<body>
<h1>Case record ${escape(c.caseId)}</h1>
<p>Generated ${escape(r.generatedAt)} from the case's workflow history (${r.runs} run${r.runs === 1 ? '' : 's'}).</p>
<h2>Person</h2><table><tr><th>Name</th><td>${escape(c.person.name)}</td></tr><tr><th>Date of birth</th><td>${escape(c.person.dateOfBirth)}</td></tr><tr><th>Nationality</th><td>${escape(c.person.nationality)}</td></tr></table>
<h2>Identifiers</h2><table>${ids}</table>
<h2>Now</h2><table><tr><th>Stage</th><td>${escape(c.stage)}</td></tr><tr><th>Status</th><td>${escape(c.status)}</td></tr><tr><th>Claims</th><td>${c.counts.claims}</td></tr><tr><th>Appeals</th><td>${c.counts.appeals}</td></tr><tr><th>Appeal pending</th><td>${c.appealPending ? `yes: ${escape(c.appealPendingReason ?? '')}` : 'no'}</td></tr>${c.appealEnded ? `<tr><th>Appeal ended</th><td>${escape(c.appealEnded.how)} on ${escape(c.appealEnded.on)}</td></tr>` : ''}<tr><th>Times absconded</th><td>${c.counts.abscondings}</td></tr>${c.abscondingPeriods.map((p) => `<tr><th>Absconded</th><td>${escape(p.from)} to ${p.to ? escape(p.to) : 'now'}</td></tr>`).join('')}</table>
<h2>Time limits</h2>
<table><thead><tr><th>Limit</th><th>State</th><th>Runs from</th><th>Last day (closes when it ends, London time)</th></tr></thead><tbody>${c.clocks.map((k) => `<tr><td>${escape(k.name)}</td><td>${escape(k.state)}</td><td>${escape(k.startedAt)}</td><td>${escape(k.lastDay)}</td></tr>`).join('')}</tbody></table>
<h2>Every change</h2>
<table><thead><tr><th>#</th><th>When</th><th>Event</th><th>By</th><th>Change</th><th>Delivered to</th></tr></thead><tbody>${rows}</tbody></table>
</body></html>`;
}
