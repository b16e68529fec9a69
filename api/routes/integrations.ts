/**
 * What the Home Office and HMCTS tell us of their own accord, by signed webhook. Each event is
 * matched to a case by any reference it carries and applied there once (the case remembers every
 * event key), held if it does not fit the case now, or kept in the unmatched inbox until a
 * supervisor links it: never dropped.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { Client } from '@temporalio/client';
import { WithStartWorkflowOperation } from '@temporalio/client';
import { z } from '../zod.js';
import {
  GWF_PATTERN,
  HMCTS_REF_PATTERN,
  HO_REF_PATTERN,
  CASE_ID_PATTERN,
  UAN_PATTERN,
  adoptedReferences,
  inboundKey,
  isCaseId,
  describeSystem,
  systemOfSource,
  SOURCES,
  type CaseEvent,
  type FieldError,
  type InboundOutcome,
  type InboundReferences,
  type Policy,
  type Source,
} from '../../domain/index.js';
import {
  applyInboundUpdate,
  caseWorkflowId,
  holdUnmatchedUpdate,
  inboxWorkflowId,
  INBOX_WORKFLOW_TYPE,
  takeUnmatchedUpdate,
  unmatchedQuery,
  type UnmatchedEvent,
} from '../../workflows/messages.js';
import { HttpProblem, problem, validationProblem } from '../problem.js';
import { casesHolding, heldElsewhere, type Holder } from '../references.js';
import { deadlineFor } from '../deadline.js';
import { rateLimited, route, type Route } from '../route.js';
import { caseEventBody, fieldErrors } from '../schemas.js';
import { isCaseEventCallback, readCaseEventCallback, type ReadCallback } from '../../integrations/hmcts-inbound.js';

export interface IntegrationDeps {
  client: Client;
  taskQueue: string;
  secrets: Record<Source, string>;
  policy: Policy;
  timeoutMs: number;
}

const references = z.strictObject({
  caseId: z.string().regex(CASE_ID_PATTERN).optional(),
  homeOfficeRef: z.string().regex(HO_REF_PATTERN).optional(),
  uan: z.string().regex(UAN_PATTERN).optional(),
  gwf: z.string().regex(GWF_PATTERN).optional(),
  hmctsRef: z.string().regex(HMCTS_REF_PATTERN).optional(),
});

export const inboundBody = z
  .looseObject({
    id: z.string().min(1).max(200),
    type: z.string(),
    occurredAt: z.iso.datetime({ offset: true }),
    references,
  })
  .openapi('InboundEvent');

const outcomeSchema = z
  .object({
    status: z.enum(['applied', 'duplicate', 'held', 'unmatched']),
    caseId: z.string().optional(),
    reason: z.string().optional(),
  })
  .openapi('InboundOutcome');

/**
 * A system's own language for its events, accepted beside our envelope (#22): the tribunal's case
 * event callback (integrations/hmcts-inbound.ts). Same signature, same matching, same answer.
 */
const OWN_LANGUAGE: Partial<
  Record<
    Source,
    {
      is: (body: unknown) => boolean;
      read: (body: unknown) => { ok: true; value: ReadCallback } | { ok: false; errors: FieldError[] };
    }
  >
> = { hmcts: { is: isCaseEventCallback, read: readCaseEventCallback } };

/** How old a signature may be, and how far ahead of our clock (the contract's second edition). */
const SIGNATURE_MAX_AGE_S = 5 * 60;
const SIGNATURE_MAX_AHEAD_S = 60;

/**
 * `X-Signature: t=<unix seconds>,sha256=<hex HMAC-SHA256 of "<t>.<raw body>">` with the sender's
 * secret: why it does not hold, or null. The time inside the HMAC makes a replayed request stale
 * after five minutes; within them the event's id makes it a duplicate.
 */
export function signatureProblem(
  secret: string,
  raw: Buffer | undefined,
  header: string | undefined,
  nowS = Math.floor(Date.now() / 1000),
): string | null {
  const m = /^t=(\d{1,12}),sha256=([0-9a-f]{64})$/i.exec(header ?? '');
  if (!m || !raw) return 'X-Signature must be t=<unix seconds>,sha256=<hex HMAC of "<t>.<raw body>">.';
  const t = Number(m[1]);
  const expected = createHmac('sha256', secret).update(`${m[1]}.`).update(raw).digest();
  if (!timingSafeEqual(Buffer.from(m[2]!, 'hex'), expected)) return 'X-Signature does not match the body.';
  if (t < nowS - SIGNATURE_MAX_AGE_S) return 'X-Signature is more than 5 minutes old.';
  if (t > nowS + SIGNATURE_MAX_AHEAD_S) return 'X-Signature is dated more than a minute ahead.';
  return null;
}

/** An inbound body in our envelope or in the system's own language: its id, time, references and event fields. */
function readInbound(
  source: Source,
  body: unknown,
): { id: string; occurredAt: string; references: InboundReferences; fields: Record<string, unknown> } {
  const own = OWN_LANGUAGE[source];
  if (own?.is(body)) {
    const read = own.read(body);
    if (!read.ok) throw new HttpProblem(validationProblem(read.errors));
    const { event, ...rest } = read.value;
    return { ...rest, fields: event as unknown as Record<string, unknown> };
  }
  const parsed = inboundBody.safeParse(body);
  if (!parsed.success) throw new HttpProblem(validationProblem(fieldErrors(parsed.error)));
  const { id, occurredAt, references, ...fields } = parsed.data;
  return { id, occurredAt, references, fields };
}

export function integrationRoutes(deps: IntegrationDeps): Route[] {
  const { client } = deps;
  const within = deadlineFor(client, deps.timeoutMs);
  const inbox = () => client.workflow.getHandle(inboxWorkflowId(deps.taskQueue));

  /**
   * Why the event must be held on `target` whatever it says, or undefined: a reference it carries or
   * would adopt already belongs to another case. A reference is never moved by an event (#19).
   */
  async function conflictFor(
    target: string,
    refs: InboundReferences,
    event: CaseEvent,
    matched: Holder[],
  ): Promise<string | undefined> {
    const carried = Object.entries(refs).flatMap(([k, v]) => (k !== 'caseId' && typeof v === 'string' ? [v] : []));
    const theirs = heldElsewhere(target, carried, matched);
    if (theirs) return theirs.reason;
    const adopted = adoptedReferences(event);
    if (adopted.length === 0) return undefined;
    return heldElsewhere(target, adopted, await within(() => casesHolding(client, adopted)))?.reason;
  }

  const applyTo = (
    caseId: string,
    source: Source,
    id: string,
    event: CaseEvent,
    extra: { references?: InboundReferences; conflict?: string | undefined },
  ) =>
    within(() =>
      client.workflow.getHandle(caseWorkflowId(caseId)).executeUpdate(applyInboundUpdate, {
        args: [
          {
            source,
            id,
            event,
            policy: deps.policy,
            ...(extra.references ? { references: extra.references } : {}),
            ...(extra.conflict ? { conflict: extra.conflict } : {}),
          },
        ],
      }),
    );

  const inboundRoute = (source: Source): Route =>
    route({
      method: 'post',
      path: `/integrations/${source}/events`,
      summary: `An event on the ${describeSystem(systemOfSource(source)).name} side (signed webhook)${
        OWN_LANGUAGE[source] ? ': our envelope, or its own case event callback (`event_id`, `case_details`)' : ''
      }`,
      tags: ['integrations'],
      roles: 'public',
      headers: z.object({
        'x-signature': z.string().openapi({
          description:
            't=<unix seconds>,sha256=<hex HMAC-SHA256 of "<t>.<raw body>"> with the sender\'s shared secret; at most 5 minutes old',
        }),
      }),
      responses: {
        202: {
          description: 'Applied, duplicate, held or unmatched',
          content: { 'application/json': { schema: outcomeSchema } },
        },
        401: { description: 'Bad or stale signature' },
        429: rateLimited,
        503: { description: 'The unmatched inbox is full (it keeps a bounded number of events): send it again later' },
      },
      // Applied or held on a case, the system that signed it changed that case.
      access: {
        action: 'change',
        cases: (_input, body) => [(body as { caseId?: string }).caseId ?? ''],
        actor: () => ({ sub: source, role: 'integration' }),
      },
      async handler(_input, req, res) {
        const bad = signatureProblem(
          deps.secrets[source],
          (req as { rawBody?: Buffer }).rawBody,
          req.get('x-signature'),
        );
        if (bad) throw new HttpProblem(problem(401, 'bad-signature', bad));
        const { id, occurredAt, references: refs, fields } = readInbound(source, req.body);
        const event = caseEventBody.safeParse(fields);
        if (!event.success) throw new HttpProblem(validationProblem(fieldErrors(event.error)));
        const matches = await within(() =>
          casesHolding(
            client,
            Object.values(refs).filter((v): v is string => typeof v === 'string'),
          ),
        );
        // The case it names by `references.caseId` when that case exists, else the one case its references
        // find. Only open cases: one closed for retention takes no more changes, so a system's event about
        // it waits in the unmatched inbox for a supervisor, like one that matches no case.
        const open = matches.filter((m) => m.open);
        const target =
          refs.caseId && open.some((m) => m.caseId === refs.caseId)
            ? refs.caseId
            : open.length === 1
              ? open[0]!.caseId
              : undefined;
        let outcome: InboundOutcome;
        if (target) {
          const conflict = await conflictFor(target, refs, event.data, matches);
          outcome = await applyTo(target, source, id, event.data, { references: refs, conflict });
        } else {
          const unmatched: UnmatchedEvent = {
            key: inboundKey(source, id),
            source,
            id,
            event: event.data,
            references: refs as Record<string, string>,
            occurredAt,
            receivedAt: new Date().toISOString(),
          };
          const status = await within(() =>
            client.workflow.executeUpdateWithStart(holdUnmatchedUpdate, {
              args: [unmatched],
              startWorkflowOperation: new WithStartWorkflowOperation(INBOX_WORKFLOW_TYPE, {
                workflowId: inboxWorkflowId(deps.taskQueue),
                taskQueue: deps.taskQueue,
                workflowIdConflictPolicy: 'USE_EXISTING',
                args: [],
              }),
            }),
          );
          // Bounded inbox (#19): refused, not dropped; the sender retries, as for any 5xx.
          if (status === 'full')
            throw new HttpProblem(
              problem(503, 'inbox-full', 'The unmatched inbox is full until a supervisor links or clears events.'),
              { 'Retry-After': '300' },
            );
          outcome = status === 'duplicate' ? { status: 'duplicate' } : { status: 'unmatched' };
        }
        res
          .status(202)
          .json(
            matches.length > 1 && outcome.status === 'unmatched'
              ? { ...outcome, reason: `references match ${matches.length} cases` }
              : outcome,
          );
      },
    });

  return [
    ...SOURCES.map(inboundRoute),
    route({
      method: 'get',
      path: '/integrations/unmatched',
      summary: 'Inbound events that matched no case, waiting to be linked',
      tags: ['integrations'],
      roles: ['supervisor', 'auditor'],
      responses: {
        200: {
          description: 'The waiting events',
          content: { 'application/json': { schema: z.object({ events: z.array(z.unknown()) }) } },
        },
      },
      async handler(_input, _req, res) {
        try {
          res.json({ events: await within(() => inbox().query(unmatchedQuery)) });
        } catch (err) {
          // No inbox yet: nothing has ever come in unmatched.
          if ((err as { name?: string }).name === 'WorkflowNotFoundError') return void res.json({ events: [] });
          throw err;
        }
      },
    }),
    route<undefined, { caseId: string }>({
      method: 'post',
      path: '/integrations/unmatched/:key/link',
      summary: 'Link a waiting inbound event to a case, and apply it there',
      tags: ['integrations'],
      roles: ['supervisor'],
      params: z.object({ key: z.string() }),
      body: z.strictObject({ caseId: z.string().refine(isCaseId, 'must be a case id') }),
      responses: {
        200: {
          description: 'What became of it on the case',
          content: { 'application/json': { schema: outcomeSchema } },
        },
        404: { description: 'No such waiting event' },
      },
      access: { action: 'change', cases: ({ body }) => [body.caseId] },
      async handler({ params, body }, _req, res) {
        const key = params.key ?? '';
        // Make sure the case exists before taking the event out of the inbox.
        await within(() => client.workflow.getHandle(caseWorkflowId(body.caseId)).describe());
        const event = await within(() => inbox().executeUpdate(takeUnmatchedUpdate, { args: [key] }));
        if (!event) throw new HttpProblem(problem(404, 'not-waiting', `No unmatched event ${key} is waiting.`));
        // A supervisor chose the case, so its references are not checked against it; a reference it
        // would adopt from another case still holds it there.
        const conflict = await conflictFor(body.caseId, {}, event.event, []);
        res.json(await applyTo(body.caseId, event.source, event.id, event.event, { conflict }));
      },
    }),
  ];
}
