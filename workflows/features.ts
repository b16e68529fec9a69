/**
 * Which of the code's changes a case run has. Runs recorded before a change must replay as they
 * ran, so each change is gated: by a patch marker for runs started before the sets were named
 * (3 December 2026), and for runs started since, by the set named in the run's own input.
 *
 * Why the input: a patch marker costs a new run two events (the marker and the SDK's upsert of
 * `TemporalChangeVersion` with it) and a visibility write, before the case has done anything. An
 * import of 10,000 cases paid 20,000 events for them (#21). The starter names the set it was built
 * with; the input is in the history, so replay reads the same name. A later change adds a set to
 * the table: runs named with an older set go on as they were, or opt in through a patch of their
 * own. A name this code does not know (a starter newer than the worker, mid-deployment) fails the
 * workflow task, which the server retries until a worker that knows it takes it: delayed, not lost.
 * Code from before named sets does not fail: it ignores the name and records a marker. Starters name
 * nothing while `NAME_CASE_FEATURES=off`, for as long as such a worker may run (docs/operations.md).
 */
import { patched } from '@temporalio/workflow';

/** Every feature a run started since `features-2026-12` has. */
const ALL_FEATURES = {
  clocksOn: true,
  tribunalRulesOn: true,
  retentionOn: true,
  boundedOn: true,
  reportingOn: true,
  orderedSyncOn: true,
  syncStatusOn: true,
  steadyTimerOn: true,
};

/** Which deliveries a run tries within the task that queues them (#21). */
export type TryHere = 'none' | 'reporting' | 'every-system';

/** The features that came one by one since `features-2026-12`, each with a marker of its own: off until it. */
const NONE_LATER: {
  importOpeningHereOn: boolean;
  tryHere: TryHere;
  triesTogether: boolean;
  oneUpsertPerTask: boolean;
  dueAtOnce: boolean;
} = { importOpeningHereOn: false, tryHere: 'none', triesTogether: false, oneUpsertPerTask: false, dueAtOnce: false };

/** A run since `features-2026-12`: every feature then, and those of the later ones it has. */
const since = (later: Partial<typeof NONE_LATER>) => ({ ...ALL_FEATURES, ...NONE_LATER, ...later });

export type Features = ReturnType<typeof since>;

/** `features-2026-12-one-upsert`'s later features, which the set after it builds on. */
const ONE_UPSERT = {
  importOpeningHereOn: true,
  tryHere: 'every-system',
  triesTogether: true,
  oneUpsertPerTask: true,
} as const satisfies Partial<typeof NONE_LATER>;

/** The sets since `features-2026-12`, newest first, each named for the patch that brought it. */
const FEATURE_SETS = {
  // An imported case applies the limits its record already owes in its first task, without a timer (#21).
  'features-2026-12-due-at-once': since({ ...ONE_UPSERT, dueAtOnce: true }),
  // One search-attribute upsert per task, once its tries are in (#21).
  'features-2026-12-one-upsert': since(ONE_UPSERT),
  // Every system's next message tried together, in one local activity per task (#21).
  'features-2026-12-tries-together': since({ importOpeningHereOn: true, tryHere: 'every-system', triesTogether: true }),
  // Every delivery, to every system, tried within the task that queues it, then scheduled (#21).
  'features-2026-12-every-system-here': since({ importOpeningHereOn: true, tryHere: 'every-system' }),
  // Every delivery to the reporting model tried within the task that queues it, then scheduled (#21).
  'features-2026-12-reporting-here': since({ importOpeningHereOn: true, tryHere: 'reporting' }),
  // An imported case's opening delivered to the reporting model within its first task (#21).
  'features-2026-12-import': since({ importOpeningHereOn: true }),
  'features-2026-12': since({}),
} as const satisfies Record<string, Features>;

export type FeatureSetName = keyof typeof FEATURE_SETS;

/** The set this code starts case runs with: the table's first, so a set added on top is the newest. */
export const NEWEST_FEATURES = Object.keys(FEATURE_SETS)[0] as FeatureSetName;

/** A run's input names a set this code does not know: the task fails and is retried, the run waits. */
export class UnknownFeatureSet extends Error {
  constructor(readonly named: string) {
    super(`this worker does not know the feature set ${JSON.stringify(named)}; a newer worker will take the task`);
    this.name = 'UnknownFeatureSet';
  }
}

/**
 * The features of this run: the set its input names, or, for a run started without one (before
 * 3 December 2026, while `NAME_CASE_FEATURES=off`, or by an older starter), the newest patch it recorded.
 */
export function featuresOfThisRun(named: string | null | undefined): Features {
  if (named != null) {
    if (!Object.hasOwn(FEATURE_SETS, named)) throw new UnknownFeatureSet(named);
    return FEATURE_SETS[named as FeatureSetName];
  }
  // Each new set of features was one new marker, checked newest first: a run records only the newest.
  for (const name of Object.keys(FEATURE_SETS) as FeatureSetName[]) if (patched(name)) return FEATURE_SETS[name];
  return beforeTheSets();
}

/** A run recorded before `features-2026-12`: one patch per feature, in the order they were recorded. */
function beforeTheSets(): Features {
  return {
    // Statutory clocks came with a change of this code: runs recorded before it replay without them.
    clocksOn: patched('statutory-clocks'),
    // Deadline days (weekends and bank holidays) and late appeals came later still.
    tribunalRulesOn: patched('tribunal-rules'),
    // Retention (a dormant final case completes) came later again: runs recorded before never complete.
    retentionOn: patched('retention'),
    // Inbound keys and held events capped (#19): runs recorded before keep every one on replay.
    boundedOn: patched('bounded-state'),
    // The reporting read model hears of every change (#20): runs recorded before deliver nothing to
    // it on replay (the rebuild reads their histories instead).
    reportingOn: patched('reporting-projection'),
    // Deliveries scheduled by one coroutine in a fixed order (workflows/delivery.ts): runs recorded
    // before keep one loop per system on replay.
    orderedSyncOn: patched('ordered-sync'),
    // The reporting model told when the case's sync-failure flag turns without a change (a rejection):
    // runs recorded before queue no such message on replay (their next change carries the flag).
    syncStatusOn: patched('reporting-sync-status'),
    // The wake-up timer kept across changes (wakeFor): runs recorded before restart it on each.
    steadyTimerOn: false,
    ...NONE_LATER,
  };
}
