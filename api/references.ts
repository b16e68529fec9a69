/**
 * Who holds a reference, read from visibility (each case's CaseRefs search attribute): the check
 * that an event never moves a reference from one case onto another (#19). Visibility lags a second
 * or so behind a change, so two events racing to adopt one new reference can both pass.
 */
import type { Client } from '@temporalio/client';
import { referenceOwnedElsewhere } from '../domain/index.js';
import { caseIdFromWorkflowId, SA } from '../workflows/messages.js';

export interface Holder {
  caseId: string;
  refs: string[];
  /** Running: a case closed for retention still holds its references, but takes no more changes. */
  open: boolean;
}

/** The cases holding any of `values` as a reference, each with its references. */
export async function casesHolding(client: Client, values: readonly string[]): Promise<Holder[]> {
  // Values were checked against their formats (inbound references, event fields), which admit no quote.
  const safe = values.filter((v) => v && !/['\\]/.test(v));
  if (safe.length === 0) return [];
  const query = `${SA.refs.name} IN (${safe.map((v) => `'${v}'`).join(', ')})`;
  const found = new Map<string, Holder>();
  // Visibility lists every run of a case: the runs it handed over from by continue-as-new too. The
  // case is open when one of them runs, and holds what its running (or last) run holds.
  for await (const execution of client.workflow.list({ query })) {
    const caseId = caseIdFromWorkflowId(execution.workflowId);
    if (!caseId) continue;
    const open = execution.status.name === 'RUNNING';
    const earlier = found.get(caseId);
    if (earlier?.open) continue;
    found.set(caseId, { caseId, refs: execution.typedSearchAttributes.get(SA.refs) ?? [], open });
  }
  return [...found.values()];
}

/** Why one of `values` cannot go onto `target`: the first that another case holds, or undefined. */
export function heldElsewhere(target: string, values: readonly string[], holders: readonly Holder[]) {
  for (const other of holders) {
    if (other.caseId === target) continue;
    const taken = values.find((v) => other.refs.includes(v));
    if (taken) return { reference: taken, caseId: other.caseId, reason: referenceOwnedElsewhere(taken, other.caseId) };
  }
  return undefined;
}
