/**
 * Every rule the case workflow applies, as pure functions of (case, input) → (case, answer). The
 * workflow only wires them to its handlers, delivery loops and timer; everything here is tested
 * without Temporal. A `CaseMachine` is the case's state plus what each system has yet to hear.
 */
import type { CaseState } from './case.js';
import { perSystem, REPORTING_SYSTEM, SYSTEMS, type Source, type System } from './systems.js';
import { applyEvent, checkEvent, recipients, rejectionText, standsFor, type CaseEvent } from './events.js';
import { STATE_BOUNDS, keepLast } from './bounds.js';
import {
  inboundKey,
  referenceContradiction,
  SOURCE_EVENTS,
  type HeldEvent,
  type InboundOutcome,
  type InboundReferences,
} from './inbound.js';
import { openingMessage, outboundMessages, syncStatusMessage, type OutboundMessage } from './outbound.js';
import type { Policy } from './policy.js';
import type { Drift } from './reconcile.js';
import type { Actor } from './roles.js';
import { hasSyncFailure, recordQueued } from './sync.js';
import { londonDate } from './days.js';
import { caseView, type CaseView } from './view.js';

export type Outbox = Record<System, OutboundMessage[]>;

export interface CaseMachine {
  state: CaseState;
  /** Changes not yet acknowledged by each system, in order. */
  outbox: Outbox;
}

export const emptyOutbox = (carried?: Partial<Outbox>): Outbox => ({
  ...perSystem((): OutboundMessage[] => []),
  ...carried,
});

export interface ChangeOptions {
  at: string;
  policy: Policy;
  /** Runs recorded before the statutory clocks existed replay without them (the workflow's patch). */
  clocks?: boolean;
  /** Runs recorded before deadline days and late appeals replay with plain days (the workflow's patch). */
  tribunalRules?: boolean;
  /** Runs recorded before state was bounded replay keeping every inbound key and held event (the workflow's patch). */
  bounded?: boolean;
  /** Runs recorded before the reporting read model replay without delivering to it (the workflow's patch). */
  reporting?: boolean;
}

/** A checked event applied: the next sequence number, each recipient's message queued, the state replaced. */
export function applyChange(
  m: CaseMachine,
  event: CaseEvent,
  actor: Actor,
  { at, policy, clocks = true, tribunalRules = true, reporting = true }: ChangeOptions,
): CaseMachine {
  const before = m.state;
  let after: CaseState = { ...applyEvent(before, event, { at, policy, tribunalRules }), version: before.version + 1 };
  if (!clocks) after = { ...after, clocks: before.clocks };
  const outbox = { ...m.outbox };
  // A held event applied by a supervisor reaches the systems as the event they know.
  // The reporting read model hears of every change, whoever else must.
  const to: readonly System[] = reporting
    ? [...recipients(before, event), REPORTING_SYSTEM]
    : recipients(before, event);
  for (const message of outboundMessages(to, after, standsFor(before, event), actor, at)) {
    outbox[message.system] = [...outbox[message.system], message];
    after = recordQueued(after, message.system, outbox[message.system].length);
  }
  return { state: after, outbox };
}

export interface InboundInput {
  source: Source;
  id: string;
  event: CaseEvent;
  /** The references the event came with, checked against the case when they name it by `caseId`. */
  references?: InboundReferences;
  /** Why the event must be held whatever it says, found outside the case (a reference another case holds). */
  conflict?: string;
}

/**
 * What a system tells us is applied once per event key, or held with the reason it does not fit
 * now (e.g. listed before lodged), or that its references do not agree with the case: never
 * forced, never an error to the sender. Applied events are sent as `integration` with the system
 * as the actor. With `bounded` (runs since the 'bounded-state' patch) the keys and held events kept
 * are capped (STATE_BOUNDS): older ones stay in history only.
 */
export function receiveInbound(
  m: CaseMachine,
  { source, id, event, references, conflict }: InboundInput,
  opts: ChangeOptions,
): { machine: CaseMachine; answer: InboundOutcome } {
  const key = inboundKey(source, id);
  if (m.state.inbound.includes(key)) return { machine: m, answer: { status: 'duplicate', caseId: m.state.caseId } };
  const rejection =
    conflict ??
    referenceContradiction(m.state, references, event) ??
    (!SOURCE_EVENTS[source].includes(event.type)
      ? `${source} does not report ${event.type}`
      : inboundRejection(m.state, event, opts));
  if (rejection) {
    const state = withHeld(
      { ...m.state, inbound: remembered(m.state.inbound, key, opts.bounded) },
      { key, type: event.type, reason: rejection, at: opts.at, event, source },
      opts.bounded,
    );
    return { machine: { ...m, state }, answer: { status: 'held', caseId: state.caseId, reason: rejection } };
  }
  const changed = applyChange(m, event, { id: source, role: 'integration' }, opts);
  return {
    machine: { ...changed, state: { ...changed.state, inbound: remembered(changed.state.inbound, key, opts.bounded) } },
    answer: { status: 'applied', caseId: m.state.caseId },
  };
}

/** The key added to those the case remembers: the newest STATE_BOUNDS.inboundKeys of them when bounded. */
const remembered = (keys: readonly string[], key: string, bounded = false) =>
  bounded ? keepLast([...keys, key], STATE_BOUNDS.inboundKeys) : [...keys, key];

/** The event added to those held: past STATE_BOUNDS.held (or heldChars) the oldest leave state, and are counted. */
function withHeld(state: CaseState, event: HeldEvent, bounded = false): CaseState {
  const held = [...state.held, event];
  if (!bounded) return { ...state, held };
  let dropped = Math.max(0, held.length - STATE_BOUNDS.held);
  const sizes = held.map((h) => JSON.stringify(h).length);
  let chars = sizes.slice(dropped).reduce((a, b) => a + b, 0);
  while (dropped < held.length - 1 && chars > STATE_BOUNDS.heldChars) chars -= sizes[dropped++]!;
  if (dropped === 0) return { ...state, held };
  return { ...state, held: held.slice(dropped), heldDropped: (state.heldDropped ?? 0) + dropped };
}

function inboundRejection(
  state: CaseState,
  event: CaseEvent,
  { at, policy, tribunalRules }: ChangeOptions,
): string | null {
  const r = checkEvent(state, event, 'integration', { at, policy, tribunalRules });
  return r === null ? null : rejectionText(r);
}

export interface ReconcileInput {
  at: string;
  drift: Drift[];
  /** Changes a system acknowledged but no longer holds, read from the case's history. */
  resend: OutboundMessage[];
}

/** Why a re-send cannot be this case's (a change the system never acknowledged here), or null. */
export function reconcileRejection(state: CaseState, resend: readonly OutboundMessage[]): string | null {
  const foreign = resend.find(
    (m) =>
      m.caseId !== state.caseId ||
      !(SYSTEMS as readonly string[]).includes(m.system) ||
      m.seq > state.sync[m.system].delivered,
  );
  return foreign ? `${foreign.key} is not a change ${foreign.system} acknowledged for this case` : null;
}

/**
 * Reconciliation hands back changes a system acknowledged but no longer holds: each is queued once,
 * flagged as a redelivery, in sequence order ahead of newer changes; the drift found is recorded.
 */
export function requeueForReconcile(
  m: CaseMachine,
  { at, drift, resend }: ReconcileInput,
): { machine: CaseMachine; answer: { requeued: number } } {
  let requeued = 0;
  let state: CaseState = { ...m.state, reconciliation: { at, drift } };
  const outbox = { ...m.outbox };
  for (const message of resend) {
    const queue = outbox[message.system];
    if (queue.some((q) => q.key === message.key)) continue;
    const before = queue.findIndex((q) => q.seq > message.seq);
    const at = before < 0 ? queue.length : before;
    outbox[message.system] = [...queue.slice(0, at), { ...message, redelivery: true }, ...queue.slice(at)];
    state = recordQueued(state, message.system, outbox[message.system].length);
    requeued += 1;
  }
  return { machine: { state, outbox }, answer: { requeued } };
}

/** A message acknowledged: off its queue by key (reconciliation may have queued a gap fill ahead meanwhile). */
export const withoutMessage = (outbox: Outbox, message: OutboundMessage): Outbox => ({
  ...outbox,
  [message.system]: outbox[message.system].filter((q) => q.key !== message.key),
});

/** The actor the workflow's own events are recorded under. */
export const WORKFLOW_ACTOR: Actor = { id: 'workflow', role: 'system' };

/**
 * Answers to the latest updates by id, carried across continue-as-new, so a late retry of the same
 * key gets the same answer and applies nothing. Plain pairs, oldest first (a Map would not survive
 * the payload converter), at most `keep` of them.
 */
export type RecentAnswers = Array<[string, CaseView]>;
export const answerFor = (recent: RecentAnswers, id: string | undefined) =>
  id ? recent.find(([k]) => k === id)?.[1] : undefined;
export const remember = (recent: RecentAnswers, id: string | undefined, view: CaseView, keep: number): RecentAnswers =>
  id ? [...recent.filter(([k]) => k !== id), [id, view] as [string, CaseView]].slice(-keep) : recent;

/** The answer to a change: the case as it now stands. */
export const answerOf = (m: CaseMachine): CaseView => caseView(m.state);

/** Whether a change rewrote the case's imported record (the workflow keeps it in a memo for re-imports). */
export const importedRecordChanged = (before: CaseState, after: CaseState) => after.imported !== before.imported;

/**
 * A case's opening queued for the reporting read model (seq 0): a new claim entered its stage on
 * the claim's date; an imported case on its latest dated fact up to the day it was opened (its
 * record's dates are facts; later ones, like a hearing date, are plans).
 */
export function queueOpening(m: CaseMachine, actor: Actor, at: string): CaseMachine {
  const opened = londonDate(at);
  const facts = Object.values(m.state.dates).filter(
    (d): d is string => typeof d === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(d) && d <= opened,
  );
  const openedOn =
    m.state.stage === 'claim' || facts.length === 0
      ? m.state.dates.claimDate <= opened
        ? m.state.dates.claimDate
        : opened
      : facts.sort().at(-1)!;
  const message = openingMessage(m.state, actor, at, openedOn);
  const outbox = { ...m.outbox, [REPORTING_SYSTEM]: [message, ...m.outbox[REPORTING_SYSTEM]] };
  return { outbox, state: recordQueued(m.state, REPORTING_SYSTEM, outbox[REPORTING_SYSTEM].length) };
}

/**
 * The reporting read model told of a sync-failure flag that turned without a change (a delivery
 * rejected for good, `after` a delivery's result), so the summary's sync failures need no
 * visibility count: its own message, queued behind every change already queued to the model, so
 * it arrives after the change it follows and before the next. A change that turns the flag
 * (`sync.resent`) carries it in its figures; nothing more is queued then.
 */
export function noteSyncStatus(before: CaseMachine, after: CaseMachine, actor: Actor, at: string): CaseMachine {
  if (after.state.version !== before.state.version) return after;
  if (hasSyncFailure(after.state) === hasSyncFailure(before.state)) return after;
  const outbox = {
    ...after.outbox,
    [REPORTING_SYSTEM]: [...after.outbox[REPORTING_SYSTEM], syncStatusMessage(after.state, actor, at)],
  };
  return { outbox, state: recordQueued(after.state, REPORTING_SYSTEM, outbox[REPORTING_SYSTEM].length) };
}
