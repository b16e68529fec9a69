/**
 * The report pages (#20): time in stage, 24-week compliance and workload, a page each, from the
 * API's reports of the same names. What a page asks the API (the query it was given, or its
 * default range) and what it shows (the rows, every figure linked to its cases through the API's
 * own `cases` link). Pure: the router does the asking and the rendering.
 */
import { complianceChart, stageLabel, stagesOf, type Chart } from './charts.js';
import { dayText } from './dates.js';
import { casesPageHref } from './report-links.js';
import { complianceReport, timeInStageReport, workloadReport } from './report-shapes.js';
import { lastWeeks } from './overview-charts.js';

/** A table as the pages' views draw it: cells of text, each linked where `href` is set. */
export interface ReportTable {
  caption: string;
  head: Array<{ text: string; numeric?: boolean }>;
  rows: Array<Array<{ text: string; href?: string; numeric?: boolean }>>;
}

export interface ReportPage {
  /** The page's path under /app/reports/ and the API's report under /reports/. */
  name: 'time-in-stage' | 'compliance' | 'workload';
  title: string;
  /** What the report shows, under the heading. */
  summary: string;
  /** The weeks shown when no range is asked for; none: the report takes no range. */
  defaultWeeks?: number;
  /** What the page shows from the API's answer; undefined: not in the contract's shape. */
  view(body: unknown): { asOf: string; tables: ReportTable[]; chart?: Chart; empty: boolean } | undefined;
}

const num = (n: number, href?: string) => ({ text: String(n), numeric: true, ...(href ? { href } : {}) });
const daysCell = (d: number | null) => ({ text: d == null ? '' : String(d), numeric: true });

export const REPORT_PAGES: readonly ReportPage[] = [
  {
    name: 'time-in-stage',
    title: 'Time in stage',
    summary:
      'Stays that ended in the range, by stage and by whether the appellant was in the 24-week group when the stay began: how many, and the median and 90th percentile of their days in the stage.',
    defaultWeeks: 12,
    view(body) {
      const r = timeInStageReport.safeParse(body);
      if (!r.success) return undefined;
      const order = stagesOf(r.data.stages.map((s) => s.stage));
      const rows = [...r.data.stages].sort(
        (a, b) => order.indexOf(a.stage) - order.indexOf(b.stage) || Number(b.cohort) - Number(a.cohort),
      );
      return {
        asOf: r.data.asOf,
        empty: rows.every((s) => s.count === 0),
        tables: [
          {
            caption: 'Completed stays by stage and 24-week group',
            head: [
              { text: 'Stage' },
              { text: 'In the 24-week group' },
              { text: 'Stays ended', numeric: true },
              { text: 'Median (days)', numeric: true },
              { text: '90th percentile (days)', numeric: true },
            ],
            rows: rows.map((s) => [
              { text: stageLabel(s.stage) },
              { text: s.cohort ? 'Yes' : 'No' },
              num(s.count, casesPageHref(s.cases)),
              daysCell(s.p50Days),
              daysCell(s.p90Days),
            ]),
          },
        ],
      };
    },
  },
  {
    name: 'compliance',
    title: '24-week compliance',
    summary:
      'Appeals in the 24-week duty by the week they started, each as it stands today. The rate is those decided in time out of those decided or past their last day; appeals still in time, exceptions and appeals that ended without a decision are not in it.',
    // A year of weeks: the weeks of the last 24 are mostly still in time, and a rate needs the ones before.
    defaultWeeks: 52,
    view(body) {
      const r = complianceReport.safeParse(body);
      if (!r.success) return undefined;
      const chart = complianceChart(r.data.periods);
      return {
        asOf: r.data.asOf,
        empty: r.data.periods.every((p) => p.lodged === 0),
        chart,
        tables: [],
      };
    },
  },
  {
    name: 'workload',
    title: 'Workload',
    summary: 'Open cases by who they are assigned to and their stage, unassigned last. Exit is not open work.',
    view(body) {
      const r = workloadReport.safeParse(body);
      if (!r.success) return undefined;
      return {
        asOf: r.data.asOf,
        empty: r.data.rows.length === 0,
        tables: [
          {
            caption: 'Open cases by assignee and stage',
            head: [
              { text: 'Assignee' },
              { text: 'Stage' },
              { text: 'Open cases', numeric: true },
              { text: 'In the stage since (the longest)' },
              { text: `${r.data.longStayWeeks} weeks or more in the stage`, numeric: true },
            ],
            rows: r.data.rows.map((w) => [
              { text: w.assignee ?? 'Unassigned' },
              { text: stageLabel(w.stage) },
              num(w.open, casesPageHref(w.cases.open)),
              { text: dayText(w.oldestEnteredOn) },
              num(w.longStays, casesPageHref(w.cases.longStays)),
            ]),
          },
        ],
      };
    },
  },
];

/** A date from GOV.UK's date input (`<name>-day`, `-month`, `-year`), as YYYY-MM-DD; undefined: none of the three given. */
export function dateFromParts(query: Record<string, unknown>, name: string): string | undefined {
  const part = (p: string) => {
    const v = query[`${name}-${p}`];
    return typeof v === 'string' ? v.trim() : '';
  };
  const [day, month, year] = [part('day'), part('month'), part('year')];
  if (!day && !month && !year) return undefined;
  return `${year}-${month.padStart(2, '0')}-${day.padStart(2, '0')}`;
}

/** A YYYY-MM-DD (or what was typed) back into the date input's three boxes. */
export function partsOf(date: string): { day: string; month: string; year: string } {
  const [year = '', month = '', day = ''] = date.split('-');
  return { day: day.replace(/^0(?=\d)/, ''), month: month.replace(/^0(?=\d)/, ''), year };
}

/** The range a page asks the API for: the one in its query, else its default weeks to today. */
export function rangeOf(query: Record<string, unknown>, page: ReportPage, today: string): Record<string, string> {
  if (!page.defaultWeeks) return {};
  const weeks = lastWeeks(today, page.defaultWeeks);
  const given = (k: 'from' | 'to') =>
    typeof query[k] === 'string' && query[k] !== '' ? (query[k] as string) : undefined;
  return { from: given('from') ?? weeks.from, to: given('to') ?? weeks.to };
}

/**
 * The API's refusal of a range in the form's words: "To must be a real date", "To must be on or
 * after From" (the API names the fields and says what is wrong; the page names its date boxes).
 */
export function rangeProblem(field: string, message: string): string {
  const label = field === 'from' ? 'From' : field === 'to' ? 'To' : field;
  const what = message
    .replace(/, YYYY-MM-DD$/, '')
    .replace(/\bfrom$/, 'From')
    .replace(/^(?!must |is )/, 'must be ');
  return `${label} ${what}`;
}
