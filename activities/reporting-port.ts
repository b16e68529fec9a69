/**
 * The reporting read model's port (#20): the same `deliver` as the external systems', applied to
 * the SQLite store in the worker itself. Every failure is retryable, so the workflow's delivery
 * loop keeps the change and tries again, in order: a store that cannot be opened or written (a
 * full disk, a locked or unwritable file) delays the model, and never loses or doubles a change.
 */
import { messageKey, type Receipt } from '../domain/index.js';
import type { ReportingStore } from '../reporting/index.js';
import type { SystemPort } from './ports.js';

export function reportingPort(open: () => ReportingStore): SystemPort {
  let store: ReportingStore | undefined;
  return {
    async deliver(message): Promise<Receipt> {
      let outcome;
      try {
        store ??= open();
        outcome = store.apply(message);
      } catch (err) {
        // Opened afresh on the next attempt: the file may have been replaced or made writable again.
        try {
          store?.close();
        } catch {
          // closing a broken handle: nothing more to do
        }
        store = undefined;
        throw new Error(`reporting store unavailable: ${(err as Error).message}`);
      }
      // A gap: an earlier change has not reached the model yet (a rebuild in progress, a lost file).
      // Refused as any system refuses one, retried until the order holds.
      if (outcome.kind === 'gap')
        throw new Error(`reporting: ${message.key} out of order, expecting seq ${outcome.expected} first`);
      return { receiptId: messageKey(message.caseId, message.seq, 'reporting') };
    },
    // Not reconciled with visibility by this port: the rebuild remakes it from the histories.
    view: async () => null,
  };
}
