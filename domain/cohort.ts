/**
 * Who is in the 24-week duty. The Act judges the appellant's circumstances at the time the appeal
 * is instituted (2002 Act ss.86A–86B): in asylum support accommodation, or a foreign national
 * offender not detained; not an appeal brought or continued from outside the UK. Circumstances
 * change, so they are kept as dated facts, and membership is read as they stood on the day the
 * appeal started. The tribunal's own decision on membership overrides the facts. Pure.
 */
import type { CaseState, Cohort, CohortFact } from './case.js';
import { inTwentyFourWeekCohort } from './clocks.js';
import type { Policy } from './policy.js';

/** A fact's changes over a cohort: only the circumstances it names. */
const withFact = (cohort: Cohort, fact: CohortFact): Cohort => ({ ...cohort, ...fact.changes });

/** The facts in force on a day, in the order they took effect (recorded order breaks ties). */
export function cohortOn(state: CaseState, date: string): Cohort {
  const facts = (state.cohortFacts ?? [])
    .map((fact, i) => ({ fact, i }))
    .filter(({ fact }) => fact.effectiveOn <= date)
    .sort((a, b) => a.fact.effectiveOn.localeCompare(b.fact.effectiveOn) || a.i - b.i);
  return facts.reduce((c, { fact }) => withFact(c, fact), state.cohortBase ?? state.cohort);
}

/** Every fact applied, whatever its date: the circumstances as last known. */
export function cohortNow(state: CaseState): Cohort {
  return (state.cohortFacts ?? []).reduce(withFact, state.cohortBase ?? state.cohort);
}

/** The day the current appeal started for the duty: the day time was extended for a late one, else its lodging. */
export const appealStartedOn = (state: CaseState): string | undefined =>
  state.dates.extensionGrantedOn ?? state.dates.appealLodgedOn;

/**
 * Whether an appeal started on `on` is in the duty: the tribunal's flag if it gave one, else the
 * facts on that day. `rules: false` replays runs recorded before dated facts, on the case's cohort.
 */
export function inDutyOn(state: CaseState, on: string, policy: Policy, rules = true): boolean {
  if (!rules) return inTwentyFourWeekCohort(state.cohort, on, policy);
  if (state.tribunalFlag) return state.tribunalFlag.inCohort;
  const cohort = cohortOn(state, on);
  if (cohort.outOfCountry || state.dates.outOfCountry) return false;
  return inTwentyFourWeekCohort(cohort, on, policy);
}
