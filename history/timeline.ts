/**
 * The timeline of a case, read from its workflow history across every run (following
 * continue-as-new back to the first): each change with its actor and time, and what became of
 * its delivery to each system, with the system's receipt or failure and the attempts it took.
 * No second store: the history is the record.
 */
import {
  HELD_EVENTS,
  REPORTING_SYSTEM,
  type Actor,
  type CaseView,
  type OutboundMessage,
  type Receipt,
  type System,
} from '../domain/index.js';
import {
  decode,
  eventTime as time,
  failureMessage,
  inTaskAnswers,
  scheduledMessage,
  type HistoryEvent,
} from './read.js';
import { applyEventUpdate, type ApplyEventRequest, type CaseWorkflowInput } from '../workflows/messages.js';

export interface Delivery {
  status: 'delivered' | 'failed' | 'pending';
  receipt?: string;
  failure?: string;
  attempts?: number;
  at?: string;
}

export interface TimelineEntry {
  seq: number;
  at: string;
  type: string;
  actor: Actor;
  from: string;
  to: string;
  /** Each system that had to hear of this change; a system not listed was not sent it. */
  sync: Partial<Record<System, Delivery>>;
  /** Where an imported case came from: "imported from <file>, row N". */
  note?: string;
}

/** A supervisor's word on a held event names the event it applied or dismissed, and why dismissed. */
function heldNote(event: ApplyEventRequest['event']): { note?: string } {
  if (event.type === HELD_EVENTS.apply) return { note: `applied the inbound event held as ${event.key}` };
  if (event.type === HELD_EVENTS.dismiss)
    return { note: `dismissed the inbound event held as ${event.key}: ${event.reason}` };
  return {};
}

export function timelineOf(runs: HistoryEvent[][], opening: string): TimelineEntry[] {
  const bySeq = new Map<number, Omit<TimelineEntry, 'from'>>();
  const deliveries = new Map<string, Delivery & { system: System; seq: number }>();
  // An imported case opens where its record says: the first entry is the import, read from the start input.
  const first = runs[0]?.[0];
  const input = decode<CaseWorkflowInput>(first?.workflowExecutionStartedEventAttributes?.input?.payloads?.[0]);
  if (first && input?.imported) {
    const { record, source } = input.imported;
    bySeq.set(0, {
      seq: 0,
      at: time(first),
      type: 'case.imported',
      actor: { id: source.by, role: 'supervisor' },
      to: record.position,
      sync: {},
      note: `imported from ${source.file}, row ${source.row}`,
    });
  }
  /** The reporting read model is the tracker's own projection, not a system a person chases: not listed. */
  const listed = (m: OutboundMessage | undefined) => (m?.system === REPORTING_SYSTEM ? undefined : m);
  /** A change first seen as a message sent: listed with what the message says of it. */
  function noteSent(sent: OutboundMessage) {
    if (!bySeq.has(sent.seq))
      bySeq.set(sent.seq, {
        seq: sent.seq,
        at: sent.at,
        type: sent.type,
        actor: sent.actor,
        to: `${sent.after.stage}:${sent.after.status}`,
        sync: {},
      });
  }
  for (const events of runs) {
    const scheduled = new Map<string, OutboundMessage>(); // event id → message, within this run
    const requests = new Map<string, ApplyEventRequest & { at: string }>();
    for (const e of events) {
      const accepted = e.workflowExecutionUpdateAcceptedEventAttributes;
      // Changes sent in by the systems themselves (applyInbound) are read from their deliveries below.
      if (accepted && accepted.acceptedRequest?.input?.name === applyEventUpdate.name) {
        const request = decode<ApplyEventRequest>(accepted.acceptedRequest?.input?.args?.payloads?.[0]);
        if (request) requests.set(accepted.protocolInstanceId ?? '', { ...request, at: time(e) });
      }
      const completed = e.workflowExecutionUpdateCompletedEventAttributes;
      if (completed) {
        const view = decode<CaseView>(completed.outcome?.success?.payloads?.[0]);
        const request = requests.get(completed.meta?.updateId ?? '');
        // A retried key after continue-as-new answers again with the same version: keep the first.
        if (view && request && !bySeq.has(view.version))
          bySeq.set(view.version, {
            seq: view.version,
            at: request.at,
            type: request.event.type,
            actor: request.actor,
            to: `${view.stage}:${view.status}`,
            sync: {},
            ...heldNote(request.event),
          });
      }
      // Deliveries only: a link back to another case is no change of this one's.
      const sent = listed(scheduledMessage(e));
      if (sent) {
        scheduled.set(String(e.eventId), sent);
        noteSent(sent);
        deliveries.set(sent.key, {
          ...deliveries.get(sent.key),
          system: sent.system,
          seq: sent.seq,
          status: deliveries.get(sent.key)?.status ?? 'pending',
        });
      }
      // Answered within the task: sent and delivered (or refused) at once, on its first attempt.
      for (const inTask of inTaskAnswers(e)) {
        const { message } = inTask;
        if (!listed(message)) continue;
        noteSent(message);
        deliveries.set(message.key, {
          system: message.system,
          seq: message.seq,
          ...('rejected' in inTask
            ? { status: 'failed' as const, failure: inTask.rejected }
            : { status: 'delivered' as const, receipt: inTask.receiptId }),
          attempts: 1,
          at: time(e),
        });
      }
      const started = e.activityTaskStartedEventAttributes;
      const message = started ? scheduled.get(String(started.scheduledEventId)) : undefined;
      if (started && message) deliveries.get(message.key)!.attempts = started.attempt ?? 1;
      const done = e.activityTaskCompletedEventAttributes ?? e.activityTaskFailedEventAttributes;
      const of = done ? scheduled.get(String(done.scheduledEventId)) : undefined;
      if (of) {
        const d = deliveries.get(of.key)!;
        if (e.activityTaskCompletedEventAttributes) {
          d.status = 'delivered';
          d.receipt = decode<Receipt>(e.activityTaskCompletedEventAttributes.result?.payloads?.[0])?.receiptId;
        } else {
          d.status = 'failed';
          const failure = e.activityTaskFailedEventAttributes?.failure;
          d.failure = failureMessage(failure?.cause) ?? failureMessage(failure) ?? 'failed';
        }
        d.at = time(e);
      }
    }
  }
  for (const d of deliveries.values()) {
    const entry = bySeq.get(d.seq);
    if (entry)
      entry.sync[d.system] = {
        status: d.status,
        ...(d.receipt ? { receipt: d.receipt } : {}),
        ...(d.failure ? { failure: d.failure } : {}),
        ...(d.attempts ? { attempts: d.attempts } : {}),
        ...(d.at ? { at: d.at } : {}),
      };
  }
  let from = opening;
  return [...bySeq.values()]
    .sort((a, b) => a.seq - b.seq)
    .map((entry) => {
      const full = { ...entry, from };
      from = entry.to;
      return full;
    });
}
