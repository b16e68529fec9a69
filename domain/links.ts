/**
 * Links between cases: a dependant's case, a family member's, or another case of the same person.
 * A link is recorded on both cases. The case it is made on records it and queues a link back; the
 * workflow sends that to the other case as an update whose id is fixed by the change that made the
 * link, so a retry (after a crash, a restart, a lost answer) is applied once. The other case records
 * the link as `case.link-recorded`, which queues nothing: it never bounces back. Pure.
 */
import type { CaseState } from './case.js';
import { STATE_BOUNDS } from './bounds.js';
// Types only: events.ts imports this module's values, so nothing here may run before it.
import type { CaseEvent, EventOf, EventType } from './events.js';

export const LINK_RELATIONS = ['dependant', 'family', 'same-person'] as const;
export type LinkRelation = (typeof LINK_RELATIONS)[number];
/** The relation a person's record follows: the cases of one person under different references. */
export const SAME_PERSON: LinkRelation = 'same-person';

/** One link as a case shows it: the other case, and how the two are related (the same seen from either side). */
export interface CaseLink {
  caseId: string;
  relation: LinkRelation;
}

/** A link made here that the other case has yet to record. */
export interface LinkBack {
  /** The update id it is sent under: `link:<this case>:<sequence of the change that made it>`. */
  id: string;
  /** The case that must record it. */
  to: string;
  /** The link as that case records it: to this case. */
  link: CaseLink;
}

/** The event people send to link two cases, and the one the other case records it by (the workflow's own). */
export const LINK_EVENTS = {
  link: 'case.linked',
  recorded: 'case.link-recorded',
} as const satisfies Record<string, EventType>;

const LINK_UPDATE_PREFIX = 'link:';
export const linkUpdateId = (caseId: string, seq: number) => `${LINK_UPDATE_PREFIX}${caseId}:${seq}`;
/** Update ids of link backs are the workflow's own: no client's Idempotency-Key may take one. */
export const isLinkUpdateId = (key: string) => key.startsWith(LINK_UPDATE_PREFIX);

/** Why this case cannot be linked to `other` now, or null. Linking twice is refused: a pair has one link. */
export function linkProblem(state: CaseState, other: string): string | null {
  if (other === state.caseId) return 'a case cannot be linked to itself';
  const existing = (state.links ?? []).find((l) => l.caseId === other);
  return existing ? `already linked to ${other} (${existing.relation})` : linksFull(state, other);
}

/** Bounded state (#19): links travel in the case's state, so a case keeps a fixed number of them. */
export function linksFull(state: CaseState, other: string): string | null {
  const links = state.links ?? [];
  if (links.some((l) => l.caseId === other)) return null; // recorded already: nothing grows
  return links.length >= STATE_BOUNDS.links
    ? `the case is already linked to ${STATE_BOUNDS.links} cases, the most it keeps`
    : null;
}

/** The case with a link to `link.caseId`; unchanged if it has one to that case already. */
export function withLink(state: CaseState, link: CaseLink): CaseState {
  if ((state.links ?? []).some((l) => l.caseId === link.caseId)) return state;
  return { ...state, links: [...(state.links ?? []), { caseId: link.caseId, relation: link.relation }] };
}

/**
 * A link made on this case: recorded here, and a link back queued for the other case, under an id
 * fixed by this change's sequence number (the one `applyChange` gives it: the version after).
 */
export function linkMade(state: CaseState, link: CaseLink): CaseState {
  const linked = withLink(state, link);
  if (linked === state) return state;
  const back: LinkBack = {
    id: linkUpdateId(state.caseId, state.version + 1),
    to: link.caseId,
    link: { caseId: state.caseId, relation: link.relation },
  };
  return { ...linked, linkBacks: [...(state.linkBacks ?? []), back] };
}

/** The link back to send next, if any: one at a time, in the order they were made. */
export const nextLinkBack = (state: CaseState): LinkBack | undefined => state.linkBacks?.[0];

/** A link back the other case has recorded (or refused for good): off the queue by id. */
export const linkBackDone = (state: CaseState, id: string): CaseState => ({
  ...state,
  linkBacks: (state.linkBacks ?? []).filter((b) => b.id !== id),
});

/** The event the other case records a link back by. */
export const linkBackEvent = (back: LinkBack): EventOf<'case.link-recorded'> => ({
  type: LINK_EVENTS.recorded,
  caseId: back.link.caseId,
  relation: back.link.relation,
});

/** The other case an event names, which must exist before the event is sent (a link's target), or undefined. */
export const otherCaseOf = (event: CaseEvent): string | undefined =>
  event.type === LINK_EVENTS.link ? event.caseId : undefined;

/** The cases this one is linked to as the same person. */
export const samePersonLinks = (state: CaseState): string[] =>
  (state.links ?? []).filter((l) => l.relation === SAME_PERSON).map((l) => l.caseId);

/** How far a person's record follows same-person links: hops from the cases found, and cases in all. */
export const PERSON_LIMITS = { depth: 5, cases: 50 } as const;

/**
 * Every case of one person: the cases found by a reference, then those linked to them as the same
 * person, transitively, level by level, at most `depth` hops away and `cases` in all. `read` gives a
 * case's state (undefined: no such case). `complete` is false when a bound stopped the walk.
 */
export async function casesOfPerson(
  found: readonly string[],
  read: (caseId: string) => Promise<CaseState | undefined>,
  limits: { depth: number; cases: number } = PERSON_LIMITS,
): Promise<{ states: CaseState[]; complete: boolean }> {
  const seen = new Set<string>();
  const states: CaseState[] = [];
  let level = [...new Set(found)];
  for (let depth = 0; level.length > 0; depth++) {
    const room = limits.cases - seen.size;
    const take = level.slice(0, room);
    for (const id of take) seen.add(id);
    const got = (await Promise.all(take.map(read))).filter((s): s is CaseState => s !== undefined);
    states.push(...got);
    const next = [...new Set(got.flatMap(samePersonLinks))].filter((id) => !seen.has(id));
    if (take.length < level.length || (next.length > 0 && (depth >= limits.depth || seen.size >= limits.cases)))
      return { states, complete: false };
    level = next;
  }
  return { states, complete: true };
}
