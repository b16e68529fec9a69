/**
 * The shapes of the reports the pages draw, as the contract gives them: the overview's two,
 * `GET /reports/flow` (one period a week, Monday to Sunday) and `GET /reports/ageing`, and the
 * report pages' three, time in stage, compliance and workload. The pages
 * parse what the API answers against these before drawing, so a report that is missing (404 while
 * the read model is not deployed) or of another shape draws nothing rather than an error page.
 */
import { z } from 'zod';
import { DUTY_OUTCOMES, type DutyOutcome } from '../domain/index.js';

const count = z.number().int().nonnegative();
const day = z.string().regex(/^\d{4}-\d{2}-\d{2}$/);
const byStage = z.record(z.string(), count);

// `open` and its links came later than entered and left: an API without them draws the flow, not the backlog.
export const flowReport = z.object({
  asOf: z.string(),
  periods: z.array(
    z.object({
      start: day,
      end: day,
      entered: byStage,
      left: byStage,
      open: byStage.optional(),
      cases: z.object({ open: z.record(z.string(), z.string()) }).optional(),
    }),
  ),
});
export type FlowReport = z.infer<typeof flowReport>;
export type FlowPeriod = FlowReport['periods'][number];

export const ageingReport = z.object({
  asOf: z.string(),
  stages: z.record(
    z.string(),
    z.object({
      open: count,
      p50Days: z.number().nonnegative().nullable(),
      p90Days: z.number().nonnegative().nullable(),
      // The last bucket may be open-ended ("365 days or more"): no `toDays`.
      buckets: z.array(z.object({ fromDays: count, toDays: count.nullable().optional(), count })),
    }),
  ),
});
export type AgeingReport = z.infer<typeof ageingReport>;
export type StageAgeing = AgeingReport['stages'][string];

// The three reports with their own pages (web/report-pages.ts): each row carries `cases`, the API's
// link to the cases behind a figure (`/reports/cases?...`), which the pages turn into their own.
const href = z.string();
const days = z.number().nonnegative().nullable();

export const timeInStageReport = z.object({
  asOf: z.string(),
  stages: z.array(
    z.object({ stage: z.string(), cohort: z.boolean(), count, p50Days: days, p90Days: days, cases: href }),
  ),
});
export type TimeInStageReport = z.infer<typeof timeInStageReport>;

/** The outcomes' counts by name, as the domain names them (DUTY_OUTCOMES), with a link each. */
const outcomes = Object.fromEntries(DUTY_OUTCOMES.map((o) => [o, count])) as Record<DutyOutcome, typeof count>;
const outcomeLinks = Object.fromEntries(DUTY_OUTCOMES.map((o) => [o, href])) as Record<DutyOutcome, typeof href>;

export const complianceReport = z.object({
  asOf: z.string(),
  periods: z.array(
    z.object({
      start: day,
      end: day,
      lodged: count,
      ...outcomes,
      rate: z.number().min(0).max(1).nullable(),
      cases: z.object(outcomeLinks),
    }),
  ),
});
export type ComplianceReport = z.infer<typeof complianceReport>;
export type CompliancePeriod = ComplianceReport['periods'][number];

export const workloadReport = z.object({
  asOf: z.string(),
  longStayWeeks: count,
  rows: z.array(
    z.object({
      assignee: z.string().nullable(),
      stage: z.string(),
      open: count,
      oldestEnteredOn: day,
      longStays: count,
      cases: z.object({ open: href, longStays: href }),
    }),
  ),
});
export type WorkloadReport = z.infer<typeof workloadReport>;
