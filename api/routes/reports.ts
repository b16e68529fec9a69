/**
 * /reports/summary: counted from the reporting read model (#20), one pass over its figures, sync
 * failures among them (the workflow tells the model when a rejection turns a case's flag, a
 * message of its own: no visibility call). `?source=visibility` counts every figure over visibility as before: the benchmark
 * compares the two, and the nightly reconciliation checks the model against it.
 */
import type { Client } from '@temporalio/client';
import { z } from '../zod.js';
import {
  addDays,
  APPEAL_ENDINGS,
  deadlinesBefore,
  londonDate,
  ONWARD_PENDING_STATUSES,
  STAGES,
  type AppealEnding,
  type Stage,
  type Status,
} from '../../domain/index.js';
import type { ReportingStore } from '../../reporting/index.js';
import { CASE_WORKFLOW_TYPE } from '../../workflows/messages.js';
import { SA } from '../../workflows/messages.js';
import { rateLimited, route, type Route } from '../route.js';
import { deadlineFor } from '../deadline.js';
import { sharedWhileInFlight } from '../shared-reads.js';

export const summarySchema = z
  .object({
    backlogByStage: z.record(z.enum(STAGES), z.number().int()),
    openCases: z.number().int(),
    syncFailures: z.number().int(),
    absconders: z.number().int(),
    repeatAppeals: z.number().int(),
    openEscalations: z.number().int(),
    appealsPending: z.number().int().openapi({
      description:
        'Cases with an appeal pending in law (2002 Act s.104): the window after a refusal still open, an appeal (or a late one) awaiting the tribunal, or an onward appeal open or awaited',
    }),
    furtherSubmissionsPending: z.number().int().openapi({
      description:
        'Cases whose further submissions await the Home Office’s consideration (status further-submissions-pending): removal is barred meanwhile (Immigration Rules para 353A)',
    }),
    onwardPending: z.number().int().openapi({
      description:
        'Cases with an onward challenge under way: permission to appeal, or the appeal itself, awaiting a decision (status onward-appeal-pending), or permission refused by the First-tier and renewable to the Upper Tribunal within its window (permission-refused). All are among appealsPending',
    }),
    appealsEnded: z.record(z.enum(APPEAL_ENDINGS), z.number().int()).openapi({
      description:
        'Cases whose latest appeal ended without a determination, by how: withdrawn, struck out (and not reinstated), abandoned (leave granted or departure while pending), or the decision withdrawn. A new appeal, or reinstatement, takes a case out',
    }),
    twentyFourWeeks: z.object({
      open: z.number().int().openapi({ description: 'Not yet determined: running, breached or excepted' }),
      dueWithin4Weeks: z.number().int(),
      breached: z.number().int().openapi({
        description: 'Past the last day and still undetermined; an appeal that then ended counts as ended instead',
      }),
      exceptions: z.number().int(),
      decidedInTime: z.number().int(),
      decidedLate: z.number().int(),
      ended: z.number().int().openapi({
        description:
          'The appeal ended without a determination (withdrawn, struck out, abandoned, decision withdrawn), whatever its clock showed before: never a breach, and not in the compliance rate',
      }),
      complianceRate: z.number().nullable().openapi({
        description: 'Decided in time ÷ all decided (excepted and ended appeals apart); null until one is decided',
      }),
    }),
    generatedAt: z.string(),
  })
  .openapi('Summary');

export { ONWARD_PENDING_STATUSES };

export type Summary = z.infer<typeof summarySchema>;

const summaryQuery = z.object({
  source: z.enum(['model', 'visibility']).default('model').openapi({
    description:
      '`model` (default): every figure from the reporting read model, no visibility call; `visibility`: every figure counted over visibility (about 30 counts)',
  }),
});

/** Due within 4 weeks: the last day is one of the next 28 London days, today included. */
export const dueBefore = (now: Date) => deadlinesBefore(addDays(londonDate(now.getTime()), 28));

/** The summary from the read model's counts: the same arithmetic over the same conditions as visibility's. */
export async function summaryFromModel(store: ReportingStore, now: Date): Promise<Summary> {
  const { byStage, endings, counted: c } = await store.summaryCounts(dueBefore(now));
  const inTime = c['twentyFourWeeks.decidedInTime'];
  const late = c['twentyFourWeeks.decidedLate'];
  return {
    backlogByStage: byStage,
    openCases: Object.values(byStage).reduce((n, k) => n + k, 0),
    syncFailures: c.syncFailures,
    absconders: c.absconders,
    repeatAppeals: c.repeatAppeals,
    openEscalations: c.openEscalations,
    appealsPending: c.appealsPending,
    furtherSubmissionsPending: c.furtherSubmissionsPending,
    onwardPending: c.onwardPending,
    appealsEnded: endings,
    twentyFourWeeks: {
      open: c['twentyFourWeeks.open'],
      dueWithin4Weeks: c['twentyFourWeeks.dueWithin4Weeks'],
      breached: c['twentyFourWeeks.breached'],
      exceptions: c['twentyFourWeeks.exceptions'],
      decidedInTime: inTime,
      decidedLate: late,
      ended: c['twentyFourWeeks.ended'],
      complianceRate: inTime + late > 0 ? inTime / (inTime + late) : null,
    },
    generatedAt: now.toISOString(),
  };
}

export function reportRoutes(client: Client, timeoutMs: number, store: ReportingStore): Route[] {
  const within = deadlineFor(client, timeoutMs);
  // Every count is a visibility call against the namespace's rate limit: summaries asked for at
  // once (supervisors opening the overview together) send each count once between them.
  const count = sharedWhileInFlight(
    async (where: string) =>
      (await within(() => client.workflow.count(`WorkflowType = '${CASE_WORKFLOW_TYPE}' AND ${where}`))).count,
    (where) => where,
  );
  return [
    route({
      method: 'get',
      path: '/reports/summary',
      summary:
        'Backlog by stage, the 24-week cohort (ended appeals apart from breaches), appeals pending (onward challenges among them) and ended, further submissions pending, open escalations, sync failures, absconders and repeat appeals',
      tags: ['reports'],
      roles: ['supervisor', 'auditor'],
      query: summaryQuery,
      responses: {
        200: { description: 'The summary now', content: { 'application/json': { schema: summarySchema } } },
        429: rateLimited,
      },
      async handler({ query }, _req, res) {
        const now = new Date();
        if (query.source === 'model') return void res.json(await summaryFromModel(store, now));
        const in4Weeks = dueBefore(now);
        const clock = (status: string) => `${SA.clock.name} = '${status}'`;
        const statusIn = (statuses: readonly Status[]) =>
          statuses.length === 1
            ? `${SA.status.name} = '${statuses[0]}'`
            : `${SA.status.name} IN (${statuses.map((s) => `'${s}'`).join(', ')})`;
        const [
          byStage,
          syncFailures,
          absconders,
          repeatAppeals,
          openEscalations,
          running,
          due,
          breached,
          openExceptions,
          decidedExceptions,
          inTime,
          late,
          ended,
          appealsPending,
          furtherSubmissionsPending,
          onwardPending,
          endings,
        ] = await Promise.all([
          Promise.all(STAGES.map(async (stage) => [stage, await count(`${SA.stage.name} = '${stage}'`)] as const)),
          count(`${SA.syncFailed.name} = true`),
          count(`${SA.absconded.name} = true`),
          count(`${SA.appeals.name} >= 2`),
          count(`${SA.escalation.name} >= 1 AND (${clock('running')} OR ${clock('breached')})`),
          count(clock('running')),
          count(`${clock('running')} AND ${SA.deadline.name} < '${in4Weeks}'`),
          count(clock('breached')),
          count(clock('exception')),
          count(clock('exception-decided')),
          count(clock('in-time')),
          count(clock('late')),
          count(clock('ended')),
          count(`${SA.appealPending.name} = true`),
          count(statusIn(['further-submissions-pending'])),
          count(statusIn(ONWARD_PENDING_STATUSES)),
          Promise.all(
            APPEAL_ENDINGS.map(async (how) => [how, await count(`${SA.appealEnded.name} = '${how}'`)] as const),
          ),
        ]);
        res.json({
          backlogByStage: Object.fromEntries(byStage) as Record<Stage, number>,
          // Every case has a stage from its start (search-attributes.ts): the stages add up to all cases, one count fewer.
          openCases: byStage.reduce((n, [, k]) => n + k, 0),
          syncFailures,
          absconders,
          repeatAppeals,
          openEscalations,
          appealsPending,
          furtherSubmissionsPending,
          onwardPending,
          appealsEnded: Object.fromEntries(endings) as Record<AppealEnding['how'], number>,
          // Open: not yet determined, whether on time, past the limit, or excepted. An appeal that
          // ended another way is none of these: its clock is `ended`, counted apart from breaches.
          twentyFourWeeks: {
            open: running + breached + openExceptions,
            dueWithin4Weeks: due,
            breached,
            exceptions: openExceptions + decidedExceptions,
            decidedInTime: inTime,
            decidedLate: late,
            ended,
            complianceRate: inTime + late > 0 ? inTime / (inTime + late) : null,
          },
          generatedAt: now.toISOString(),
        });
      },
    }),
  ];
}
