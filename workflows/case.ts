/**
 * One asylum case, claim to exit and beyond: this workflow's history is the case's record.
 * It wires handlers, runs one in-order delivery loop per external system, sleeps until the next
 * statutory limit, and hands over to a fresh run when history grows long. Every rule lives in
 * domain/.
 */
import {
  ActivityFailure,
  allHandlersFinished,
  ApplicationFailure,
  condition,
  continueAsNew,
  currentUpdateInfo,
  patched,
  proxyActivities,
  setHandler,
  upsertMemo,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import type { Activities } from '../activities/index.js';
import {
  applyEvent,
  caseView,
  checkEvent,
  DEFAULT_POLICY,
  dueClockEvents,
  fieldErrorsText,
  importedState,
  inboundKey,
  nextClockDue,
  nextTimer,
  openCase,
  outboundMessages,
  recipients,
  recordDelivered,
  recordQueued,
  recordRejected,
  rejectionText,
  SOURCE_EVENTS,
  SYNC_REJECTED,
  SYSTEMS,
  upgradeState,
  type Actor,
  type CaseEvent,
  type CaseState,
  type CaseView,
  type OutboundMessage,
  type Policy,
  type System,
} from '../domain/index.js';
import { applyEventUpdate, applyInboundUpdate, caseStateQuery, IMPORTED_MEMO, reconcileUpdate, type CarriedState, type CaseWorkflowInput } from './messages.js';
import { searchAttributesOf } from './search-attributes.js';

// Deliveries retry until the system acknowledges (no maximumAttempts: unlimited): an outage delays
// a change, never drops it.
// Only a deliberate rejection (a 4xx the system means) stops, and shows on the case.
const { deliver } = proxyActivities<Activities>({
  // Longer than the adapter's own 10 s request timeout; a worker that dies mid-call is noticed by then.
  startToCloseTimeout: '15 seconds',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '1 minute', nonRetryableErrorTypes: [SYNC_REJECTED] },
});

const SYSTEM_ACTOR: Actor = { id: 'workflow', role: 'system' };
/** How many update answers travel across continue-as-new, for late retries of the same key. */
const RECENT_UPDATES_KEPT = 50;

const now = () => new Date().toISOString(); // workflow time: deterministic on replay

export async function caseWorkflow(input: CaseWorkflowInput): Promise<void> {
  // Statutory clocks came with a change of this code: runs recorded before it replay without them
  // (no marker in their history), runs started since keep them for good.
  const clocksOn = patched('statutory-clocks');
  let policy: Policy = input.policy ?? DEFAULT_POLICY;
  // Search attributes of the opening state are set by the starter, so a new case is findable at once.
  let state: CaseState = upgradeState(input.carried?.state ?? openingState(input, policy));
  const outbox: Record<System, OutboundMessage[]> = { homeOffice: [], courts: [], notifier: [], ...input.carried?.outbox };
  const recentUpdates = new Map(input.carried?.recentUpdates ?? []);
  let draining = false;
  let inFlight = 0;

  function setState(next: CaseState) {
    const changed = changedSearchAttributes(state, next);
    state = next;
    if (changed.length > 0) upsertSearchAttributes(changed);
  }

  /** Applies a checked event: next sequence number, outbound messages queued, state replaced. */
  function change(event: CaseEvent, actor: Actor): CaseView {
    const at = now();
    const before = state;
    let after: CaseState = { ...applyEvent(before, event, { at, policy }), version: before.version + 1 };
    if (!clocksOn) after = { ...after, clocks: before.clocks }; // the code these runs were recorded with kept none
    for (const message of outboundMessages(recipients(before, event), after, event, actor, at)) {
      outbox[message.system].push(message);
      after = recordQueued(after, message.system, outbox[message.system].length);
    }
    setState(after);
    return caseView(state);
  }

  setHandler(caseStateQuery, () => state);

  setHandler(
    applyEventUpdate,
    ({ event, actor, policy: inForce }) => {
      const id = currentUpdateInfo()?.id;
      const earlier = id ? recentUpdates.get(id) : undefined;
      if (earlier) return earlier;
      if (inForce) policy = inForce;
      const view = change(event, actor);
      if (event.type === 'import.corrected') upsertMemo({ [IMPORTED_MEMO]: state.imported });
      if (id) {
        recentUpdates.set(id, view);
        if (recentUpdates.size > RECENT_UPDATES_KEPT) recentUpdates.delete(recentUpdates.keys().next().value!);
      }
      return view;
    },
    {
      // Synchronous, so a rejected event leaves nothing in history.
      validator: ({ event, actor, policy: inForce }) => {
        const id = currentUpdateInfo()?.id;
        if (id && recentUpdates.has(id)) return; // a retry of a change already applied: answer it again
        const rejection = checkEvent(state, event, actor?.role, { at: now(), policy: inForce ?? policy });
        if (rejection) {
          throw ApplicationFailure.create({ type: rejection.kind, message: rejectionText(rejection), details: [rejection], nonRetryable: true });
        }
      },
    },
  );

  // What a system tells us is applied once per event key, or held with the reason it does not fit
  // now (e.g. listed before lodged): never forced, never an error to the sender.
  setHandler(applyInboundUpdate, ({ source, id, event, policy: inForce }) => {
    const key = inboundKey(source, id);
    if (state.inbound.includes(key)) return { status: 'duplicate', caseId: state.caseId };
    if (inForce) policy = inForce;
    const rejection = !SOURCE_EVENTS[source].includes(event.type)
      ? `${source} does not report ${event.type}`
      : (() => {
          const r = checkEvent(state, event, 'integration', { at: now(), policy });
          return r === null ? null : rejectionText(r);
        })();
    if (rejection) {
      state = { ...state, inbound: [...state.inbound, key], held: [...state.held, { key, type: event.type, reason: rejection, at: now() }] };
      return { status: 'held', caseId: state.caseId, reason: rejection };
    }
    change(event, { id: source, role: 'integration' });
    state = { ...state, inbound: [...state.inbound, key] };
    return { status: 'applied', caseId: state.caseId };
  });

  // Reconciliation hands back changes a system acknowledged but no longer holds. Only changes the
  // system acknowledged may come back (the history is where the reconciler read them), and each
  // is queued once, in sequence order ahead of newer changes.
  setHandler(
    reconcileUpdate,
    ({ at, drift, resend }) => {
      let requeued = 0;
      let next: CaseState = { ...state, reconciliation: { at, drift } };
      for (const message of resend) {
        const queue = outbox[message.system];
        if (queue.some((m) => m.key === message.key)) continue;
        const before = queue.findIndex((m) => m.seq > message.seq);
        queue.splice(before < 0 ? queue.length : before, 0, { ...message, redelivery: true });
        next = recordQueued(next, message.system, queue.length);
        requeued += 1;
      }
      setState(next);
      return { requeued };
    },
    {
      validator: ({ resend }) => {
        const foreign = resend.find((m: OutboundMessage) => m.caseId !== state.caseId || !(SYSTEMS as readonly string[]).includes(m.system) || m.seq > state.sync[m.system].delivered);
        if (foreign) throw ApplicationFailure.create({ type: 'invalid', message: `${foreign.key} is not a change ${foreign.system} acknowledged for this case`, nonRetryable: true });
      },
    },
  );

  /** One loop per system: head of the queue first, so a later change never overtakes an earlier one. */
  async function syncLoop(system: System): Promise<void> {
    for (;;) {
      await condition(() => !draining && outbox[system].length > 0 && state.sync[system].failure === null);
      const message = outbox[system][0]!;
      inFlight += 1;
      try {
        const receipt = await deliver(message);
        // By key, not position: reconciliation may have queued a gap fill ahead while this was in flight.
        outbox[system].splice(outbox[system].indexOf(message), 1);
        setState(recordDelivered(state, system, message.seq, receipt, outbox[system].length));
      } catch (err) {
        if (err instanceof ActivityFailure && err.cause instanceof ApplicationFailure && err.cause.type === SYNC_REJECTED) {
          setState(recordRejected(state, system, message.seq, err.cause.message, now()));
        } else {
          throw err;
        }
      } finally {
        inFlight -= 1;
      }
    }
  }
  for (const system of SYSTEMS) void syncLoop(system);

  const historyIsLong = () => workflowInfo().continueAsNewSuggested || (input.continueAsNewAfterEvents !== undefined && workflowInfo().historyLength >= input.continueAsNewAfterEvents);

  /** The earliest moment something is due: a window's end, or a clock's next warning or deadline. */
  function nextDue(): string | undefined {
    const window = nextTimer(state, policy)?.at;
    const clock = clocksOn ? nextClockDue(state) : null;
    return [window, clock].filter((t): t is string => !!t).sort()[0];
  }

  // Dormant between events, possibly for years. Wake for a change, a due time limit, or long history.
  // One timer at a time, for the earliest due moment of all running clocks: no polling.
  for (;;) {
    const due = nextDue();
    const version = state.version;
    const woke = await condition(() => state.version !== version || historyIsLong(), due ? Math.max(1, Date.parse(due) - Date.now()) : undefined);
    if (!woke && due) {
      const window = nextTimer(state, policy);
      if (window && window.at <= now()) change({ type: window.type }, SYSTEM_ACTOR);
      if (clocksOn) for (const event of dueClockEvents(state, now())) change(event, SYSTEM_ACTOR);
      continue;
    }
    if (historyIsLong()) break;
  }

  // Hand over: no delivery in flight, no handler half-way; undelivered messages travel along.
  draining = true;
  await condition(() => inFlight === 0 && allHandlersFinished());
  const carried: CarriedState = { state, outbox, recentUpdates: [...recentUpdates] };
  await continueAsNew<typeof caseWorkflow>({ ...input, policy, carried });
}

/** A new case at claim, or an imported one where its record says it stands (checked before it was started). */
function openingState(input: CaseWorkflowInput, policy: Policy): CaseState {
  if (!input.imported) return openCase(input.open);
  const built = importedState(input.imported.record, input.open.caseId, input.open.openedAt, policy);
  if (!built.ok) throw ApplicationFailure.create({ type: 'invalid', message: fieldErrorsText(built.errors), nonRetryable: true });
  return { ...built.state, imported: input.imported };
}

/** Upsert only what changed: each upsert is an event in history. */
function changedSearchAttributes(before: CaseState, after: CaseState) {
  const was = new Map(searchAttributesOf(before).map((p) => [p.key.name, JSON.stringify(p.value)]));
  return searchAttributesOf(after).filter((p) => was.get(p.key.name) !== JSON.stringify(p.value));
}
