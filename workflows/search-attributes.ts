/**
 * The search attributes that make cases findable without a second database. One list, read by
 * the workflow (to upsert), the API (to search) and the start-up scripts (to register).
 * The SQL visibility store of the dev server allows 3 Int, 3 Bool, 3 Datetime, 3 KeywordList
 * and 10 Keyword custom attributes: keep within those.
 */
import { defineSearchAttributeKey, SearchAttributeType, type SearchAttributePair } from '@temporalio/common';
import { externalRefs, hasSyncFailure, type CaseState } from '../domain/index.js';

export const SA = {
  stage: defineSearchAttributeKey('CaseStage', SearchAttributeType.KEYWORD),
  status: defineSearchAttributeKey('CaseStatus', SearchAttributeType.KEYWORD),
  assignee: defineSearchAttributeKey('CaseAssignee', SearchAttributeType.KEYWORD),
  cohort: defineSearchAttributeKey('CaseCohort', SearchAttributeType.KEYWORD_LIST),
  refs: defineSearchAttributeKey('CaseRefs', SearchAttributeType.KEYWORD_LIST),
  deadline: defineSearchAttributeKey('CaseDeadline', SearchAttributeType.DATETIME),
  escalation: defineSearchAttributeKey('CaseEscalationLevel', SearchAttributeType.INT),
  appeals: defineSearchAttributeKey('CaseAppeals', SearchAttributeType.INT),
  syncFailed: defineSearchAttributeKey('CaseSyncFailed', SearchAttributeType.BOOL),
  absconded: defineSearchAttributeKey('CaseAbsconded', SearchAttributeType.BOOL),
} as const;

export const SEARCH_ATTRIBUTE_KEYS = Object.values(SA);

/** The attributes a case shows to search, from its state alone. */
export function searchAttributesOf(state: CaseState): SearchAttributePair[] {
  const cohort = [
    ...(state.cohort.supportedAccommodation ? ['supported-accommodation'] : []),
    ...(state.cohort.foreignNationalOffender ? ['foreign-national-offender'] : []),
    ...(state.cohort.detained ? ['detained'] : []),
  ];
  const pairs: SearchAttributePair[] = [
    { key: SA.stage, value: state.stage },
    { key: SA.status, value: state.status },
    { key: SA.cohort, value: cohort },
    { key: SA.refs, value: [state.caseId, ...externalRefs(state)] },
    { key: SA.appeals, value: state.counts.appeals },
    { key: SA.absconded, value: state.flags.absconded },
    { key: SA.syncFailed, value: hasSyncFailure(state) },
  ];
  // Keyword attributes cannot be null; an unassigned case simply lacks the attribute.
  if (state.assignee) pairs.push({ key: SA.assignee, value: state.assignee });
  return pairs;
}

