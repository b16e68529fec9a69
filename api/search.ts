/**
 * Case search over Temporal visibility: the filters of the contract become a visibility query
 * over the case search attributes. Values are validated by the schema before they get here, and
 * quoted here, so a filter can never change the query's shape.
 */
import { z } from './zod.js';
import { APPEAL_ENDINGS, canonicalPnc, deadlinesBefore, STAGES } from '../domain/index.js';
import { calendarDate } from './schemas.js';
import { CASE_WORKFLOW_TYPE } from '../workflows/messages.js';
import { CLOCK_STATUSES, SA } from '../workflows/messages.js';

/** `24-week`: the case has a 24-week tribunal clock (it is in the statutory cohort). */
export const COHORT_TAGS = ['supported-accommodation', 'foreign-national-offender', 'detained', '24-week'] as const;

export const searchQuery = z
  .strictObject({
    stage: z.enum(STAGES).optional(),
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
  .openapi('CaseSearch');
export type SearchQuery = z.infer<typeof searchQuery>;

/** Quotes a value the schema has already restricted; the escape is belt and braces. */
const quote = (v: string) => `'${v.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;

export function visibilityQuery(q: Omit<SearchQuery, 'pageSize' | 'pageToken'>): string {
  const clauses = [`WorkflowType = ${quote(CASE_WORKFLOW_TYPE)}`];
  if (q.stage) clauses.push(`${SA.stage.name} = ${quote(q.stage)}`);
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
