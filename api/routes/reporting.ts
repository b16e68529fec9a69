/**
 * /reports/flow and /reports/ageing (#20): answered from the reporting read model (reporting/), not
 * from visibility, so their cost does not grow with the number of cases. Not per case: nothing
 * here is recorded in the access log beyond the request log.
 */
import type { Response } from 'express';
import { stringify } from 'csv-stringify/sync';
import { z } from '../zod.js';
import { daysBetween, londonDate, STAGES } from '../../domain/index.js';
import { ageingReport, flowReport, OLDEST_LISTED, type ReportingStore } from '../../reporting/index.js';
import { route, type Route } from '../route.js';
import { calendarDate } from '../schemas.js';
import { casesHref } from './report-cases.js';

/** The longest flow report: two years of weeks (a longer range is refused, naming `to`). */
export const MAX_FLOW_DAYS = 731;

export const format = z
  .enum(['json', 'csv'])
  .default('json')
  .openapi({ description: '`csv`: the same figures as CSV' });

export const flowQuery = z.object({ from: calendarDate, to: calendarDate, format }).superRefine(({ from, to }, ctx) => {
  if (to < from) ctx.addIssue({ code: 'custom', path: ['to'], message: 'on or after from' });
  else if (daysBetween(from, to) > MAX_FLOW_DAYS)
    ctx.addIssue({ code: 'custom', path: ['to'], message: `at most ${MAX_FLOW_DAYS} days after from` });
});

const byStage = z.object(Object.fromEntries(STAGES.map((s) => [s, z.number().int()])) as Record<string, z.ZodNumber>);

export const flowSchema = z
  .object({
    asOf: z.string().openapi({ description: 'When the figures were read (ISO date-time)' }),
    periods: z.array(
      z.object({
        start: z.string().openapi({ description: 'Monday, YYYY-MM-DD' }),
        end: z.string().openapi({ description: 'Sunday, YYYY-MM-DD' }),
        entered: byStage,
        left: byStage,
        open: byStage.openapi({ description: 'Cases in the stage at the end of the period (its Sunday)' }),
        cases: z
          .object({
            open: z.object(Object.fromEntries(STAGES.map((s) => [s, z.string()])) as Record<string, z.ZodString>),
          })
          .openapi({ description: "GET /reports/cases's link to the cases behind each stage's `open`" }),
      }),
    ),
  })
  .openapi('Flow');

const stageAgeing = z.object({
  open: z.number().int(),
  p50Days: z.number().int().nullable().openapi({ description: 'Nearest-rank median age in days; null: none open' }),
  p90Days: z.number().int().nullable().openapi({ description: 'Nearest-rank 90th percentile age in days' }),
  buckets: z.array(
    z.object({ fromDays: z.number().int(), toDays: z.number().int().nullable(), count: z.number().int() }),
  ),
  oldest: z.array(z.object({ caseId: z.string(), enteredOn: z.string(), days: z.number().int() })).openapi({
    description: `The ${OLDEST_LISTED} open cases longest in the stage, oldest first (each in the access log)`,
  }),
});

export const ageingSchema = z
  .object({ asOf: z.string(), stages: z.record(z.enum(STAGES), stageAgeing) })
  .openapi('Ageing');

export const csv = (res: Response, name: string, rows: unknown[][]) => {
  res.type('text/csv; charset=utf-8');
  res.setHeader('content-disposition', `attachment; filename="${name}.csv"`);
  res.send(stringify(rows));
};

export const csvResponse = { 'text/csv': { schema: z.string() } };

export function reportingRoutes(store: ReportingStore): Route[] {
  return [
    route({
      method: 'get',
      path: '/reports/flow',
      summary:
        'Cases that entered and left each stage, week by week (Monday to Sunday), and those in it at each week end, from the reporting read model',
      tags: ['reports'],
      roles: ['supervisor', 'auditor'],
      query: flowQuery,
      responses: {
        200: {
          description: `The weeks holding from to to (at most ${MAX_FLOW_DAYS} days apart)`,
          content: { 'application/json': { schema: flowSchema }, ...csvResponse },
        },
      },
      async handler({ query }, _req, res) {
        const asOf = new Date().toISOString();
        const periods = await flowReport(store, query.from, query.to);
        if (query.format === 'csv')
          return csv(res, 'flow', [
            ['asOf', 'start', 'end', 'stage', 'entered', 'left', 'open'],
            ...periods.flatMap((p) => STAGES.map((s) => [asOf, p.start, p.end, s, p.entered[s], p.left[s], p.open[s]])),
          ]);
        // Only `open` is linked here: entered and left are linked from the documented parameters
        // (the week and stage every row has), and a link a figure would triple the answer.
        res.json({
          asOf,
          periods: periods.map((p) => ({
            ...p,
            cases: {
              open: Object.fromEntries(
                STAGES.map((stage) => [stage, casesHref({ report: 'flow', week: p.start, stage, which: 'open' })]),
              ),
            },
          })),
        });
      },
    }),
    route({
      method: 'get',
      path: '/reports/ageing',
      summary: 'Open cases by days since they entered their stage: count, nearest-rank p50 and p90, buckets',
      tags: ['reports'],
      roles: ['supervisor', 'auditor'],
      query: z.object({ format }),
      // The oldest cases are named: case data, so each is recorded as a search's hits are.
      access: {
        action: 'search-hit',
        cases: (_input, body) =>
          Object.values(
            (body as { stages?: Record<string, { oldest: Array<{ caseId: string }> }> }).stages ?? {},
          ).flatMap((a) => a.oldest.map((o) => o.caseId)),
      },
      responses: {
        200: {
          description: 'Ageing now (exit is final, not open work: left out)',
          content: { 'application/json': { schema: ageingSchema }, ...csvResponse },
        },
      },
      async handler({ query }, _req, res) {
        const now = new Date();
        const asOf = now.toISOString();
        const stages = await ageingReport(store, londonDate(now.getTime()));
        if (query.format === 'csv')
          return csv(res, 'ageing', [
            ['asOf', 'stage', 'open', 'p50Days', 'p90Days', 'fromDays', 'toDays', 'count'],
            ...Object.entries(stages).flatMap(([stage, a]) =>
              a.buckets.map((b) => [
                asOf,
                stage,
                a.open,
                a.p50Days ?? '',
                a.p90Days ?? '',
                b.fromDays,
                b.toDays ?? '',
                b.count,
              ]),
            ),
          ]);
        res.json({ asOf, stages });
      },
    }),
  ];
}
