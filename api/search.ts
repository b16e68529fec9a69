/**
 * Case search over Temporal visibility: the filters of the contract become a visibility query
 * over the case search attributes. Values are validated by the schema before they get here, and
 * quoted here, so a filter can never change the query's shape.
 */
import { z } from './zod.js';
import { APPEAL_ENDINGS, canonicalPnc, deadlinesBefore, STAGES, STATUSES, type Stage } from '../domain/index.js';
import { calendarDate } from './schemas.js';
import { CASE_WORKFLOW_TYPE } from '../workflows/messages.js';
import { CLOCK_STATUSES, SA } from '../workflows/messages.js';

/** `24-week`: the case has a 24-week tribunal clock (it is in the statutory cohort). */
export const COHORT_TAGS = ['supported-accommodation', 'foreign-national-offender', 'detained', '24-week'] as const;

/** Every status of every stage, once: a status alone matches it in whichever stage has it. */
const ALL_STATUSES: readonly string[] = [...new Set(Object.values(STATUSES).flat())];
/** The statuses a `status` filter names, in order, each once. */
export const statusesOf = (status: string): string[] => [...new Set(status.split(','))];

export const searchQuery = z
  .strictObject({
    stage: z.enum(STAGES).optional(),
    status: z
      .string()
      .regex(/^[a-z-]{1,40}(,[a-z-]{1,40}){0,9}$/, {
        message: 'must be a status, or up to ten separated by commas',
        abort: true,
      })
      .refine((v) => statusesOf(v).every((s) => ALL_STATUSES.includes(s)), {
        message: `names a status the lifecycle does not have (its statuses: ${ALL_STATUSES.join(', ')})`,
      })
      .optional()
      .openapi({
        description:
          'The status within its stage (see the lifecycle), or several separated by commas (any of them). A status ' +
          'alone matches it in every stage that has it (`lodged`: a claim or an appeal lodged); with `stage`, each ' +
          'must be a status of that stage',
        example: 'onward-appeal-pending,permission-refused',
      }),
    cohort: z.enum(COHORT_TAGS).optional(),
    assignee: z
      .string()
      .regex(/^[\w.@-]{1,100}$/, 'letters, digits and . _ @ - only')
      .optional(),
    escalation: z.coerce.number().int().min(0).max(10).optional(),
    deadlineBefore: calendarDate.optional(),
    ref: z
      .string()
      .regex(/^[A-Za-z0-9./-]{1,40}$/, 'must be an identifier: letters, digits, /, . and -')
      .optional(),
    syncFailed: z.enum(['true', 'false']).optional(),
    absconded: z.enum(['true', 'false']).optional(),
    appealPending: z
      .enum(['true', 'false'])
      .optional()
      .openapi({ description: 'An appeal could still be brought in time, or one awaits a decision' }),
    appealEnded: z
      .enum(APPEAL_ENDINGS)
      .optional()
      .openapi({ description: "How the case's latest appeal ended without a determination" }),
    appealsAtLeast: z.coerce.number().int().min(0).max(100).optional(),
    clock: z.enum(CLOCK_STATUSES).optional(),
    pageSize: z.coerce.number().int().min(1).max(200).default(50),
    pageToken: z
      .string()
      .regex(/^[A-Za-z0-9_-]{1,4000}\.[A-Za-z0-9_-]{22}$/, 'must be a token from a previous page')
      .optional(),
  })
  .superRefine((q, ctx) => {
    if (!q.stage || !q.status) return;
    const stage: Stage = q.stage;
    const own: readonly string[] = STATUSES[stage];
    const foreign = statusesOf(q.status).filter((s) => !own.includes(s));
    if (foreign.length > 0)
      ctx.addIssue({
        code: 'custom',
        path: ['status'],
        message: `${foreign.join(', ')} ${foreign.length > 1 ? 'are not statuses' : 'is not a status'} of the ${stage} stage (${own.join(', ')})`,
      });
  })
  .openapi('CaseSearch');
export type SearchQuery = z.infer<typeof searchQuery>;

/** Quotes a value the schema has already restricted; the escape is belt and braces. */
const quote = (v: string) => `'${v.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;

export function visibilityQuery(q: Omit<SearchQuery, 'pageSize' | 'pageToken'>): string {
  const clauses = [`WorkflowType = ${quote(CASE_WORKFLOW_TYPE)}`];
  if (q.stage) clauses.push(`${SA.stage.name} = ${quote(q.stage)}`);
  if (q.status) {
    const statuses = statusesOf(q.status);
    clauses.push(
      statuses.length === 1
        ? `${SA.status.name} = ${quote(statuses[0]!)}`
        : `${SA.status.name} IN (${statuses.map(quote).join(', ')})`,
    );
  }
  if (q.cohort) clauses.push(`${SA.cohort.name} = ${quote(q.cohort)}`);
  if (q.assignee) clauses.push(`${SA.assignee.name} = ${quote(q.assignee)}`);
  if (q.escalation !== undefined) clauses.push(`${SA.escalation.name} >= ${q.escalation}`);
  // "Before" the day given: the last day is earlier than it (deadlines are stored as closing instants).
  if (q.deadlineBefore) clauses.push(`${SA.deadline.name} < ${quote(deadlinesBefore(q.deadlineBefore))}`);
  // A PNC ID is kept as displayed (leading zeroes of its serial suppressed): found as typed either way.
  if (q.ref) clauses.push(`${SA.refs.name} = ${quote(canonicalPnc(q.ref))}`);
  if (q.syncFailed) clauses.push(`${SA.syncFailed.name} = ${q.syncFailed}`);
  if (q.absconded) clauses.push(`${SA.absconded.name} = ${q.absconded}`);
  if (q.appealPending) clauses.push(`${SA.appealPending.name} = ${q.appealPending}`);
  if (q.appealEnded) clauses.push(`${SA.appealEnded.name} = ${quote(q.appealEnded)}`);
  if (q.appealsAtLeast !== undefined) clauses.push(`${SA.appeals.name} >= ${q.appealsAtLeast}`);
  if (q.clock) clauses.push(`${SA.clock.name} = ${quote(q.clock)}`);
  return clauses.join(' AND ');
}

export const searchResult = z
  .object({
    cases: z.array(
      z.object({
        caseId: z.string(),
        stage: z.string().optional(),
        status: z.string().optional(),
        assignee: z.string().optional(),
        cohort: z.array(z.string()),
        refs: z.array(z.string()),
        appeals: z.number().int().optional(),
        syncFailed: z.boolean().optional(),
        absconded: z.boolean().optional(),
        appealPending: z.boolean().optional(),
        appealEnded: z.enum(APPEAL_ENDINGS).optional(),
        lastDay: z.string().optional().openapi({ description: "The 24-week limit's last day (a Europe/London date)" }),
        deadline: z
          .string()
          .optional()
          .openapi({ description: 'The instant the 24-week limit closes: the end of lastDay in Europe/London' }),
        escalation: z.number().int().optional(),
        openedAt: z.string().optional(),
      }),
    ),
    nextPageToken: z.string().optional(),
  })
  .openapi('CaseSearchResult');
export type SearchResult = z.infer<typeof searchResult>;
