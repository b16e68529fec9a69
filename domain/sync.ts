/** How delivery outcomes change a case's sync status. Pure; the workflow's sync loops call these. */
import type { CaseState } from './case.js';
import { RECONCILED_SYSTEMS, type System } from './systems.js';
import type { Receipt } from './outbound.js';

const withSync = (state: CaseState, system: System, patch: Partial<CaseState['sync'][System]>): CaseState => ({
  ...state,
  sync: { ...state.sync, [system]: { ...state.sync[system], ...patch } },
});

export const recordQueued = (state: CaseState, system: System, pending: number) => withSync(state, system, { pending });

/**
 * A delivery acknowledged; references the system assigned fill gaps in ours, never overwrite them.
 * A gap-filling redelivery of an older change does not move `delivered` back.
 */
export function recordDelivered(
  state: CaseState,
  system: System,
  seq: number,
  receipt: Receipt,
  pending: number,
): CaseState {
  const next = withSync(state, system, {
    delivered: Math.max(state.sync[system].delivered, seq),
    pending,
    lastReceipt: receipt.receiptId,
  });
  const refs = receipt.references ?? {};
  const identifiers = { ...next.identifiers };
  if (refs.hmctsRef && !identifiers.hmctsRef) identifiers.hmctsRef = refs.hmctsRef;
  if (refs.courtCaseNumber && !identifiers.courtCaseNumber) identifiers.courtCaseNumber = refs.courtCaseNumber;
  return { ...next, identifiers };
}

export const recordRejected = (state: CaseState, system: System, seq: number, reason: string, at: string) =>
  withSync(state, system, { failure: { seq, reason, at } });

/** A rejection by a system of record (the notifier's show on the case, not in this flag). */
export const hasSyncFailure = (state: CaseState) => RECONCILED_SYSTEMS.some((s) => state.sync[s].failure !== null);
