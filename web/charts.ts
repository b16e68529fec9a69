/**
 * The charts of the overview and the compliance page, drawn on the server as SVG so they need no
 * client-side JavaScript: weekly flow, the backlog trend, the ageing profile and the 24-week
 * compliance rate. Each stage's is a set of small multiples, one panel a stage on one shared scale,
 * so every line or bar carries its own label (no legend to decode) and no panel holds more than
 * two lines. Each chart comes with a table of the same figures, which is
 * what a screen reader reads: the SVG is one image with a title, the table has every number.
 *
 * The guidance followed (docs/pages.md says more): the Government Analysis Function's data
 * visualisation guidance and GOV.UK's brand guidance on data (clear titles, direct labels, a zero
 * baseline, colour never the only cue, contrast of at least 3:1 for lines and 4.5:1 for text).
 *
 * Pure functions: data in, strings out, every text escaped, the same input giving the same bytes.
 */
import { DUTY_OUTCOMES, STAGES } from '../domain/index.js';
import { shortDate } from './dates.js';
import type { CompliancePeriod, FlowPeriod, StageAgeing } from './report-shapes.js';
import { casesPageHref, OUTCOME_LABELS, reportCasesHref } from './report-links.js';

/** GOV.UK Frontend 6 palette: blue (5.2:1 on white) and purple (9.9:1); black for text and markers. */
const COLOURS = {
  entered: '#1d70b8',
  left: '#54319f',
  open: '#1d70b8',
  bar: '#1d70b8',
  text: '#0b0c0c',
  grid: '#b1b4b6',
};

export interface ChartTable {
  caption: string;
  head: string[];
  /** Which columns hold numbers (right-aligned, as GOV.UK tables do). */
  numeric: boolean[];
  rows: string[][];
  /** Where a cell links, row by row (the cases behind its figure); none: plain text. */
  links?: Array<Array<string | undefined>>;
}
export interface Chart {
  title: string;
  /** One SVG a stage, each an image titled with the stage and what it shows. */
  panels: string[];
  tables: ChartTable[];
  /** One wide panel (a line over many weeks) rather than small multiples. */
  wide?: boolean;
}

export const escapeXml = (s: string) =>
  s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] as string);

/** "claim" → "Claim": for the tables (the view escapes them) and, escaped, for the SVG. */
export const stageLabel = (stage: string) => stage.charAt(0).toUpperCase() + stage.slice(1).replace(/-/g, ' ');
const stageName = (stage: string) => escapeXml(stageLabel(stage));
const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

/**
 * The top of a scale: the smallest 1, 2 or 5 × 10ⁿ at or above the largest value, so gridlines fall
 * on round numbers; at least 1, so a chart of zeros still has a scale (and nothing divides by 0).
 */
export function niceMax(max: number): number {
  if (!(max > 0)) return 1;
  const power = 10 ** Math.floor(Math.log10(max));
  return [1, 2, 5, 10].map((m) => m * power).find((top) => top >= max) as number;
}

/** The stages in the lifecycle's order, then any the report names that this version does not know. */
export function stagesOf(keys: Iterable<string>): string[] {
  const seen = new Set(keys);
  return [...STAGES.filter((s) => seen.has(s)), ...[...seen].filter((s) => !(STAGES as string[]).includes(s)).sort()];
}

const round1 = (n: number) => Math.round(n * 10) / 10;

// One panel's geometry: room on the left for the scale, on the right for the lines' labels.
const W = 320;
const H = 190;
const M = { top: 34, right: 66, bottom: 28, left: 40 };
const PLOT_W = W - M.left - M.right;
const PLOT_H = H - M.top - M.bottom;

interface Series {
  label: string;
  colour: string;
  dash?: string;
  marker: 'circle' | 'square';
  /** null: no figure that week (a gap in the line, no marker). */
  values: Array<number | null>;
}

/** A panel's width (the compliance rate's one panel is wider) and how its scale's figures read. */
interface PanelOptions {
  width?: number;
  scaleText?: (v: number) => string;
}

function svgOpen(id: string, title: string, height = H, width = W) {
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" class="app-chart__panel" viewBox="0 0 ${width} ${height}" ` +
    `role="img" aria-labelledby="${id}-title" focusable="false">` +
    `<title id="${id}-title">${title}</title>`
  );
}

/** Gridlines at 0, half and the top of the scale, each labelled. */
function valueGrid(top: number, y: (v: number) => number, plotW = PLOT_W, text = (v: number) => String(round1(v))) {
  return [0, top / 2, top]
    .map(
      (v) =>
        `<line x1="${M.left}" x2="${M.left + plotW}" y1="${round1(y(v))}" y2="${round1(y(v))}" stroke="${COLOURS.grid}" stroke-width="1"/>` +
        `<text x="${M.left - 6}" y="${round1(y(v) + 4)}" text-anchor="end" font-size="12" fill="${COLOURS.text}">${escapeXml(text(v))}</text>`,
    )
    .join('');
}

/** Runs of consecutive weeks with a figure: each is drawn as one line, so a week without one is a gap. */
function runs(values: Array<number | null>): Array<Array<[number, number]>> {
  const out: Array<Array<[number, number]>> = [];
  let run: Array<[number, number]> = [];
  values.forEach((v, i) => {
    if (v == null) {
      if (run.length) out.push(run);
      run = [];
    } else run.push([i, v]);
  });
  if (run.length) out.push(run);
  return out;
}

/**
 * A panel of weekly lines on a shared scale. Markers differ in shape and lines in dash, and each
 * line is labelled at its last figure, so no reading depends on telling the colours apart. A week
 * standing alone draws its marker only (a line needs two points).
 */
function linePanel(
  id: string,
  heading: string,
  title: string,
  weeks: string[],
  series: Series[],
  top: number,
  { width = W, scaleText }: PanelOptions = {},
) {
  const plotW = width - M.left - M.right;
  const x = (i: number) => M.left + (weeks.length > 1 ? (i / (weeks.length - 1)) * plotW : plotW / 2);
  const y = (v: number) => M.top + PLOT_H - (v / top) * PLOT_H;
  const parts = [
    svgOpen(id, title, H, width),
    `<text x="0" y="18" font-size="16" font-weight="bold" fill="${COLOURS.text}">${heading}</text>`,
    valueGrid(top, y, plotW, scaleText),
    `<text x="${M.left}" y="${H - 8}" font-size="12" fill="${COLOURS.text}">${escapeXml(shortDate(weeks[0] as string))}</text>`,
  ];
  if (weeks.length > 1)
    parts.push(
      `<text x="${M.left + plotW}" y="${H - 8}" text-anchor="end" font-size="12" fill="${COLOURS.text}">${escapeXml(shortDate(weeks.at(-1) as string))}</text>`,
    );
  // Labels at the lines' last figures, nudged apart where the lines end close together.
  const last = series.map((s) => runs(s.values).at(-1)?.at(-1));
  const ends = last.map((p) => y(p?.[1] ?? 0));
  if (ends.length === 2 && Math.abs((ends[0] as number) - (ends[1] as number)) < 14) {
    const mid = ((ends[0] as number) + (ends[1] as number)) / 2;
    const upper = (ends[0] as number) <= (ends[1] as number) ? 0 : 1;
    ends[upper] = mid - 7;
    ends[1 - upper] = mid + 7;
  }
  series.forEach((s, k) => {
    for (const run of runs(s.values)) {
      if (run.length > 1)
        parts.push(
          `<polyline points="${run.map(([i, v]) => `${round1(x(i))},${round1(y(v))}`).join(' ')}" fill="none" stroke="${s.colour}" stroke-width="3"${s.dash ? ` stroke-dasharray="${s.dash}"` : ''}/>`,
        );
      for (const [i, v] of run)
        parts.push(
          s.marker === 'circle'
            ? `<circle cx="${round1(x(i))}" cy="${round1(y(v))}" r="3.5" fill="${s.colour}"/>`
            : `<rect x="${round1(x(i) - 3.5)}" y="${round1(y(v) - 3.5)}" width="7" height="7" fill="${s.colour}"/>`,
        );
    }
    const end = last[k];
    if (end)
      parts.push(
        `<text x="${round1(x(end[0]) + 8)}" y="${round1((ends[k] as number) + 4)}" font-size="13" fill="${COLOURS.text}">${escapeXml(s.label)}</text>`,
      );
  });
  parts.push('</svg>');
  return parts.join('');
}

const get = (counts: Record<string, number>, stage: string) => counts[stage] ?? 0;

/**
 * Weekly flow: cases that entered and left each stage each week. Small multiples rather than one
 * chart of ten lines: two lines a panel can be labelled directly and read apart, and the shared
 * scale keeps the stages comparable. No periods, no panels.
 */
export function flowChart(periods: FlowPeriod[]): Chart {
  const stages = stagesOf(periods.flatMap((p) => [...Object.keys(p.entered), ...Object.keys(p.left)]));
  const weeks = periods.map((p) => p.start);
  const top = niceMax(Math.max(0, ...periods.flatMap((p) => [...Object.values(p.entered), ...Object.values(p.left)])));
  const span = weeks.length
    ? `weeks starting ${shortDate(weeks[0] as string)} to ${shortDate(weeks.at(-1) as string)}`
    : '';
  return {
    title: 'Cases entering and leaving each stage, by week',
    panels: weeks.length
      ? stages.map((stage, i) =>
          linePanel(
            `flow-${i}`,
            stageName(stage),
            `${stageName(stage)}: cases entering (solid line) and leaving (dashed line) each week, ${escapeXml(span)}. The figures are in the table.`,
            weeks,
            [
              {
                label: 'Entered',
                colour: COLOURS.entered,
                marker: 'circle',
                values: periods.map((p) => get(p.entered, stage)),
              },
              {
                label: 'Left',
                colour: COLOURS.left,
                dash: '6 4',
                marker: 'square',
                values: periods.map((p) => get(p.left, stage)),
              },
            ],
            top,
          ),
        )
      : [],
    tables: [
      {
        caption: 'Cases entering and leaving each stage, by week',
        head: ['Week starting', 'Stage', 'Entered', 'Left'],
        numeric: [false, false, true, true],
        rows: periods.flatMap((p) =>
          stages.map((stage) => [
            shortDate(p.start),
            stageLabel(stage),
            String(get(p.entered, stage)),
            String(get(p.left, stage)),
          ]),
        ),
        links: periods.flatMap((p) =>
          stages.map((stage) => [
            undefined,
            undefined,
            ...(['entered', 'left'] as const).map((which) =>
              reportCasesHref({ report: 'flow', week: p.start, stage, which }),
            ),
          ]),
        ),
      },
    ],
  };
}

/**
 * The backlog trend: open cases in each stage at the end of each week, a panel a stage on one
 * scale, as the flow report counts them (`open`), each table cell linked to its cases by the
 * report's own link.
 */
export function backlogChart(periods: Array<FlowPeriod & { open: Record<string, number> }>): Chart {
  const stages = stagesOf(periods.flatMap((p) => Object.keys(p.open)));
  const series = Object.fromEntries(stages.map((stage) => [stage, periods.map((p) => get(p.open, stage))]));
  const weeks = periods.map((p) => p.end);
  const top = niceMax(Math.max(0, ...Object.values(series).flat()));
  const span = weeks.length
    ? `weeks ending ${shortDate(weeks[0] as string)} to ${shortDate(weeks.at(-1) as string)}`
    : '';
  return {
    title: 'Open cases in each stage at the end of each week',
    panels: weeks.length
      ? stages.map((stage, i) =>
          linePanel(
            `backlog-${i}`,
            stageName(stage),
            `${stageName(stage)}: open cases at the end of each week, ${escapeXml(span)}. The figures are in the table.`,
            weeks,
            [{ label: 'Open', colour: COLOURS.open, marker: 'circle', values: series[stage] as number[] }],
            top,
          ),
        )
      : [],
    tables: [
      {
        caption: 'Open cases in each stage at the end of each week',
        head: ['Week ending', ...stages.map(stageLabel)],
        numeric: [false, ...stages.map(() => true)],
        rows: weeks.map((end, i) => [shortDate(end), ...stages.map((s) => String((series[s] as number[])[i]))]),
        links: periods.map((p) => [undefined, ...stages.map((s) => casesPageHref(p.cases?.open[s] ?? ''))]),
      },
    ],
  };
}

const bucketLabel = (b: StageAgeing['buckets'][number]) =>
  b.toDays == null ? `${b.fromDays} days or more` : `${b.fromDays} to ${b.toDays} days`;
const daysText = (d: number | null) => (d == null ? 'none open' : plural(round1(d), 'day'));

// The ageing panel: a bar a bucket, the buckets' names on the left, counts at the bars' ends.
const BAR = 22;
const GAP = 8;
const A = { top: 34, left: 110, right: 60 };

/**
 * Where a number of days falls on the bucket axis: inside its bucket, in proportion; in an
 * open-ended bucket, at its start. Undefined when no bucket holds it.
 */
function daysY(days: number, buckets: StageAgeing['buckets']) {
  const i = buckets.findIndex((b) => days >= b.fromDays && (b.toDays == null || days <= b.toDays));
  if (i < 0) return undefined;
  const b = buckets[i] as StageAgeing['buckets'][number];
  const within = b.toDays == null || b.toDays === b.fromDays ? 0 : (days - b.fromDays) / (b.toDays - b.fromDays);
  return A.top + i * (BAR + GAP) + within * BAR;
}

function ageingPanel(id: string, stage: string, a: StageAgeing, top: number) {
  const bottom = A.top + a.buckets.length * (BAR + GAP);
  const plotW = W - A.left - A.right;
  const parts = [
    svgOpen(
      id,
      `${stageName(stage)}: ${plural(a.open, 'open case')} by days in the stage; median ${escapeXml(daysText(a.p50Days))}, 90th percentile ${escapeXml(daysText(a.p90Days))}. The figures are in the table.`,
      bottom + 48,
    ),
    `<text x="0" y="18" font-size="16" font-weight="bold" fill="${COLOURS.text}">${stageName(stage)}: ${escapeXml(plural(a.open, 'open case'))}</text>`,
  ];
  const widths = a.buckets.map((b) => (b.count / top) * plotW);
  a.buckets.forEach((b, i) => {
    const y = A.top + i * (BAR + GAP);
    parts.push(
      `<text x="${A.left - 6}" y="${y + 16}" text-anchor="end" font-size="12" fill="${COLOURS.text}">${escapeXml(bucketLabel(b))}</text>`,
      `<rect x="${A.left}" y="${y}" width="${round1(widths[i] as number)}" height="${BAR}" fill="${COLOURS.bar}"/>`,
    );
  });
  // The percentiles on the days axis: a black rule across the bars (solid the median, dashed the
  // 90th percentile), each also named in words with its days under the bars.
  const marks = [
    ['Median', a.p50Days, ''],
    ['90th percentile', a.p90Days, ' stroke-dasharray="6 4"'],
  ] as const;
  marks.forEach(([name, days, dash], k) => {
    const y = days == null ? undefined : daysY(days, a.buckets);
    const key = bottom + 14 + k * 18;
    if (y != null)
      parts.push(
        `<line x1="${A.left - 4}" x2="${A.left + plotW}" y1="${round1(y)}" y2="${round1(y)}" stroke="${COLOURS.text}" stroke-width="2"${dash}/>`,
        `<line x1="${A.left}" x2="${A.left + 24}" y1="${key - 4}" y2="${key - 4}" stroke="${COLOURS.text}" stroke-width="2"${dash}/>`,
      );
    parts.push(
      `<text x="${A.left + 30}" y="${key}" font-size="12" fill="${COLOURS.text}">${name}: ${escapeXml(daysText(days))}</text>`,
    );
  });
  // The counts last, haloed in white, so a rule crossing one does not hide it.
  a.buckets.forEach((b, i) =>
    parts.push(
      `<text x="${round1(A.left + (widths[i] as number) + 6)}" y="${A.top + i * (BAR + GAP) + 16}" font-size="12" fill="${COLOURS.text}" stroke="#fff" stroke-width="3" paint-order="stroke">${b.count}</text>`,
    ),
  );
  parts.push('</svg>');
  return parts.join('');
}

/** The ageing profile: open cases in each stage by days in the stage, with the median and 90th percentile marked. */
export function ageingChart(stages: Record<string, StageAgeing>): Chart {
  const names = stagesOf(Object.keys(stages));
  const top = niceMax(Math.max(0, ...names.flatMap((s) => (stages[s] as StageAgeing).buckets.map((b) => b.count))));
  return {
    title: 'How long open cases have been in their stage',
    panels: names.map((s, i) => ageingPanel(`ageing-${i}`, s, stages[s] as StageAgeing, top)),
    tables: [
      {
        caption: 'Open cases by days in their stage',
        head: ['Stage', 'Days in the stage', 'Open cases'],
        numeric: [false, false, true],
        rows: names.flatMap((s) =>
          (stages[s] as StageAgeing).buckets.map((b) => [stageLabel(s), bucketLabel(b), String(b.count)]),
        ),
        links: names.flatMap((s) =>
          (stages[s] as StageAgeing).buckets.map((b) => [
            undefined,
            undefined,
            reportCasesHref({ report: 'ageing', stage: s, fromDays: b.fromDays, toDays: b.toDays ?? undefined }),
          ]),
        ),
      },
      {
        caption: 'Days in the stage: median and 90th percentile',
        head: ['Stage', 'Open cases', 'Median (days)', '90th percentile (days)'],
        numeric: [false, true, true, true],
        rows: names.map((s) => {
          const a = stages[s] as StageAgeing;
          return [
            stageLabel(s),
            String(a.open),
            a.p50Days == null ? '' : String(round1(a.p50Days)),
            a.p90Days == null ? '' : String(round1(a.p90Days)),
          ];
        }),
        links: names.map((s) => [undefined, reportCasesHref({ report: 'ageing', stage: s, fromDays: 0 })]),
      },
    ],
  };
}

/** A rate (0 to 1) as a percentage to one decimal place: "87.5%". */
export const percent = (rate: number) => `${round1(rate * 100)}%`;

/**
 * 24-week compliance by the week the appeals started: the rate as one line on a scale of 0 to
 * 100%, wider than a stage's panel (a year of weeks), with a gap where a week has no rate (no
 * appeal of it settled yet), and every week's outcomes in the table, each linked to its cases.
 */
export function complianceChart(periods: CompliancePeriod[]): Chart {
  const weeks = periods.map((p) => p.start);
  const span = weeks.length
    ? `weeks starting ${shortDate(weeks[0] as string)} to ${shortDate(weeks.at(-1) as string)}`
    : '';
  const rated = periods.filter((p) => p.rate != null).length;
  return {
    title: 'Appeals decided within 24 weeks, by the week they started',
    wide: true,
    panels: weeks.length
      ? [
          linePanel(
            'compliance-0',
            'Compliance rate',
            `Compliance rate: of the appeals decided or past their limit, the share decided in time, by the week the appeal started, ${escapeXml(span)}; ${escapeXml(plural(rated, 'week'))} of ${weeks.length} with a rate. The figures are in the table.`,
            weeks,
            [
              {
                label: 'Rate',
                colour: COLOURS.open,
                marker: 'circle',
                values: periods.map((p) => (p.rate == null ? null : p.rate * 100)),
              },
            ],
            100,
            { width: 2 * W, scaleText: (v) => `${v}%` },
          ),
        ]
      : [],
    tables: [
      {
        caption: 'Appeals in the 24-week duty by the week they started, as they stand today',
        head: ['Week starting', 'Started', ...DUTY_OUTCOMES.map((o) => OUTCOME_LABELS[o] as string), 'Rate'],
        numeric: [false, true, ...DUTY_OUTCOMES.map(() => true), true],
        rows: periods.map((p) => [
          shortDate(p.start),
          String(p.lodged),
          ...DUTY_OUTCOMES.map((o) => String(p[o])),
          p.rate == null ? 'None settled' : percent(p.rate),
        ]),
        // The started count is the sum of the outcomes: each outcome links to its own cases.
        links: periods.map((p) => [
          undefined,
          undefined,
          ...DUTY_OUTCOMES.map((o) => casesPageHref(p.cases[o])),
          undefined,
        ]),
      },
    ],
  };
}
