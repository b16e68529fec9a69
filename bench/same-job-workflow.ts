/**
 * The same-job baseline (#21): the least a Temporal program must do for one of the benchmark's
 * changes, written as plainly as it can be. An update validates the change against where the case
 * stands and records it; for each system that must hear of it, an activity POSTs it to the same
 * reference system (or writes the same kind of reporting store) and its receipt is recorded. No
 * domain rules, no search attributes, no continue-as-new, no timers: what is left is the job.
 *
 * The update answers once the change is recorded, before any delivery: as our API answers a change
 * once its `applyEvent` update completes (api/routes/cases.ts `change`), deliveries following.
 */
import { condition, defineUpdate, proxyActivities, setHandler } from '@temporalio/workflow';
import type { SameJobActivities, PlainMessage, PlainSystem } from './same-job-activities.js';

/** The benchmark's lifecycle (test/lifecycle-changes.ts): which stage each change follows and leads to, who hears of it. */
const RULES: Record<string, { from: string; to: string; status: string; systems: PlainSystem[] }> = {
  'claim.screened': { from: 'claim:lodged', to: 'claim:screened', status: 'open', systems: ['homeOffice'] },
  'claim.interviewed': { from: 'claim:screened', to: 'claim:interviewed', status: 'open', systems: ['homeOffice'] },
  'decision.refused': { from: 'claim:interviewed', to: 'decision:refused', status: 'refused', systems: ['homeOffice'] },
  'appeal.lodged': {
    from: 'decision:refused',
    to: 'appeal:lodged',
    status: 'appealing',
    systems: ['homeOffice', 'courts'],
  },
  'tribunal.listed': {
    from: 'appeal:lodged',
    to: 'tribunal:listed',
    status: 'appealing',
    systems: ['homeOffice', 'courts'],
  },
  'tribunal.determined': {
    from: 'tribunal:listed',
    to: 'tribunal:allowed',
    status: 'allowed',
    systems: ['homeOffice', 'courts'],
  },
  'exit.leave-granted': {
    from: 'tribunal:allowed',
    to: 'exit:leave-granted',
    status: 'closed',
    systems: ['homeOffice', 'courts'],
  },
};

export interface PlainChange {
  type: string;
  [field: string]: unknown;
}
export interface PlainAnswer {
  caseId: string;
  seq: number;
  stage: string;
}

export const plainChangeUpdate = defineUpdate<PlainAnswer, [PlainChange]>('plainChange');

const { deliverPlain } = proxyActivities<SameJobActivities>({
  startToCloseTimeout: '15 seconds',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '1 minute' },
});

export async function sameJobWorkflow(caseId: string): Promise<void> {
  let stage = 'claim:lodged';
  let status = 'open';
  let seq = 0;
  const changes: Array<{ seq: number; change: PlainChange; at: string }> = [];
  const receipts: Record<string, string> = {};
  // Each system hears of a case's changes in order (the reference systems refuse one behind a
  // later one): one promise chain per system.
  const queues: Record<PlainSystem, Promise<void>> = {
    homeOffice: Promise.resolve(),
    courts: Promise.resolve(),
    reporting: Promise.resolve(),
  };
  const send = (message: PlainMessage) => {
    queues[message.system] = queues[message.system].then(async () => {
      receipts[message.key] = (await deliverPlain(message)).receiptId;
    });
  };
  const message = (system: PlainSystem, type: string, event: unknown, at: string): PlainMessage => ({
    key: `${caseId}:${seq}:${system}`,
    system,
    caseId,
    seq,
    type,
    at,
    event,
    after: { stage, status, identifiers: {} },
  });
  // The reporting model hears of the opening too, as ours does (seq 0).
  send(message('reporting', 'case.opened', {}, new Date().toISOString()));

  setHandler(
    plainChangeUpdate,
    (change) => {
      const rule = RULES[change.type]!;
      const at = new Date().toISOString();
      seq += 1;
      stage = rule.to;
      status = rule.status;
      changes.push({ seq, change, at });
      for (const system of [...rule.systems, 'reporting' as const]) send(message(system, change.type, change, at));
      return { caseId, seq, stage };
    },
    {
      validator: (change) => {
        const rule = RULES[change.type];
        if (!rule) throw new Error(`unknown change ${change.type}`);
        if (rule.from !== stage) throw new Error(`${change.type} does not follow ${stage}`);
      },
    },
  );
  await condition(() => false); // waits for the next change, as a case does
}
