/** Reading workflow histories in benchmarks: an event's time and its type's name, one way everywhere. */
import proto from '@temporalio/proto';

type HistoryEvent = proto.temporal.api.history.v1.IHistoryEvent;

/** An event's time in epoch milliseconds, to the nanosecond the server recorded (no rounding). */
export const eventMs = (e: HistoryEvent) => Number(e.eventTime?.seconds ?? 0) * 1000 + (e.eventTime?.nanos ?? 0) / 1e6;

/** An event's type as the server names it, without the EVENT_TYPE_ prefix: TIMER_FIRED, WORKFLOW_TASK_STARTED… */
export const eventName = (e: HistoryEvent) =>
  String(proto.temporal.api.enums.v1.EventType[e.eventType ?? 0] ?? e.eventType).replace(/^EVENT_TYPE_/, '');
