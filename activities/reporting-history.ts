/**
 * The reporting read model from the record (#20): each case's reporting messages read back from
 * its workflow history, and the whole model rebuilt from them. Runs since the reporting patch
 * scheduled a delivery to the model for every change: the rebuild applies exactly those, so a
 * rebuilt model equals the live one. Runs recorded before it delivered nothing to the model; their
 * changes are read from the timeline (update answers and other systems' deliveries) instead, on
 * the day each was recorded. A case whose latest change came without its figures (queued before
 * they were sent) takes them from its search attributes, which the same rules set.
 *
 * Here, not in scripts/, because the worker's reconciliation repairs single cases with it.
 */
import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import {
  CASE_OPENED,
  DEFAULT_POLICY,
  emptyOutbox,
  importedState,
  queueOpening,
  upgradeState,
  WORKFLOW_ACTOR,
  type CaseFigures,
  type ClockStatus,
  factsFromView,
  isSyncStatus,
  londonDate,
  REPORTING_SYSTEM,
  type CaseOpened,
  type CaseView,
  type OutboundMessage,
  type Stage,
  type Status,
} from '../domain/index.js';
import { decode, eventTime, historiesOfCase, sentMessages, type HistoryEvent } from '../history/read.js';
import { timelineOf } from '../history/timeline.js';
import {
  CASE_WORKFLOW_TYPE,
  caseIdFromWorkflowId,
  caseWorkflowId,
  SA,
  type CaseWorkflowInput,
} from '../workflows/messages.js';
import type { ReportingMessage, ReportingStore, ReportingWrites } from '../reporting/index.js';

/**
 * The messages the model hears of a case, in seq order, read from its runs: each change once, and
 * after it the sync-status messages sent at its seq, in the order they were scheduled (each sets
 * the flag: the last one scheduled is the flag as live).
 */
export function reportingMessagesOf(caseId: string, runs: HistoryEvent[][]): ReportingMessage[] {
  const bySeq = new Map<number, ReportingMessage>();
  const statuses: ReportingMessage[] = [];
  for (const events of runs)
    for (const e of events) {
      for (const m of sentMessages(e)) {
        if (m.system !== REPORTING_SYSTEM) continue;
        if (isSyncStatus(m)) statuses.push(m);
        else if (!bySeq.has(m.seq)) bySeq.set(m.seq, m);
      }
    }
  if (!bySeq.has(0)) {
    const opening = importedOpening(runs);
    if (opening) bySeq.set(0, opening);
  }
  if (bySeq.size === 0) return withFacts(fromTimeline(caseId, runs), runs);
  // A stable sort: at one seq the change first, then its statuses as scheduled.
  const messages = [...bySeq.values(), ...statuses].sort(
    (a, b) => a.seq - b.seq || Number(isSyncStatus(a)) - Number(isSyncStatus(b)),
  );
  return withFacts(messages, runs);
}

/**
 * An imported case's opening as its workflow queued it, made again from the start's input. Runs
 * started under the `features-2026-12-import` patch delivered it within their first task by a
 * local activity, whose marker keeps the receipt and not the message; since
 * `features-2026-12-reporting-here` the answer carries it (read above). The same pure steps as the
 * workflow's opening (workflows/case.ts), so the same message.
 */
function importedOpening(runs: HistoryEvent[][]): ReportingMessage | undefined {
  const input = decode<CaseWorkflowInput>(runs[0]?.[0]?.workflowExecutionStartedEventAttributes?.input?.payloads?.[0]);
  if (!input?.imported || input.carried) return undefined;
  const { record } = input.imported;
  const built = importedState(record, input.open.caseId, input.open.openedAt, input.policy ?? DEFAULT_POLICY, true);
  if (!built.ok) return undefined;
  const opened = queueOpening(
    { state: upgradeState({ ...built.state, imported: input.imported }), outbox: emptyOutbox() },
    WORKFLOW_ACTOR,
    built.state.openedAt,
  );
  // As it travels: what JSON leaves out (fields undefined) is not in the message sent either.
  const message = opened.outbox[REPORTING_SYSTEM][0];
  return message && (JSON.parse(JSON.stringify(message)) as ReportingMessage);
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
    const view = m.reporting || isSyncStatus(m) ? undefined : answers.get(m.seq);
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

/** A case's figures as its search attributes show them (set from its state by the same rules). */
async function figuresFromSearchAttributes(client: Client, workflowId: string): Promise<CaseFigures | undefined> {
  const sa = (await client.workflow.getHandle(workflowId).describe()).typedSearchAttributes;
  const status = sa.get(SA.status);
  if (!status) return undefined;
  const clock = sa.get(SA.clock) as ClockStatus | undefined;
  const deadline = sa.get(SA.deadline);
  return {
    status: status as Status,
    appeals: sa.get(SA.appeals) ?? 0,
    absconded: sa.get(SA.absconded) ?? false,
    appealPending: sa.get(SA.appealPending) ?? false,
    appealEnded: (sa.get(SA.appealEnded) as CaseFigures['appealEnded'] | undefined) ?? null,
    syncFailed: sa.get(SA.syncFailed) ?? false,
    clock:
      clock && deadline
        ? { status: clock, deadline: deadline.toISOString(), escalation: sa.get(SA.escalation) ?? 0 }
        : null,
  };
}

/**
 * One case's changes applied from its record (undefined: no such case, erased meanwhile). Call it
 * inside the store's write transaction (replaceAll, replaceCase), so every change scheduled before
 * is in the histories read.
 */
export async function projectCase(
  client: Client,
  caseId: string,
  { apply, putFigures }: ReportingWrites,
): Promise<{ messages: number } | undefined> {
  const workflowId = caseWorkflowId(caseId);
  // A case erased meanwhile (visibility forgets it a little after): nothing to count.
  const runs = await historiesOfCase(client, workflowId).catch((err: unknown) =>
    err instanceof WorkflowNotFoundError ? undefined : Promise.reject(err),
  );
  if (!runs) return undefined;
  const messages = reportingMessagesOf(caseId, runs);
  for (const m of messages) {
    const outcome = await apply(m);
    if (outcome.kind === 'gap') throw new Error(`${workflowId}: seq ${m.seq} read before ${outcome.expected}`);
  }
  const last = messages.at(-1);
  const lastChange = [...messages].reverse().find((m) => !isSyncStatus(m));
  if (lastChange && !lastChange.figures) {
    const figures = await figuresFromSearchAttributes(client, workflowId);
    if (figures) await putFigures(caseId, lastChange.seq, figures);
  } else if (last?.figures && last.figures.syncFailed === undefined) {
    // Queued before messages carried the sync-failure flag: the attribute has it, set by the same rule.
    const figures = await figuresFromSearchAttributes(client, workflowId);
    if (figures) await putFigures(caseId, last.seq, { ...last.figures, syncFailed: figures.syncFailed });
  }
  return { messages: messages.length };
}

/** Empties the model and applies every case's messages from the record. */
export async function rebuildReporting(
  client: Client,
  store: ReportingStore,
  onCase: (done: number, total: number) => void = () => {},
): Promise<{ cases: number; messages: number }> {
  let cases = 0;
  let messages = 0;
  await store.replaceAll(async (writes) => {
    const ids = await caseIds(client);
    for (const workflowId of ids) {
      const caseId = caseIdFromWorkflowId(workflowId);
      if (!caseId) continue;
      const projected = await projectCase(client, caseId, writes);
      if (!projected) continue;
      messages += projected.messages;
      cases += 1;
      onCase(cases, ids.length);
    }
  });
  return { cases, messages };
}

/** One case remade from its record in the model (reconciliation's repair): equal to what a rebuild gives it. */
export async function reprojectCase(client: Client, store: ReportingStore, caseId: string): Promise<void> {
  await store.replaceCase(caseId, async (writes) => {
    await projectCase(client, caseId, writes);
  });
}
