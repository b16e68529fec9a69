/**
 * The search attributes that make cases findable without a second database. One list, read by
 * the workflow (to upsert), the API (to search) and the start-up scripts (to register).
 * The SQL visibility store of the dev server allows 3 Int, 3 Bool, 3 Datetime, 3 KeywordList
 * and 10 Keyword custom attributes: keep within those.
 */
import { defineSearchAttributeKey, SearchAttributeType, type SearchAttributePair } from '@temporalio/common';
import { caseFigures, externalRefs, type CaseState } from '../domain/index.js';

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
  /** An appeal is pending in law (s.104): removal is barred while it is. */
  appealPending: defineSearchAttributeKey('CaseAppealPending', SearchAttributeType.BOOL),
  /**
   * How the case's latest appeal ended without a determination (withdrawn, struck-out, abandoned,
   * decision-withdrawn); absent while it has not, and again once a new appeal is lodged or it is reinstated.
   */
  appealEnded: defineSearchAttributeKey('CaseAppealEnded', SearchAttributeType.KEYWORD),
  /** The 24-week clock: running, breached, exception, exception-decided, in-time, late, or ended (the appeal ended another way). */
  clock: defineSearchAttributeKey('CaseClock', SearchAttributeType.KEYWORD),
} as const;

// The clock's statuses are the domain's (figures.ts): the summary counts the same ones from the reporting model.
export { CLOCK_STATUSES, type ClockStatus } from '../domain/index.js';

export const SEARCH_ATTRIBUTE_KEYS = Object.values(SA);

/** The attributes a case shows to search, from its state alone. */
export function searchAttributesOf(state: CaseState): SearchAttributePair[] {
  const cohort = [
    ...(state.cohort.supportedAccommodation ? ['supported-accommodation'] : []),
    ...(state.cohort.foreignNationalOffender ? ['foreign-national-offender'] : []),
    ...(state.cohort.detained ? ['detained'] : []),
    ...(state.clocks.some((c) => c.name === 'tribunal-24-weeks') ? ['24-week'] : []),
  ];
  const figures = caseFigures(state);
  const pairs: SearchAttributePair[] = [
    { key: SA.stage, value: state.stage },
    { key: SA.status, value: figures.status },
    { key: SA.cohort, value: cohort },
    { key: SA.refs, value: [state.caseId, ...externalRefs(state)] },
    { key: SA.appeals, value: figures.appeals },
    { key: SA.absconded, value: figures.absconded },
    { key: SA.appealPending, value: figures.appealPending },
    { key: SA.syncFailed, value: figures.syncFailed },
  ];
  // Attributes cannot be null: a case without an assignee or a 24-week clock simply lacks them.
  if (state.assignee) pairs.push({ key: SA.assignee, value: state.assignee });
  if (figures.appealEnded) pairs.push({ key: SA.appealEnded, value: figures.appealEnded });
  const clock = figures.clock;
  if (clock) {
    pairs.push(
      { key: SA.clock, value: clock.status },
      { key: SA.deadline, value: new Date(clock.deadline) },
      { key: SA.escalation, value: clock.escalation },
    );
  }
  return pairs;
}
