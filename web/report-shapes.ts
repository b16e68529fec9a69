/**
 * The shapes of the two reports the overview draws, as the contract's second edition gives them:
 * `GET /reports/flow` (one period a week, Monday to Sunday) and `GET /reports/ageing`. The pages
 * parse what the API answers against these before drawing, so a report that is missing (404 while
 * the read model is not deployed) or of another shape draws nothing rather than an error page.
 */
import { z } from 'zod';

const count = z.number().int().nonnegative();
const day = z.string().regex(/^\d{4}-\d{2}-\d{2}$/);
const byStage = z.record(z.string(), count);

export const flowReport = z.object({
  asOf: z.string(),
  periods: z.array(z.object({ start: day, end: day, entered: byStage, left: byStage })),
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
