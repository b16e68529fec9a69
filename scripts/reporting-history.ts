/**
 * The reporting read model from the record (#20): each case's reporting messages read back from
 * its workflow history, and the whole model rebuilt from them. Runs since the reporting patch
 * scheduled a delivery to the model for every change: the rebuild applies exactly those, so a
 * rebuilt model equals the live one. Runs recorded before it delivered nothing to the model; their
 * changes are read from the timeline (update answers and other systems' deliveries) instead, on
 * the day each was recorded.
 */
import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import {
  CASE_OPENED,
  factsFromView,
  londonDate,
  REPORTING_SYSTEM,
  type CaseOpened,
  type CaseView,
  type OutboundMessage,
  type Stage,
  type Status,
} from '../domain/index.js';
import { decode, eventTime, historiesOfCase, scheduledMessage, type HistoryEvent } from '../history/read.js';
import { timelineOf } from '../api/timeline.js';
import { CASE_WORKFLOW_TYPE, caseIdFromWorkflowId, type CaseWorkflowInput } from '../workflows/messages.js';
import type { ReportingMessage, ReportingStore } from '../reporting/index.js';

/** The messages the model hears of a case, in seq order, read from its runs. */
export function reportingMessagesOf(caseId: string, runs: HistoryEvent[][]): ReportingMessage[] {
  const bySeq = new Map<number, ReportingMessage>();
  for (const events of runs)
    for (const e of events) {
      const m = scheduledMessage(e);
      if (m?.system === REPORTING_SYSTEM && !bySeq.has(m.seq)) bySeq.set(m.seq, m);
    }
  const messages = bySeq.size > 0 ? [...bySeq.values()].sort((a, b) => a.seq - b.seq) : fromTimeline(caseId, runs);
  return withFacts(messages, runs);
}

/**
 * Messages recorded before they carried the assignee and the duty gain them from the change's
 * answer (the case view the update returned at that version), so the rebuild fills the newer
 * tables for older cases. A change with no answer in the history (a system's event, a timer's)
 * leaves them as they were; messages that carry them are applied as sent, as live.
 */
function withFacts(messages: ReportingMessage[], runs: HistoryEvent[][]): ReportingMessage[] {
  if (messages.every((m) => m.reporting)) return messages;
  const answers = new Map<number, CaseView>();
  for (const events of runs)
    for (const e of events) {
      const view = decode<CaseView>(e.workflowExecutionUpdateCompletedEventAttributes?.outcome?.success?.payloads?.[0]);
      if (view && typeof view.version === 'number' && Array.isArray(view.clocks)) answers.set(view.version, view);
    }
  return messages.map((m) => {
    const view = m.reporting ? undefined : answers.get(m.seq);
    return view ? { ...m, reporting: factsFromView(view) } : m;
  });
}

/** A case recorded before the reporting patch: its changes as the timeline reads them. */
function fromTimeline(caseId: string, runs: HistoryEvent[][]): ReportingMessage[] {
  const first = runs[0]?.[0]?.workflowExecutionStartedEventAttributes;
  if (!first) return [];
  const entries = timelineOf(runs, 'claim:lodged');
  const noCohort = { supportedAccommodation: false, foreignNationalOffender: false, detained: false };
  const message = (seq: number, at: string, position: string, event: ReportingMessage['event']): ReportingMessage => {
    const [stage, status] = position.split(':') as [Stage, Status];
    return {
      caseId,
      seq,
      at,
      event,
      after: { stage, status, identifiers: { caseId, homeOfficeRef: '' }, dates: { claimDate: '' }, cohort: noCohort },
    };
  };
  const opened = (openedOn: string): CaseOpened => ({ type: CASE_OPENED, openedOn });
  const input = decode<CaseWorkflowInput>(first.input?.payloads?.[0]);
  const at = eventTime(runs[0]![0]!);
  // A new claim opened at claim on its claim date; an imported case at its record's position (the timeline's seq 0).
  const opening =
    entries[0]?.seq === 0 ? [] : [message(0, at, 'claim:lodged', opened(input?.open.claimDate ?? at.slice(0, 10)))];
  return [
    ...opening,
    ...entries.map((t) =>
      // Only the type is known of a change read from the timeline: it counts on the day it was recorded.
      message(
        t.seq,
        t.at,
        t.to,
        t.seq === 0 ? opened(londonDate(t.at)) : ({ type: t.type } as OutboundMessage['event']),
      ),
    ),
  ];
}

/** Every case workflow's id (each once, whatever its runs). */
async function caseIds(client: Client): Promise<string[]> {
  const ids = new Set<string>();
  for await (const w of client.workflow.list({ query: `WorkflowType = '${CASE_WORKFLOW_TYPE}'` }))
    ids.add(w.workflowId);
  return [...ids].sort();
}

/** Empties the model and applies every case's messages from the record. */
export async function rebuildReporting(
  client: Client,
  store: ReportingStore,
  onCase: (done: number, total: number) => void = () => {},
): Promise<{ cases: number; messages: number }> {
  let cases = 0;
  let messages = 0;
  await store.replaceAll(async (apply) => {
    const ids = await caseIds(client);
    for (const workflowId of ids) {
      const caseId = caseIdFromWorkflowId(workflowId);
      if (!caseId) continue;
      // A case erased meanwhile (visibility forgets it a little after): nothing to count.
      const runs = await historiesOfCase(client, workflowId).catch((err: unknown) =>
        err instanceof WorkflowNotFoundError ? undefined : Promise.reject(err),
      );
      if (!runs) continue;
      for (const m of reportingMessagesOf(caseId, runs)) {
        const outcome = await apply(m);
        if (outcome.kind === 'gap') throw new Error(`${workflowId}: seq ${m.seq} read before ${outcome.expected}`);
        messages += 1;
      }
      cases += 1;
      onCase(cases, ids.length);
    }
  });
  return { cases, messages };
}
