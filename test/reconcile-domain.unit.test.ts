/** Reconciliation's comparison and report, pure. */
import { describe, expect, it } from 'vitest';
import {
  addToReport,
  compareWithSystem,
  emptyReport,
  EXAMPLES_KEPT,
  outboundMessages,
  type OutboundMessage,
} from '../domain/index.js';
import { newCaseState } from './domain-fixtures.js';

const actor = { id: 'carol', role: 'caseworker' } as const;
/** Messages to the Home Office for changes 1..n, each leaving the case at `stage:status` of its own. */
function sent(n: number): OutboundMessage[] {
  const state = newCaseState();
  return Array.from({ length: n }, (_, i) => {
    const after = { ...state, version: i + 1, status: `status-${i + 1}` as never };
    return outboundMessages(['homeOffice'], after, { type: 'claim.screened' }, actor, '2026-03-01T10:00:00.000Z')[0]!;
  });
}
const viewOf = (messages: OutboundMessage[]) => ({
  stage: messages.at(-1)!.after.stage,
  status: messages.at(-1)!.after.status,
  keys: messages.map((m) => m.key),
});

describe('compareWithSystem', () => {
  it('finds nothing when the system holds every acknowledged change and the last stage', () => {
    const messages = sent(3);
    expect(compareWithSystem('homeOffice', messages, viewOf(messages))).toEqual({ drift: [], resend: [] });
  });

  it('reports each missing change and hands it back, oldest first, once', () => {
    const messages = sent(4);
    const held = [messages[0]!, messages[3]!];
    const found = compareWithSystem('homeOffice', [...messages, messages[1]!], viewOf(held));
    expect(found.resend.map((m) => m.seq)).toEqual([2, 3]);
    expect(found.drift.map((d) => [d.kind, d.seq])).toEqual([
      ['missing', 2],
      ['missing', 3],
    ]);
  });

  it('reports a system with no record of the case and sends it everything', () => {
    const messages = sent(2);
    const found = compareWithSystem('courts', messages, null);
    expect(found.drift.map((d) => d.kind)).toEqual(['unknown-case']);
    expect(found.resend).toEqual(messages);
    expect(compareWithSystem('courts', [], null)).toEqual({ drift: [], resend: [] }); // never sent anything: nothing to hold
  });

  it('reports a different stage and changes it never acknowledged, without re-sending anything', () => {
    const messages = sent(2);
    const found = compareWithSystem('homeOffice', messages, {
      stage: 'exit',
      status: 'removed',
      keys: [...messages.map((m) => m.key), 'someone-else:9:homeOffice'],
    });
    expect(found.drift.map((d) => d.kind).sort()).toEqual(['stage', 'unexpected']);
    expect(found.resend).toEqual([]);
  });
});

describe('reconciliation report', () => {
  it('sums drift by kind and keeps a bounded list of examples', () => {
    let report = emptyReport('2026-03-01T02:00:00.000Z');
    const drift = { system: 'homeOffice' as const, kind: 'missing' as const, detail: 'x', seq: 1 };
    for (let i = 0; i < EXAMPLES_KEPT + 5; i++)
      report = addToReport(report, { caseId: `AC-${i}`, drift: [drift], resent: 1, unreachable: [] });
    report = addToReport(report, { caseId: 'AC-clean', drift: [], resent: 0, unreachable: ['courts'] });
    expect(report).toMatchObject({
      cases: EXAMPLES_KEPT + 6,
      casesWithDrift: EXAMPLES_KEPT + 5,
      resent: EXAMPLES_KEPT + 5,
      drift: { missing: EXAMPLES_KEPT + 5, stage: 0 },
      unreachable: { courts: 1, homeOffice: 0 },
    });
    expect(report.examples).toHaveLength(EXAMPLES_KEPT);
  });
});
