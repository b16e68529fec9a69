/**
 * Properties of the transition table over random event sequences (fast-check): every state it
 * reaches is one the table defines, only allowed events change anything, sequence numbers never
 * skip, and exit stays reachable from wherever a case can get to.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  allowedEvents,
  applyEvent,
  checkEvent,
  EVENT_TYPES,
  POSITIONS,
  positionOf,
  rolesFor,
  type CaseEvent,
  type CaseState,
  DEFAULT_POLICY,
} from '../domain/index.js';
import { newCaseState, variants } from './domain-fixtures.js';

const AT = '2026-06-01T12:00:00.000Z';
const ctx = { at: AT, policy: DEFAULT_POLICY };
const start = newCaseState();

const anyEvent = fc.constantFrom(...EVENT_TYPES.flatMap(variants));

/** Applies what the table allows, as the workflow would (system role for timer events). */
function step(state: CaseState, event: CaseEvent): CaseState {
  const role = rolesFor(event.type)[0]!;
  if (checkEvent(state, event, role, ctx)) return state;
  return { ...applyEvent(state, event, ctx), version: state.version + 1 };
}

/** Breadth-first over every payload choice: the states reachable from `from` within `depth` steps. */
function explore(from: CaseState, depth: number, stop: (s: CaseState) => boolean = () => false): CaseState[] {
  let frontier = [from];
  const found: CaseState[] = [];
  const seen = new Set<string>();
  for (let d = 0; d <= depth && frontier.length > 0; d++) {
    const next: CaseState[] = [];
    for (const s of frontier) {
      const key = `${positionOf(s)}|${s.determination}|${s.flags.absconded}|${s.dates.outOfCountry}`;
      if (seen.has(key)) continue;
      seen.add(key);
      found.push(s);
      if (stop(s)) return found;
      for (const event of EVENT_TYPES.flatMap(variants)) {
        const after = step(s, event);
        if (after !== s) next.push(after);
      }
    }
    frontier = next;
  }
  return found;
}

const exitReachable = (from: CaseState) => explore(from, 8, (s) => s.stage === 'exit').some((s) => s.stage === 'exit');

describe('transition table properties', () => {
  it('never reaches a position the table does not define, and counts each applied change once', () => {
    fc.assert(
      fc.property(fc.array(anyEvent, { maxLength: 60 }), (events) => {
        let state = start;
        for (const event of events) {
          const role = rolesFor(event.type)[0]!;
          const allowedBefore = allowedEvents(state).includes(event.type) || role === 'system';
          const next = step(state, event);
          if (next !== state) expect(allowedBefore).toBe(true);
          expect(POSITIONS).toContain(positionOf(next));
          expect(next.version - state.version).toBeLessThanOrEqual(1);
          expect(next.counts.appeals).toBeGreaterThanOrEqual(state.counts.appeals);
          state = next;
        }
      }),
      { numRuns: 300 },
    );
  });

  it('a refused event changes nothing at all', () => {
    fc.assert(
      fc.property(fc.array(anyEvent, { maxLength: 30 }), anyEvent, (prefix, event) => {
        const state = prefix.reduce(step, start);
        const role = rolesFor(event.type)[0]!;
        if (checkEvent(state, event, role, ctx)) expect(step(state, event)).toBe(state);
      }),
      { numRuns: 300 },
    );
  });

  it('exit is reachable from every state a case can get to', () => {
    fc.assert(
      fc.property(fc.array(anyEvent, { maxLength: 40 }), (events) => {
        expect(exitReachable(events.reduce(step, start))).toBe(true);
      }),
      { numRuns: 200 },
    );
  });

  it('every position of the table is reachable from a new case', () => {
    const reached = new Set(explore(start, 12).map(positionOf));
    expect([...reached].sort()).toEqual([...POSITIONS].sort());
  });
});
