/** /reports: counts over Temporal visibility, no second store. */
import type { Client } from '@temporalio/client';
import { z } from 'zod';
import { STAGES, type Stage } from '../../domain/index.js';
import { CASE_WORKFLOW_TYPE } from '../../workflows/messages.js';
import { SA } from '../../workflows/search-attributes.js';
import { route, type Route } from '../route.js';

export const summarySchema = z
  .object({
    backlogByStage: z.record(z.enum(STAGES), z.number().int()),
    openCases: z.number().int(),
    syncFailures: z.number().int(),
    absconders: z.number().int(),
    repeatAppeals: z.number().int(),
    generatedAt: z.string(),
  })
  .openapi('Summary');

export function reportRoutes(client: Client, timeoutMs: number): Route[] {
  const count = async (where: string) => (await client.withDeadline(Date.now() + timeoutMs, () => client.workflow.count(`WorkflowType = '${CASE_WORKFLOW_TYPE}'${where ? ` AND ${where}` : ''}`))).count;
  return [
    route({
      method: 'get',
      path: '/reports/summary',
      summary: 'Backlog by stage, sync failures, absconders and repeat appeals',
      tags: ['reports'],
      roles: ['supervisor', 'auditor'],
      responses: { 200: { description: 'The summary now', content: { 'application/json': { schema: summarySchema } } } },
      async handler(_input, _req, res) {
        const [byStage, openCases, syncFailures, absconders, repeatAppeals] = await Promise.all([
          Promise.all(STAGES.map(async (stage) => [stage, await count(`${SA.stage.name} = '${stage}'`)] as const)),
          count(''),
          count(`${SA.syncFailed.name} = true`),
          count(`${SA.absconded.name} = true`),
          count(`${SA.appeals.name} >= 2`),
        ]);
        res.json({ backlogByStage: Object.fromEntries(byStage) as Record<Stage, number>, openCases, syncFailures, absconders, repeatAppeals, generatedAt: new Date().toISOString() });
      },
    }),
  ];
}
