/**
 * GET /reports/cases (#20): the cases behind one figure of any report over the read model, by
 * case id, a page at a time, from the same conditions the figure counts. A list of cases is case
 * data: every case listed is recorded in the access log, as a search's hits are.
 */
import { z } from '../zod.js';
import { addDays, APPEAL_ENDINGS, DUTY_OUTCOMES, isOpenWork, londonDate, STAGES } from '../../domain/index.js';
import { longStayBy, mondayOf, SUMMARY_FIGURES, type FigureCases, type ReportingStore } from '../../reporting/index.js';
import { HttpProblem, validationProblem } from '../problem.js';
import type { PageTokenSealer } from '../page-token.js';
import { route, type Route } from '../route.js';
import { calendarDate } from '../schemas.js';
import { dueBefore } from './reports.js';

const days = z.coerce.number().int().min(0).max(100_000);
const flag = z.enum(['true', 'false']);

export const reportCasesQuery = z
  .object({
    report: z.enum(['flow', 'ageing', 'summary', 'time-in-stage', 'compliance', 'workload']),
    stage: z.enum(STAGES).optional().openapi({
      description: 'flow, ageing, time-in-stage, workload (not exit: no open work); summary with figure=backlogByStage',
    }),
    week: calendarDate.optional().openapi({ description: 'flow: a day of the week (Monday to Sunday) asked for' }),
    which: z
      .enum(['entered', 'left', 'open'])
      .optional()
      .openapi({ description: 'flow: cases that entered or left in the week, or were open at its end (Sunday)' }),
    fromDays: days.optional().openapi({ description: 'ageing: the youngest age in days, included' }),
    toDays: days.optional().openapi({ description: 'ageing: the oldest age in days, included; absent: no limit' }),
    figure: z.enum(SUMMARY_FIGURES).optional().openapi({ description: 'summary: which figure' }),
    how: z.enum(APPEAL_ENDINGS).optional().openapi({ description: 'summary with figure=appealsEnded' }),
    from: calendarDate
      .optional()
      .openapi({ description: 'time-in-stage (stays left), compliance (appeals started): the first day' }),
    to: calendarDate.optional().openapi({ description: 'time-in-stage, compliance: the last day, included' }),
    cohort: flag.optional().openapi({ description: "time-in-stage: stays begun in the 24-week duty's group or not" }),
    outcome: z.enum(DUTY_OUTCOMES).optional().openapi({ description: 'compliance: where the appeal stands today' }),
    assignee: z.string().min(1).max(100).optional().openapi({ description: 'workload: a staff id, or `unassigned`' }),
    long: flag.optional().openapi({ description: 'workload: `true`: only the long stays (longStays)' }),
    pageSize: z.coerce.number().int().min(1).max(1000).default(100),
    pageToken: z
      .string()
      .regex(/^[A-Za-z0-9_-]{1,400}\.[A-Za-z0-9_-]{22}$/, 'must be a token from a previous page')
      .optional(),
  })
  .superRefine((q, ctx) => {
    const need = (field: keyof typeof q, when: string) => {
      if (q[field] === undefined) ctx.addIssue({ code: 'custom', path: [field], message: `is required ${when}` });
    };
    if (q.report === 'flow') {
      need('week', 'for report=flow');
      need('stage', 'for report=flow');
      need('which', 'for report=flow');
    } else if (q.report === 'ageing') {
      need('stage', 'for report=ageing');
      need('fromDays', 'for report=ageing');
      if (q.fromDays !== undefined && q.toDays !== undefined && q.toDays < q.fromDays)
        ctx.addIssue({ code: 'custom', path: ['toDays'], message: 'at least fromDays' });
    } else if (q.report === 'summary') {
      need('figure', 'for report=summary');
      if (q.figure === 'backlogByStage') need('stage', 'for figure=backlogByStage');
      if (q.figure === 'appealsEnded') need('how', 'for figure=appealsEnded');
    } else if (q.report === 'workload') {
      need('stage', 'for report=workload');
      need('assignee', 'for report=workload');
      if (q.stage && !isOpenWork(q.stage))
        ctx.addIssue({ code: 'custom', path: ['stage'], message: 'is not open work: the workload leaves it out' });
    } else {
      if (q.report === 'time-in-stage') {
        need('stage', 'for report=time-in-stage');
        need('cohort', 'for report=time-in-stage');
      } else need('outcome', 'for report=compliance');
      need('from', `for report=${q.report}`);
      need('to', `for report=${q.report}`);
      if (q.from !== undefined && q.to !== undefined && q.to < q.from)
        ctx.addIssue({ code: 'custom', path: ['to'], message: 'on or after from' });
    }
  });
type ReportCasesQuery = z.infer<typeof reportCasesQuery>;

/**
 * The link to the cases behind a figure, relative to the API's root: what the reports put on each
 * row (`cases`) for a client to follow. Its parameters are the query's own names.
 */
export const casesHref = (q: Partial<Record<Exclude<keyof ReportCasesQuery, 'pageSize' | 'pageToken'>, string>>) =>
  `/reports/cases?${new URLSearchParams(q as Record<string, string>).toString()}`;

const reportCasesSchema = z
  .object({
    asOf: z.string().openapi({ description: 'When the list was read (ISO date-time)' }),
    caseIds: z.array(z.string()).openapi({ description: 'In case id order' }),
    nextPageToken: z.string().optional(),
  })
  .openapi('ReportCases');

/** The figure asked for, as the store selects it; `now` fixes today and the 4-week horizon. */
function figureOf(q: ReportCasesQuery, now: Date): FigureCases {
  const today = londonDate(now.getTime());
  switch (q.report) {
    case 'flow': {
      const from = mondayOf(q.week!);
      if (q.which === 'open') return { report: 'flow', which: 'open', stage: q.stage!, on: addDays(from, 6) };
      return { report: 'flow', which: q.which!, stage: q.stage!, from, to: addDays(from, 6) };
    }
    case 'ageing':
      // Ages are whole days since the stay began: an age range is a range of entered days.
      return {
        report: 'ageing',
        stage: q.stage!,
        from: q.toDays === undefined ? '0000-01-01' : addDays(today, -q.toDays),
        to: addDays(today, -q.fromDays!),
      };
    case 'summary':
      return {
        report: 'summary',
        figure: q.figure!,
        ...(q.stage ? { stage: q.stage } : {}),
        ...(q.how ? { how: q.how } : {}),
        dueBefore: dueBefore(now),
      };
    case 'time-in-stage':
      return { report: 'time-in-stage', stage: q.stage!, cohort: q.cohort === 'true', from: q.from!, to: q.to! };
    case 'compliance':
      return { report: 'compliance', outcome: q.outcome!, from: q.from!, to: q.to!, today };
    case 'workload':
      return {
        report: 'workload',
        stage: q.stage!,
        assignee: q.assignee === 'unassigned' ? null : q.assignee!,
        ...(q.long === 'true' ? { longBy: longStayBy(today) } : {}),
      };
  }
}

export function reportCasesRoutes(store: ReportingStore, tokens: PageTokenSealer): Route[] {
  return [
    route({
      method: 'get',
      path: '/reports/cases',
      summary:
        'The cases behind one figure: flow, ageing, the summary, time in stage, compliance or workload, by case id',
      tags: ['reports'],
      roles: ['supervisor', 'auditor'],
      query: reportCasesQuery,
      responses: {
        200: {
          description: 'One page of case ids; pass nextPageToken back for the next',
          content: { 'application/json': { schema: reportCasesSchema } },
        },
      },
      // Which cases stand behind a figure is case data: each one listed is recorded.
      access: { action: 'search-hit', cases: (_input, body) => (body as { caseIds: string[] }).caseIds },
      async handler({ query }, _req, res) {
        const now = new Date();
        const { pageSize, pageToken, ...asked } = query;
        // A token holds the last case id of its page, sealed to the figure it pages through.
        const bound = JSON.stringify(asked);
        const after = pageToken ? tokens.open(pageToken, bound) : undefined;
        if (pageToken && !after)
          throw new HttpProblem(
            validationProblem([{ field: 'pageToken', message: 'is not a token from a previous page of this list' }]),
          );
        const caseIds = await store.casesBehind(figureOf(query, now), {
          ...(after ? { after: after.toString('utf8') } : {}),
          limit: pageSize + 1,
        });
        const page = caseIds.slice(0, pageSize);
        const more = caseIds.length > pageSize;
        res.json({
          asOf: now.toISOString(),
          caseIds: page,
          ...(more ? { nextPageToken: tokens.seal(Buffer.from(page.at(-1)!, 'utf8'), bound) } : {}),
        });
      },
    }),
  ];
}
