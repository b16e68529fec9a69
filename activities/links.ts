/**
 * The link back: a link made on one case is recorded on the other through that case's own update,
 * under the id the link was given when it was made, so Temporal (and the case's answers kept across
 * continue-as-new) apply it once however often this is retried.
 */
import { WorkflowNotFoundError, WorkflowUpdateFailedError, type Client } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { linkBackEvent, type LinkBack } from '../domain/index.js';
import { applyEventUpdate, caseWorkflowId } from '../workflows/messages.js';

export type LinkBackOutcome = { status: 'recorded' } | { status: 'refused'; reason: string };

/** The domain's refusals (invalid, forbidden, not-allowed): the other case will never take it. */
const REFUSALS = new Set(['invalid', 'forbidden', 'not-allowed']);

export function createLinkActivities({ client }: { client: Client }) {
  return {
    /** Records a link back on the other case; anything but a refusal or a missing case is retried by Temporal. */
    async recordLinkBack(back: LinkBack): Promise<LinkBackOutcome> {
      const handle = client.workflow.getHandle(caseWorkflowId(back.to));
      try {
        await handle.executeUpdate(applyEventUpdate, {
          args: [{ event: linkBackEvent(back), actor: { id: back.link.caseId, role: 'system' } }],
          updateId: back.id,
        });
        return { status: 'recorded' };
      } catch (err) {
        if (
          err instanceof WorkflowUpdateFailedError &&
          err.cause instanceof ApplicationFailure &&
          REFUSALS.has(err.cause.type ?? '')
        )
          return { status: 'refused', reason: err.cause.message };
        // An update can meet a case between runs (continue-as-new), which is retried; a case not there
        // at all, or closed for good (terminated), will never take it.
        if (err instanceof WorkflowNotFoundError) {
          const status = await handle.describe().then(
            (d) => d.status.name,
            (e: unknown) => (e instanceof WorkflowNotFoundError ? undefined : Promise.reject(e)),
          );
          if (status !== 'RUNNING' && status !== 'CONTINUED_AS_NEW')
            return {
              status: 'refused',
              reason: status ? `case ${back.to} is ${status.toLowerCase()}` : `no case ${back.to}`,
            };
        }
        throw err;
      }
    },
  };
}
