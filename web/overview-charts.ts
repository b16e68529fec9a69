/**
 * Which charts the overview draws, from what the API answered for the reports: the weeks it asks
 * for, and each chart only when its report came back in the contract's shape.
 */
import { addDays } from '../domain/index.js';
import { ageingChart, backlogChart, flowChart, type Chart } from './charts.js';
import { ageingReport, flowReport } from './report-shapes.js';

/**
 * The weeks the charts cover: the one `today` is in (its Monday to today) and the `n - 1` whole
 * weeks before it, Monday to Sunday as the flow report counts them.
 */
export function lastWeeks(today: string, n: number): { from: string; to: string } {
  const dayOfWeek = (new Date(`${today}T12:00:00Z`).getUTCDay() + 6) % 7; // Monday 0 … Sunday 6
  return { from: addDays(today, -dayOfWeek - 7 * (n - 1)), to: today };
}

export interface OverviewCharts {
  flowChart?: Chart;
  backlogChart?: Chart;
  ageingChart?: Chart;
}

/**
 * The charts from the reports, each only when its report answered 200 in the contract's shape:
 * until the reporting read model is deployed the API answers 404 for them, and the overview then
 * shows what it showed before, with no chart and no error. The backlog trend is the flow report's
 * `open` (counted by the model at each week's end), drawn only when every week has it.
 */
export function overviewCharts(
  flow: { status: number; body: unknown },
  ageing: { status: number; body: unknown },
): OverviewCharts {
  const f = flow.status === 200 ? flowReport.safeParse(flow.body) : undefined;
  const a = ageing.status === 200 ? ageingReport.safeParse(ageing.body) : undefined;
  const periods = f?.success && f.data.periods.length ? f.data.periods : undefined;
  const withOpen = periods?.every((p) => p.open) ? periods.map((p) => ({ ...p, open: p.open! })) : undefined;
  return {
    ...(periods && { flowChart: flowChart(periods) }),
    ...(withOpen && { backlogChart: backlogChart(withOpen) }),
    ...(a?.success && Object.keys(a.data.stages).length ? { ageingChart: ageingChart(a.data.stages) } : {}),
  };
}
