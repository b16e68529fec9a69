/**
 * GET /reports/cases (#20): the cases behind one figure of the flow, ageing or summary report, by
 * case id, a page at a time, from the same conditions the figure counts. A list of cases is case
 * data: every case listed is recorded in the access log, as a search's hits are.
 */
import { z } from '../zod.js';
import { addDays, APPEAL_ENDINGS, londonDate, STAGES } from '../../domain/index.js';
import { mondayOf, SUMMARY_FIGURES, type FigureCases, type ReportingStore } from '../../reporting/index.js';
import { HttpProblem, validationProblem } from '../problem.js';
import type { PageTokenSealer } from '../page-token.js';
import { route, type Route } from '../route.js';
import { calendarDate } from '../schemas.js';
import { dueBefore } from './reports.js';

const days = z.coerce.number().int().min(0).max(100_000);

export const reportCasesQuery = z
  .object({
    report: z.enum(['flow', 'ageing', 'summary']),
    stage: z.enum(STAGES).optional().openapi({ description: 'flow, ageing; summary with figure=backlogByStage' }),
    week: calendarDate.optional().openapi({ description: 'flow: a day of the week (Monday to Sunday) asked for' }),
    which: z.enum(['entered', 'left']).optional().openapi({ description: 'flow: cases that entered or left' }),
    fromDays: days.optional().openapi({ description: 'ageing: the youngest age in days, included' }),
    toDays: days.optional().openapi({ description: 'ageing: the oldest age in days, included; absent: no limit' }),
    figure: z.enum(SUMMARY_FIGURES).optional().openapi({ description: 'summary: which figure' }),
    how: z.enum(APPEAL_ENDINGS).optional().openapi({ description: 'summary with figure=appealsEnded' }),
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
    } else {
      need('figure', 'for report=summary');
      if (q.figure === 'backlogByStage') need('stage', 'for figure=backlogByStage');
      if (q.figure === 'appealsEnded') need('how', 'for figure=appealsEnded');
    }
  });
type ReportCasesQuery = z.infer<typeof reportCasesQuery>;

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
  }
}

export function reportCasesRoutes(store: ReportingStore, tokens: PageTokenSealer): Route[] {
  return [
    route({
      method: 'get',
      path: '/reports/cases',
      summary:
        'The cases behind one figure: flow (week, stage, entered or left), ageing (stage, days) or the summary (figure), by case id',
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
