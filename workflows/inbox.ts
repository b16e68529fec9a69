/**
 * Inbound events that matched no case wait here, never dropped, until a supervisor links each to
 * a case. One long-lived workflow: its history is the record of what came in unmatched and when
 * it was resolved. Keys seen stay known, so a repeat of a linked event is still a duplicate.
 */
import { allHandlersFinished, condition, continueAsNew, setHandler, workflowInfo } from '@temporalio/workflow';
import { holdUnmatchedUpdate, takeUnmatchedUpdate, unmatchedQuery, type UnmatchedEvent } from './messages.js';

export interface InboxState {
  waiting: UnmatchedEvent[];
  seen: string[];
}

export async function unmatchedInboxWorkflow(carried?: InboxState): Promise<void> {
  const waiting = [...(carried?.waiting ?? [])];
  const seen = new Set(carried?.seen ?? []);
  setHandler(unmatchedQuery, () => waiting);
  setHandler(holdUnmatchedUpdate, (event) => {
    if (seen.has(event.key)) return 'duplicate';
    seen.add(event.key);
    waiting.push(event);
    return 'unmatched';
  });
  setHandler(takeUnmatchedUpdate, (key) => {
    const at = waiting.findIndex((e) => e.key === key);
    return at < 0 ? undefined : waiting.splice(at, 1)[0];
  });
  await condition(() => workflowInfo().continueAsNewSuggested);
  await condition(allHandlersFinished);
  await continueAsNew<typeof unmatchedInboxWorkflow>({ waiting, seen: [...seen] });
}
