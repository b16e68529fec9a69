/**
 * The one transition table. Every event type lists who may send it, where in the lifecycle it is
 * allowed, what it checks in its payload, what it does, and which systems must hear of it.
 * `allowedEvents`, `checkEvent` and `applyEvent` read only this table; so do the workflow's
 * update validator, the API's 409 answer and the docs.
 */
import type { CaseState } from './case.js';
import { EXTERNAL_SYSTEMS, type Source, type System } from './systems.js';
import { appealWindowOf } from './limits.js';
import { appealPendingReason, removalBar } from './pending.js';
import {
  COURTS,
  GRANTS,
  JUDICIAL_REVIEW_TARGETS,
  type AppealEnding,
  type Cohort,
  type Court,
  type Party,
} from './case.js';
import { appealStartedOn, cohortNow, inDutyOn } from './cohort.js';
import {
  CLOCK_NAMES,
  endClocks,
  extendClock,
  resumeClocks,
  startDayClock,
  startTribunalClock,
  stopClock,
  updateClock,
  withClock,
  type ClockName,
} from './clocks.js';
import { addDays, daysAfter, londonDate, type DayLimit } from './days.js';
import { bankHolidayCalendar, deadlineDay, nextWorkingDay } from './working-days.js';
import { checkFields, field, optional, type FieldError, type Fields, type ValuesOf } from './fields.js';
import { correctImport, importedState, type ImportedFrom } from './import.js';
import { canonicalPnc } from './identifiers.js';
import { LINK_RELATIONS, linkMade, linkProblem, linksFull, withLink } from './links.js';
import { STATE_BOUNDS } from './bounds.js';
import type { Policy } from './policy.js';
import type { ActorRole, Role } from './roles.js';
import { anyOf, positionOf, splitPosition, type Position } from './stages.js';

/** What an event is checked and applied against: the workflow's own clock, never the wall. */
export interface EventContext {
  /** ISO date-time of the change (workflow time). */
  at: string;
  /** The limits in force for clocks this change starts. */
  policy: Policy;
  /**
   * Deadline days move past weekends and bank holidays, and an appeal lodged after its window is
   * out of time (default). False only while replaying runs recorded before these rules (the
   * workflow's patch), which counted plain days.
   */
  tribunalRules?: boolean;
}

export type { FieldError };

/**
 * One row: the whole definition of an event. Its payload (`fields`), who may send it (people's
 * roles, and the external systems that report it by webhook, which send as `integration`), where in
 * the lifecycle it applies, any rule beyond its fields, what it does, and who must hear of it.
 */
interface Row<F extends Fields> {
  fields: F;
  roles: readonly ActorRole[];
  reportedBy?: readonly Source[];
  from: readonly Position[];
  /**
   * A state condition beyond the position; returns why not, or null. Given the event when one is
   * being checked; without it (what is allowed now?) it answers for the event in principle.
   */
  guard?: (state: CaseState, event?: ValuesOf<F>) => string | null;
  apply: (state: CaseState, event: ValuesOf<F>, ctx: EventContext) => CaseState;
  /** A payload rule beyond each field's own (e.g. a whole imported record, an event's dates in order). */
  check?: (event: ValuesOf<F>, ctx: EventContext) => FieldError[];
  /** Which external systems must hear of this change. */
  notify: readonly System[] | ((before: CaseState) => readonly System[]);
}

/** Declares a row; the payload type of `apply` and `check` follows from `fields`. */
const row = <const F extends Fields>(r: Row<F>): Row<F> => r;

const BOTH: readonly System[] = ['homeOffice', 'courts'];
const HO: readonly System[] = ['homeOffice'];
const NONE: readonly System[] = [];
const NOTIFIER: readonly System[] = ['notifier'];
const HMCTS_REPORTS = ['hmcts'] as const satisfies readonly Source[];
const HOME_OFFICE_REPORTS = ['home-office'] as const satisfies readonly Source[];
/** Exits are news to the courts only where there has been an appeal. */
const hoAndCourtsIfAppealed = (s: CaseState) => (s.counts.appeals > 0 ? BOTH : HO);

const ANYWHERE: readonly Position[] = [
  ...anyOf('claim'),
  ...anyOf('decision'),
  ...anyOf('appeal'),
  ...anyOf('tribunal'),
  ...anyOf('exit'),
];
/** Exits after which further submissions can be made (a refusal that stands). */
const REFUSED_EXITS: readonly Position[] = [
  'exit:appeal-rights-exhausted',
  'exit:appeal-withdrawn',
  'exit:certified',
  'exit:inadmissible',
  'exit:withdrawn',
];
/** An appeal (or a late one) not yet determined: where it can be withdrawn, struck out or abandoned. */
const BEFORE_DETERMINATION: readonly Position[] = [
  'appeal:lodged',
  'appeal:out-of-time',
  'tribunal:listed',
  'tribunal:adjourned',
  'tribunal:reserved',
  'tribunal:remitted',
];
/** Where a respondent's direction can be given, served or extended: the appeal is being prepared or heard. */
const PREPARING: readonly Position[] = ['appeal:lodged', 'tribunal:listed', 'tribunal:adjourned', 'tribunal:reserved'];
/** A person who has left the country cannot abscond or be removed again. */
const GONE: readonly Position[] = ['exit:removed', 'exit:departed'];

/** The bank holidays a change counts deadline days with: the shipped calendar and the deployment's own. */
const calendarOf = (policy: Policy) => bankHolidayCalendar(policy.bankHolidays);
/** `days` after `from` as this change counts them: to a working day, or plain days for runs recorded before. */
const deadlineFrom = (from: string, days: number, ctx: EventContext): DayLimit =>
  ctx.tribunalRules === false ? daysAfter(from, days) : deadlineDay(from, days, calendarOf(ctx.policy));
/**
 * A window's last day, kept on the case when it opens under the tribunal's rules. Runs recorded
 * before keep none, so they count plain days from the dates and sleep exactly as they did.
 */
const lastDayKept = <K extends 'appealWindowLastDay' | 'onwardWindowLastDay'>(
  key: K,
  from: string,
  days: number,
  ctx: EventContext,
): { [P in K]?: string } =>
  ctx.tribunalRules === false ? {} : ({ [key]: deadlineFrom(from, days, ctx).lastDay } as { [P in K]?: string });

/** The London date of a change: the day it happened, as the tribunal counts days. */
const day = londonDate;
const move = (state: CaseState, to: Position): CaseState => ({ ...state, ...splitPosition(to) });
const exitTo = (state: CaseState, to: Position, ctx: EventContext): CaseState => ({
  ...move(state, to),
  dates: { ...state.dates, exitedOn: day(ctx.at) },
});
/** The appeal ends without a determination: every live clock stops as `ended`, never a breach. */
const endAppeal = (state: CaseState, how: AppealEnding['how'], ctx: EventContext): CaseState => ({
  ...endClocks(state, day(ctx.at)),
  appealEnded: { how, on: day(ctx.at) },
});
/**
 * Leaving the process while an appeal is pending abandons it (2002 Act s.104(4), (4A)): a grant of
 * leave or a departure from the UK ends the appeal and its clocks. Not before one is brought (the
 * window after a refusal), and not after it was allowed: leave then is the appeal's outcome.
 */
const NOT_ABANDONED: readonly Position[] = ['decision:refused', 'tribunal:allowed'];
const exitAbandoning = (state: CaseState, to: Position, ctx: EventContext): CaseState =>
  appealPendingReason(state) !== null && !NOT_ABANDONED.includes(positionOf(state))
    ? endAppeal(exitTo(state, to, ctx), 'abandoned', ctx)
    : exitTo(state, to, ctx);
/** A late appeal can reopen rights exhausted only when the window closed unused (not after an appeal or a refused extension). */
const lateAppealFits = (s: CaseState): string | null => {
  if (s.status !== 'appeal-rights-exhausted') return null;
  if (!s.dates.refusedOn) return 'no refusal on record to appeal against';
  if (s.dates.extensionRefusedOn) return 'the tribunal refused to extend time for this appeal';
  if (s.dates.appealLodgedOn) return 'appeal rights were exhausted after an appeal';
  return null;
};
/**
 * A field error when one date of an event is before another it follows. Dates of different events
 * are not held against each other: an omitted date is the day it was recorded, and records arrive
 * late (a refusal recorded today for an appeal lodged last month is normal).
 */
const notBefore = (fieldName: string, value: string | undefined, earlier: string | undefined, what: string) =>
  value && earlier && value < earlier ? [{ field: fieldName, message: `cannot be before ${what} (${earlier})` }] : [];

/** The 24-week clock for an appeal treated as lodged on `on`, if its appellant is in the duty then. */
const withTribunalClock = (state: CaseState, on: string, ctx: EventContext): CaseState =>
  inDutyOn(state, on, ctx.policy, ctx.tribunalRules !== false)
    ? withClock(state, startTribunalClock(on, ctx.policy, state.caseId))
    : state;

/** Where the current appeal awaits its First-tier determination with a 24-week question to answer. */
const AWAITING_DETERMINATION: readonly Position[] = [
  'appeal:lodged',
  'tribunal:listed',
  'tribunal:adjourned',
  'tribunal:reserved',
  'tribunal:remitted',
];
/**
 * The day the 24 weeks of the appeal now before the First-tier would run from: after a remittal, the
 * remittal's day, also once the remitted appeal is listed again.
 */
const dutyStart = (s: CaseState) => s.dates.remittedOn ?? appealStartedOn(s);
/** Whether that appeal is in the duty: a remitted one only by the tribunal's flag (set since the remittal), never by the facts. */
const inDutyNow = (s: CaseState, start: string, policy: Policy) =>
  s.dates.remittedOn ? s.tribunalFlag?.inCohort === true : inDutyOn(s, start, policy);

/**
 * After a fact or the tribunal's flag changed membership, the current appeal's 24-week clock follows:
 * started (back-dated to the appeal's start) when it is in the duty and has none, removed when it is
 * not (it never applied). A clock already stopped or ended keeps its record.
 */
function followDuty(s: CaseState, ctx: EventContext): CaseState {
  const start = dutyStart(s);
  if (!start || !AWAITING_DETERMINATION.includes(positionOf(s))) return s;
  const clock = s.clocks.find((c) => c.name === 'tribunal-24-weeks' && c.startedOn === addDays(start, 1));
  const inDuty = inDutyNow(s, start, ctx.policy);
  if (inDuty && !clock) return withClock(s, startTribunalClock(start, ctx.policy, s.caseId));
  if (!inDuty && clock && !clock.stoppedOn && clock.state !== 'ended')
    return { ...s, clocks: s.clocks.filter((c) => c !== clock) };
  return s;
}

const COHORT_KEYS = [
  'supportedAccommodation',
  'foreignNationalOffender',
  'detained',
  'outOfCountry',
] as const satisfies readonly (keyof Cohort)[];

/** The party who lost the determination: the one an onward challenge is brought by, when not said. */
const loser = (s: CaseState): Party => (s.determination === 'allowed' ? 'respondent' : 'appellant');
/** The court an onward challenge goes to next: permission first from the First-tier; after the Upper Tribunal decides, the Court of Appeal. */
const nextCourt = (s: CaseState): Court =>
  s.status === 'permission-refused'
    ? 'upper-tribunal'
    : s.onwardDecidedBy === 'upper-tribunal'
      ? 'court-of-appeal'
      : 'first-tier';
/** The determination as it stands once an onward challenge by `party` is won or lost. */
const determinationAfter = (s: CaseState, party: Party, won: boolean): 'allowed' | 'dismissed' =>
  (party === 'appellant') === won ? 'allowed' : 'dismissed';
/**
 * The determination is final: a dismissal exhausts appeal rights; an allowed appeal stands with its
 * onward window closed (the Home Office may grant).
 */
const finalDetermination = (s: CaseState, determination: 'allowed' | 'dismissed', ctx: EventContext): CaseState => {
  const base = { ...s, determination, onward: undefined };
  return determination === 'dismissed'
    ? exitTo(base, 'exit:appeal-rights-exhausted', ctx)
    : { ...move(base, 'tribunal:allowed'), dates: { ...base.dates, onwardWindowClosedOn: day(ctx.at) } };
};
/** Days to seek permission from here: longer from outside the UK (r.33(3)). */
const onwardDays = (s: CaseState, p: Policy) =>
  s.dates.outOfCountry || s.cohort.outOfCountry
    ? (p.onwardAppealWindowDaysOutOfCountry ?? 28)
    : p.onwardAppealWindowDays;

/** A refusal: the window opens from the day the notice was sent; a new round, the last appeal's dates are history. */
function refuse(
  s: CaseState,
  e: { decidedOn?: string; sentOn?: string; outOfCountry?: boolean },
  ctx: EventContext,
): CaseState {
  const refusedOn = e.decidedOn ?? day(ctx.at);
  const days = e.outOfCountry ? ctx.policy.appealWindowDays.outOfCountry : ctx.policy.appealWindowDays.inCountry;
  return {
    ...move(s, 'decision:refused'),
    appealEnded: undefined,
    tribunalFlag: undefined,
    onward: undefined,
    onwardDecidedBy: undefined,
    dates: {
      claimDate: s.dates.claimDate,
      refusedOn,
      // The window runs from the day the notice was sent (procedure rules, r.19), to a working day (r.11).
      sentOn: e.sentOn,
      outOfCountry: e.outOfCountry ?? false,
      appealWindowDays: days,
      ...lastDayKept('appealWindowLastDay', e.sentOn ?? refusedOn, days, ctx),
    },
  };
}
const liveClock = (name: ClockName) => (s: CaseState) =>
  s.clocks.some((c) => c.name === name && (c.state === 'running' || c.state === 'breached'))
    ? null
    : `no ${name} clock is running or breached`;

/**
 * The Home Office's respondent deadlines work alike: the tribunal asks (the clock starts), the
 * Home Office serves (it stops), while the appeal waits for or awaits its hearing.
 */
const respondentDeadline = {
  request: (clock: ClockName, days: (p: Policy) => number) =>
    row({
      fields: {},
      roles: ['tribunal'],
      reportedBy: HMCTS_REPORTS,
      from: PREPARING,
      apply: (s, _e, ctx) =>
        withClock(s, startDayClock(clock, day(ctx.at), deadlineFrom(day(ctx.at), days(ctx.policy), ctx))),
      notify: BOTH,
    }),
  serve: (clock: ClockName) =>
    row({
      fields: {},
      roles: ['caseworker'],
      reportedBy: HOME_OFFICE_REPORTS,
      from: PREPARING,
      // Served after its last day is still served: recorded, and shown as late.
      guard: liveClock(clock),
      apply: (s, _e, ctx) => stopClock(s, clock, day(ctx.at)),
      notify: BOTH,
    }),
};

/** Raised by the workflow itself when a running clock reaches a warning or its end; heard by the notifier. */
const clockTimer = {
  roles: ['system'],
  from: ANYWHERE,
  guard: (s: CaseState) => (s.clocks.some((c) => c.state === 'running') ? null : 'no clock is running'),
  notify: NOTIFIER,
} as const;
/** Which clock, and its last day (absent on events recorded before notices carried it). */
const clockTimerFields = { clock: field.oneOf(CLOCK_NAMES), lastDay: optional(field.date()) } as const;

/** Why the held event under `key` cannot be applied now (without a key: whether any can), or null. */
function heldProblem(s: CaseState, key: string | undefined): string | null {
  const held = s.held.filter((h) => key === undefined || h.key === key);
  if (held.length === 0) return key === undefined ? 'no event is held' : `no event is held under ${key}`;
  if (held.some((h) => h.event && placeAllows(s, h.event.type, h.event))) return null;
  if (key === undefined) return 'no held event fits the case now';
  const h = held[0]!;
  return h.event
    ? `the held ${h.type} does not fit the case at ${positionOf(s)}`
    : `the held ${h.type} was kept before held events kept their content: dismiss it and ask ${h.key.split(':')[0]} to send it again`;
}

const EVENT_TABLE = {
  'claim.screened': row({
    fields: {},
    roles: ['caseworker'],
    from: ['claim:lodged'],
    apply: (s) => move(s, 'claim:screened'),
    notify: HO,
  }),
  'claim.interviewed': row({
    fields: {},
    roles: ['caseworker'],
    from: ['claim:lodged', 'claim:screened', 'claim:reconsidering'],
    apply: (s) => move(s, 'claim:interviewed'),
    notify: HO,
  }),
  'claim.withdrawn': row({
    fields: {},
    roles: ['caseworker'],
    from: [...anyOf('claim'), 'decision:refused'],
    apply: (s, _e, ctx) => exitTo(s, 'exit:withdrawn', ctx),
    notify: HO,
  }),
  'decision.granted': row({
    fields: { grant: field.oneOf(GRANTS) },
    roles: ['caseworker'],
    reportedBy: HOME_OFFICE_REPORTS,
    from: anyOf('claim'),
    apply: (s, _e, ctx) => exitTo(s, 'exit:granted', ctx),
    notify: HO,
  }),
  'decision.refused': row({
    fields: {
      outOfCountry: optional(field.boolean()),
      decidedOn: optional(field.pastDate()),
      sentOn: optional(field.pastDate()),
    },
    roles: ['caseworker'],
    reportedBy: HOME_OFFICE_REPORTS,
    from: anyOf('claim'),
    check: (e, ctx) => notBefore('sentOn', e.sentOn, e.decidedOn ?? day(ctx.at), 'the decision'),
    apply: (s, e, ctx) => refuse(s, e, ctx),
    notify: HO,
  }),
  'decision.certified': row({
    fields: {},
    roles: ['caseworker'],
    reportedBy: HOME_OFFICE_REPORTS,
    from: anyOf('claim'),
    apply: (s, _e, ctx) => exitTo(s, 'exit:certified', ctx),
    notify: HO,
  }),
  'decision.inadmissible': row({
    fields: {},
    roles: ['caseworker'],
    reportedBy: HOME_OFFICE_REPORTS,
    from: anyOf('claim'),
    apply: (s, _e, ctx) => exitTo(s, 'exit:inadmissible', ctx),
    notify: HO,
  }),
  'appeal.lodged': row({
    fields: {
      hmctsRef: optional(field.hmctsRef()),
      lodgedOn: optional(field.pastDate()),
      outOfTime: optional(field.boolean()),
    },
    roles: ['tribunal'],
    reportedBy: HMCTS_REPORTS,
    // Also after the window closed unused: a late appeal is the tribunal's to admit or refuse, so the
    // tracker records it and reopens the case rather than holding it (procedure rules, r.20).
    from: ['decision:refused', 'exit:appeal-rights-exhausted'],
    guard: lateAppealFits,
    apply: (s, e, ctx) => {
      const lodgedOn = e.lodgedOn ?? day(ctx.at);
      const window = appealWindowOf(s, ctx.policy);
      // The tribunal's own word wins; otherwise the dates decide (an appeal lodged in time but heard of late is in time).
      const late = e.outOfTime ?? (ctx.tribunalRules !== false && window !== null && lodgedOn > window.lastDay);
      const next: CaseState = {
        ...move(s, late ? 'appeal:out-of-time' : 'appeal:lodged'),
        identifiers: { ...s.identifiers, ...(e.hmctsRef ? { hmctsRef: e.hmctsRef } : {}) },
        counts: { ...s.counts, appeals: s.counts.appeals + 1 },
        appealEnded: undefined,
        tribunalFlag: undefined,
        onward: undefined,
        onwardDecidedBy: undefined,
        dates: {
          ...s.dates,
          appealLodgedOn: lodgedOn,
          hearingDate: undefined,
          determinedOn: undefined,
          promulgatedOn: undefined,
          heardOn: undefined,
          onThePapers: undefined,
          exitedOn: undefined,
        },
      };
      // A late appeal has no 24-week clock until the tribunal admits it.
      return late ? next : withTribunalClock(next, lodgedOn, ctx);
    },
    notify: BOTH,
  }),
  'appeal.extension-decided': row({
    fields: { granted: field.boolean(), reason: field.text(2000) },
    roles: ['tribunal'],
    from: ['appeal:out-of-time'],
    // Granted: the appeal proceeds as if lodged that day. Refused: rights are exhausted again.
    apply: (s, e, ctx) =>
      e.granted
        ? withTribunalClock(
            { ...move(s, 'appeal:lodged'), dates: { ...s.dates, extensionGrantedOn: day(ctx.at) } },
            day(ctx.at),
            ctx,
          )
        : {
            ...exitTo(s, 'exit:appeal-rights-exhausted', ctx),
            dates: { ...s.dates, extensionRefusedOn: day(ctx.at), exitedOn: day(ctx.at) },
          },
    notify: BOTH,
  }),
  'appeal.decision-withdrawn': row({
    fields: { reason: field.text(2000) },
    roles: ['caseworker'],
    from: BEFORE_DETERMINATION,
    // The tribunal treats the appeal as withdrawn (r.17(2)); the claim is decided again.
    apply: (s, _e, ctx) => endAppeal(move(s, 'claim:reconsidering'), 'decision-withdrawn', ctx),
    notify: BOTH,
  }),
  'tribunal.listed': row({
    fields: { hearingDate: field.date() },
    roles: ['tribunal'],
    reportedBy: HMCTS_REPORTS,
    // Listed again: a hearing moved, or one fixed after an adjournment.
    from: ['appeal:lodged', 'tribunal:remitted', 'tribunal:listed', 'tribunal:adjourned'],
    apply: (s, e) => ({ ...move(s, 'tribunal:listed'), dates: { ...s.dates, hearingDate: e.hearingDate } }),
    notify: BOTH,
  }),
  'tribunal.adjourned': row({
    fields: { reason: field.text(2000), hearingDate: optional(field.date()) },
    roles: ['tribunal'],
    reportedBy: HMCTS_REPORTS,
    from: ['tribunal:listed'],
    // With a new date the appeal stays listed; without one it waits to be listed again.
    apply: (s, e) =>
      e.hearingDate
        ? { ...move(s, 'tribunal:listed'), dates: { ...s.dates, hearingDate: e.hearingDate } }
        : { ...move(s, 'tribunal:adjourned'), dates: { ...s.dates, hearingDate: undefined } },
    notify: BOTH,
  }),
  'tribunal.reserved': row({
    fields: { heardOn: optional(field.pastDate()) },
    roles: ['tribunal'],
    from: ['tribunal:listed'],
    apply: (s, e, ctx) => ({
      ...move(s, 'tribunal:reserved'),
      dates: { ...s.dates, heardOn: e.heardOn ?? day(ctx.at) },
    }),
    notify: BOTH,
  }),
  'tribunal.determined': row({
    fields: {
      outcome: field.oneOf(['allowed', 'dismissed']),
      determinedOn: optional(field.pastDate()),
      promulgatedOn: optional(field.pastDate()),
      onThePapers: optional(field.boolean()),
    },
    roles: ['tribunal'],
    reportedBy: HMCTS_REPORTS,
    from: ['tribunal:listed', 'tribunal:reserved', 'tribunal:adjourned', 'appeal:lodged', 'tribunal:remitted'],
    // Without a hearing listed, only a determination on the papers (r.25) fits.
    guard: (s, e) =>
      e && !e.onThePapers && (s.stage === 'appeal' || s.status !== 'listed') && s.status !== 'reserved'
        ? `an appeal ${s.status} without a hearing can be determined only on the papers (onThePapers: true)`
        : null,
    check: (e) => notBefore('promulgatedOn', e.promulgatedOn, e.determinedOn, 'the determination'),
    // The duty is met when the parties are sent the decision: the 24-week clock stops on the
    // promulgation date (the determination's own date when only that is given; else today).
    apply: (s, e, ctx) => {
      const promulgatedOn = e.promulgatedOn ?? e.determinedOn ?? day(ctx.at);
      return stopClock(
        {
          ...move(s, e.outcome === 'allowed' ? 'tribunal:allowed' : 'tribunal:dismissed'),
          determination: e.outcome,
          dates: {
            ...s.dates,
            determinedOn: e.determinedOn ?? promulgatedOn,
            promulgatedOn,
            ...(e.onThePapers ? { onThePapers: true } : {}),
            onwardWindowDays: ctx.policy.onwardAppealWindowDays,
            // Permission to appeal runs from the day the decision was sent (r.33), to a working day (r.11).
            ...lastDayKept('onwardWindowLastDay', promulgatedOn, onwardDays(s, ctx.policy), ctx),
          },
        },
        'tribunal-24-weeks',
        promulgatedOn,
      );
    },
    notify: BOTH,
  }),
  'appeal.withdrawn': row({
    fields: { reason: field.text(2000) },
    roles: ['tribunal'],
    reportedBy: HMCTS_REPORTS,
    from: BEFORE_DETERMINATION,
    // The appellant withdraws (r.17): the appeal ends, its clocks with it.
    apply: (s, _e, ctx) => endAppeal(exitTo(s, 'exit:appeal-withdrawn', ctx), 'withdrawn', ctx),
    notify: BOTH,
  }),
  'appeal.struck-out': row({
    fields: { reason: field.text(2000) },
    roles: ['tribunal'],
    from: BEFORE_DETERMINATION,
    apply: (s, _e, ctx) => ({
      ...endAppeal(move(s, 'tribunal:struck-out'), 'struck-out', ctx),
      struckOutFrom: positionOf(s),
    }),
    notify: BOTH,
  }),
  'appeal.reinstated': row({
    fields: { reason: field.text(2000) },
    roles: ['tribunal'],
    from: ['tribunal:struck-out'],
    // Back where it was struck out from; its clocks resume with the time already used.
    apply: (s, _e, ctx) => ({
      ...resumeClocks(move(s, s.struckOutFrom ?? 'appeal:lodged'), day(ctx.at), calendarOf(ctx.policy)),
      appealEnded: undefined,
      struckOutFrom: undefined,
    }),
    notify: BOTH,
  }),
  'appeal.direction-extended': row({
    fields: {
      clock: field.oneOf(['respondent-evidence', 'respondent-review']),
      deadline: field.date(),
      reason: field.text(2000),
    },
    roles: ['tribunal'],
    from: PREPARING,
    guard: (s, e) =>
      e
        ? liveClock(e.clock)(s)
        : liveClock('respondent-evidence')(s) && liveClock('respondent-review')(s)
          ? 'no respondent direction is running or breached'
          : null,
    check: (e, ctx) => (e.deadline < day(ctx.at) ? [{ field: 'deadline', message: 'cannot be in the past' }] : []),
    // A new last day on a weekend or bank holiday is met on the next working day (r.11).
    apply: (s, e, ctx) =>
      extendClock(s, e.clock, nextWorkingDay(e.deadline, calendarOf(ctx.policy)), day(ctx.at), e.reason.trim()),
    notify: BOTH,
  }),
  // Permission first from the First-tier; when it refuses, renewed to the Upper Tribunal within its
  // window; after the Upper Tribunal decides, to the Court of Appeal. Either party may bring one; the
  // appeal stays pending throughout (2002 Act s.104(2)).
  'onward-appeal.lodged': row({
    fields: { party: optional(field.oneOf(['appellant', 'respondent'])), to: optional(field.oneOf(COURTS)) },
    roles: ['tribunal'],
    reportedBy: HMCTS_REPORTS,
    from: ['tribunal:allowed', 'tribunal:dismissed', 'tribunal:permission-refused'],
    guard: (s, e) => {
      if (positionOf(s) === 'tribunal:allowed' && s.dates.onwardWindowClosedOn)
        return 'the determination is final: the time to seek permission has passed';
      const to = e?.to ?? nextCourt(s);
      return to === nextCourt(s) ? null : `an onward challenge from here goes to the ${nextCourt(s)}, not the ${to}`;
    },
    apply: (s, e, ctx) => ({
      ...move(s, 'tribunal:onward-appeal-pending'),
      onward: {
        party: e.party ?? s.onward?.party ?? loser(s),
        court: e.to ?? nextCourt(s),
        kind: 'permission',
        lodgedOn: day(ctx.at),
      },
    }),
    notify: BOTH,
  }),
  'onward-appeal.decided': row({
    fields: {
      outcome: field.oneOf(['refused', 'granted', 'allowed', 'dismissed', 'remitted']),
      by: optional(field.oneOf(COURTS)),
      /** The day the decision was sent: the next window runs from it (default today). */
      decidedOn: optional(field.pastDate()),
    },
    roles: ['tribunal'],
    reportedBy: HMCTS_REPORTS,
    from: ['tribunal:onward-appeal-pending'],
    guard: (s, e) => {
      if (!e?.by)
        return e && (e.outcome === 'granted' || e.outcome === 'dismissed') ? 'say which court decided (`by`)' : null;
      const on = s.onward;
      if (!on) return null;
      if (e.by !== on.court) return `the challenge is before the ${on.court}, not the ${e.by}`;
      const fits = on.kind === 'permission' ? ['refused', 'granted'] : ['allowed', 'dismissed', 'remitted'];
      return fits.includes(e.outcome) ? null : `a ${on.kind} decision is one of ${fits.join(', ')}`;
    },
    apply: (s, e, ctx) => {
      const party = s.onward?.party ?? loser(s);
      if (e.outcome === 'remitted')
        return {
          ...move(s, 'tribunal:remitted'),
          onward: undefined,
          onwardDecidedBy: undefined,
          determination: undefined,
          // A fresh hearing: 24 weeks only if the tribunal flags it again.
          tribunalFlag: undefined,
          dates: { ...s.dates, remittedOn: day(ctx.at), hearingDate: undefined },
        };
      // Recorded before the chain (no court named): the decision is final, as it was then.
      if (!e.by) {
        const won = e.outcome === 'allowed';
        const determination = determinationAfter(s, party, won);
        return determination === 'allowed'
          ? { ...move(s, 'tribunal:allowed'), determination }
          : { ...exitTo(s, 'exit:appeal-rights-exhausted', ctx), determination };
      }
      if (e.outcome === 'granted')
        return {
          ...s,
          onward: { ...s.onward!, court: e.by === 'first-tier' ? 'upper-tribunal' : e.by, kind: 'appeal' },
        };
      if (e.outcome === 'refused' && e.by === 'first-tier')
        return {
          ...move(s, 'tribunal:permission-refused'),
          dates: {
            ...s.dates,
            permissionRefusedOn: e.decidedOn ?? day(ctx.at),
            renewalWindowLastDay: deadlineFrom(e.decidedOn ?? day(ctx.at), ctx.policy.permissionRenewalDays ?? 14, ctx)
              .lastDay,
          },
        };
      const determination = determinationAfter(s, party, e.outcome === 'allowed');
      // The Upper Tribunal decided the appeal: the Court of Appeal may still be asked, within its window.
      if (e.by === 'upper-tribunal' && s.onward?.kind === 'appeal')
        return {
          ...move(s, determination === 'allowed' ? 'tribunal:allowed' : 'tribunal:dismissed'),
          determination,
          onward: undefined,
          onwardDecidedBy: 'upper-tribunal',
          dates: {
            ...s.dates,
            onwardWindowClosedOn: undefined,
            onwardDecidedOn: e.decidedOn ?? day(ctx.at),
            ...lastDayKept('onwardWindowLastDay', e.decidedOn ?? day(ctx.at), onwardDays(s, ctx.policy), ctx),
          },
        };
      return { ...finalDetermination(s, determination, ctx), onwardDecidedBy: e.by };
    },
    notify: BOTH,
  }),
  'permission-renewal-window.expired': row({
    fields: {},
    roles: ['system'],
    from: ['tribunal:permission-refused'],
    apply: (s, _e, ctx) => finalDetermination(s, s.determination ?? 'dismissed', ctx),
    notify: BOTH,
  }),
  'exit.leave-granted': row({
    fields: {},
    roles: ['caseworker'],
    reportedBy: HOME_OFFICE_REPORTS,
    from: [
      'tribunal:allowed',
      'decision:refused',
      ...BEFORE_DETERMINATION,
      'tribunal:dismissed',
      'tribunal:onward-appeal-pending',
      'tribunal:permission-refused',
      'tribunal:struck-out',
      'exit:appeal-withdrawn',
    ],
    apply: (s, _e, ctx) => exitAbandoning(s, 'exit:leave-granted', ctx),
    notify: hoAndCourtsIfAppealed,
  }),
  'exit.removed': row({
    fields: {},
    roles: ['caseworker'],
    reportedBy: HOME_OFFICE_REPORTS,
    // Once the appeal is over (rights exhausted, withdrawn, struck out and not reinstated) the refusal stands.
    from: [
      'exit:appeal-rights-exhausted',
      'exit:appeal-withdrawn',
      'tribunal:struck-out',
      'exit:certified',
      'exit:inadmissible',
    ],
    // No removal while an appeal is pending (2002 Act s.78), further submissions await consideration
    // (para 353A) or a judicial review is pending.
    guard: removalBar,
    apply: (s, _e, ctx) => exitTo(s, 'exit:removed', ctx),
    notify: hoAndCourtsIfAppealed,
  }),
  'exit.departed': row({
    fields: {},
    roles: ['caseworker'],
    reportedBy: HOME_OFFICE_REPORTS,
    from: [
      'decision:refused',
      ...BEFORE_DETERMINATION,
      'tribunal:dismissed',
      'tribunal:onward-appeal-pending',
      'exit:appeal-rights-exhausted',
      'exit:certified',
      'exit:inadmissible',
      'exit:withdrawn',
      'exit:appeal-withdrawn',
      'tribunal:struck-out',
      'exit:further-submissions-pending',
      'tribunal:permission-refused',
    ],
    apply: (s, _e, ctx) => exitAbandoning(s, 'exit:departed', ctx),
    notify: hoAndCourtsIfAppealed,
  }),
  'person.absconded': row({
    fields: {},
    roles: ['caseworker'],
    reportedBy: HOME_OFFICE_REPORTS,
    from: ANYWHERE.filter((p) => !GONE.includes(p)),
    guard: (s) => (s.flags.absconded ? 'already recorded as absconded' : null),
    apply: (s, _e, ctx) => ({
      ...s,
      flags: { ...s.flags, absconded: true },
      counts: { ...s.counts, abscondings: s.counts.abscondings + 1 },
      abscondingPeriods: [...(s.abscondingPeriods ?? []), { from: day(ctx.at) }],
    }),
    notify: HO,
  }),
  'person.reported': row({
    fields: {},
    roles: ['caseworker'],
    reportedBy: HOME_OFFICE_REPORTS,
    from: ANYWHERE,
    guard: (s) => (s.flags.absconded ? null : 'not recorded as absconded'),
    apply: (s, _e, ctx) => ({
      ...s,
      flags: { ...s.flags, absconded: false },
      abscondingPeriods: (s.abscondingPeriods ?? []).map((p) => (p.to ? p : { ...p, to: day(ctx.at) })),
    }),
    notify: HO,
  }),
  'further-submissions.lodged': row({
    fields: { freshClaim: optional(field.boolean()) },
    roles: ['caseworker'],
    reportedBy: HOME_OFFICE_REPORTS,
    from: REFUSED_EXITS,
    // Whether they amount to a fresh claim is the Home Office's decision (para 353): without it they
    // await consideration. A fresh claim re-enters claim; the dates of the previous round are history.
    apply: (s, e, ctx) => {
      if (e.freshClaim === undefined)
        return {
          ...move(s, 'exit:further-submissions-pending'),
          furtherSubmissions: { lodgedOn: day(ctx.at), from: positionOf(s) },
        };
      return e.freshClaim
        ? {
            ...move(s, 'claim:lodged'),
            counts: { ...s.counts, claims: s.counts.claims + 1 },
            determination: undefined,
            dates: { claimDate: day(ctx.at) },
          }
        : s;
    },
    notify: HO,
  }),
  'further-submissions.decided': row({
    fields: { outcome: field.oneOf(['rejected', 'fresh-claim-refused', 'granted']) },
    roles: ['caseworker'],
    reportedBy: HOME_OFFICE_REPORTS,
    from: ['exit:further-submissions-pending'],
    apply: (s, e, ctx) => {
      const { furtherSubmissions: lodged, ...rest } = s;
      if (e.outcome === 'granted') return exitTo(rest, 'exit:granted', ctx);
      // A fresh claim refused carries a new right of appeal: its window opens as for any refusal.
      if (e.outcome === 'fresh-claim-refused')
        return refuse(
          {
            ...rest,
            counts: { ...s.counts, claims: s.counts.claims + 1 },
            determination: undefined,
            dates: { claimDate: lodged?.lodgedOn ?? day(ctx.at) },
          },
          {},
          ctx,
        );
      return {
        ...move(rest, lodged?.from ?? 'exit:appeal-rights-exhausted'),
        dates: { ...s.dates, furtherSubmissionsRejectedOn: day(ctx.at) },
      };
    },
    notify: HO,
  }),
  // A decision with no appeal (certification, inadmissibility, submissions rejected as no fresh claim)
  // can be challenged only by judicial review; while one is pending the person is not removed.
  'judicial-review.lodged': row({
    fields: { against: field.oneOf(JUDICIAL_REVIEW_TARGETS), lodgedOn: optional(field.pastDate()) },
    roles: ['caseworker', 'tribunal'],
    from: [...REFUSED_EXITS],
    guard: (s, e) => {
      if (s.judicialReview) return 'a judicial review is already pending';
      const target = e?.against;
      const fits =
        (s.status === 'certified' && (!target || target === 'certification')) ||
        (s.status === 'inadmissible' && (!target || target === 'inadmissibility')) ||
        (s.dates.furtherSubmissionsRejectedOn !== undefined && (!target || target === 'further-submissions'));
      return fits ? null : 'there is no decision here that only judicial review can challenge';
    },
    apply: (s, e, ctx) => ({ ...s, judicialReview: { lodgedOn: e.lodgedOn ?? day(ctx.at), against: e.against } }),
    notify: HO,
  }),
  'judicial-review.decided': row({
    fields: { outcome: field.oneOf(['refused', 'dismissed', 'allowed']) },
    roles: ['caseworker', 'tribunal'],
    from: [...REFUSED_EXITS],
    guard: (s) => (s.judicialReview ? null : 'no judicial review is pending'),
    // Allowed: the decision is quashed and made again (submissions are considered again).
    apply: (s, e, ctx) => {
      const { judicialReview: jr, ...rest } = s;
      if (e.outcome !== 'allowed') return rest;
      return jr?.against === 'further-submissions'
        ? {
            ...move(rest, 'exit:further-submissions-pending'),
            furtherSubmissions: { lodgedOn: day(ctx.at), from: positionOf(s) },
          }
        : move(rest, 'claim:reconsidering');
    },
    notify: HO,
  }),
  // The appellant's circumstances as dated facts: 24-week membership is judged on those in force on
  // the day the appeal started, so a fact recorded late can start or remove the current appeal's clock.
  'cohort.changed': row({
    fields: {
      supportedAccommodation: optional(field.boolean()),
      foreignNationalOffender: optional(field.boolean()),
      detained: optional(field.boolean()),
      outOfCountry: optional(field.boolean()),
      effectiveOn: field.pastDate(),
      reason: field.text(2000),
    },
    roles: ['caseworker'],
    reportedBy: HOME_OFFICE_REPORTS,
    from: ANYWHERE,
    // Bounded state (#19): the facts travel in the case's state across continue-as-new.
    guard: (s) =>
      (s.cohortFacts?.length ?? 0) >= STATE_BOUNDS.cohortFacts
        ? `the case already records ${STATE_BOUNDS.cohortFacts} dated facts, the most it keeps`
        : null,
    check: (e) =>
      COHORT_KEYS.some((k) => e[k] !== undefined)
        ? []
        : [{ field: 'supportedAccommodation', message: `at least one of ${COHORT_KEYS.join(', ')} is required` }],
    apply: (s, e, ctx) => {
      const changes = Object.fromEntries(COHORT_KEYS.flatMap((k) => (e[k] === undefined ? [] : [[k, e[k]]])));
      const recorded: CaseState = {
        ...s,
        cohortBase: s.cohortBase ?? s.cohort,
        cohortFacts: [
          ...(s.cohortFacts ?? []),
          { effectiveOn: e.effectiveOn, changes, reason: e.reason.trim(), recordedAt: ctx.at },
        ],
      };
      return followDuty({ ...recorded, cohort: cohortNow(recorded) }, ctx);
    },
    notify: HO,
  }),
  'tribunal.24-week-flag-set': row({
    fields: { inCohort: field.boolean(), reason: field.text(2000) },
    roles: ['tribunal'],
    from: AWAITING_DETERMINATION,
    apply: (s, e, ctx) =>
      followDuty({ ...s, tribunalFlag: { inCohort: e.inCohort, reason: e.reason.trim(), on: day(ctx.at) } }, ctx),
    notify: BOTH,
  }),
  'case.assigned': row({
    fields: { assignee: field.text(100) },
    roles: ['caseworker', 'supervisor'],
    from: ANYWHERE,
    apply: (s, e) => ({ ...s, assignee: e.assignee.trim() }),
    notify: NONE,
  }),
  'sync.resent': row({
    // The systems a person sees: the reporting model never rejects for good (it retries), so has nothing to re-send.
    fields: { system: field.oneOf(EXTERNAL_SYSTEMS) },
    roles: ['supervisor'],
    from: ANYWHERE,
    guard: (s) => (EXTERNAL_SYSTEMS.some((sys) => s.sync[sys]?.failure) ? null : 'no sync failure to re-send'),
    apply: (s, e) => ({ ...s, sync: { ...s.sync, [e.system]: { ...s.sync[e.system], failure: null } } }),
    notify: NONE,
  }),
  // A held inbound event, applied by a supervisor once it fits: checked, applied and sent on as the
  // event the system sent (see `standsFor`); the change records who applied it.
  'held.applied': row({
    fields: { key: field.text(300) },
    roles: ['supervisor'],
    from: ANYWHERE,
    guard: (s, e) => heldProblem(s, e?.key),
    apply: (s, e) => ({ ...s, held: s.held.filter((h) => h.key !== e.key) }),
    notify: NONE,
  }),
  'held.dismissed': row({
    fields: { key: field.text(300), reason: field.text(2000) },
    roles: ['supervisor'],
    from: ANYWHERE,
    guard: (s, e) => (s.held.some((h) => h.key === (e?.key ?? h.key)) ? null : 'no such event is held'),
    apply: (s, e) => ({ ...s, held: s.held.filter((h) => h.key !== e.key) }),
    notify: NONE,
  }),
  'appeal.evidence-requested': respondentDeadline.request('respondent-evidence', (p) => p.respondentEvidenceDays),
  'appeal.evidence-served': respondentDeadline.serve('respondent-evidence'),
  'appeal.review-requested': respondentDeadline.request('respondent-review', (p) => p.respondentReviewDays),
  'appeal.review-served': respondentDeadline.serve('respondent-review'),
  'clock.exception': row({
    fields: { clock: field.oneOf(['tribunal-24-weeks']), reason: field.text(2000) },
    roles: ['tribunal'],
    from: [...anyOf('appeal'), ...anyOf('tribunal')],
    guard: (s) =>
      s.clocks.some((c) => c.name === 'tribunal-24-weeks' && (c.state === 'running' || c.state === 'breached'))
        ? null
        : 'no 24-week clock is running or breached',
    apply: (s, e, ctx) =>
      updateClock(s, e.clock, (c) => ({
        ...c,
        state: 'exception',
        exception: { reason: e.reason.trim(), at: ctx.at },
      })),
    notify: BOTH,
  }),
  'clock.escalated': row({
    ...clockTimer,
    fields: { ...clockTimerFields, level: field.int(1) },
    apply: (s, e) => updateClock(s, e.clock, (c) => ({ ...c, level: Math.max(c.level, e.level) })),
  }),
  'clock.breached': row({
    ...clockTimer,
    fields: clockTimerFields,
    apply: (s, e, ctx) => updateClock(s, e.clock, (c) => ({ ...c, state: 'breached', breachedAt: ctx.at })),
  }),
  'appeal-window.expired': row({
    fields: {},
    roles: ['system'],
    from: ['decision:refused'],
    apply: (s, _e, ctx) => exitTo(s, 'exit:appeal-rights-exhausted', ctx),
    notify: BOTH,
  }),
  // After a dismissal rights are exhausted; after an allowed appeal the determination is final (no
  // permission sought in time), and the Home Office hears it may now grant.
  'onward-appeal-window.expired': row({
    fields: {},
    roles: ['system'],
    from: ['tribunal:dismissed', 'tribunal:allowed'],
    apply: (s, _e, ctx) =>
      s.status === 'allowed'
        ? { ...s, dates: { ...s.dates, onwardWindowClosedOn: day(ctx.at) } }
        : exitTo(s, 'exit:appeal-rights-exhausted', ctx),
    notify: (before) => (before.status === 'allowed' ? HO : BOTH),
  }),
  // More references for the case (the police's, a prison's, a local authority's): searchable with `ref`.
  'case.identified': row({
    fields: {
      pnc: optional(field.identifier('pnc')),
      prisonNumber: optional(field.identifier('prisonNumber')),
      localAuthorityRef: optional(field.identifier('localAuthorityRef')),
    },
    roles: ['caseworker'],
    reportedBy: HOME_OFFICE_REPORTS,
    from: ANYWHERE,
    check: (e) =>
      e.pnc || e.prisonNumber || e.localAuthorityRef
        ? []
        : [{ field: 'pnc', message: 'or prisonNumber or localAuthorityRef is required: give at least one' }],
    apply: (s, e) => ({
      ...s,
      identifiers: {
        ...s.identifiers,
        ...(e.pnc ? { pnc: canonicalPnc(e.pnc) } : {}),
        ...(e.prisonNumber ? { prisonNumber: e.prisonNumber } : {}),
        ...(e.localAuthorityRef ? { localAuthorityRef: e.localAuthorityRef } : {}),
      },
    }),
    notify: HO,
  }),
  // Both cases show a link (domain/links.ts): recorded here, and sent to the other case by the workflow.
  'case.linked': row({
    fields: { caseId: field.identifier('caseId'), relation: field.oneOf(LINK_RELATIONS) },
    roles: ['caseworker', 'tribunal'],
    from: ANYWHERE,
    guard: (s, e) => (e ? linkProblem(s, e.caseId) : null),
    apply: (s, e) => linkMade(s, e),
    notify: NONE,
  }),
  // The other side of a link made on another case: the workflow's own, never sent back again.
  'case.link-recorded': row({
    fields: { caseId: field.identifier('caseId'), relation: field.oneOf(LINK_RELATIONS) },
    roles: ['system'],
    from: ANYWHERE,
    guard: (s, e) => (e ? linksFull(s, e.caseId) : null),
    apply: (s, e) => withLink(s, e),
    notify: NONE,
  }),
  'import.corrected': row({
    fields: { from: field.value<ImportedFrom>(), fields: field.value<string[]>() },
    roles: ['system'],
    from: ANYWHERE,
    check: (e, ctx) => {
      if (!e.from?.record || !e.from.source) return [{ field: 'from', message: 'needs the record and its source' }];
      const built = importedState(e.from.record, 'check', ctx.at, ctx.policy);
      return built.ok ? [] : built.errors;
    },
    apply: (s, e, ctx) => correctImport(s, e.from, ctx.at, ctx.policy),
    notify: NONE,
  }),
};

type EventTable = typeof EVENT_TABLE;
export type EventType = keyof EventTable;
/** Every event, derived from its row: `{ type }` and the payload its fields declare. */
export type CaseEvent = { [T in EventType]: { type: T } & ValuesOf<EventTable[T]['fields']> }[EventType];
export type EventOf<T extends EventType> = Extract<CaseEvent, { type: T }>;

/** The rows, for readers that need no payload types (the API's schemas, forms, docs). */
export const EVENT_ROWS: { readonly [T in EventType]: Readonly<Omit<Row<Fields>, 'apply' | 'check' | 'guard'>> } =
  EVENT_TABLE;

export const EVENT_TYPES = Object.keys(EVENT_TABLE) as EventType[];
export const isEventType = (value: unknown): value is EventType => typeof value === 'string' && value in EVENT_TABLE;

/** A supervisor's word on a held inbound event: apply it now that it fits, or dismiss it with a reason. */
export const HELD_EVENTS = { apply: 'held.applied', dismiss: 'held.dismissed' } as const satisfies Record<
  string,
  EventType
>;

/** The supervisor's re-send after a rejection: the case page shows it per failed system, not as a form. */
export const RESEND_EVENT = 'sync.resent' satisfies EventType;

/** A row with its payload type erased: what the generic readers below need. */
const rule = (type: EventType) =>
  EVENT_TABLE[type] as unknown as Row<Fields> & {
    apply: (s: CaseState, e: unknown, ctx: EventContext) => CaseState;
    check?: (e: unknown, ctx: EventContext) => FieldError[];
    guard?: (s: CaseState, e?: unknown) => string | null;
  };

/** Who may send an event: the people's roles of its row, and `integration` for an event a system reports. */
export const rolesFor = (type: EventType): readonly ActorRole[] => {
  const r = EVENT_TABLE[type] as Row<Fields>;
  return r.reportedBy?.length ? [...r.roles, 'integration'] : r.roles;
};

/** The events a system reports of its own accord (by signed webhook). */
export const eventsReportedBy = (source: Source): EventType[] =>
  EVENT_TYPES.filter((t) => (EVENT_TABLE[t] as Row<Fields>).reportedBy?.includes(source));

function placeAllows(state: CaseState, type: EventType, event?: CaseEvent): boolean {
  const r = rule(type);
  return r.from.includes(positionOf(state)) && (r.guard?.(state, event) ?? null) === null;
}

/** Events that may happen now, for this role (all roles when omitted). Timer events are never offered. */
export function allowedEvents(state: CaseState, role?: Role): EventType[] {
  return EVENT_TYPES.filter((t) => {
    const roles = rolesFor(t);
    return !roles.includes('system') && (role === undefined || roles.includes(role)) && placeAllows(state, t);
  });
}

export type Rejection =
  | { kind: 'invalid'; errors: FieldError[] }
  | { kind: 'forbidden'; message: string }
  | { kind: 'not-allowed'; message: string; allowedEvents: EventType[] };

/** Field errors as one line, each named by its field. */
export const fieldErrorsText = (errors: readonly FieldError[]) =>
  errors.map((e) => `${e.field} ${e.message}`).join('; ');

/** A rejection as one line: its field errors, or its message. */
export const rejectionText = (r: Rejection) => (r.kind === 'invalid' ? fieldErrorsText(r.errors) : r.message);

/** Why this event cannot be applied now, or null. Pure: the update validator calls it. */
export function checkEvent(state: CaseState, event: CaseEvent, role: ActorRole, ctx: EventContext): Rejection | null {
  if (!isEventType(event?.type))
    return { kind: 'invalid', errors: [{ field: 'type', message: `must be one of ${EVENT_TYPES.join(', ')}` }] };
  const r = rule(event.type);
  const roles = rolesFor(event.type);
  if (!roles.includes(role))
    return { kind: 'forbidden', message: `role ${role} may not send ${event.type} (only ${roles.join(', ')})` };
  const fieldErrors = checkFields(r.fields, event as unknown as Record<string, unknown>, ctx.at);
  const errors = fieldErrors.length > 0 ? fieldErrors : (r.check?.(event, ctx) ?? []);
  if (errors.length > 0) return { kind: 'invalid', errors };
  if (!placeAllows(state, event.type, event)) {
    const why = r.guard?.(state, event);
    return {
      kind: 'not-allowed',
      message: why ? `${event.type} is not allowed: ${why}` : `${event.type} is not allowed at ${positionOf(state)}`,
      allowedEvents: allowedEvents(state, role === 'system' ? undefined : role),
    };
  }
  const inner = standsFor(state, event);
  if (inner !== event) {
    // Checked as its sender sent it: the held event must be one that system reports, and fit now.
    const source = state.held.find((h) => h.event === inner)?.source;
    const foreign = source && !rule(inner.type).reportedBy?.includes(source);
    const rejection: Rejection | null = foreign
      ? { kind: 'forbidden', message: `${source} does not report ${inner.type}` }
      : checkEvent(state, inner, 'integration', ctx);
    if (rejection) {
      const message = `the held ${inner.type} cannot be applied: ${rejectionText(rejection)}`;
      return {
        kind: 'not-allowed',
        message,
        allowedEvents: allowedEvents(state, role === 'system' ? undefined : role),
      };
    }
  }
  return null;
}

/**
 * The event a change stands for: a supervisor's `held.applied` is the held event itself, so it is
 * checked, applied and sent on as that event. Any other event stands for itself.
 */
export function standsFor(state: CaseState, event: CaseEvent): CaseEvent {
  if (event.type !== 'held.applied') return event;
  return state.held.find((h) => h.key === event.key)?.event ?? event;
}

/** Apply an event already checked. The version is the caller's (the workflow's sequence). */
export function applyEvent(state: CaseState, event: CaseEvent, ctx: EventContext): CaseState {
  const inner = standsFor(state, event);
  const base = inner === event ? state : rule(inner.type).apply(state, inner, ctx);
  return rule(event.type).apply(base, event, ctx);
}

/** The systems that must hear of this event, judged on the state before it. */
export function recipients(before: CaseState, event: CaseEvent): readonly System[] {
  const n = rule(standsFor(before, event).type).notify;
  return typeof n === 'function' ? n(before) : n;
}
