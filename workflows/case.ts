/**
 * One asylum case, claim to exit and beyond: this workflow's history is the case's record.
 * It only wires handlers and waits; every rule lives in domain/.
 */
import {
  allHandlersFinished,
  ApplicationFailure,
  condition,
  continueAsNew,
  setHandler,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import type { SearchAttributeUpdatePair } from '@temporalio/common';
import { applyEvent, caseView, checkEvent, openCase, type CaseState } from '../domain/index.js';
import { applyEventUpdate, caseStateQuery, type CaseWorkflowInput } from './messages.js';
import { searchAttributesOf } from './search-attributes.js';

const now = () => new Date().toISOString(); // workflow time: deterministic on replay

export async function caseWorkflow(input: CaseWorkflowInput): Promise<void> {
  // Search attributes of the opening state are set by the starter, so a new case is findable at once.
  let state: CaseState = input.carried?.state ?? openCase(input.open);

  setHandler(caseStateQuery, () => state);

  setHandler(
    applyEventUpdate,
    ({ event }) => {
      const before = state;
      state = { ...applyEvent(state, event, { at: now() }), version: state.version + 1 };
      const changed = changedSearchAttributes(before, state);
      if (changed.length > 0) upsertSearchAttributes(changed);
      return caseView(state);
    },
    {
      // Synchronous, so a rejected event leaves nothing in history.
      validator: ({ event, actor }) => {
        const rejection = checkEvent(state, event, actor?.role, { at: now() });
        if (rejection) {
          const message = rejection.kind === 'invalid' ? rejection.errors.map((e) => `${e.field} ${e.message}`).join('; ') : rejection.message;
          throw ApplicationFailure.create({ type: rejection.kind, message, details: [rejection], nonRetryable: true });
        }
      },
    },
  );

  // Dormant between events, possibly for years; hand over to a fresh run when history grows long.
  await condition(() => workflowInfo().continueAsNewSuggested);
  await condition(allHandlersFinished);
  await continueAsNew<typeof caseWorkflow>({ open: input.open, carried: { state } });
}

/** Upsert only what changed: each upsert is an event in history. */
function changedSearchAttributes(before: CaseState, after: CaseState): SearchAttributeUpdatePair[] {
  const was = new Map(searchAttributesOf(before).map((p) => [p.key.name, JSON.stringify(p.value)]));
  return searchAttributesOf(after).filter((p) => was.get(p.key.name) !== JSON.stringify(p.value));
}
