/** Runs a case search against Temporal visibility, one page at a time. */
import type { Client } from '@temporalio/client';
import { decodeTypedSearchAttributes } from '@temporalio/common/lib/converter/payload-search-attributes.js';
import { lastDayOf } from '../../domain/index.js';
import { caseIdFromWorkflowId } from '../../workflows/messages.js';
import { SA } from '../../workflows/messages.js';
import { HttpProblem, validationProblem } from '../problem.js';
import type { PageTokenSealer } from '../page-token.js';
import { visibilityQuery, type SearchQuery, type SearchResult } from '../search.js';

export async function runSearch(
  client: Client,
  tokens: PageTokenSealer,
  { pageSize, pageToken, ...filters }: SearchQuery,
): Promise<SearchResult> {
  // Newest first is the visibility store's own order; SQL stores refuse ORDER BY on other fields.
  const query = visibilityQuery(filters);
  const nextPageToken = pageToken ? tokens.open(pageToken, query) : undefined;
  if (pageToken && !nextPageToken)
    throw new HttpProblem(
      validationProblem([{ field: 'pageToken', message: 'is not a token from a previous page of this search' }]),
    );
  const response = await client.workflowService.listWorkflowExecutions({
    namespace: client.options.namespace,
    query,
    pageSize,
    nextPageToken,
  });
  const cases = (response.executions ?? []).flatMap((e) => {
    const caseId = caseIdFromWorkflowId(e.execution?.workflowId ?? '');
    if (!caseId) return [];
    const sa = decodeTypedSearchAttributes(e.searchAttributes?.indexedFields);
    const deadline = sa.get(SA.deadline);
    return [
      {
        caseId,
        stage: sa.get(SA.stage),
        status: sa.get(SA.status),
        assignee: sa.get(SA.assignee),
        cohort: sa.get(SA.cohort) ?? [],
        refs: sa.get(SA.refs) ?? [],
        appeals: sa.get(SA.appeals),
        syncFailed: sa.get(SA.syncFailed),
        absconded: sa.get(SA.absconded),
        appealPending: sa.get(SA.appealPending),
        appealEnded: sa.get(SA.appealEnded) as SearchResult['cases'][number]['appealEnded'],
        ...(deadline ? { lastDay: lastDayOf(deadline.toISOString()), deadline: deadline.toISOString() } : {}),
        escalation: sa.get(SA.escalation),
        openedAt: e.startTime?.seconds ? new Date(Number(e.startTime.seconds) * 1000).toISOString() : undefined,
      },
    ];
  });
  const next =
    response.nextPageToken && response.nextPageToken.length > 0
      ? tokens.seal(response.nextPageToken, query)
      : undefined;
  return { cases, ...(next ? { nextPageToken: next } : {}) };
}
