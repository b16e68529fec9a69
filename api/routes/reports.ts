/** /reports: counts over Temporal visibility, no second store. */
import type { Client } from '@temporalio/client';
import { z } from '../zod.js';
import { addDays, deadlinesBefore, londonDate, STAGES, type Stage } from '../../domain/index.js';
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
    twentyFourWeeks: z.object({
      open: z.number().int(),
      dueWithin4Weeks: z.number().int(),
      breached: z.number().int(),
      exceptions: z.number().int(),
      decidedInTime: z.number().int(),
      decidedLate: z.number().int(),
      /** In time ÷ all decided; null until one is decided. */
      complianceRate: z.number().nullable(),
    }),
    generatedAt: z.string(),
  })
  .openapi('Summary');

export function reportRoutes(client: Client, timeoutMs: number): Route[] {
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
      summary: 'Backlog by stage, the 24-week cohort, open escalations, sync failures, absconders and repeat appeals',
      tags: ['reports'],
      roles: ['supervisor', 'auditor'],
      responses: {
        200: { description: 'The summary now', content: { 'application/json': { schema: summarySchema } } },
        429: rateLimited,
      },
      async handler(_input, _req, res) {
        const now = new Date();
        // Due within 4 weeks: the last day is one of the next 28 London days, today included.
        const in4Weeks = deadlinesBefore(addDays(londonDate(now.getTime()), 28));
        const clock = (status: string) => `${SA.clock.name} = '${status}'`;
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
        ]);
        res.json({
          backlogByStage: Object.fromEntries(byStage) as Record<Stage, number>,
          // Every case has a stage from its start (search-attributes.ts): the stages add up to all cases, one count fewer.
          openCases: byStage.reduce((n, [, k]) => n + k, 0),
          syncFailures,
          absconders,
          repeatAppeals,
          openEscalations,
          // Open: not yet determined, whether on time, past the limit, or excepted.
          twentyFourWeeks: {
            open: running + breached + openExceptions,
            dueWithin4Weeks: due,
            breached,
            exceptions: openExceptions + decidedExceptions,
            decidedInTime: inTime,
            decidedLate: late,
            complianceRate: inTime + late > 0 ? inTime / (inTime + late) : null,
          },
          generatedAt: now.toISOString(),
        });
      },
    }),
  ];
}
