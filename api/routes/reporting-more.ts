/**
 * /reports/time-in-stage, /reports/compliance and /reports/workload (#20), from the reporting read
 * model, for the same readers as flow and ageing. Not per case (workload names staff ids, not
 * people): nothing here is recorded in the access log beyond the request log.
 */
import { z } from '../zod.js';
import { DUTY_OUTCOMES, LONG_STAY_WEEKS, londonDate, STAGES } from '../../domain/index.js';
import { complianceReport, timeInStageReport, workloadReport, type ReportingStore } from '../../reporting/index.js';
import { route, type Route } from '../route.js';
import { csv, csvResponse, flowQuery, format, MAX_FLOW_DAYS } from './reporting.js';
import { casesHref } from './report-cases.js';

const asOf = z.string().openapi({ description: 'When the figures were read (ISO date-time)' });
const href = (what: string) =>
  z.string().openapi({ description: `GET it: the cases behind ${what} (a URL relative to the API's root)` });
const days = (what: string) =>
  z
    .number()
    .int()
    .nullable()
    .openapi({ description: `Nearest-rank ${what} in whole days; null: none` });

export const timeInStageSchema = z
  .object({
    asOf,
    stages: z.array(
      z.object({
        stage: z.enum(STAGES),
        cohort: z.boolean().openapi({ description: "The stay began in the 24-week duty's group" }),
        count: z.number().int(),
        p50Days: days('median'),
        p90Days: days('90th percentile'),
        cases: href('`count` (a case with two such stays listed once)'),
      }),
    ),
  })
  .openapi('TimeInStage');

type ByOutcome<T> = Record<(typeof DUTY_OUTCOMES)[number], T>;
const byOutcome = <T>(each: (o: (typeof DUTY_OUTCOMES)[number]) => T) =>
  Object.fromEntries(DUTY_OUTCOMES.map((o) => [o, each(o)])) as ByOutcome<T>;
const outcomeCounts = byOutcome(() => z.number().int());

export const complianceSchema = z
  .object({
    asOf,
    periods: z.array(
      z.object({
        start: z.string().openapi({ description: 'Monday, YYYY-MM-DD' }),
        end: z.string().openapi({ description: 'Sunday, YYYY-MM-DD' }),
        lodged: z
          .number()
          .int()
          .openapi({ description: 'Appeals in the duty that started this week: the sum of the rest' }),
        ...outcomeCounts,
        rate: z.number().nullable().openapi({
          description: 'decidedInTime ÷ (decidedInTime + decidedLate + openPastLimit); null: none settled',
        }),
        cases: z.object(byOutcome((o) => href(`\`${o}\``))),
      }),
    ),
  })
  .openapi('Compliance');

export const workloadSchema = z
  .object({
    asOf,
    longStayWeeks: z.number().int().openapi({ description: 'The stay counted in `longStays` from this many weeks' }),
    rows: z.array(
      z.object({
        assignee: z.string().nullable().openapi({ description: 'Staff id; null: unassigned' }),
        stage: z.enum(STAGES),
        open: z.number().int(),
        oldestEnteredOn: z.string().openapi({ description: 'The earliest day one of these entered its stage' }),
        longStays: z.number().int(),
        cases: z.object({ open: href('`open`'), longStays: href('`longStays`') }),
      }),
    ),
  })
  .openapi('Workload');

const range = `the weeks holding from to to (at most ${MAX_FLOW_DAYS} days apart)`;

export function moreReportingRoutes(store: ReportingStore): Route[] {
  return [
    route({
      method: 'get',
      path: '/reports/time-in-stage',
      summary: 'Stays that ended within a range, by stage and 24-week group: count, nearest-rank p50 and p90 days',
      tags: ['reports'],
      roles: ['supervisor', 'auditor'],
      query: flowQuery,
      responses: {
        200: {
          description: `Stays left from from to to, both included (at most ${MAX_FLOW_DAYS} days apart)`,
          content: { 'application/json': { schema: timeInStageSchema }, ...csvResponse },
        },
      },
      async handler({ query }, _req, res) {
        const asOf = new Date().toISOString();
        const stages = await timeInStageReport(store, query.from, query.to);
        if (query.format === 'csv')
          return csv(res, 'time-in-stage', [
            ['asOf', 'stage', 'cohort', 'count', 'p50Days', 'p90Days'],
            ...stages.map((s) => [asOf, s.stage, String(s.cohort), s.count, s.p50Days ?? '', s.p90Days ?? '']),
          ]);
        const { from, to } = query;
        res.json({
          asOf,
          stages: stages.map((s) => ({
            ...s,
            cases: casesHref({ report: 'time-in-stage', stage: s.stage, cohort: String(s.cohort), from, to }),
          })),
        });
      },
    }),
    route({
      method: 'get',
      path: '/reports/compliance',
      summary: "The 24-week duty's compliance by week of lodging (Monday to Sunday), from the reporting read model",
      tags: ['reports'],
      roles: ['supervisor', 'auditor'],
      query: flowQuery,
      responses: {
        200: {
          description: `Appeals in the duty by the week they started, ${range}, each as it stands now`,
          content: { 'application/json': { schema: complianceSchema }, ...csvResponse },
        },
      },
      async handler({ query }, _req, res) {
        const now = new Date();
        const asOf = now.toISOString();
        const periods = await complianceReport(store, query.from, query.to, londonDate(now.getTime()));
        if (query.format === 'csv')
          return csv(res, 'compliance', [
            ['asOf', 'start', 'end', 'lodged', ...DUTY_OUTCOMES, 'rate'],
            ...periods.map((p) => [asOf, p.start, p.end, p.lodged, ...DUTY_OUTCOMES.map((o) => p[o]), p.rate ?? '']),
          ]);
        res.json({
          asOf,
          periods: periods.map((p) => ({
            ...p,
            cases: byOutcome((outcome) => casesHref({ report: 'compliance', from: p.start, to: p.end, outcome })),
          })),
        });
      },
    }),
    route({
      method: 'get',
      path: '/reports/workload',
      summary: `Open cases by assignee and stage: how many, the oldest entry, and those ${LONG_STAY_WEEKS} weeks or more in it`,
      tags: ['reports'],
      roles: ['supervisor', 'auditor'],
      query: z.object({ format }),
      responses: {
        200: {
          description: 'Workload now (exit is final, not open work: left out); unassigned last',
          content: { 'application/json': { schema: workloadSchema }, ...csvResponse },
        },
      },
      async handler({ query }, _req, res) {
        const now = new Date();
        const asOf = now.toISOString();
        const rows = await workloadReport(store, londonDate(now.getTime()));
        if (query.format === 'csv')
          return csv(res, 'workload', [
            ['asOf', 'assignee', 'stage', 'open', 'oldestEnteredOn', 'longStays'],
            ...rows.map((r) => [asOf, r.assignee ?? '', r.stage, r.open, r.oldestEnteredOn, r.longStays]),
          ]);
        res.json({
          asOf,
          longStayWeeks: LONG_STAY_WEEKS,
          rows: rows.map((r) => {
            const open = casesHref({ report: 'workload', stage: r.stage, assignee: r.assignee ?? 'unassigned' });
            return { ...r, cases: { open, longStays: `${open}&long=true` } };
          }),
        });
      },
    }),
  ];
}
