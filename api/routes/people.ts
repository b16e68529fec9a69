/**
 * One record per person: every case found under any of their identifiers, then every case linked to
 * those as the same person (transitively, within bounds), with claims, appeals (repeat appeals
 * counted), times absconded, each case's references and links, and where each case stands.
 */
import type { Client } from '@temporalio/client';
import { z } from '../zod.js';
import { WorkflowNotFoundError } from '@temporalio/client';
import {
  canonicalPnc,
  casesOfPerson,
  isCaseId,
  isCaseReference,
  LINK_RELATIONS,
  PERSON_LIMITS,
  type CaseState,
} from '../../domain/index.js';
import { caseIdFromWorkflowId, caseStateQuery, caseWorkflowId } from '../../workflows/messages.js';
import { SA } from '../../workflows/messages.js';
import { HttpProblem, problem } from '../problem.js';
import { abscondingPeriod } from '../schemas.js';
import { deadlineFor } from '../deadline.js';
import { rateLimited, route, type Route } from '../route.js';

const identifierSchema = z.object({
  kind: z.string().openapi({ example: 'pnc' }),
  value: z.string().openapi({ example: '12/345678U' }),
});

const personSchema = z
  .object({
    ref: z.string(),
    identifiers: z
      .array(identifierSchema)
      .openapi({ description: "Every reference the person's cases carry (the case ids are in `cases`)" }),
    complete: z.boolean().openapi({
      description: `False when following same-person links stopped at a bound (${PERSON_LIMITS.depth} links away, ${PERSON_LIMITS.cases} cases)`,
    }),
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
        identifiers: z.array(identifierSchema),
        links: z.array(z.object({ caseId: z.string(), relation: z.enum(LINK_RELATIONS) })),
      }),
    ),
  })
  .openapi('Person');

export function peopleRoutes(client: Client, timeoutMs: number): Route[] {
  return [
    route({
      method: 'get',
      path: '/people/:ref',
      summary:
        'Every case of one person, found by any reference (case id, Home Office reference, UAN, GWF, HMCTS reference, PNC ID, prison number, local authority reference) and followed along same-person links',
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
      // Every case the person's record shows is recorded, as each is disclosed.
      access: {
        action: 'person-lookup',
        cases: (_input, body) => (body as ReturnType<typeof summarise>).cases.map((c) => c.caseId),
      },
      async handler({ params }, _req, res) {
        const ref = params.ref ?? '';
        // Validated, so it cannot change the query's shape (letters, digits, / . - only).
        if (!isCaseReference(ref))
          throw new HttpProblem(problem(404, 'person-not-found', 'No case carries that reference.'));
        const read = (caseId: string) =>
          client.workflow
            .getHandle(caseWorkflowId(caseId))
            .query(caseStateQuery)
            .catch((err: unknown) => (err instanceof WorkflowNotFoundError ? undefined : Promise.reject(err)));
        const { states, complete } = await deadlineFor(
          client,
          timeoutMs,
        )(async () => {
          // A case id names its case: no search needed (nor its wait for visibility).
          const found: string[] = isCaseId(ref) ? [ref] : [];
          if (found.length === 0) {
            // A PNC ID is kept as displayed, leading zeroes of its serial suppressed.
            const query = `${SA.refs.name} = '${canonicalPnc(ref)}'`;
            for await (const e of client.workflow.list({ query, pageSize: 100 })) {
              const caseId = caseIdFromWorkflowId(e.workflowId);
              if (caseId) found.push(caseId);
            }
          }
          return casesOfPerson(found, read);
        });
        if (states.length === 0)
          throw new HttpProblem(problem(404, 'person-not-found', 'No case carries that reference.'));
        res.json(summarise(ref, states, complete));
      },
    }),
  ];
}

/** A case's references other than its own id, as kind and value. */
const identifiersOf = (s: CaseState) =>
  Object.entries(s.identifiers)
    .filter(([kind, value]) => kind !== 'caseId' && typeof value === 'string' && value !== '')
    .map(([kind, value]) => ({ kind, value: value as string }));

export function summarise(ref: string, states: CaseState[], complete = true) {
  const people = [...new Map(states.map((s) => [JSON.stringify(s.person), s.person])).values()];
  const sum = (f: (s: CaseState) => number) => states.reduce((n, s) => n + f(s), 0);
  const identifiers = [...new Map(states.flatMap(identifiersOf).map((i) => [`${i.kind} ${i.value}`, i])).values()];
  return {
    ref,
    identifiers,
    complete,
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
      identifiers: identifiersOf(s),
      links: s.links ?? [],
    })),
  };
}
