/**
 * The one transition table. Every event type lists who may send it, where in the lifecycle it is
 * allowed, what it checks in its payload, what it does, and which systems must hear of it.
 * `allowedEvents`, `checkEvent` and `applyEvent` read only this table; so do the workflow's
 * update validator, the API's 409 answer and the docs.
 */
import { SYSTEMS, type CaseState, type System } from './case.js';
import { CLOCK_NAMES, inTwentyFourWeekCohort, startDayClock, startTribunalClock, stopClock, updateClock, withClock, type ClockName } from './clocks.js';
import { londonDate } from './days.js';
import { isHmctsRef } from './identifiers.js';
import { correctImport, importedState, type ImportedFrom } from './import.js';
import type { Policy } from './policy.js';
import type { ActorRole, Role } from './roles.js';
import { anyOf, positionOf, splitPosition, type Position } from './stages.js';

export type CaseEvent =
  | { type: 'claim.screened' }
  | { type: 'claim.interviewed' }
  | { type: 'claim.withdrawn' }
  | { type: 'decision.granted'; grant: 'refugee' | 'humanitarian-protection' }
  | { type: 'decision.refused'; outOfCountry?: boolean; decidedOn?: string }
  | { type: 'decision.certified' }
  | { type: 'decision.inadmissible' }
  | { type: 'appeal.lodged'; hmctsRef?: string; lodgedOn?: string }
  | { type: 'appeal.decision-withdrawn'; reason: string }
  | { type: 'tribunal.listed'; hearingDate: string }
  | { type: 'tribunal.determined'; outcome: 'allowed' | 'dismissed'; determinedOn?: string }
  | { type: 'onward-appeal.lodged' }
  | { type: 'onward-appeal.decided'; outcome: 'refused' | 'allowed' | 'remitted' }
  | { type: 'exit.leave-granted' }
  | { type: 'exit.removed' }
  | { type: 'exit.departed' }
  | { type: 'person.absconded' }
  | { type: 'person.reported' }
  | { type: 'further-submissions.lodged'; freshClaim: boolean }
  | { type: 'case.assigned'; assignee: string }
  | { type: 'sync.resent'; system: System }
  | { type: 'appeal.evidence-requested' }
  | { type: 'appeal.evidence-served' }
  | { type: 'appeal.review-requested' }
  | { type: 'appeal.review-served' }
  | { type: 'clock.exception'; clock: ClockName; reason: string }
  | { type: 'clock.escalated'; clock: ClockName; level: number; lastDay?: string }
  | { type: 'clock.breached'; clock: ClockName; lastDay?: string }
  | { type: 'appeal-window.expired' }
  | { type: 'onward-appeal-window.expired' }
  | { type: 'import.corrected'; from: ImportedFrom; fields: string[] };

export type EventType = CaseEvent['type'];
export type EventOf<T extends EventType> = Extract<CaseEvent, { type: T }>;

/** What an event is checked and applied against: the workflow's own clock, never the wall. */
export interface EventContext {
  /** ISO date-time of the change (workflow time). */
  at: string;
  /** The limits in force for clocks this change starts. */
  policy: Policy;
}

export interface FieldError {
  field: string;
  message: string;
}

interface Rule<T extends EventType> {
  roles: readonly ActorRole[];
  from: readonly Position[];
  /** A state condition beyond the position; returns why not, or null. */
  guard?: (state: CaseState) => string | null;
  check?: (event: EventOf<T>, ctx: EventContext) => FieldError[];
  apply: (state: CaseState, event: EventOf<T>, ctx: EventContext) => CaseState;
  /** Which external systems must hear of this change. */
  notify: readonly System[] | ((before: CaseState) => readonly System[]);
}

type Table = { [T in EventType]: Rule<T> };

const BOTH: readonly System[] = ['homeOffice', 'courts'];
const HO: readonly System[] = ['homeOffice'];
const NONE: readonly System[] = [];
const NOTIFIER: readonly System[] = ['notifier'];
const runningClock = (name: ClockName) => (s: CaseState) => (s.clocks.some((c) => c.name === name && c.state === 'running') ? null : `no ${name} clock is running`);
/** Exits are news to the courts only where there has been an appeal. */
const hoAndCourtsIfAppealed = (s: CaseState) => (s.counts.appeals > 0 ? BOTH : HO);

const ANYWHERE: readonly Position[] = [...anyOf('claim'), ...anyOf('decision'), ...anyOf('appeal'), ...anyOf('tribunal'), ...anyOf('exit')];
/** Exits after which further submissions can be made (a refusal that stands). */
const REFUSED_EXITS: readonly Position[] = ['exit:appeal-rights-exhausted', 'exit:certified', 'exit:inadmissible', 'exit:withdrawn'];
/** A person who has left the country cannot abscond or be removed again. */
const GONE: readonly Position[] = ['exit:removed', 'exit:departed'];

/** The London date of a change: the day it happened, as the tribunal counts days. */
const day = londonDate;
const move = (state: CaseState, to: Position): CaseState => ({ ...state, ...splitPosition(to) });
const exitTo = (state: CaseState, to: Position, ctx: EventContext): CaseState => ({ ...move(state, to), dates: { ...state.dates, exitedOn: day(ctx.at) } });

/** A calendar date that is real and not after today (events record what already happened). */
function pastDate(field: string, value: string | undefined, ctx: EventContext, required = false): FieldError[] {
  if (value === undefined) return required ? [{ field, message: 'is required' }] : [];
  if (!isCalendarDate(value)) return [{ field, message: 'must be a real date, YYYY-MM-DD' }];
  if (value > day(ctx.at)) return [{ field, message: 'cannot be in the future' }];
  return [];
}

export function isCalendarDate(value: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value)) return false;
  const [y, m, d] = value.split('-').map(Number) as [number, number, number];
  const probe = new Date(Date.UTC(y, m - 1, d));
  return probe.getUTCFullYear() === y && probe.getUTCMonth() === m - 1 && probe.getUTCDate() === d;
}

function oneOf<V extends string>(field: string, value: unknown, allowed: readonly V[]): FieldError[] {
  return allowed.includes(value as V) ? [] : [{ field, message: `must be one of ${allowed.join(', ')}` }];
}

function nonEmpty(field: string, value: unknown): FieldError[] {
  return typeof value === 'string' && value.trim().length > 0 ? [] : [{ field, message: 'must be a non-empty string' }];
}

/**
 * The Home Office's respondent deadlines work alike: the tribunal asks (the clock starts), the
 * Home Office serves (it stops), while the appeal waits for or awaits its hearing.
 */
const respondentDeadline = {
  request: <T extends 'appeal.evidence-requested' | 'appeal.review-requested'>(clock: ClockName, days: (p: Policy) => number): Rule<T> => ({
    roles: ['tribunal', 'integration'],
    from: ['appeal:lodged', 'tribunal:listed'],
    apply: (s, _e, ctx) => withClock(s, startDayClock(clock, day(ctx.at), days(ctx.policy))),
    notify: BOTH,
  }),
  serve: <T extends 'appeal.evidence-served' | 'appeal.review-served'>(clock: ClockName): Rule<T> => ({
    roles: ['caseworker', 'integration'],
    from: ['appeal:lodged', 'tribunal:listed'],
    guard: runningClock(clock),
    apply: (s, _e, ctx) => stopClock(s, clock, day(ctx.at)),
    notify: BOTH,
  }),
};

/** Raised by the workflow itself when a running clock reaches a warning or its end; heard by the notifier. */
const clockTimer = <T extends 'clock.escalated' | 'clock.breached'>(apply: Rule<T>['apply']): Rule<T> => ({
  roles: ['system'],
  from: ANYWHERE,
  check: (e: EventOf<'clock.escalated' | 'clock.breached'>) => oneOf('clock', e.clock, CLOCK_NAMES),
  guard: (s) => (s.clocks.some((c) => c.state === 'running') ? null : 'no clock is running'),
  apply,
  notify: NOTIFIER,
});

export const EVENT_TABLE: Table = {
  'claim.screened': { roles: ['caseworker'], from: ['claim:lodged'], apply: (s) => move(s, 'claim:screened'), notify: HO },
  'claim.interviewed': { roles: ['caseworker'], from: ['claim:lodged', 'claim:screened', 'claim:reconsidering'], apply: (s) => move(s, 'claim:interviewed'), notify: HO },
  'claim.withdrawn': { roles: ['caseworker'], from: [...anyOf('claim'), 'decision:refused'], apply: (s, _e, ctx) => exitTo(s, 'exit:withdrawn', ctx), notify: HO },
  'decision.granted': {
    roles: ['caseworker', 'integration'],
    from: anyOf('claim'),
    check: (e) => oneOf('grant', e.grant, ['refugee', 'humanitarian-protection'] as const),
    apply: (s, _e, ctx) => exitTo(s, 'exit:granted', ctx),
    notify: HO,
  },
  'decision.refused': {
    roles: ['caseworker', 'integration'],
    from: anyOf('claim'),
    check: (e, ctx) => [...pastDate('decidedOn', e.decidedOn, ctx), ...(e.outOfCountry === undefined || typeof e.outOfCountry === 'boolean' ? [] : [{ field: 'outOfCountry', message: 'must be true or false' }])],
    apply: (s, e, ctx) => ({
      ...move(s, 'decision:refused'),
      dates: { ...s.dates, refusedOn: e.decidedOn ?? day(ctx.at), outOfCountry: e.outOfCountry ?? false, appealWindowDays: e.outOfCountry ? ctx.policy.appealWindowDays.outOfCountry : ctx.policy.appealWindowDays.inCountry },
    }),
    notify: HO,
  },
  'decision.certified': { roles: ['caseworker', 'integration'], from: anyOf('claim'), apply: (s, _e, ctx) => exitTo(s, 'exit:certified', ctx), notify: HO },
  'decision.inadmissible': { roles: ['caseworker', 'integration'], from: anyOf('claim'), apply: (s, _e, ctx) => exitTo(s, 'exit:inadmissible', ctx), notify: HO },
  'appeal.lodged': {
    roles: ['tribunal', 'integration'],
    from: ['decision:refused'],
    check: (e, ctx) => [...pastDate('lodgedOn', e.lodgedOn, ctx), ...(e.hmctsRef === undefined || isHmctsRef(e.hmctsRef) ? [] : [{ field: 'hmctsRef', message: 'must look like PA/50001/2026' }])],
    apply: (s, e, ctx) => {
      const lodgedOn = e.lodgedOn ?? day(ctx.at);
      const next: CaseState = {
        ...move(s, 'appeal:lodged'),
        identifiers: { ...s.identifiers, ...(e.hmctsRef ? { hmctsRef: e.hmctsRef } : {}) },
        counts: { ...s.counts, appeals: s.counts.appeals + 1 },
        dates: { ...s.dates, appealLodgedOn: lodgedOn, hearingDate: undefined, determinedOn: undefined },
      };
      // The cohort is judged as things stand when the appeal starts.
      return inTwentyFourWeekCohort(s.cohort, lodgedOn, ctx.policy) ? withClock(next, startTribunalClock(lodgedOn, ctx.policy)) : next;
    },
    notify: BOTH,
  },
  'appeal.decision-withdrawn': {
    roles: ['caseworker'],
    from: ['appeal:lodged', 'tribunal:listed'],
    check: (e) => nonEmpty('reason', e.reason),
    apply: (s, _e, ctx) => stopClock(move(s, 'claim:reconsidering'), 'tribunal-24-weeks', day(ctx.at)),
    notify: BOTH,
  },
  'tribunal.listed': {
    roles: ['tribunal', 'integration'],
    from: ['appeal:lodged', 'tribunal:remitted'],
    check: (e) => (typeof e.hearingDate === 'string' && isCalendarDate(e.hearingDate) ? [] : [{ field: 'hearingDate', message: 'must be a real date, YYYY-MM-DD' }]),
    apply: (s, e) => ({ ...move(s, 'tribunal:listed'), dates: { ...s.dates, hearingDate: e.hearingDate } }),
    notify: BOTH,
  },
  'tribunal.determined': {
    roles: ['tribunal', 'integration'],
    from: ['tribunal:listed'],
    check: (e, ctx) => [...oneOf('outcome', e.outcome, ['allowed', 'dismissed'] as const), ...pastDate('determinedOn', e.determinedOn, ctx)],
    // Determination stops the 24-week clock, on the day it was given.
    apply: (s, e, ctx) =>
      stopClock(
        { ...move(s, e.outcome === 'allowed' ? 'tribunal:allowed' : 'tribunal:dismissed'), determination: e.outcome, dates: { ...s.dates, determinedOn: e.determinedOn ?? day(ctx.at), onwardWindowDays: ctx.policy.onwardAppealWindowDays } },
        'tribunal-24-weeks',
        e.determinedOn ?? day(ctx.at),
      ),
    notify: BOTH,
  },
  'onward-appeal.lodged': { roles: ['tribunal', 'integration'], from: ['tribunal:allowed', 'tribunal:dismissed'], apply: (s) => move(s, 'tribunal:onward-appeal-pending'), notify: BOTH },
  'onward-appeal.decided': {
    roles: ['tribunal', 'integration'],
    from: ['tribunal:onward-appeal-pending'],
    check: (e) => oneOf('outcome', e.outcome, ['refused', 'allowed', 'remitted'] as const),
    // Refused: the determination stands. Allowed: the Upper Tribunal reverses it. Remitted: heard again.
    apply: (s, e, ctx) => {
      if (e.outcome === 'remitted') return move(s, 'tribunal:remitted');
      const appellantWins = (s.determination === 'allowed') === (e.outcome === 'refused');
      return appellantWins ? { ...move(s, 'tribunal:allowed'), determination: 'allowed' } : { ...exitTo(s, 'exit:appeal-rights-exhausted', ctx), determination: 'dismissed' };
    },
    notify: BOTH,
  },
  'exit.leave-granted': { roles: ['caseworker'], from: ['tribunal:allowed', 'decision:refused'], apply: (s, _e, ctx) => exitTo(s, 'exit:leave-granted', ctx), notify: hoAndCourtsIfAppealed },
  'exit.removed': { roles: ['caseworker', 'integration'], from: ['exit:appeal-rights-exhausted', 'exit:certified', 'exit:inadmissible'], apply: (s, _e, ctx) => exitTo(s, 'exit:removed', ctx), notify: hoAndCourtsIfAppealed },
  'exit.departed': {
    roles: ['caseworker', 'integration'],
    from: ['decision:refused', 'tribunal:dismissed', 'exit:appeal-rights-exhausted', 'exit:certified', 'exit:inadmissible', 'exit:withdrawn'],
    apply: (s, _e, ctx) => exitTo(s, 'exit:departed', ctx),
    notify: hoAndCourtsIfAppealed,
  },
  'person.absconded': {
    roles: ['caseworker', 'integration'],
    from: ANYWHERE.filter((p) => !GONE.includes(p)),
    guard: (s) => (s.flags.absconded ? 'already recorded as absconded' : null),
    apply: (s, _e, ctx) => ({
      ...s,
      flags: { ...s.flags, absconded: true },
      counts: { ...s.counts, abscondings: s.counts.abscondings + 1 },
      abscondingPeriods: [...(s.abscondingPeriods ?? []), { from: day(ctx.at) }],
    }),
    notify: HO,
  },
  'person.reported': {
    roles: ['caseworker', 'integration'],
    from: ANYWHERE,
    guard: (s) => (s.flags.absconded ? null : 'not recorded as absconded'),
    // Closes the open period; a case carried from before periods were kept may have none to close.
    apply: (s, _e, ctx) => ({ ...s, flags: { ...s.flags, absconded: false }, abscondingPeriods: (s.abscondingPeriods ?? []).map((p) => (p.to ? p : { ...p, to: day(ctx.at) })) }),
    notify: HO,
  },
  'further-submissions.lodged': {
    roles: ['caseworker', 'integration'],
    from: REFUSED_EXITS,
    check: (e) => (typeof e.freshClaim === 'boolean' ? [] : [{ field: 'freshClaim', message: 'must be true or false' }]),
    // A fresh claim re-enters claim; the dates of the previous round are history, not clocks.
    apply: (s, e, ctx) =>
      e.freshClaim ? { ...move(s, 'claim:lodged'), counts: { ...s.counts, claims: s.counts.claims + 1 }, determination: undefined, dates: { claimDate: day(ctx.at) } } : s,
    notify: HO,
  },
  'case.assigned': { roles: ['caseworker', 'supervisor'], from: ANYWHERE, check: (e) => nonEmpty('assignee', e.assignee), apply: (s, e) => ({ ...s, assignee: e.assignee.trim() }), notify: NONE },
  'sync.resent': {
    roles: ['supervisor'],
    from: ANYWHERE,
    check: (e) => oneOf('system', e.system, SYSTEMS),
    guard: (s) => (SYSTEMS.some((sys) => s.sync[sys]?.failure) ? null : 'no sync failure to re-send'),
    // The failure is cleared by the workflow, which re-sends the same message once this is recorded.
    apply: (s, e) => ({ ...s, sync: { ...s.sync, [e.system]: { ...s.sync[e.system], failure: null } } }),
    notify: NONE,
  },
  'appeal.evidence-requested': respondentDeadline.request('respondent-evidence', (p) => p.respondentEvidenceDays),
  'appeal.evidence-served': respondentDeadline.serve('respondent-evidence'),
  'appeal.review-requested': respondentDeadline.request('respondent-review', (p) => p.respondentReviewDays),
  'appeal.review-served': respondentDeadline.serve('respondent-review'),
  'clock.exception': {
    roles: ['tribunal'],
    from: [...anyOf('appeal'), ...anyOf('tribunal')],
    check: (e) => [...oneOf('clock', e.clock, ['tribunal-24-weeks'] as const), ...nonEmpty('reason', e.reason)],
    guard: (s) => (s.clocks.some((c) => c.name === 'tribunal-24-weeks' && (c.state === 'running' || c.state === 'breached')) ? null : 'no 24-week clock is running or breached'),
    // "Not reasonably practicable": recorded with its reason; the case stays visible as an exception.
    apply: (s, e, ctx) => updateClock(s, e.clock, (c) => ({ ...c, state: 'exception', exception: { reason: e.reason.trim(), at: ctx.at } })),
    notify: BOTH,
  },
  'clock.escalated': clockTimer((s, e) => updateClock(s, e.clock, (c) => ({ ...c, level: Math.max(c.level, e.level) }))),
  'clock.breached': clockTimer((s, e, ctx) => updateClock(s, e.clock, (c) => ({ ...c, state: 'breached', breachedAt: ctx.at }))),
  'appeal-window.expired': { roles: ['system'], from: ['decision:refused'], apply: (s, _e, ctx) => exitTo(s, 'exit:appeal-rights-exhausted', ctx), notify: BOTH },
  'onward-appeal-window.expired': { roles: ['system'], from: ['tribunal:dismissed'], apply: (s, _e, ctx) => exitTo(s, 'exit:appeal-rights-exhausted', ctx), notify: BOTH },
  // A re-imported row that differs from the last import: sent by the import, never by a person.
  // The systems kept their own records of these legacy cases, so nobody else needs telling.
  'import.corrected': {
    roles: ['system'],
    from: ANYWHERE,
    check: (e, ctx) => {
      if (!e.from?.record || !e.from.source) return [{ field: 'from', message: 'needs the record and its source' }];
      const built = importedState(e.from.record, 'check', ctx.at, ctx.policy);
      return built.ok ? [] : built.errors;
    },
    apply: (s, e, ctx) => correctImport(s, e.from, ctx.at, ctx.policy),
    notify: NONE,
  },
};

export const EVENT_TYPES = Object.keys(EVENT_TABLE) as EventType[];
export const isEventType = (value: unknown): value is EventType => typeof value === 'string' && value in EVENT_TABLE;

const rule = <T extends EventType>(type: T): Rule<T> => EVENT_TABLE[type] as Rule<T>;

function placeAllows(state: CaseState, type: EventType): boolean {
  const r = rule(type);
  return r.from.includes(positionOf(state)) && (r.guard?.(state) ?? null) === null;
}

/** Events that may happen now, for this role (all roles when omitted). Timer events are never offered. */
export function allowedEvents(state: CaseState, role?: Role): EventType[] {
  return EVENT_TYPES.filter((t) => {
    const roles = rule(t).roles;
    return !roles.includes('system') && (role === undefined || roles.includes(role)) && placeAllows(state, t);
  });
}

export type Rejection =
  | { kind: 'invalid'; errors: FieldError[] }
  | { kind: 'forbidden'; message: string }
  | { kind: 'not-allowed'; message: string; allowedEvents: EventType[] };

/** Field errors as one line, each named by its field. */
export const fieldErrorsText = (errors: readonly FieldError[]) => errors.map((e) => `${e.field} ${e.message}`).join('; ');

/** A rejection as one line: its field errors, or its message. */
export const rejectionText = (r: Rejection) => (r.kind === 'invalid' ? fieldErrorsText(r.errors) : r.message);

/** Why this event cannot be applied now, or null. Pure: the update validator calls it. */
export function checkEvent(state: CaseState, event: CaseEvent, role: ActorRole, ctx: EventContext): Rejection | null {
  if (!isEventType(event?.type)) return { kind: 'invalid', errors: [{ field: 'type', message: `must be one of ${EVENT_TYPES.join(', ')}` }] };
  const r = rule(event.type);
  if (!r.roles.includes(role)) return { kind: 'forbidden', message: `role ${role} may not send ${event.type} (only ${r.roles.join(', ')})` };
  const errors = r.check?.(event as never, ctx) ?? [];
  if (errors.length > 0) return { kind: 'invalid', errors };
  if (!placeAllows(state, event.type)) {
    const why = r.guard?.(state);
    return {
      kind: 'not-allowed',
      message: why ? `${event.type} is not allowed: ${why}` : `${event.type} is not allowed at ${positionOf(state)}`,
      allowedEvents: allowedEvents(state, role === 'system' ? undefined : role),
    };
  }
  return null;
}

/** Apply an event already checked. The version is the caller's (the workflow's sequence). */
export function applyEvent(state: CaseState, event: CaseEvent, ctx: EventContext): CaseState {
  return rule(event.type).apply(state, event as never, ctx);
}

/** The systems that must hear of this event, judged on the state before it. */
export function recipients(before: CaseState, event: CaseEvent): readonly System[] {
  const n = rule(event.type).notify;
  return typeof n === 'function' ? n(before) : n;
}

export const rolesFor = (type: EventType): readonly ActorRole[] => rule(type).roles;
