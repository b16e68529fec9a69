/** /cases/:caseId/access: who read or changed a case, from the access log (kept apart from the case). */
import { z } from '../zod.js';
import { isCaseId } from '../../domain/index.js';
import { ACCESS_ACTIONS, type AccessLog } from '../access-log.js';
import { HttpProblem, problem } from '../problem.js';
import { route, type Route } from '../route.js';
import { problemSchema } from '../schemas.js';

export const accessEntrySchema = z
  .object({
    at: z.string().openapi({ example: '2026-12-01T09:30:00.000Z' }),
    sub: z.string().openapi({ description: "The token's subject: a person, or a system's integration token" }),
    role: z.string(),
    action: z.enum(ACCESS_ACTIONS),
    route: z
      .string()
      .openapi({ description: 'Method and route pattern, never a query string', example: 'GET /cases/:caseId' }),
    reason: z.string().optional().openapi({ description: 'Why (an erasure)' }),
  })
  .openapi('AccessEntry');

export function accessRoutes(log: AccessLog): Route[] {
  return [
    route({
      method: 'get',
      path: '/cases/:caseId/access',
      summary:
        'Who read, searched to, exported or changed the case, newest first (reading this is recorded too; kept after an erasure)',
      tags: ['cases'],
      roles: ['supervisor', 'auditor'],
      params: z.object({ caseId: z.string().openapi({ example: 'AC-0K3P9T2M4Q7R' }) }),
      responses: {
        200: {
          description: 'The access log of the case',
          content: { 'application/json': { schema: z.object({ entries: z.array(accessEntrySchema) }) } },
        },
        404: {
          description: 'Not a case id',
          content: { 'application/problem+json': { schema: problemSchema } },
        },
      },
      access: { action: 'access-log' },
      async handler({ params }, _req, res) {
        const caseId = params.caseId ?? '';
        if (!isCaseId(caseId)) throw new HttpProblem(problem(404, 'case-not-found', 'No case with that id.'));
        res.json({ entries: await log.read(caseId) });
      },
    }),
  ];
}
