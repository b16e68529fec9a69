/**
 * The reporting read model's rules (#20), pure: which day a change moved a case, and what it does to
 * the case's stays (one stay per time a case entered a stage). The store applies them; the rebuild
 * and the live projection share them, so a rebuilt model equals the live one.
 */
import { londonDate } from './days.js';
import type { Cohort } from './case.js';
import type { OutboundMessage } from './outbound.js';
import type { Stage } from './stages.js';

/**
 * Fields an event uses to say when it happened, most telling first: a lodging, a decision, a
 * promulgation (the decision's public day, preferred to the day it was made), a hearing, an exit.
 * Only these: other dated fields (a hearing date, a deadline) are plans, not facts.
 */
export const HAPPENED_ON_FIELDS = [
  'lodgedOn',
  'decidedOn',
  'promulgatedOn',
  'determinedOn',
  'heardOn',
  'effectiveOn',
  'exitedOn',
  // The opening of a case (outbound.ts, CASE_OPENED).
  'openedOn',
] as const;

const ISO_DAY = /^\d{4}-\d{2}-\d{2}$/;

/**
 * The day a change happened: the day the event says (back-dated entries, imported history), else
 * the London day it was recorded. A date after the recorded day cannot be a fact yet; the recorded
 * day wins then.
 */
export function happenedOn(event: object, recordedAt: string): string {
  const recorded = londonDate(recordedAt);
  const fields = event as Record<string, unknown>;
  for (const name of HAPPENED_ON_FIELDS) {
    const value = fields[name];
    if (typeof value === 'string' && ISO_DAY.test(value) && value <= recorded) return value;
  }
  return recorded;
}

/**
 * A stay's cohort flag: the appellant's circumstances put them in the 24-week duty's group when the
 * stay began (supported accommodation or a foreign national offender; not detained, not out of
 * country). The duty itself is judged on the appeal's start day and the tribunal's flag; this is
 * the grouping a report splits stays by.
 */
export const dutyCircumstances = (c: Cohort): boolean =>
  (c.supportedAccommodation || c.foreignNationalOffender) && !c.detained && !c.outOfCountry;

/** What the model holds of a case: where it stands and since which day (absent: never heard of). */
export interface ReportingPosition {
  seq: number;
  stage: Stage;
  enteredOn: string;
}

/** One change to the model: the case's new position, and a stay closed and one opened when the stage changed. */
export interface StayChange {
  position: ReportingPosition;
  /** The stay the case leaves, closed on this day (null: it stays in its stage). */
  closes: { stage: Stage; leftOn: string } | null;
  /** The stay the case enters (null: it stays in its stage). */
  opens: { stage: Stage; enteredOn: string; cohort: boolean } | null;
}

/** How a message applies, or why it cannot: a duplicate is acknowledged, a gap waits for the missing change. */
export type ReportingStep =
  { kind: 'apply'; change: StayChange } | { kind: 'duplicate' } | { kind: 'gap'; expected: number };

/**
 * A message applied to where the case stands. Sequence numbers start at 1 for a new case; an
 * imported or carried case can first be heard of later, so the first message of a case is taken
 * at whatever seq it bears. A move back to an earlier day (a back-dated event after a later one)
 * is kept on the later day, so no stay ends before it began.
 */
export function reportingStep(
  current: ReportingPosition | null,
  message: Pick<OutboundMessage, 'seq' | 'event' | 'at' | 'after'>,
): ReportingStep {
  if (current && message.seq <= current.seq) return { kind: 'duplicate' };
  if (current && message.seq !== current.seq + 1) return { kind: 'gap', expected: current.seq + 1 };
  const stage = message.after.stage;
  const said = happenedOn(message.event, message.at);
  if (current && current.stage === stage)
    return { kind: 'apply', change: { position: { ...current, seq: message.seq }, closes: null, opens: null } };
  const day = current && said < current.enteredOn ? current.enteredOn : said;
  return {
    kind: 'apply',
    change: {
      position: { seq: message.seq, stage, enteredOn: day },
      closes: current ? { stage: current.stage, leftOn: day } : null,
      opens: { stage, enteredOn: day, cohort: dutyCircumstances(message.after.cohort) },
    },
  };
}

/** How a sync-status message (outbound.ts SYNC_STATUS) applies: it moves no stay, only the case's figures. */
export type SyncStatusStep = { kind: 'apply' } | { kind: 'duplicate' } | { kind: 'gap'; expected: number };

/**
 * A sync-status message applies on the change it follows (same seq): after a later change it is a
 * duplicate (that change's figures carry the flag as it stood then, as new or newer), before that
 * change arrives a gap. A case the model has not heard of (a run continued from one recorded before
 * the model) has nothing to apply it to: acknowledged, its first change brings the flag.
 */
export function syncStatusStep(
  current: ReportingPosition | null,
  message: Pick<OutboundMessage, 'seq'>,
): SyncStatusStep {
  if (!current || current.seq > message.seq) return { kind: 'duplicate' };
  if (current.seq < message.seq) return { kind: 'gap', expected: current.seq + 1 };
  return { kind: 'apply' };
}

/** Ages in days with how many open stays have each, youngest first. */
export type AgeHistogram = ReadonlyArray<{ age: number; n: number }>;

/**
 * The p-th percentile of the ages by the nearest-rank definition: the smallest age with at least
 * p% of the stays at or below it (rank ⌈p/100 × n⌉). Always an age some case has; null when none.
 */
export function nearestRank(histogram: AgeHistogram, p: number): number | null {
  const total = histogram.reduce((sum, h) => sum + h.n, 0);
  if (total === 0) return null;
  const rank = Math.max(1, Math.ceil((p / 100) * total));
  let seen = 0;
  for (const h of histogram) {
    seen += h.n;
    if (seen >= rank) return h.age;
  }
  return histogram[histogram.length - 1]!.age;
}

/** The ageing report's buckets, in days since entering the stage, both ends included (null: no upper end). */
export const AGE_BUCKETS = [
  { fromDays: 0, toDays: 6 },
  { fromDays: 7, toDays: 27 },
  { fromDays: 28, toDays: 83 },
  { fromDays: 84, toDays: 167 },
  { fromDays: 168, toDays: 364 },
  { fromDays: 365, toDays: null },
] as const satisfies ReadonlyArray<{ fromDays: number; toDays: number | null }>;

export const bucketed = (histogram: AgeHistogram) =>
  AGE_BUCKETS.map((b) => ({
    ...b,
    count: histogram
      .filter((h) => h.age >= b.fromDays && (b.toDays === null || h.age <= b.toDays))
      .reduce((sum, h) => sum + h.n, 0),
  }));
