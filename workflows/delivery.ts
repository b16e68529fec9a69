/**
 * How a case's changes leave it: each system's queue in order, head first, and the links it made
 * recorded on their other cases. Two ways, for two generations of histories:
 *
 * - `startDeliveryPump` (runs started since the `ordered-sync` patch): one coroutine records every
 *   result and schedules every delivery, in a fixed order, one round of condition checks after it
 *   wakes. A workflow task can hold an update and a delivery's result together, and the server has
 *   listed them to the worker in one order when the task ran and in the other when the history was
 *   replayed later (found by the chaos run: a dev server restart, then a nondeterminism error on
 *   every task). Nothing here acts where a result arrives, so that order changes no command.
 * - `startDeliveryLoops`: one loop per system and one for links, acting where each result arrives;
 *   kept unchanged so runs recorded with it replay.
 */
import type { Duration, RetryPolicy } from '@temporalio/common';
import {
  ActivityFailure,
  ApplicationFailure,
  condition,
  log,
  proxyActivities,
  proxyLocalActivities,
} from '@temporalio/workflow';
import type { Activities } from '../activities/index.js';
import {
  linkBackDone,
  nextLinkBack,
  recordDelivered,
  recordRejected,
  SYNC_REJECTED,
  SYSTEMS,
  withoutMessage,
  type CaseMachine,
  type AnsweredInTask,
  type OutboundMessage,
  type TriedInTask,
  type Receipt,
  type System,
} from '../domain/index.js';

// Deliveries retry until the system acknowledges (no maximumAttempts: unlimited): an outage delays
// a change, never drops it.
// Only a deliberate rejection (a 4xx the system means) stops, and shows on the case.
/** Both ways of delivering retry alike: until the system acknowledges or deliberately rejects. */
const DELIVERY: { startToCloseTimeout: Duration; retry: RetryPolicy } = {
  // Longer than the adapter's own 10 s request timeout; a worker that dies mid-call is noticed by then.
  startToCloseTimeout: '15 seconds',
  retry: {
    initialInterval: '1 second',
    backoffCoefficient: 2,
    maximumInterval: '1 minute',
    nonRetryableErrorTypes: [SYNC_REJECTED],
  },
};
const { deliver } = proxyActivities<Activities>(DELIVERY);

/**
 * The same delivery run inside the workflow task that queued it (a local activity): for messages
 * the worker itself answers at once, such as an imported case's opening to the reporting model (the
 * worker's own database). Its result is recorded in that task, so the case needs no second task for
 * the receipt: an import's case then costs the server what a bare start costs (#21). Retried as the
 * other way is; a longer outage moves it onto timers between attempts, order kept.
 */
const { deliver: deliverHere } = proxyLocalActivities<Activities>(DELIVERY);

/**
 * The time a caseworker's change may wait on a system's answer. The reference systems and the
 * reporting store (which waits at most 200 ms for its write lock) answer in milliseconds; one slower
 * than this is treated as down for this message, and the try is cancelled (the request aborted)
 * before the durable delivery, carrying the same key, is scheduled. Tries made together give each
 * message less than this (TRY_WITHIN_MS, activities/index.ts), so that one slow system fails alone.
 */
const TRY_TIMEOUT: Duration = '2 seconds';

/**
 * One try within the task that queued the message, then the durable way. A change's update is
 * answered when its task completes, and a local activity holds the task open: a retrying one would
 * hold every caseworker's change to the case while a system is down. One short try, and on anything
 * but a deliberate rejection the message goes as a scheduled activity, which retries on the server's
 * timers, order kept (#21). A system that answers in time costs the server no activity and the case
 * no second task for the receipt.
 */
const { deliverInTask: deliverOnceHere } = proxyLocalActivities<Activities>({
  startToCloseTimeout: TRY_TIMEOUT,
  retry: { maximumAttempts: 1, nonRetryableErrorTypes: [SYNC_REJECTED] },
});

/**
 * The same tries, every system's together in one local activity (runs since
 * `features-2026-12-tries-together`): one marker and one activation for all their answers instead of
 * one each, the largest part of a change's cost in the worker and on the server (#21). Each message
 * is answered on its own (TriedInTask), so a system that fails its try sends only its own message the
 * durable way.
 */
const { deliverTogetherInTask: tryTogetherHere } = proxyLocalActivities<Activities>({
  startToCloseTimeout: TRY_TIMEOUT,
  retry: { maximumAttempts: 1 },
});

/** How a message goes: scheduled (the durable way), local retrying (an import's opening), or one local try first. */
export type DeliveryWay = 'scheduled' | 'here' | 'try-here';

// A link made here is recorded on the other case by an update under the link's own id: retried
// without limit (a restart or an outage delays it, never drops it, and never applies it twice).
const { recordLinkBack } = proxyActivities<Activities>({
  // The other case's update answers in well under this; a worker that dies mid-call is noticed by then.
  startToCloseTimeout: '15 seconds',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '1 minute' },
});

/** What the case workflow lends its delivery: its state, the one place it changes, and whether it is handing over. */
export interface DeliveryHost {
  machine(): CaseMachine;
  setMachine(next: CaseMachine): void;
  draining(): boolean;
  /** Whether the case has moved since its search attributes were last upserted (never, in runs that upsert with each change). */
  searchStale(): boolean;
  /** Upserts what moved: called by the pump at the end of a round with no try out, so a task makes one upsert. */
  upsertSearch(): void;
}

/** How many deliveries and link-backs are out: the workflow hands over or completes only at 0. */
export interface InFlight {
  readonly count: number;
}

/** A system's deliberate refusal (SYNC_REJECTED) carried by a scheduled activity's failure; undefined for any other. */
function rejectionIn(err: unknown): ApplicationFailure | undefined {
  const cause = err instanceof ActivityFailure ? err.cause : undefined;
  return cause instanceof ApplicationFailure && cause.type === SYNC_REJECTED ? cause : undefined;
}

/** What became of one delivery: the system's receipt, its deliberate refusal, or no answer (an outage, a cancellation). */
type Outcome =
  { kind: 'delivered'; receipt: Receipt } | { kind: 'rejected'; reason: string } | { kind: 'failed'; error: unknown };
type Answer = Exclude<Outcome, { kind: 'failed' }>;

/** A scheduled delivery's (or a retrying local one's) result: a refusal comes as the activity's failure. */
function outcomeOf(result: Result<Receipt>): Outcome {
  if (result.ok) return { kind: 'delivered', receipt: result.value };
  const rejection = rejectionIn(result.error);
  return rejection ? { kind: 'rejected', reason: rejection.message } : { kind: 'failed', error: result.error };
}

/**
 * A try within the task: a refusal comes as its answer (AnsweredInTask). Runs recorded before that
 * failed the try with it instead, and replay so: the message then went scheduled, refused in turn.
 */
function outcomeOfTry(result: Result<AnsweredInTask>): Outcome {
  return result.ok ? outcomeOfAnswer(result.value) : { kind: 'failed', error: result.error };
}

/** The answer to one message of tries made together: the whole try's failure fails each of its messages. */
function outcomeInBatch(result: Result<TriedInTask[]>, i: number): Outcome {
  if (!result.ok) return { kind: 'failed', error: result.error };
  const answer = result.value[i]!;
  return 'failed' in answer ? { kind: 'failed', error: answer.failed } : outcomeOfAnswer(answer);
}

const outcomeOfAnswer = (answer: AnsweredInTask): Outcome =>
  'rejected' in answer ? { kind: 'rejected', reason: answer.rejected } : { kind: 'delivered', receipt: answer };

/** A delivery answered or refused: the queue's head leaves, or the system's failure shows on the case. */
function deliveryResult(machine: CaseMachine, message: OutboundMessage, answer: Answer, at: string) {
  const system = message.system as System;
  if (answer.kind === 'delivered') {
    const outbox = withoutMessage(machine.outbox, message);
    return {
      outbox,
      state: recordDelivered(machine.state, system, message.seq, answer.receipt, outbox[system].length),
    };
  }
  return { ...machine, state: recordRejected(machine.state, system, message.seq, answer.reason, at) };
}

type Result<T> = { ok: true; value: T } | { ok: false; error: unknown };
/**
 * Hands `p`'s outcome to `note` as a Result. One `then` with both callbacks: every promise the
 * workflow makes costs a stack trace in the SDK's promise hook, so no chain of them per delivery.
 */
const whenSettled = <T>(p: Promise<T>, note: (result: Result<T>) => void): void => {
  void p.then(
    (value) => note({ ok: true, value }),
    (error: unknown) => note({ ok: false, error }),
  );
};

type Settled =
  | { kind: 'delivery'; system: System; message: OutboundMessage; outcome: Outcome; tried: boolean }
  | { kind: 'link'; id: string; result: Result<Awaited<ReturnType<Activities['recordLinkBack']>>> };

/** Results are recorded systems first, in the registry's order, then links: never in arrival order. */
const recordOrder = (s: Settled) => (s.kind === 'delivery' ? SYSTEMS.indexOf(s.system) : SYSTEMS.length);

/**
 * `way`: how each message goes (default scheduled); the order and the recording of results are the
 * same either way. A local try that fails (not a rejection) leaves the message at its queue's head
 * and sends that system's messages the durable way until one is delivered.
 */
export function startDeliveryPump(
  host: DeliveryHost,
  now: () => string,
  way: (message: OutboundMessage) => DeliveryWay = () => 'scheduled',
  triesTogether = false,
): InFlight {
  const busy = new Set<System | 'links'>();
  /**
   * Tries within the task still out. Their results are recorded together once none is: live, each
   * try's answer comes in an activation of its own, in the order the systems answered; on replay
   * the SDK may hand them over together. Acting on part of them (sending a system's next message
   * while another's try is out) made commands in a different order on replay (found by the replay
   * of a recorded run: a nondeterminism error on a local activity).
   */
  let tries = 0;
  const durableOnly = new Set<System>();
  const settled: Settled[] = [];
  const canSend = (system: System) => {
    const m = host.machine();
    return !busy.has(system) && m.outbox[system].length > 0 && m.state.sync[system].failure === null;
  };
  const canLink = () => !busy.has('links') && nextLinkBack(host.machine().state) !== undefined;
  const due = () =>
    (tries === 0 && (settled.length > 0 || host.searchStale())) ||
    (!host.draining() && (SYSTEMS.some(canSend) || canLink()));
  const note = (message: OutboundMessage, outcome: Outcome, tried: boolean) =>
    settled.push({ kind: 'delivery', system: message.system as System, message, outcome, tried });

  function record(s: Settled) {
    if (s.kind === 'delivery') {
      busy.delete(s.system);
      const { outcome } = s;
      if (outcome.kind === 'failed') {
        // Not an answer from a durable delivery (the activity cancelled, say): fail the task, as a thrown error would.
        if (!s.tried) throw outcome.error;
        log.warn('a delivery in the task failed; it goes as a scheduled activity', {
          system: s.system,
          seq: s.message.seq,
        });
        durableOnly.add(s.system);
        return;
      }
      if (!s.tried && outcome.kind === 'delivered') durableOnly.delete(s.system);
      host.setMachine(deliveryResult(host.machine(), s.message, outcome, now()));
      return;
    }
    busy.delete('links');
    if (!s.result.ok) throw s.result.error;
    if (s.result.value.status === 'refused')
      log.warn('the other case refused a link back', { linkBack: s.id, reason: s.result.value.reason });
    const m = host.machine();
    host.setMachine({ ...m, state: linkBackDone(m.state, s.id) });
  }

  async function pump(): Promise<void> {
    for (;;) {
      await condition(due);
      // One more round of condition checks first: the SDK makes it only once every job of the task
      // has run and every result has been noted, whatever order the jobs came in.
      let checked = false;
      await condition(() => {
        const again = checked;
        checked = true;
        return again;
      });
      if (tries === 0) for (const s of settled.splice(0).sort((a, b) => recordOrder(a) - recordOrder(b))) record(s);
      if (!host.draining()) sendWhatCan();
      // The task's tries are in (or none was made): what the case's changes and their receipts did
      // to its search attributes goes in one upsert.
      if (tries === 0) host.upsertSearch();
    }
  }

  /** Each system's next message on its way (tried here, together where the run does), and the next link-back. */
  function sendWhatCan() {
    const together: OutboundMessage[] = [];
    for (const system of SYSTEMS) {
      if (!canSend(system)) continue;
      const message = host.machine().outbox[system][0]!;
      busy.add(system);
      const how = way(message);
      const tried = how === 'try-here' && !durableOnly.has(system);
      if (tried && triesTogether) together.push(message);
      else if (tried) {
        tries += 1;
        whenSettled(deliverOnceHere(message), (result) => {
          tries -= 1;
          note(message, outcomeOfTry(result), true);
        });
      } else
        whenSettled((how === 'here' ? deliverHere : deliver)(message), (result) =>
          note(message, outcomeOf(result), false),
        );
    }
    if (together.length > 0) {
      tries += 1;
      whenSettled(tryTogetherHere(together), (result) => {
        tries -= 1;
        together.forEach((message, i) => note(message, outcomeInBatch(result, i), true));
      });
    }
    if (canLink()) {
      const back = nextLinkBack(host.machine().state)!;
      busy.add('links');
      whenSettled(recordLinkBack(back), (result) => settled.push({ kind: 'link', id: back.id, result }));
    }
  }
  void pump();
  return {
    get count() {
      return busy.size;
    },
  };
}

/** The first way, unchanged for the runs that recorded it: one loop per system, one for links. */
export function startDeliveryLoops(host: DeliveryHost, now: () => string): InFlight {
  let inFlight = 0;
  async function syncLoop(system: System): Promise<void> {
    for (;;) {
      await condition(() => {
        const m = host.machine();
        return !host.draining() && m.outbox[system].length > 0 && m.state.sync[system].failure === null;
      });
      const message = host.machine().outbox[system][0]!;
      inFlight += 1;
      try {
        const receipt = await deliver(message);
        host.setMachine(deliveryResult(host.machine(), message, { kind: 'delivered', receipt }, now()));
      } catch (err) {
        const rejection = rejectionIn(err);
        if (!rejection) throw err;
        host.setMachine(
          deliveryResult(host.machine(), message, { kind: 'rejected', reason: rejection.message }, now()),
        );
      } finally {
        inFlight -= 1;
      }
    }
  }
  for (const system of SYSTEMS) void syncLoop(system);

  async function linkLoop(): Promise<void> {
    for (;;) {
      await condition(() => !host.draining() && nextLinkBack(host.machine().state) !== undefined);
      const back = nextLinkBack(host.machine().state)!;
      inFlight += 1;
      try {
        const outcome = await recordLinkBack(back);
        if (outcome.status === 'refused')
          log.warn('the other case refused a link back', { linkBack: back.id, reason: outcome.reason });
        const m = host.machine();
        host.setMachine({ ...m, state: linkBackDone(m.state, back.id) });
      } finally {
        inFlight -= 1;
      }
    }
  }
  void linkLoop();
  return {
    get count() {
      return inFlight;
    },
  };
}
