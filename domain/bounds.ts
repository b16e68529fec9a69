/**
 * How much of what arrives from outside a case (or the unmatched inbox) keeps in its state. State
 * is carried across continue-as-new and answered by every query, so it must not grow with the
 * number of events: past these bounds the oldest entries leave state and stay in the workflow's
 * history (the timeline shows them). Constants, not settings: the workflow decides with them, and
 * a replay must decide the same.
 */

export const STATE_BOUNDS = {
  /**
   * Held events a case shows. Past it the oldest is dropped from state (still in history and on the
   * timeline) and counted in `heldDropped`, so a supervisor sees that something was dropped.
   */
  held: 25,
  /**
   * And at most this many characters of them as JSON (the newest is always kept): their payloads
   * carry free text, and every update answer kept for late retries (50 of them) holds the held list.
   */
  heldChars: 16 * 1024,
  /**
   * Inbound event keys a case remembers to answer a repeat as `duplicate`. A repeat is recognised
   * while fewer than this many newer events have reached the same case since (docs/sync.md).
   */
  inboundKeys: 2_000,
  /** Events waiting in the unmatched inbox: past it the inbox refuses (503), so the sender retries later. */
  inboxWaiting: 500,
  /** Keys the inbox remembers (waiting or linked) to answer a repeat as `duplicate`. */
  inboxSeen: 5_000,
  /** Other cases one case may be linked to: a caseworker's link past it is refused. */
  links: 100,
  /** Dated facts of the appellant's circumstances on one case: a `cohort.changed` past it is refused. */
  cohortFacts: 200,
} as const;

/** The last `n` of a list (the newest, when it is kept oldest first). */
export const keepLast = <T>(list: readonly T[], n: number): T[] => (list.length > n ? list.slice(-n) : [...list]);
