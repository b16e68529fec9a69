/**
 * The reporting read model's port (#20): the same `deliver` as the external systems', applied to
 * the reporting store (SQLite or PostgreSQL) from the worker itself. Every failure is retryable, so the workflow's delivery
 * loop keeps the change and tries again, in order: a store that cannot be opened or written (a
 * full disk, a locked or unwritable file) delays the model, and never loses or doubles a change.
 */
import { messageKey, type Receipt } from '../domain/index.js';
import type { ReportingStore } from '../reporting/index.js';
import type { SystemPort } from './ports.js';

export function reportingPort(open: () => Promise<ReportingStore>): SystemPort {
  // One store for all the deliveries in flight, opened by the first of them.
  let store: Promise<ReportingStore> | undefined;
  return {
    async deliver(message): Promise<Receipt> {
      let outcome;
      const opened = (store ??= open());
      try {
        outcome = await (await opened).apply(message);
      } catch (err) {
        // Opened afresh on the next attempt: the file may have been replaced or made writable again,
        // the database reachable again. Only this attempt's store is dropped, not one opened since.
        if (store === opened) store = undefined;
        await opened
          .then((s) => s.close())
          .catch(() => {
            // closing a broken handle (or one never opened): nothing more to do
          });
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
