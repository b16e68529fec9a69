/** /cases: open a case, read it, apply an event to it. */
import { createHash, randomUUID } from 'node:crypto';
import { Router } from 'express';
import type { Client } from '@temporalio/client';
import { WorkflowIdReusePolicy } from '@temporalio/common';
import { caseView, formatCaseId, isCaseId, openCase, rolesFor, type OpenCaseInput, type Role } from '../../domain/index.js';
import { applyEventUpdate, caseStateQuery, caseWorkflowId, CASE_WORKFLOW_TYPE, type CaseWorkflowInput } from '../../workflows/messages.js';
import { searchAttributesOf } from '../../workflows/search-attributes.js';
import type { createAuth } from '../auth.js';
import { HttpProblem, problem, temporalProblem, validationProblem } from '../problem.js';
import { caseEventBody, createCaseBody, fieldErrors } from '../schemas.js';

export interface CasesDeps {
  client: Client;
  taskQueue: string;
  auth: ReturnType<typeof createAuth>;
}

/**
 * Our case id is derived from the Home Office reference, so the workflow id itself enforces
 * "one case per HO reference" without a second database or a race between check and start.
 */
export function caseIdFor(homeOfficeRef: string): string {
  return formatCaseId(createHash('sha256').update(`ho-ref:${homeOfficeRef}`).digest());
}

const IDEMPOTENCY_KEY = /^[\x21-\x7e]{1,200}$/;

export function casesRouter({ client, taskQueue, auth }: CasesDeps): Router {
  const router = Router();

  router.post('/', auth.requireRole('caseworker', 'integration'), async (req, res) => {
    const parsed = createCaseBody.safeParse(req.body);
    if (!parsed.success) throw new HttpProblem(validationProblem(fieldErrors(parsed.error)));
    const caseId = caseIdFor(parsed.data.homeOfficeRef);
    const open: OpenCaseInput = { ...parsed.data, caseId, openedAt: new Date().toISOString() };
    const state = openCase(open);
    try {
      await client.workflow.start(CASE_WORKFLOW_TYPE, {
        workflowId: caseWorkflowId(caseId),
        taskQueue,
        args: [{ open } satisfies CaseWorkflowInput],
        workflowIdReusePolicy: WorkflowIdReusePolicy.REJECT_DUPLICATE,
        typedSearchAttributes: searchAttributesOf(state),
      });
    } catch (err) {
      const mapped = temporalProblem(err);
      if (mapped?.problem.status === 409) {
        throw new HttpProblem(problem(409, 'case-exists', `A case for Home Office reference ${parsed.data.homeOfficeRef} already exists.`, { caseId }));
      }
      throw err;
    }
    res.status(201).location(`/cases/${caseId}`).json(caseView(state, req.principal?.role));
  });

  router.get('/:caseId', auth.requireRole(), async (req, res) => {
    const caseId = knownCaseId(req.params.caseId);
    const state = await client.workflow.getHandle(caseWorkflowId(caseId)).query(caseStateQuery);
    res.json(caseView(state, req.principal?.role));
  });

  router.post('/:caseId/events', auth.requireRole(), async (req, res) => {
    const caseId = knownCaseId(req.params.caseId);
    const parsed = caseEventBody.safeParse(req.body);
    if (!parsed.success) throw new HttpProblem(validationProblem(fieldErrors(parsed.error)));
    const event = parsed.data;
    const principal = req.principal!;
    // The domain table says who may send what; checked here to answer 403 before any I/O.
    if (!rolesFor(event.type).includes(principal.role)) {
      throw new HttpProblem(problem(403, 'role-not-allowed', `role ${principal.role} may not send ${event.type} (only ${rolesFor(event.type).join(', ')})`));
    }
    const key = req.get('idempotency-key') ?? randomUUID();
    if (!IDEMPOTENCY_KEY.test(key)) throw new HttpProblem(validationProblem([{ field: 'Idempotency-Key', message: 'must be 1 to 200 visible ASCII characters' }]));
    // The key becomes the update id: Temporal applies one update per id, and a duplicate that
    // arrives while the first is in flight attaches to it and gets the same answer.
    const view = await client.workflow.getHandle(caseWorkflowId(caseId)).executeUpdate(applyEventUpdate, {
      args: [{ event, actor: { id: principal.sub, role: principal.role } }],
      updateId: key,
    });
    res.json({ ...view, allowedEvents: view.allowedEvents.filter((t) => rolesFor(t).includes(principal.role as Role)) });
  });

  return router;
}

function knownCaseId(value: unknown): string {
  if (typeof value !== 'string' || !isCaseId(value)) throw new HttpProblem(problem(404, 'case-not-found', 'No case with that id.'));
  return value;
}
