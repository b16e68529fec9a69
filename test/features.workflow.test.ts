/**
 * A case run's features named in its input (workflows/features.ts): a new case records no patch
 * marker and no `TemporalChangeVersion` upsert; a case started without a name (an older starter)
 * decides by its marker as before; a name the worker does not know holds the run, failing its
 * task, and never fails the case. Each history replays against the code.
 */
import { inject, describe, expect, it } from 'vitest';
import { Worker } from '@temporalio/worker';
import { decode, decodeEvents, failureMessage, type HistoryEvent } from '../history/read.js';
import { loadConfig } from '../config/index.js';
import { dataConverter } from '../config/temporal.js';
import { caseWorkflowId, NEWEST_FEATURES, type CaseWorkflowInput } from '../workflows/messages.js';
import { featuresOfThisRun, UnknownFeatureSet } from '../workflows/features.js';
import { eventually } from './systems.js';
import { daysAgo } from './dates.js';
import { CASEWORKER, useWorkflowTier } from './workflow-harness.js';

const tier = useWorkflowTier();

const config = loadConfig({ LOCAL_MODE: '1' });
if (!config.ok) throw new Error(config.error);
const converter = dataConverter(config.config);

const markers = (events: HistoryEvent[]) =>
  events.map((e) => e.markerRecordedEventAttributes?.markerName).filter((n): n is string => !!n);
const upserted = (events: HistoryEvent[]) =>
  events.flatMap((e) =>
    Object.keys(e.upsertWorkflowSearchAttributesEventAttributes?.searchAttributes?.indexedFields ?? {}),
  );

/** The case's history as it stands, replayed against the code (which fails on any difference). */
async function replayedHistory(caseId: string) {
  const history = await tier.handle(caseId).fetchHistory();
  await Worker.runReplayHistory(
    { workflowBundle: { codePath: inject('workflowBundlePath') }, dataConverter: converter },
    history,
    caseWorkflowId(caseId),
  );
  return history.events ?? [];
}

/** The case's history once its first change has been applied and recorded. */
async function historyAfterAChange(caseId: string) {
  await tier.apply(caseId, { type: 'claim.screened' } as never, CASEWORKER);
  return decoded(await replayedHistory(caseId));
}

/** Events with their payloads decrypted (in place), as the timeline reads them. */
async function decoded(events: HistoryEvent[]) {
  await decodeEvents(events, tier.client.options.loadedDataConverter.payloadCodecs);
  return events;
}

describe('a run names its features in its input', () => {
  it('a new case, started as the API starts it, records no patch marker and no TemporalChangeVersion upsert', async () => {
    const { caseId } = await tier.startCase();
    const events = await historyAfterAChange(caseId);
    expect(markers(events)).not.toContain('core_patch');
    expect(upserted(events)).not.toContain('TemporalChangeVersion');
    // Its features are the newest: one upsert per task, after the tries (local activities) are in.
    expect(markers(events)).toContain('core_local_activity');
    expect(upserted(events)).toContain('CaseStatus');
    expect(featuresOfThisRun(NEWEST_FEATURES).oneUpsertPerTask).toBe(true);
  });

  it('a case started without a name, as older starters did, decides by the newest patch marker', async () => {
    const { caseId } = await tier.startCase({ features: null });
    const events = await historyAfterAChange(caseId);
    expect(markers(events).filter((m) => m === 'core_patch')).toHaveLength(1);
    expect(upserted(events)).toContain('TemporalChangeVersion');
    const patch = events.find((e) => e.markerRecordedEventAttributes?.markerName === 'core_patch');
    expect(decode(patch?.markerRecordedEventAttributes?.details?.['patch-data']?.payloads?.[0])).toMatchObject({
      id: NEWEST_FEATURES,
    });
  });

  /** The first run's successor's input and events, once its first task has run. */
  async function nextRunOf(caseId: string, firstRunId: string) {
    for (let i = 0; i < 3; i++)
      await tier.apply(caseId, { type: 'case.assigned', assignee: `cw-${i}` } as never, CASEWORKER);
    const next = await tier.nextRun(caseId, firstRunId);
    const run = tier.client.workflow.getHandle(caseWorkflowId(caseId), next.runId);
    const events = await eventually(
      async () => {
        const h = (await run.fetchHistory()).events ?? [];
        return h.some((e) => e.workflowTaskCompletedEventAttributes) ? h : undefined;
      },
      15_000,
      'the next run’s first task',
    );
    await decoded(events);
    return {
      input: decode<CaseWorkflowInput>(events[0]?.workflowExecutionStartedEventAttributes?.input?.payloads?.[0]),
      events,
    };
  }

  it('a named run continues as new named, with this code’s newest set: no marker in the next run', async () => {
    const { caseId, handle } = await tier.startCase({ continueAsNewAfterEvents: 12 });
    const { input, events } = await nextRunOf(caseId, handle.firstExecutionRunId);
    expect(input?.features).toBe(NEWEST_FEATURES);
    expect(markers(events)).not.toContain('core_patch');
  });

  it('an unnamed run continues as new unnamed, and its next run records its marker', async () => {
    // Started while naming was off (NAME_CASE_FEATURES=off, mid-upgrade): an older worker may still
    // take the next run's first task, and would record a marker that a named run does not expect.
    const { caseId, handle } = await tier.startCase({ features: null, continueAsNewAfterEvents: 12 });
    const { input, events } = await nextRunOf(caseId, handle.firstExecutionRunId);
    expect(input).toBeDefined();
    expect(input?.features).toBeUndefined();
    expect(markers(events)).toContain('core_patch');
  });

  it('a name this worker does not know fails the task, not the case: the run waits for a worker that knows it', async () => {
    const { caseId } = await tier.startCase({ features: 'features-2099-from-a-newer-api' });
    const failed = await eventually(
      async () => {
        const events = (await tier.handle(caseId).fetchHistory()).events ?? [];
        return events.find((e) => e.workflowTaskFailedEventAttributes);
      },
      15_000,
      'the first task failed',
    );
    const [event] = await decoded([failed]);
    expect(failureMessage(event?.workflowTaskFailedEventAttributes?.failure)).toContain(
      'features-2099-from-a-newer-api',
    );
    const described = await tier.handle(caseId).describe();
    expect(described.status.name).toBe('RUNNING');
    await tier.handle(caseId).terminate('test: nothing will take it');
  });

  it('refuses an unknown name without reading a marker', () => {
    expect(() => featuresOfThisRun('features-2099')).toThrow(UnknownFeatureSet);
    // Inherited names are not sets.
    expect(() => featuresOfThisRun('toString')).toThrow(UnknownFeatureSet);
    // A null in the input is no name: the run decides by its marker (here, outside a workflow, that refuses).
    expect(() => featuresOfThisRun(null)).toThrow(/workflow/i);
  });
});

describe('a time limit a change makes owing', () => {
  it('waits for its timer, on the newest set as before: only an imported case applies what it opens owing at once', async () => {
    // A refusal decided 15 days ago (a 14-day window, closed), applied: the expiry comes by timer.
    const { caseId } = await tier.startCase();
    await tier.apply(caseId, { type: 'decision.refused', decidedOn: daysAgo(15) } as never, CASEWORKER);
    const events = await eventually(
      async () => ((await tier.state(caseId)).stage === 'exit' ? replayedHistory(caseId) : undefined),
      15_000,
      'the window to expire',
    );
    expect((await tier.state(caseId)).status).toBe('appeal-rights-exhausted');
    expect(events.filter((e) => e.timerFiredEventAttributes)).toHaveLength(1);
    expect(featuresOfThisRun(NEWEST_FEATURES).dueAtOnce).toBe(true);
  });
});
