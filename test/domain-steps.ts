/**
 * Changes applied to a case the way the workflow applies them, for pure tests of the table: each on
 * its London day, by a person in a role, failing the test when the table refuses one; and the
 * workflow's timer run at a day, recording whatever is due.
 */
import { expect } from 'vitest';
import {
  applyChange,
  checkEvent,
  clockViews,
  DEFAULT_POLICY,
  dueEvents,
  emptyOutbox,
  WORKFLOW_ACTOR,
  type CaseEvent,
  type CaseMachine,
  type CaseState,
  type ChangeOptions,
} from '../domain/index.js';
import { newCaseState } from './domain-fixtures.js';

export const caseworker = { id: 'carol', role: 'caseworker' } as const;
export const tribunal = { id: 'tom', role: 'tribunal' } as const;
export const supervisor = { id: 'sue', role: 'supervisor' } as const;
export type Actor = typeof caseworker | typeof tribunal | typeof supervisor;
export type Step = [day: string, actor: Actor, event: CaseEvent];

export const noon = (date: string) => `${date}T12:00:00.000Z`;
/** A change made at noon (UTC) on a day, under the default policy. */
export const on = (date: string): ChangeOptions => ({ at: noon(date), policy: DEFAULT_POLICY });
export const freshCase = (state: CaseState = newCaseState()): CaseMachine => ({ state, outbox: emptyOutbox() });

/** Applies each change on its day, failing the test if the table refuses one. */
export function run(steps: Step[], from: CaseMachine = freshCase()): CaseMachine {
  return steps.reduce((m, [date, actor, event]) => {
    const refused = checkEvent(m.state, event, actor.role, on(date));
    expect(refused, `${event.type} on ${date}`).toBeNull();
    return applyChange(m, event, actor, on(date));
  }, from);
}

/** Runs the workflow's timer at noon on `date`: whatever is due is recorded. */
export const timerAt = (m: CaseMachine, date: string) =>
  dueEvents(m.state, noon(date), DEFAULT_POLICY).reduce((x, e) => applyChange(x, e, WORKFLOW_ACTOR, on(date)), m);

export const position = (s: CaseState) => `${s.stage}:${s.status}`;
/** A limit of the case as a client sees it (the 24 weeks unless named). */
export const clock = (s: CaseState, name = 'tribunal-24-weeks') => clockViews(s).find((c) => c.name === name);
