/**
 * POST /cases/:caseId/erase: a supervisor erases a case the law says must go (UK GDPR Art. 17: a
 * case opened in error, or for the wrong person), giving the reason. The erasure is recorded in the
 * access log before anything is deleted, so there is never an erasure without its record; the log
 * (who, when, why) outlives the case. docs/operations.md#erasure says who may erase and when.
 */
import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import { z } from '../zod.js';
import { isCaseId, type CaseState } from '../../domain/index.js';
import { caseStateQuery, caseWorkflowId, inboxWorkflowId, unmatchedQuery } from '../../workflows/messages.js';
import type { AccessLog } from '../access-log.js';
import { deadlineFor } from '../deadline.js';
import type { ReportingStore } from '../../reporting/index.js';
import { eraseWorkflow } from '../erase.js';
import { HttpProblem, problem } from '../problem.js';
import { route, type Route } from '../route.js';
import { problemSchema } from '../schemas.js';

export interface ErasureDeps {
  client: Client;
  taskQueue: string;
  log: AccessLog;
  timeoutMs: number;
  /** The reporting read model (#20), which forgets an erased case. */
  reporting: Pick<ReportingStore, 'forget'>;
}

const ROUTE = 'POST /cases/:caseId/erase';
const eraseBody = z.strictObject({
  reason: z
    .string()
    .trim()
    .min(1, 'must not be empty')
    .max(2000)
    .openapi({ description: 'Why the law requires it (kept in the access log: say why, do not name the person)' }),
});
type EraseBody = z.infer<typeof eraseBody>;

const erasedSchema = z
  .object({
    caseId: z.string(),
    erased: z.literal(true),
    runs: z.number().int().openapi({ description: 'Workflow runs deleted' }),
    remaining: z
      .object({
        linkedFrom: z.array(z.string()).openapi({
          description: 'Cases whose own record still names this case id in a link (their history is theirs)',
        }),
        unmatchedEvents: z.array(z.string()).openapi({
          description: 'Keys of inbound events waiting in the unmatched inbox that carry one of its references',
        }),
      })
      .openapi({ description: 'What still holds the case id or a reference of it, for the supervisor to act on' }),
  })
  .openapi('Erased');
const problemOf = (description: string) => ({
  description,
  content: { 'application/problem+json': { schema: problemSchema } },
});

export function erasureRoutes({ client, taskQueue, log, timeoutMs, reporting }: ErasureDeps): Route[] {
  const within = deadlineFor(client, timeoutMs);
  return [
    route<undefined, EraseBody>({
      method: 'post',
      path: '/cases/:caseId/erase',
      summary:
        'Erase a case the law requires gone (opened in error, the wrong person), with the reason: every run deleted from Temporal; the access log keeps who, when and why',
      tags: ['cases'],
      roles: ['supervisor'],
      params: z.object({ caseId: z.string().openapi({ example: 'AC-0K3P9T2M4Q7R' }) }),
      body: eraseBody,
      responses: {
        200: { description: 'Erased: the case is gone', content: { 'application/json': { schema: erasedSchema } } },
        202: {
          description: 'Deleted in Temporal, which had not finished removing it by the deadline; it will',
          content: { 'application/json': { schema: erasedSchema } },
        },
        404: problemOf('No such case'),
      },
      async handler({ params, body, principal }, _req, res) {
        const caseId = params.caseId ?? '';
        if (!isCaseId(caseId)) throw new HttpProblem(problem(404, 'case-not-found', 'No case with that id.'));
        const workflowId = caseWorkflowId(caseId);
        // Read first (404 if there is no case): what else holds it is said in the answer.
        const state = await within(() => client.workflow.getHandle(workflowId).query(caseStateQuery));
        const unmatched = await within(() =>
          client.workflow
            .getHandle(inboxWorkflowId(taskQueue))
            .query(unmatchedQuery)
            .catch((err: unknown) => (err instanceof WorkflowNotFoundError ? [] : Promise.reject(err))),
        );
        const who = { sub: principal!.sub, role: principal!.role, route: ROUTE };
        await log.record([caseId], { at: new Date().toISOString(), ...who, action: 'erase', reason: body.reason });
        let erased;
        try {
          erased = await eraseWorkflow(client, workflowId, timeoutMs);
        } catch (err) {
          // The record says the erasure was asked for; this says it did not finish (retry erases the rest).
          await log.record([caseId], {
            at: new Date().toISOString(),
            ...who,
            action: 'erase-failed',
            reason: (err as Error).message.slice(0, 300),
          });
          throw err;
        }
        // The reporting read model forgets it too: the workflow is terminated, so nothing more is delivered.
        await reporting.forget(caseId);
        const refs = referencesOf(state);
        res.status(erased.gone ? 200 : 202).json({
          caseId,
          erased: true,
          runs: erased.runs,
          remaining: {
            linkedFrom: (state.links ?? []).map((l) => l.caseId),
            unmatchedEvents: unmatched
              .filter((e) => Object.values(e.references).some((v) => refs.has(v)))
              .map((e) => e.key),
          },
        });
      },
    }),
  ];
}

const referencesOf = (state: CaseState) =>
  new Set(Object.values(state.identifiers).filter((v): v is string => typeof v === 'string' && v !== ''));
