/**
 * What the report pages show from the API's answers (web/report-pages.ts): the rows in order,
 * every figure linked to its cases on the pages (from the row's own API link), nothing drawn from
 * an answer of another shape; the compliance rate's line broken where a week has no rate; and the
 * range a page asks for, typed in GOV.UK's date boxes or given as the API's own parameters.
 */
import { describe, expect, it } from 'vitest';
import { complianceChart } from '../web/charts.js';
import { casesPageHref, reportCasesTitle } from '../web/report-links.js';
import { dateFromParts, partsOf, rangeOf, rangeProblem, REPORT_PAGES } from '../web/report-pages.js';
import type { CompliancePeriod } from '../web/report-shapes.js';

const pageOf = (name: string) => REPORT_PAGES.find((p) => p.name === name)!;
const OUTCOMES = ['decidedInTime', 'decidedLate', 'openInTime', 'openPastLimit', 'exception', 'ended'] as const;
const period = (
  start: string,
  end: string,
  n: Partial<Record<(typeof OUTCOMES)[number], number>>,
  rate: number | null,
) =>
  ({
    start,
    end,
    lodged: Object.values(n).reduce((a, b) => a + b, 0),
    ...Object.fromEntries(OUTCOMES.map((o) => [o, n[o] ?? 0])),
    rate,
    cases: Object.fromEntries(
      OUTCOMES.map((o) => [o, `/reports/cases?report=compliance&from=${start}&to=${end}&outcome=${o}`]),
    ),
  }) as CompliancePeriod;

describe('the links from a report row to its cases', () => {
  it('are the API link’s query on the cases page, its own parameters only', () => {
    expect(casesPageHref('/reports/cases?report=workload&stage=claim&assignee=unassigned&long=true')).toBe(
      '/app/reports/cases?report=workload&stage=claim&assignee=unassigned&long=true',
    );
    expect(casesPageHref('/reports/cases?report=compliance&outcome=ended&from=2026-11-02&to=2026-11-08&x=1')).toBe(
      '/app/reports/cases?report=compliance&outcome=ended&from=2026-11-02&to=2026-11-08',
    );
    expect(casesPageHref('https://elsewhere.example/reports/cases?report=flow')).toBeUndefined();
  });

  it('lead to a page whose heading says which figure it lists', () => {
    expect(reportCasesTitle({ report: 'workload', stage: 'claim', assignee: 'pat', long: 'true' })).toBe(
      'pat: open cases in claim 20 weeks or more',
    );
    expect(
      reportCasesTitle({ report: 'compliance', outcome: 'openPastLimit', from: '2026-11-02', to: '2026-11-08' }),
    ).toBe('24-week appeals started 2026-11-02 to 2026-11-08: open past the limit');
    expect(
      reportCasesTitle({
        report: 'time-in-stage',
        stage: 'appeal',
        cohort: 'false',
        from: '2026-09-07',
        to: '2026-12-01',
      }),
    ).toBe('Appeal: stays outside the 24-week group that ended 2026-09-07 to 2026-12-01');
    expect(reportCasesTitle({ report: 'flow', stage: 'tribunal', week: '2026-11-23', which: 'open' })).toBe(
      'Tribunal: cases in the stage at the end of the week of 2026-11-23',
    );
    expect(reportCasesTitle({ report: 'flow', stage: 'tribunal', week: '2026-11-23', which: 'left' })).toBe(
      'Tribunal: cases that left the stage in the week of 2026-11-23',
    );
  });
});

describe('the report pages', () => {
  it('time in stage: by the lifecycle’s stage order, the group first, each count linked', () => {
    const link = (stage: string, cohort: boolean) =>
      `/reports/cases?report=time-in-stage&stage=${stage}&cohort=${cohort}&from=2026-09-07&to=2026-12-01`;
    const shown = pageOf('time-in-stage').view({
      asOf: '2026-12-01T10:00:00Z',
      stages: [
        { stage: 'decision', cohort: false, count: 2, p50Days: 10, p90Days: 30, cases: link('decision', false) },
        { stage: 'claim', cohort: false, count: 0, p50Days: null, p90Days: null, cases: link('claim', false) },
        { stage: 'claim', cohort: true, count: 1, p50Days: 5, p90Days: 5, cases: link('claim', true) },
      ],
    })!;
    expect(shown.tables[0]!.rows.map((r) => r.map((c) => c.text))).toEqual([
      ['Claim', 'Yes', '1', '5', '5'],
      ['Claim', 'No', '0', '', ''],
      ['Decision', 'No', '2', '10', '30'],
    ]);
    expect(shown.tables[0]!.rows[0]![2]!.href).toBe(
      '/app/reports/cases?report=time-in-stage&stage=claim&cohort=true&from=2026-09-07&to=2026-12-01',
    );
    expect(shown.empty).toBe(false);
  });

  it('workload: unassigned named, open and long stays linked', () => {
    const shown = pageOf('workload').view({
      asOf: '2026-12-01T10:00:00Z',
      longStayWeeks: 20,
      rows: [
        {
          assignee: null,
          stage: 'claim',
          open: 3,
          oldestEnteredOn: '2026-01-05',
          longStays: 1,
          cases: {
            open: '/reports/cases?report=workload&stage=claim&assignee=unassigned',
            longStays: '/reports/cases?report=workload&stage=claim&assignee=unassigned&long=true',
          },
        },
      ],
    })!;
    const [row] = shown.tables[0]!.rows;
    expect(row!.map((c) => c.text)).toEqual(['Unassigned', 'Claim', '3', '5 January 2026', '1']);
    expect(row![4]!.href).toBe('/app/reports/cases?report=workload&stage=claim&assignee=unassigned&long=true');
    expect(shown.tables[0]!.head[4]!.text).toBe('20 weeks or more in the stage');
  });

  it('draw nothing from an answer of another shape', () => {
    for (const page of REPORT_PAGES) expect(page.view({ detail: 'Not Found' })).toBeUndefined();
  });
});

describe('the compliance chart', () => {
  const periods = [
    period('2026-11-02', '2026-11-08', { decidedInTime: 3, decidedLate: 1 }, 0.75),
    period('2026-11-09', '2026-11-15', { openInTime: 2 }, null),
    period('2026-11-16', '2026-11-22', { decidedInTime: 1, openPastLimit: 1, ended: 1 }, 0.5),
    period('2026-11-23', '2026-11-29', { decidedInTime: 2 }, 1),
  ];
  const chart = complianceChart(periods);

  it('is one wide panel whose line breaks where a week has no rate', () => {
    expect(chart.wide).toBe(true);
    expect(chart.panels).toHaveLength(1);
    const svg = chart.panels[0]!;
    // The first week alone (a marker), then a line through the last two: three markers, one line.
    expect(svg.match(/<circle /g)).toHaveLength(3);
    expect(svg.match(/<polyline /g)).toHaveLength(1);
    expect(svg).toContain('3 weeks of 4 with a rate');
    expect(svg).toContain('>100%<');
  });

  it('has every week’s outcomes in its table, each linked to its cases, the rate in words where there is none', () => {
    const [table] = chart.tables;
    expect(table!.rows[0]).toEqual(['2 Nov', '4', '3', '1', '0', '0', '0', '0', '75%']);
    expect(table!.rows[1]!.at(-1)).toBe('None settled');
    expect(table!.links![2]![5]).toBe(
      '/app/reports/cases?report=compliance&from=2026-11-16&to=2026-11-22&outcome=openPastLimit',
    );
    expect(table!.links![0]![1]).toBeUndefined(); // started: the sum of the outcomes
  });

  it('draws no panel for no weeks', () => {
    expect(complianceChart([]).panels).toEqual([]);
  });
});

describe('the range a report page asks for', () => {
  const compliance = pageOf('compliance');
  it('is the query’s from and to, else the page’s default weeks to today; none for workload', () => {
    expect(rangeOf({ from: '2026-01-05', to: '2026-03-01' }, compliance, '2026-12-02')).toEqual({
      from: '2026-01-05',
      to: '2026-03-01',
    });
    expect(rangeOf({}, compliance, '2026-12-02')).toEqual({ from: '2025-12-08', to: '2026-12-02' });
    expect(rangeOf({ from: '2026-01-05' }, pageOf('workload'), '2026-12-02')).toEqual({});
  });

  it('reads GOV.UK’s date boxes, and puts a date back in them', () => {
    expect(dateFromParts({ 'from-day': '5', 'from-month': '1', 'from-year': '2026' }, 'from')).toBe('2026-01-05');
    expect(dateFromParts({ 'from-day': '', 'from-month': '' }, 'from')).toBeUndefined();
    expect(dateFromParts({ 'to-day': '31', 'to-month': '2', 'to-year': '2026' }, 'to')).toBe('2026-02-31');
    expect(partsOf('2026-01-05')).toEqual({ day: '5', month: '1', year: '2026' });
  });

  it('says the API’s refusal in the form’s words', () => {
    expect(rangeProblem('to', 'must be a real date, YYYY-MM-DD')).toBe('To must be a real date');
    expect(rangeProblem('to', 'on or after from')).toBe('To must be on or after From');
    expect(rangeProblem('to', 'at most 731 days after from')).toBe('To must be at most 731 days after From');
  });
});
