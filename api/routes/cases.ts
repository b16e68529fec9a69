/** /cases: open a case, read it, apply an event to it, search. */
import { randomUUID } from 'node:crypto';
import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import { WorkflowIdReusePolicy } from '@temporalio/common';
import { z } from '../zod.js';
import { caseIdFor } from '../../ids/case-id.js';
import {
  adoptedReferences,
  caseView,
  SOURCE_EVENTS,
  HELD_EVENTS,
  isCaseId,
  isLinkUpdateId,
  openCase,
  otherCaseOf,
  ROLES,
  rolesFor,
  type CaseEvent,
  type CaseView,
  type EventType,
  type OpenCaseInput,
  type Policy,
} from '../../domain/index.js';
import {
  applyEventUpdate,
  caseStateQuery,
  caseWorkflowId,
  CASE_WORKFLOW_TYPE,
  namedFeatures,
  type CaseWorkflowInput,
} from '../../workflows/messages.js';
import { searchAttributesOf } from '../../workflows/messages.js';
import { casesHolding, heldElsewhere } from '../references.js';
import { HttpProblem, problem, temporalProblem, validationProblem } from '../problem.js';
import { rateLimited, route, type Route } from '../route.js';
import {
  caseEventBody,
  caseViewSchema,
  createCaseBody,
  problemSchema,
  timelineSchema,
  type CaseEventBody,
  type CreateCaseBody,
} from '../schemas.js';
import type { PageTokenSealer } from '../page-token.js';
import type { Principal } from '../auth.js';
import { deadlineFor } from '../deadline.js';
import { sharedWhileInFlight } from '../shared-reads.js';
import { runSearch } from './search.js';
import { historiesOfCase } from '../../history/read.js';
import { timelineOf } from '../../history/timeline.js';
import { recordHtml, type CaseRecord } from '../record.js';
import { searchQuery, searchResult, type SearchQuery, type SearchResult } from '../search.js';

export interface CasesDeps {
  client: Client;
  taskQueue: string;
  /** How long a call to Temporal (a change included) may take before the API answers 503. */
  updateTimeoutMs: number;
  pageTokens: PageTokenSealer;
  /** The statutory limits in force now (configuration), sent with every change. */
  policy: Policy;
  /** Whether a new case names its feature set in its input (`NAME_CASE_FEATURES`). */
  nameFeatures: boolean;
}

const IDEMPOTENCY_KEY = /^[\x21-\x7e]{1,200}$/;
const caseIdParam = z.object({ caseId: z.string().openapi({ example: 'AC-0K3P9T2M4Q7R' }) });
const json = (schema: z.ZodType, description: string) => ({ description, content: { 'application/json': { schema } } });
const problemOf = (description: string) => ({
  description,
  content: { 'application/problem+json': { schema: problemSchema } },
});
const TAGS = ['cases'];
const heldParams = caseIdParam.extend({
  key: z
    .string()
    .max(300)
    .openapi({ description: 'The held event’s key, as `held[].key` shows it', example: 'hmcts:evt-41' }),
});
const heldResponses = (ok: string) => ({
  200: json(caseViewSchema, ok),
  400: problemOf('A bad body (dismiss needs a reason)'),
  404: problemOf('No such case'),
  409: problemOf('No such held event, or it does not fit the case now; `allowedEvents` lists what does'),
});

function knownCaseId(value: unknown): string {
  if (typeof value !== 'string' || !isCaseId(value))
    throw new HttpProblem(problem(404, 'case-not-found', 'No case with that id.'));
  return value;
}

/**
 * The case as the caller may see it: allowedEvents narrowed to what it may send; a system's
 * integration token sees its own system's events and never the person.
 */
function forCaller(view: CaseView, who: Principal | undefined): Partial<CaseView> {
  const may = (t: EventType) =>
    who === undefined || (rolesFor(t).includes(who.role) && (who.role !== 'integration' || reportedBy(who, t)));
  const { person, ...rest } = view;
  return { ...rest, ...(who?.role === 'integration' ? {} : { person }), allowedEvents: view.allowedEvents.filter(may) };
}
/** Whether an integration token's system reports this event (its only events). */
const reportedBy = (who: Principal, type: EventType) =>
  who.system !== undefined && SOURCE_EVENTS[who.system].includes(type);
/** Everyone but a system's integration token (which reads a case and sends its events, nothing else). */
const PEOPLE = ROLES.filter((r) => r !== 'integration');

export function caseRoutes({
  client,
  taskQueue,
  updateTimeoutMs,
  pageTokens,
  policy,
  nameFeatures,
}: CasesDeps): Route[] {
  const within = deadlineFor(client, updateTimeoutMs);
  // The same search asked twice at once is one visibility call: every supervisor's overview asks
  // the same three watch-list searches. The query was validated, so its JSON is its identity.
  const search = sharedWhileInFlight(
    (query: SearchQuery) => within(() => runSearch(client, pageTokens, query)),
    (query) => JSON.stringify(query),
  );
  /** One change to a case, as the caller: role checked against the table, applied once per key. */
  async function change(caseId: string, event: CaseEventBody, who: Principal, idempotencyKey: string | undefined) {
    // The domain table says who may send what; checked here to answer 403 before any I/O.
    if (who.role === 'integration' && !reportedBy(who, event.type))
      throw new HttpProblem(
        problem(403, 'system-not-allowed', `${who.system ?? 'an unnamed system'} does not report ${event.type}`),
      );
    if (!rolesFor(event.type).includes(who.role)) {
      throw new HttpProblem(
        problem(
          403,
          'role-not-allowed',
          `role ${who.role} may not send ${event.type} (only ${rolesFor(event.type).join(', ')})`,
        ),
      );
    }
    // A change that names another case (a link) needs that case to be there: said here, before the change.
    const other = otherCaseOf(event);
    if (other !== undefined) await mustBeOpen(other);
    // A reference the change would adopt (an appeal's HMCTS reference, case.identified's) that another
    // case holds is never moved onto this one (#19).
    const adopted = adoptedReferences(event as CaseEvent);
    const taken =
      adopted.length > 0
        ? heldElsewhere(caseId, adopted, await within(() => casesHolding(client, adopted)))
        : undefined;
    if (taken) throw new HttpProblem(problem(409, 'reference-taken', `${taken.reason}.`, { caseId: taken.caseId }));
    const key = idempotencyKey ?? randomUUID();
    if (!IDEMPOTENCY_KEY.test(key))
      throw new HttpProblem(
        validationProblem([{ field: 'Idempotency-Key', message: 'must be 1 to 200 visible ASCII characters' }]),
      );
    if (isLinkUpdateId(key))
      throw new HttpProblem(
        validationProblem([
          { field: 'Idempotency-Key', message: 'must not start with link: (kept for links between cases)' },
        ]),
      );
    // The key becomes the update id: Temporal applies one update per id, and a duplicate that
    // arrives while the first is in flight attaches to it and gets the same answer.
    const handle = client.workflow.getHandle(caseWorkflowId(caseId));
    const view = await within(() =>
      handle.executeUpdate(applyEventUpdate, {
        args: [{ event, actor: { id: who.sub, role: who.role }, policy }],
        updateId: key,
      }),
    ).catch(async (err: unknown) => {
      // Temporal answers a closed workflow's update as "not found": say which it is.
      if (err instanceof WorkflowNotFoundError) await mustNotBeClosed(caseId);
      throw err;
    });
    return forCaller(view, who);
  }

  /**
   * 409 naming why when the case's workflow has completed: dormant at a final exit for the
   * retention dormancy (domain/retention.ts), it takes no more changes; its record still reads
   * until the namespace's retention deletes it. A new claim by the same person is a new case.
   */
  async function mustNotBeClosed(caseId: string) {
    const closed = await within(() =>
      client.workflow
        .getHandle(caseWorkflowId(caseId))
        .describe()
        .then(
          (d) => (d.status.name === 'COMPLETED' ? (d.closeTime?.toISOString() ?? 'unknown') : undefined),
          (err: unknown) => (err instanceof WorkflowNotFoundError ? undefined : Promise.reject(err)),
        ),
    );
    if (closed !== undefined)
      throw new HttpProblem(
        problem(
          409,
          'case-closed',
          `Case ${caseId} was closed at ${closed}: it lay dormant at a final exit for the retention period, so it takes no more changes. Its record can still be read until retention deletes it.`,
          { caseId, closedAt: closed },
        ),
      );
  }

  /** 409 naming the case unless it is there and open. */
  async function mustBeOpen(caseId: string) {
    const status = await within(() =>
      client.workflow
        .getHandle(caseWorkflowId(caseId))
        .describe()
        .then(
          (d) => d.status.name,
          (err: unknown) => (err instanceof WorkflowNotFoundError ? undefined : Promise.reject(err)),
        ),
    );
    if (status !== 'RUNNING' && status !== 'CONTINUED_AS_NEW')
      throw new HttpProblem(problem(409, 'other-case-not-found', `There is no open case ${caseId}.`, { caseId }));
  }

  return [
    route<undefined, CreateCaseBody>({
      method: 'post',
      path: '/cases',
      summary: 'Open a case',
      tags: TAGS,
      roles: ['caseworker', 'integration'],
      body: createCaseBody,
      responses: {
        201: json(caseViewSchema, 'The case, opened at claim'),
        409: problemOf('A case for that Home Office reference exists; `caseId` names it'),
      },
      access: { action: 'open', cases: (_input, body) => [(body as { caseId: string }).caseId] },
      async handler({ body, principal }, _req, res) {
        // Of the systems, only the Home Office opens cases (its claims).
        if (principal?.role === 'integration' && principal.system !== 'home-office')
          throw new HttpProblem(problem(403, 'system-not-allowed', `${principal.system} does not open cases`));
        const caseId = caseIdFor(body.homeOfficeRef);
        const open: OpenCaseInput = { ...body, caseId, openedAt: new Date().toISOString() };
        const state = openCase(open);
        try {
          await within(() =>
            client.workflow.start(CASE_WORKFLOW_TYPE, {
              workflowId: caseWorkflowId(caseId),
              taskQueue,
              args: [{ open, policy, ...namedFeatures(nameFeatures) } satisfies CaseWorkflowInput],
              workflowIdReusePolicy: WorkflowIdReusePolicy.REJECT_DUPLICATE,
              typedSearchAttributes: searchAttributesOf(state),
            }),
          );
        } catch (err) {
          if (temporalProblem(err)?.problem.status === 409) {
            throw new HttpProblem(
              problem(409, 'case-exists', `A case for Home Office reference ${body.homeOfficeRef} already exists.`, {
                caseId,
              }),
            );
          }
          throw err;
        }
        res
          .status(201)
          .location(`/cases/${caseId}`)
          .json(forCaller(caseView(state, principal?.role), principal));
      },
    }),
    route<SearchQuery>({
      method: 'get',
      path: '/cases',
      summary:
        'Search cases by stage and status, cohort, assignee, escalation, deadline, any external reference or sync failure',
      tags: TAGS,
      roles: ['supervisor', 'auditor', 'caseworker', 'tribunal'],
      query: searchQuery,
      responses: {
        200: json(searchResult, 'One page of cases; pass nextPageToken back for the next'),
        429: rateLimited,
      },
      // A search by a reference looks a person up: each case it finds is recorded. Other searches
      // list cases by where they stand; a case opened from them is recorded when it is read.
      access: {
        action: 'search-hit',
        cases: ({ query }, body) => (query.ref ? (body as SearchResult).cases.map((c) => c.caseId) : []),
      },
      async handler({ query }, _req, res) {
        res.json(await search(query));
      },
    }),
    route({
      method: 'get',
      path: '/cases/:caseId',
      summary: 'The case now',
      tags: TAGS,
      roles: [...ROLES],
      params: caseIdParam,
      responses: { 200: json(caseViewSchema, 'The case'), 404: problemOf('No such case') },
      access: { action: 'read' },
      async handler({ params, principal }, _req, res) {
        const state = await within(() =>
          client.workflow.getHandle(caseWorkflowId(knownCaseId(params.caseId))).query(caseStateQuery),
        );
        res.json(forCaller(caseView(state, principal?.role), principal));
      },
    }),
    route({
      method: 'get',
      path: '/cases/:caseId/timeline',
      summary: "Every change in order, read from workflow history across runs, with each system's receipt or failure",
      tags: TAGS,
      roles: PEOPLE,
      params: caseIdParam,
      responses: { 200: json(timelineSchema, 'The timeline'), 404: problemOf('No such case') },
      access: { action: 'timeline' },
      async handler({ params }, _req, res) {
        const caseId = knownCaseId(params.caseId);
        const runs = await within(() => historiesOfCase(client, caseWorkflowId(caseId)));
        res.json({ caseId, runs: runs.length, entries: timelineOf(runs, 'claim:lodged') });
      },
    }),
    route<{ format: 'json' | 'html' }>({
      method: 'get',
      path: '/cases/:caseId/record',
      summary: 'The whole record of a case, for audit and disclosure (JSON, or ?format=html for a printable page)',
      tags: TAGS,
      roles: ['supervisor', 'auditor', 'caseworker', 'tribunal'],
      params: caseIdParam,
      query: z.strictObject({ format: z.enum(['json', 'html']).default('json') }),
      responses: {
        200: {
          description: 'The record',
          content: {
            'application/json': {
              schema: z.object({
                generatedAt: z.string(),
                case: caseViewSchema,
                runs: z.number().int(),
                timeline: timelineSchema.shape.entries,
              }),
            },
            'text/html': { schema: z.string() },
          },
        },
        404: problemOf('No such case'),
      },
      access: { action: 'export' },
      async handler({ params, query, principal }, _req, res) {
        const caseId = knownCaseId(params.caseId);
        const [state, runs] = await within(() =>
          Promise.all([
            client.workflow.getHandle(caseWorkflowId(caseId)).query(caseStateQuery),
            historiesOfCase(client, caseWorkflowId(caseId)),
          ]),
        );
        const record: CaseRecord = {
          generatedAt: new Date().toISOString(),
          case: caseView(state, principal?.role),
          runs: runs.length,
          timeline: timelineOf(runs, 'claim:lodged'),
        };
        if (query.format === 'html') res.type('html').send(recordHtml(record));
        else res.json(record);
      },
    }),
    route<undefined, CaseEventBody>({
      method: 'post',
      path: '/cases/:caseId/events',
      summary: 'Apply an event to a case',
      tags: TAGS,
      roles: [...ROLES],
      params: caseIdParam,
      headers: z.object({
        'idempotency-key': z
          .string()
          .optional()
          .openapi({ description: 'Same key, same result, applied once (1–200 visible ASCII characters)' }),
      }),
      body: caseEventBody,
      responses: {
        200: json(caseViewSchema, 'The case after the event'),
        404: problemOf('No such case'),
        409: problemOf(
          'Not allowed now (`allowedEvents` lists what is), the case closed for retention (`case-closed`), the other case the event names (a link’s) does not exist, or a reference the event would add belongs to another case (`reference-taken`); `caseId` names it',
        ),
        503: problemOf('Temporal unreachable or the change not confirmed in time; retry with the same Idempotency-Key'),
      },
      access: { action: 'change' },
      async handler({ params, body: event, principal }, req, res) {
        res.json(await change(knownCaseId(params.caseId), event, principal!, req.get('idempotency-key')));
      },
    }),
    route<undefined, Record<string, never>>({
      method: 'post',
      path: '/cases/:caseId/held/:key/apply',
      summary:
        'Apply a held inbound event now that it fits (recorded as a change by the supervisor, sent on as the event itself)',
      tags: TAGS,
      roles: ['supervisor'],
      params: heldParams,
      body: z.strictObject({}),
      responses: heldResponses('The case after the held event was applied'),
      access: { action: 'change' },
      async handler({ params, principal }, req, res) {
        const event = { type: HELD_EVENTS.apply, key: params.key } as CaseEventBody;
        res.json(await change(knownCaseId(params.caseId), event, principal!, req.get('idempotency-key')));
      },
    }),
    route<undefined, { reason: string }>({
      method: 'post',
      path: '/cases/:caseId/held/:key/dismiss',
      summary: 'Dismiss a held inbound event, with the reason (recorded as a change)',
      tags: TAGS,
      roles: ['supervisor'],
      params: heldParams,
      body: z.strictObject({ reason: z.string().trim().min(1, 'must not be empty').max(2000) }),
      responses: heldResponses('The case after the held event was dismissed'),
      access: { action: 'change' },
      async handler({ params, body, principal }, req, res) {
        const event = { type: HELD_EVENTS.dismiss, key: params.key, reason: body.reason } as CaseEventBody;
        res.json(await change(knownCaseId(params.caseId), event, principal!, req.get('idempotency-key')));
      },
    }),
  ];
}
