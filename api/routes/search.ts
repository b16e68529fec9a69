/** Runs a case search against Temporal visibility, one page at a time. */
import type { Client } from '@temporalio/client';
import { decodeTypedSearchAttributes } from '@temporalio/common/lib/converter/payload-search-attributes.js';
import { caseIdFromWorkflowId } from '../../workflows/messages.js';
import { SA } from '../../workflows/search-attributes.js';
import { HttpProblem, validationProblem } from '../problem.js';
import { visibilityQuery, type SearchQuery, type SearchResult } from '../search.js';

export async function runSearch(client: Client, { pageSize, pageToken, ...filters }: SearchQuery): Promise<SearchResult> {
  let response;
  try {
    response = await client.workflowService.listWorkflowExecutions({
      namespace: client.options.namespace,
      query: `${visibilityQuery(filters)} ORDER BY StartTime DESC`,
      pageSize,
      nextPageToken: pageToken ? Buffer.from(pageToken, 'base64url') : undefined,
    });
  } catch (err) {
    // A token that is not one of ours is the caller's mistake, not ours.
    if (pageToken && (err as { code?: number }).code === 3 /* INVALID_ARGUMENT */) throw new HttpProblem(validationProblem([{ field: 'pageToken', message: 'is not a token from a previous page' }]));
    throw err;
  }
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
        deadline: deadline?.toISOString(),
        escalation: sa.get(SA.escalation),
        openedAt: e.startTime?.seconds ? new Date(Number(e.startTime.seconds) * 1000).toISOString() : undefined,
      },
    ];
  });
  const next = response.nextPageToken && response.nextPageToken.length > 0 ? Buffer.from(response.nextPageToken).toString('base64url') : undefined;
  return { cases, ...(next ? { nextPageToken: next } : {}) };
}
