/**
 * One record per person: every case found under any of their identifiers, with claims, appeals
 * (repeat appeals counted), times absconded and where each case stands.
 */
import type { Client } from '@temporalio/client';
import { z } from '../zod.js';
import { isGwf, isHomeOfficeRef, isUan, type CaseState } from '../../domain/index.js';
import { caseIdFromWorkflowId, caseStateQuery, caseWorkflowId } from '../../workflows/messages.js';
import { SA } from '../../workflows/messages.js';
import { HttpProblem, problem } from '../problem.js';
import { abscondingPeriod } from '../schemas.js';
import { deadlineFor } from '../deadline.js';
import { rateLimited, route, type Route } from '../route.js';

const personSchema = z
  .object({
    ref: z.string(),
    people: z.array(z.object({ name: z.string(), dateOfBirth: z.string(), nationality: z.string() })),
    totals: z.object({
      cases: z.number().int(),
      claims: z.number().int(),
      appeals: z.number().int(),
      repeatAppeals: z.number().int(),
      abscondings: z.number().int(),
    }),
    cases: z.array(
      z.object({
        caseId: z.string(),
        stage: z.string(),
        status: z.string(),
        claims: z.number().int(),
        appeals: z.number().int(),
        abscondings: z.number().int(),
        absconded: z.boolean(),
        abscondingPeriods: z.array(abscondingPeriod),
        determination: z.string().optional(),
      }),
    ),
  })
  .openapi('Person');

export function peopleRoutes(client: Client, timeoutMs: number): Route[] {
  return [
    route({
      method: 'get',
      path: '/people/:ref',
      summary: 'Every case of one person, found by UAN, GWF or Home Office reference',
      tags: ['people'],
      roles: ['supervisor', 'auditor', 'caseworker', 'tribunal'],
      params: z.object({ ref: z.string().openapi({ example: '1234-5678-9012-3456' }) }),
      responses: {
        200: {
          description: "The person's cases and totals",
          content: { 'application/json': { schema: personSchema } },
        },
        404: { description: 'No case carries that reference' },
        429: rateLimited,
      },
      async handler({ params }, _req, res) {
        const ref = params.ref ?? '';
        if (!isUan(ref) && !isGwf(ref) && !isHomeOfficeRef(ref))
          throw new HttpProblem(problem(404, 'person-not-found', 'No case carries that reference.'));
        const states = await deadlineFor(
          client,
          timeoutMs,
        )(async () => {
          const ids: string[] = [];
          for await (const e of client.workflow.list({ query: `${SA.refs.name} = '${ref}'`, pageSize: 100 })) {
            const caseId = caseIdFromWorkflowId(e.workflowId);
            if (caseId) ids.push(caseId);
          }
          return Promise.all(ids.map((id) => client.workflow.getHandle(caseWorkflowId(id)).query(caseStateQuery)));
        });
        if (states.length === 0)
          throw new HttpProblem(problem(404, 'person-not-found', 'No case carries that reference.'));
        res.json(summarise(ref, states));
      },
    }),
  ];
}

export function summarise(ref: string, states: CaseState[]) {
  const people = [...new Map(states.map((s) => [JSON.stringify(s.person), s.person])).values()];
  const sum = (f: (s: CaseState) => number) => states.reduce((n, s) => n + f(s), 0);
  return {
    ref,
    people,
    totals: {
      cases: states.length,
      claims: sum((s) => s.counts.claims),
      appeals: sum((s) => s.counts.appeals),
      repeatAppeals: sum((s) => Math.max(0, s.counts.appeals - 1)),
      abscondings: sum((s) => s.counts.abscondings),
    },
    cases: states.map((s) => ({
      caseId: s.caseId,
      stage: s.stage,
      status: s.status,
      claims: s.counts.claims,
      appeals: s.counts.appeals,
      abscondings: s.counts.abscondings,
      absconded: s.flags.absconded,
      abscondingPeriods: s.abscondingPeriods,
      ...(s.determination ? { determination: s.determination } : {}),
    })),
  };
}
