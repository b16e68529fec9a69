/**
 * Inbound events that matched no case wait here, never dropped, until a supervisor links each to
 * a case. One long-lived workflow: its history is the record of what came in unmatched and when
 * it was resolved. Keys seen stay known, so a repeat of a linked event is still a duplicate.
 *
 * Bounded (#19): the inbox's state travels across continue-as-new, so it keeps at most
 * STATE_BOUNDS.inboxWaiting events (past it an event is refused, `full`, and the sender retries
 * later: still never dropped) and the newest STATE_BOUNDS.inboxSeen keys.
 */
import { allHandlersFinished, condition, continueAsNew, patched, setHandler, workflowInfo } from '@temporalio/workflow';
import { STATE_BOUNDS } from '../domain/index.js';
import { holdUnmatchedUpdate, takeUnmatchedUpdate, unmatchedQuery, type UnmatchedEvent } from './messages.js';

export interface InboxState {
  waiting: UnmatchedEvent[];
  seen: string[];
}

export async function unmatchedInboxWorkflow(carried?: InboxState): Promise<void> {
  // Runs recorded before the inbox was bounded replay unbounded.
  const bounded = patched('bounded-state');
  const waiting = [...(carried?.waiting ?? [])];
  const seen = new Set(carried?.seen ?? []);
  const forgetOldest = () => {
    // A Set iterates in insertion order: the first key is the oldest.
    while (bounded && seen.size > STATE_BOUNDS.inboxSeen) seen.delete(seen.values().next().value!);
  };
  forgetOldest();
  setHandler(unmatchedQuery, () => waiting);
  setHandler(holdUnmatchedUpdate, (event) => {
    if (seen.has(event.key)) return 'duplicate';
    if (bounded && waiting.length >= STATE_BOUNDS.inboxWaiting) return 'full';
    seen.add(event.key);
    forgetOldest();
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
