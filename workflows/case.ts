/**
 * One asylum case, claim to exit and beyond: this workflow's history is the case's record.
 * It wires handlers, delivers each change to each system in order (workflows/delivery.ts), sleeps until the next
 * statutory limit, and hands over to a fresh run when history grows long. A case dormant at a
 * final exit for the retention dormancy completes, so the namespace's retention can apply. Every
 * rule lives in domain/.
 */
import {
  allHandlersFinished,
  ApplicationFailure,
  CancellationScope,
  condition,
  continueAsNew,
  currentUpdateInfo,
  log,
  setHandler,
  sleep,
  upsertMemo,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import type { SearchAttributeUpdatePair } from '@temporalio/common';
import {
  activityMark,
  answerFor,
  answerOf,
  applyChange,
  CASE_OPENED,
  checkEvent,
  DEFAULT_POLICY,
  dormantUntil,
  dueEvents,
  emptyOutbox,
  fieldErrorsText,
  importedRecordChanged,
  importedState,
  nextDue,
  nextLinkBack,
  noteSyncStatus,
  openCase,
  receiveInbound,
  reconcileRejection,
  rejectionText,
  remember,
  REPORTING_SYSTEM,
  queueOpening,
  requeueForReconcile,
  SYSTEMS,
  upgradeState,
  WORKFLOW_ACTOR,
  type CaseMachine,
  type CaseState,
  type OutboundMessage,
  type Policy,
  type RecentAnswers,
} from '../domain/index.js';
import {
  applyEventUpdate,
  applyInboundUpdate,
  caseStateQuery,
  IMPORTED_MEMO,
  namedFeatures,
  reconcileUpdate,
  type CarriedState,
  type CaseWorkflowInput,
} from './messages.js';
import { startDeliveryLoops, startDeliveryPump, type DeliveryHost, type DeliveryWay } from './delivery.js';
import { SA, searchAttributesOf } from './search-attributes.js';
import { featuresOfThisRun } from './features.js';

/** How many update answers travel across continue-as-new, for late retries of the same key. */
const RECENT_UPDATES_KEPT = 50;

const now = () => new Date().toISOString(); // workflow time: deterministic on replay

/** A handler's refusal: named by its kind, so the API maps it, and final (retrying changes nothing). */
const refusal = (type: string, message: string, details?: unknown) =>
  ApplicationFailure.create({ type, message, nonRetryable: true, ...(details ? { details: [details] } : {}) });

export async function caseWorkflow(input: CaseWorkflowInput): Promise<void> {
  const {
    clocksOn,
    tribunalRulesOn,
    retentionOn,
    boundedOn,
    reportingOn,
    orderedSyncOn,
    syncStatusOn,
    steadyTimerOn,
    importOpeningHereOn,
    tryHere,
    triesTogether,
    oneUpsertPerTask,
    dueAtOnce,
  } = featuresOfThisRun(input.features);
  let policy: Policy = input.policy ?? DEFAULT_POLICY;
  // Search attributes of the opening state are set by the starter, so a new case is findable at once.
  let machine: CaseMachine = {
    state: upgradeState(input.carried?.state ?? openingState(input, policy, tribunalRulesOn)),
    outbox: emptyOutbox(input.carried?.outbox),
  };
  // A new case is news to the reporting model too: where it opened and since when (seq 0). A run
  // continued from an earlier one opened long ago.
  if (reportingOn && !input.carried) machine = queueOpening(machine, WORKFLOW_ACTOR, machine.state.openedAt);
  let recent: RecentAnswers = input.carried?.recentUpdates ?? [];
  let lastActivityAt = input.carried?.lastActivityAt;
  let mark = activityMark(machine.state);
  let draining = false;
  const options = () => ({
    at: now(),
    policy,
    clocks: clocksOn,
    tribunalRules: tribunalRulesOn,
    bounded: boundedOn,
    reporting: reportingOn,
  });

  // The state whose search attributes the server holds (the starter set the opening's). Runs since
  // `features-2026-12-one-upsert` upsert once per task, after its tries are in: a change and what
  // its receipts add (an appeal's HMCTS reference) are one upsert, one visibility write, where they
  // were two (#21). A state is never changed in place, so a new one is a case that has moved.
  let searchedState = machine.state;
  const searchStale = () => oneUpsertPerTask && machine.state !== searchedState;
  function upsertWhatChanged() {
    if (!searchStale()) return;
    const changed = changedSearchAttributes(searchedState, machine.state);
    searchedState = machine.state;
    if (changed.length > 0) upsertSearchAttributes(changed);
  }

  /** The one place the case changes: search attributes follow, upserting only what changed. */
  function setMachine(proposed: CaseMachine) {
    const next = reportingOn && syncStatusOn ? noteSyncStatus(machine, proposed, WORKFLOW_ACTOR, now()) : proposed;
    // Runs before `features-2026-12-one-upsert` upsert with every change, as they recorded.
    const changed = oneUpsertPerTask ? [] : changedSearchAttributes(machine.state, next.state);
    machine = next;
    if (changed.length > 0) upsertSearchAttributes(changed);
    // Any new event restarts the retention dormancy: stamp when the case last saw one.
    if (activityMark(next.state) !== mark) {
      mark = activityMark(next.state);
      lastActivityAt = now();
    }
  }

  setHandler(caseStateQuery, () => machine.state);

  setHandler(
    applyEventUpdate,
    ({ event, actor, policy: inForce }) => {
      const id = currentUpdateInfo()?.id;
      const earlier = answerFor(recent, id);
      if (earlier) return earlier;
      if (inForce) policy = inForce;
      const before = machine.state;
      setMachine(applyChange(machine, event, actor, options()));
      if (importedRecordChanged(before, machine.state)) upsertMemo({ [IMPORTED_MEMO]: machine.state.imported });
      const view = answerOf(machine);
      recent = remember(recent, id, view, RECENT_UPDATES_KEPT);
      return view;
    },
    {
      // Synchronous, so a rejected event leaves nothing in history.
      validator: ({ event, actor, policy: inForce }) => {
        if (answerFor(recent, currentUpdateInfo()?.id)) return; // a retry of a change already applied: answer it again
        const rejection = checkEvent(machine.state, event, actor?.role, {
          at: now(),
          policy: inForce ?? policy,
          tribunalRules: tribunalRulesOn,
        });
        if (rejection) throw refusal(rejection.kind, rejectionText(rejection), rejection);
      },
    },
  );

  setHandler(applyInboundUpdate, ({ source, id, event, policy: inForce, references, conflict }) => {
    if (inForce) policy = inForce;
    const { machine: next, answer } = receiveInbound(machine, { source, id, event, references, conflict }, options());
    setMachine(next);
    return answer;
  });

  setHandler(
    reconcileUpdate,
    (request) => {
      const { machine: next, answer } = requeueForReconcile(machine, request);
      setMachine(next);
      return answer;
    },
    {
      validator: ({ resend }) => {
        const rejection = reconcileRejection(machine.state, resend);
        if (rejection) throw refusal('invalid', rejection);
      },
    },
  );

  // Changes leave in order, head of each queue first; links are recorded on their other cases.
  const host: DeliveryHost = {
    machine: () => machine,
    setMachine,
    draining: () => draining,
    searchStale,
    upsertSearch: upsertWhatChanged,
  };
  // Each delivery is tried once within the task that queues it (#21): a system that answers in time
  // costs the server no activity and the case no second task for its receipt. Runs started before
  // did so for the reporting model only (the worker's own database), and before that delivered an
  // imported case's opening there only (retrying), and everything else as scheduled.
  const wayOf = (m: OutboundMessage): DeliveryWay =>
    tryHere === 'every-system' || (tryHere === 'reporting' && m.system === REPORTING_SYSTEM)
      ? 'try-here'
      : importOpeningHereOn &&
          !!input.imported &&
          !input.carried &&
          m.system === REPORTING_SYSTEM &&
          m.type === CASE_OPENED
        ? 'here'
        : 'scheduled';
  const inFlight = orderedSyncOn ? startDeliveryPump(host, now, wayOf, triesTogether) : startDeliveryLoops(host, now);

  const historyIsLong = () =>
    workflowInfo().continueAsNewSuggested ||
    (input.continueAsNewAfterEvents !== undefined && workflowInfo().historyLength >= input.continueAsNewAfterEvents);

  const reached = (instant: string | null | undefined) => !!instant && Date.now() >= Date.parse(instant);
  /** Nothing left to send: every system has every change, every link is recorded on its other case. */
  const drained = () =>
    SYSTEMS.every((s) => machine.outbox[s].length === 0) && nextLinkBack(machine.state) === undefined;

  // An imported case that opens owing a limit (its window closed, its warning passed, before it
  // came in) applies it in its first task: it stood there before it was imported. Runs before
  // `features-2026-12-due-at-once` slept a millisecond for it, a timer and a second task for
  // nothing: a fifth of an import's cases (#21). A limit a change makes owing still waits for its
  // timer below, as it always has: a refusal recorded late and the appeal recorded after it keep
  // their order of arrival, and the expiry is not sent to the Home Office between them.
  if (dueAtOnce && input.imported && !input.carried && reached(nextDue(machine.state, policy, clocksOn)))
    for (const event of dueEvents(machine.state, now(), policy, clocksOn))
      setMachine(applyChange(machine, event, WORKFLOW_ACTOR, options()));

  const wakeFor = steadyWaker();
  // Dormant between events, possibly for years. Wake for a change, a due time limit, the end of the
  // retention dormancy, or long history. One timer at a time, for the earliest of them: no polling.
  for (;;) {
    const due = nextDue(machine.state, policy, clocksOn);
    const closesAt = retentionOn ? dormantUntil(machine.state, lastActivityAt, policy) : null;
    const wakeAt = [due, closesAt].filter((t): t is string => !!t).sort((a, b) => Date.parse(a) - Date.parse(b))[0];
    const version = machine.state.version;
    const seen = mark;
    const changed = () => machine.state.version !== version || (retentionOn && mark !== seen) || historyIsLong();
    const woke = steadyTimerOn
      ? await wakeFor(changed, wakeAt)
      : await condition(changed, wakeAt ? Math.max(1, Date.parse(wakeAt) - Date.now()) : undefined);
    if (!woke && reached(closesAt) && !reached(due)) {
      // Dormant for the whole period: complete once every change is delivered and no handler is
      // half-way, unless something happens meanwhile (then the dormancy starts again).
      await condition(
        () => mark !== seen || historyIsLong() || (inFlight.count === 0 && drained() && allHandlersFinished()),
      );
      if (mark === seen && !historyIsLong()) {
        upsertWhatChanged();
        log.info('retention: dormant at a final exit for the whole period; the case workflow completes', {
          closesAt,
          lastActivityAt,
        });
        return;
      }
      continue;
    }
    if (!woke && due) {
      for (const event of dueEvents(machine.state, now(), policy, clocksOn))
        setMachine(applyChange(machine, event, WORKFLOW_ACTOR, options()));
      continue;
    }
    if (historyIsLong()) break;
  }

  // Hand over: no delivery in flight, no handler half-way; undelivered messages travel along.
  draining = true;
  await condition(() => inFlight.count === 0 && allHandlersFinished());
  upsertWhatChanged(); // the next run starts with the attributes this one ends with
  const carried: CarriedState = {
    state: machine.state,
    outbox: machine.outbox,
    recentUpdates: recent,
    ...(lastActivityAt ? { lastActivityAt } : {}),
  };
  // A named run's next run is named with this code's newest features, as a new case is. An unnamed
  // one's stays unnamed and records its marker: it was started while naming was off, when a worker
  // older than named sets may still run (docs/operations.md#deploying-a-new-version).
  await continueAsNew<typeof caseWorkflow>({ ...input, policy, carried, ...namedFeatures(input.features != null) });
}

/**
 * The timer the dormant loop sleeps on, kept while the instant it waits for stays the same. Waking
 * for a change used to cancel the timer and start a new one for the same instant: two commands and
 * two events (and a timer-queue write on the server) on every change. Now a change leaves the timer
 * running; it is cancelled only when the instant moves, and a new one started.
 */
function steadyWaker() {
  let steady: { at: string; fired: boolean; scope: CancellationScope } | undefined;
  /** Wait for `woken` or until `at` (none: no time limit): true when woken, false when the time came, as `condition` answers. */
  return async function wakeFor(woken: () => boolean, at: string | undefined): Promise<boolean> {
    if (steady?.at !== at) {
      steady?.scope.cancel();
      steady = undefined;
      if (at) {
        const timer = { at, fired: false, scope: new CancellationScope() };
        timer.scope
          .run(() => sleep(Math.max(1, Date.parse(at) - Date.now())))
          .then(
            () => (timer.fired = true),
            () => undefined, // cancelled: the instant moved
          );
        steady = timer;
      }
    }
    const timer = steady;
    await condition(() => woken() || !!timer?.fired);
    if (!timer?.fired) return true;
    steady = undefined; // spent: the next wait for the same instant (a due time not yet acted on) starts another
    return false;
  };
}

/** A new case at claim, or an imported one where its record says it stands (checked before it was started). */
function openingState(input: CaseWorkflowInput, policy: Policy, tribunalRules: boolean): CaseState {
  if (!input.imported) return openCase(input.open);
  const built = importedState(input.imported.record, input.open.caseId, input.open.openedAt, policy, tribunalRules);
  if (!built.ok)
    throw ApplicationFailure.create({ type: 'invalid', message: fieldErrorsText(built.errors), nonRetryable: true });
  return { ...built.state, imported: input.imported };
}

/**
 * Attributes a case can lose, removed (upserted as null) when it does, so search never shows a stale
 * one: an appeal's ending (a reinstated or re-lodged appeal has none), and the 24-week clock's when
 * the dated facts or the tribunal's flag say it never applied. A lost clock also drops `24-week` from
 * CaseCohort, so its attributes go in an upsert made anyway, and histories recorded before they were
 * removed replay with the same commands (test/fixtures/v3-chain-flag-removed-before-attributes-were.pb).
 */
const REMOVABLE = [SA.appealEnded, SA.clock, SA.deadline, SA.escalation] as const;

/** Upsert only what changed: each upsert is an event in history. */
function changedSearchAttributes(before: CaseState, after: CaseState): SearchAttributeUpdatePair[] {
  const was = new Map(searchAttributesOf(before).map((p) => [p.key.name, JSON.stringify(p.value)]));
  const now = searchAttributesOf(after);
  const gone = REMOVABLE.filter((k) => was.has(k.name) && !now.some((p) => p.key.name === k.name));
  return [
    ...now.filter((p) => was.get(p.key.name) !== JSON.stringify(p.value)),
    ...gone.map((key) => ({ key, value: null }) as SearchAttributeUpdatePair),
  ];
}
