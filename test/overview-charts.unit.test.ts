/**
 * What the overview draws from the API's answers for the reports (web/overview-charts.ts): the
 * weeks it asks for, and no chart unless the report came back 200 in the contract's shape, so the
 * overview degrades to what it was while the reports are not deployed (404) or answer otherwise.
 */
import { describe, expect, it } from 'vitest';
import { lastWeeks, overviewCharts } from '../web/overview-charts.js';

const FLOW = {
  asOf: '2026-12-02T09:00:00Z',
  periods: [
    {
      start: '2026-11-23',
      end: '2026-11-29',
      entered: { claim: 3 },
      left: { claim: 1 },
      open: { claim: 7, decision: 2 },
      cases: { open: { claim: '/reports/cases?report=flow&week=2026-11-23&stage=claim&which=open' } },
    },
    {
      start: '2026-11-30',
      end: '2026-12-06',
      entered: { claim: 2 },
      left: { claim: 0 },
      open: { claim: 9, decision: 2 },
      cases: { open: { claim: '/reports/cases?report=flow&week=2026-11-30&stage=claim&which=open' } },
    },
  ],
};
const AGEING = {
  asOf: '2026-12-02T09:00:00Z',
  stages: { claim: { open: 9, p50Days: 4, p90Days: 12, buckets: [{ fromDays: 0, toDays: 13, count: 9 }] } },
};
const ok = (body: unknown) => ({ status: 200, body });
const NOT_FOUND = { status: 404, body: { type: 'about:blank', title: 'Not Found', status: 404 } };

describe('the weeks the overview asks for', () => {
  it('runs from the Monday eleven weeks before this week to today, whatever day today is', () => {
    expect(lastWeeks('2026-12-02', 12)).toEqual({ from: '2026-09-14', to: '2026-12-02' }); // a Wednesday
    expect(lastWeeks('2026-11-30', 12)).toEqual({ from: '2026-09-14', to: '2026-11-30' }); // a Monday
    expect(lastWeeks('2026-12-06', 12)).toEqual({ from: '2026-09-14', to: '2026-12-06' }); // a Sunday
    expect(lastWeeks('2026-12-06', 1)).toEqual({ from: '2026-11-30', to: '2026-12-06' });
  });
});

describe('the charts from the reports', () => {
  it("draws all three from reports in the contract shape, the backlog the flow report's open counts", () => {
    const charts = overviewCharts(ok(FLOW), ok(AGEING));
    expect(charts.flowChart?.panels).toHaveLength(1);
    expect(charts.ageingChart?.panels).toHaveLength(1);
    expect(charts.backlogChart?.tables[0]?.rows).toEqual([
      ['29 Nov', '7', '2'],
      ['6 Dec', '9', '2'],
    ]);
    expect(charts.backlogChart?.tables[0]?.links?.at(-1)).toEqual([
      undefined,
      '/app/reports/cases?report=flow&week=2026-11-30&stage=claim&which=open',
      undefined,
    ]);
  });

  it('draws no backlog from a flow report without open counts (an API before them), the flow still', () => {
    const older = { ...FLOW, periods: FLOW.periods.map(({ open: _open, cases: _cases, ...p }) => p) };
    expect(Object.keys(overviewCharts(ok(older), NOT_FOUND))).toEqual(['flowChart']);
  });

  it('draws none while the reports answer 404, and no error', () => {
    expect(overviewCharts(NOT_FOUND, NOT_FOUND)).toEqual({});
  });

  it('draws each only from its own report: one missing, refused or malformed leaves the other', () => {
    expect(Object.keys(overviewCharts(NOT_FOUND, ok(AGEING)))).toEqual(['ageingChart']);
    expect(Object.keys(overviewCharts(ok(FLOW), { status: 403, body: {} }))).toEqual(['flowChart', 'backlogChart']);
    expect(overviewCharts(ok({ ...FLOW, periods: [{ start: 'last week' }] }), ok({ asOf: 'x', stages: [] }))).toEqual(
      {},
    );
    // A negative count is no count: not drawn.
    const negative = { ...FLOW, periods: [{ ...FLOW.periods[0], entered: { claim: -1 } }] };
    expect(overviewCharts(ok(negative), NOT_FOUND)).toEqual({});
    // Answered, but nothing to draw: no weeks, no stages.
    expect(overviewCharts(ok({ ...FLOW, periods: [] }), ok({ ...AGEING, stages: {} }))).toEqual({});
  });
});
