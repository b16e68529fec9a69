/**
 * Reading a case's workflow history: every run, following continue-as-new back to the first, and
 * the payloads in it. The timeline (api/) and reconciliation (activities/) both read the record
 * from here, so there is one decoding of it.
 */
import type { Client } from '@temporalio/client';
import { defaultPayloadConverter, type Payload, type PayloadCodec } from '@temporalio/common';
import type { temporal } from '@temporalio/proto';
import type { AnsweredInTask, OutboundMessage, TriedInTask } from '../domain/index.js';

export type HistoryEvent = temporal.api.history.v1.IHistoryEvent;

export const decode = <T>(payload: temporal.api.common.v1.IPayload | null | undefined): T | undefined =>
  payload ? (defaultPayloadConverter.fromPayload(payload) as T) : undefined;

/**
 * A failure's message: failures' messages travel encoded (workflows/failure-converter.ts), in an
 * attribute the codec decrypts, with "Encoded failure" in their place; older ones are plain.
 */
export function failureMessage(failure: temporal.api.failure.v1.IFailure | null | undefined): string | undefined {
  if (!failure) return undefined;
  const encoded = decode<{ message?: unknown }>(failure.encodedAttributes);
  return typeof encoded?.message === 'string' ? encoded.message : (failure.message ?? undefined);
}

/** An event's time as ISO text ('' when the event carries none). */
export const eventTime = (e: HistoryEvent) =>
  e.eventTime?.seconds
    ? new Date(Number(e.eventTime.seconds) * 1000 + Math.floor((e.eventTime.nanos ?? 0) / 1e6)).toISOString()
    : '';

/** Where a history holds payloads that never go through a codec (Temporal indexes or reads them itself). */
const NOT_ENCODED = new Set(['searchAttributes', 'header']);

/** Every payload in `value` (an event, its attributes), found where the codecs put them. */
function payloadsIn(value: unknown, found: Payload[] = []): Payload[] {
  if (!value || typeof value !== 'object' || value instanceof Uint8Array) return found;
  const o = value as Record<string, unknown>;
  if (o.metadata && typeof o.metadata === 'object' && 'encoding' in o.metadata) found.push(o as Payload);
  else for (const [key, v] of Object.entries(o)) if (!NOT_ENCODED.has(key)) payloadsIn(v, found);
  return found;
}

/**
 * A fetched history's payloads are as Temporal stores them: encrypted (config/payload-codec.ts).
 * Decoded here, in place, through the client's own codecs, so everything below reads plain values.
 */
export async function decodeEvents(events: HistoryEvent[], codecs: readonly PayloadCodec[]): Promise<void> {
  if (codecs.length === 0) return;
  const payloads = payloadsIn(events);
  let decoded = payloads;
  for (const codec of [...codecs].reverse()) decoded = await codec.decode(decoded);
  payloads.forEach((p, i) => {
    p.metadata = decoded[i]!.metadata ?? null;
    p.data = decoded[i]!.data ?? null;
  });
}

/** Every run's events, oldest run first, their payloads decoded. */
export async function historiesOfCase(client: Client, workflowId: string): Promise<HistoryEvent[][]> {
  const runs: HistoryEvent[][] = [];
  let runId: string | undefined = (await client.workflow.getHandle(workflowId).describe()).runId;
  while (runId) {
    const history: temporal.api.history.v1.IHistory = await client.workflow.getHandle(workflowId, runId).fetchHistory();
    const events: HistoryEvent[] = history.events ?? [];
    await decodeEvents(events, client.options.loadedDataConverter.payloadCodecs);
    runs.unshift(events);
    runId = events[0]?.workflowExecutionStartedEventAttributes?.continuedExecutionRunId || undefined;
  }
  return runs;
}

/** The case workflow's delivery activity: the only one whose input is a change sent to a system. */
const DELIVERY_ACTIVITY = 'deliver';
/** The same delivery made within the workflow task; its answer carries the message (AnsweredInTask). */
const IN_TASK_DELIVERY_ACTIVITY = 'deliverInTask';
/** Several systems' deliveries tried together within the task; its answer lists each (TriedInTask). */
const TOGETHER_IN_TASK_ACTIVITY = 'deliverTogetherInTask';
/** The marker the SDK records for a local activity that finished: `data` says which, `result` its answer. */
const LOCAL_ACTIVITY_MARKER = 'core_local_activity';

/** The message a delivery activity was scheduled with; undefined for any other event or activity (a link back). */
export function scheduledMessage(e: HistoryEvent): OutboundMessage | undefined {
  const scheduled = e.activityTaskScheduledEventAttributes;
  return scheduled && scheduled.activityType?.name === DELIVERY_ACTIVITY
    ? decode<OutboundMessage>(scheduled.input?.payloads?.[0])
    : undefined;
}

/**
 * The deliveries within the workflow task that this event records answered: each receipt or refusal,
 * with its message, sent and answered in one event. Empty for any other event, for a try that failed
 * (its marker has no result), and for the messages of a batch whose system did not answer: each of
 * those went as a scheduled delivery.
 */
export function inTaskAnswers(e: HistoryEvent): AnsweredInTask[] {
  const marker = e.markerRecordedEventAttributes;
  if (marker?.markerName !== LOCAL_ACTIVITY_MARKER) return [];
  const data = decode<{ activity_type?: string }>(marker.details?.data?.payloads?.[0]);
  const result = marker.details?.result?.payloads?.[0];
  if (data?.activity_type === IN_TASK_DELIVERY_ACTIVITY) {
    const answer = decode<AnsweredInTask>(result);
    return answer ? [answer] : [];
  }
  if (data?.activity_type !== TOGETHER_IN_TASK_ACTIVITY) return [];
  return (decode<TriedInTask[]>(result) ?? []).filter((t): t is AnsweredInTask => !('failed' in t));
}

/** The messages deliveries within the workflow task delivered (not refused: see `inTaskAnswers`). */
export const deliveredInTask = (e: HistoryEvent): OutboundMessage[] =>
  inTaskAnswers(e).flatMap((answer) => ('rejected' in answer ? [] : [answer.message]));

/** The messages an event shows sent: scheduled as an activity, or answered within the task. */
export function sentMessages(e: HistoryEvent): OutboundMessage[] {
  const scheduled = scheduledMessage(e);
  return scheduled ? [scheduled] : inTaskAnswers(e).map((answer) => answer.message);
}

/** Every change a system acknowledged (its delivery activity completed), as it was sent. */
export function acknowledgedMessages(runs: HistoryEvent[][]): OutboundMessage[] {
  const acknowledged: OutboundMessage[] = [];
  for (const events of runs) {
    const scheduled = new Map<string, OutboundMessage>(); // event id → message, within this run
    for (const e of events) {
      acknowledged.push(...deliveredInTask(e));
      const message = scheduledMessage(e);
      if (message) scheduled.set(String(e.eventId), message);
      const completed = e.activityTaskCompletedEventAttributes;
      const of = completed ? scheduled.get(String(completed.scheduledEventId)) : undefined;
      if (of) acknowledged.push(of);
    }
  }
  return acknowledged;
}
