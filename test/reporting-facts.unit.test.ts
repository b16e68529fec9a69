/**
 * What the reporting model hears beyond stays (#20), and how it classes an appeal against the
 * 24-week duty: the facts come from the case's own clock (started and stopped by the table), go to
 * the model only, and read the same from a change's answer; the store keeps one row per appeal.
 */
import { describe, expect, it } from 'vitest';
import {
  caseView,
  complianceRate,
  DUTY_OUTCOMES,
  dutyOutcome,
  dutyStanding,
  factsFromView,
  REPORTING_SYSTEM,
  reportingFacts,
  type CaseEvent,
  type DutyFacts,
} from '../domain/index.js';
import { loadConfig } from '../config/index.js';
import { dataConverter } from '../config/temporal.js';
import { decodeEvents } from '../history/read.js';
import { openReportingStore } from '../reporting/index.js';
import { reportingMessagesOf } from '../activities/reporting-history.js';
import { loadFixtures } from './fixtures.js';
import { caseworker, run, supervisor, tribunal, type Step } from './domain-steps.js';

const DAY = 86_400_000;
const plus = (d: string, n: number) => new Date(Date.parse(`${d}T00:00:00Z`) + n * DAY).toISOString().slice(0, 10);

const refused: Step = ['2026-03-02', caseworker, { type: 'decision.refused' } as CaseEvent];
const lodged: Step = ['2026-03-05', tribunal, { type: 'appeal.lodged', lodgedOn: '2026-03-05' } as CaseEvent];
const listed: Step = ['2026-04-01', tribunal, { type: 'tribunal.listed', hearingDate: '2026-05-01' } as CaseEvent];

describe('the facts a reporting message carries', () => {
  it('are the assignee and the appeal in the duty: its start, its last day 168 days on, open until determined', () => {
    const m = run([
      ['2026-03-01', supervisor, { type: 'case.assigned', assignee: ' staff-17 ' } as CaseEvent],
      refused,
      lodged,
    ]);
    const last = m.outbox[REPORTING_SYSTEM].at(-1)!;
    // The clock runs from the day after lodging; 24 weeks counting that day as the first.
    expect(last.reporting).toEqual({
      assignee: 'staff-17',
      duty: { startedOn: '2026-03-05', lastDay: plus('2026-03-05', 168), state: 'open', decidedOn: null },
    });
    const decided = run(
      [
        listed,
        [
          '2026-06-01',
          tribunal,
          { type: 'tribunal.determined', outcome: 'dismissed', promulgatedOn: '2026-05-20' } as CaseEvent,
        ],
      ],
      m,
    );
    expect(decided.outbox[REPORTING_SYSTEM].at(-1)!.reporting!.duty).toMatchObject({
      state: 'decided',
      decidedOn: '2026-05-20',
    });
  });

  it('has no duty for an appellant outside its group, nor before an appeal', () => {
    const out = run([refused, lodged], {
      ...run([]),
      state: {
        ...run([]).state,
        cohort: { supportedAccommodation: false, foreignNationalOffender: false, detained: false },
      },
    });
    expect(out.outbox[REPORTING_SYSTEM].map((msg) => msg.reporting!.duty)).toEqual([null, null]);
  });

  it('goes to the reporting model only: the other systems hear what they did before', () => {
    const m = run([refused, lodged]);
    for (const [system, messages] of Object.entries(m.outbox))
      for (const msg of messages) expect('reporting' in msg, system).toBe(system === REPORTING_SYSTEM);
  });

  it("read from the change's answer (the rebuild of older cases) equal the facts sent", () => {
    const steps: Step[] = [refused, lodged, listed];
    let m = run([]);
    for (const step of [
      ...steps,
      ['2026-06-01', tribunal, { type: 'tribunal.determined', outcome: 'allowed' }] as Step,
    ]) {
      m = run([step], m);
      expect(factsFromView(caseView(m.state))).toEqual(reportingFacts(m.state));
    }
    const ended = run([
      refused,
      lodged,
      ['2026-04-01', tribunal, { type: 'appeal.withdrawn', reason: 'r' } as CaseEvent],
    ]);
    expect(reportingFacts(ended.state).duty?.state).toBe('ended');
    expect(factsFromView(caseView(ended.state))).toEqual(reportingFacts(ended.state));
  });
});

describe('the rebuild of a case recorded before messages carried the facts', () => {
  it("reads them from each change's answer in the recorded histories", async () => {
    const duties: DutyFacts[] = [];
    // Sets recorded since the payload codec are encrypted under the local key, as the rebuild reads them.
    const config = loadConfig({ LOCAL_MODE: '1' });
    if (!config.ok) throw new Error(config.error);
    const codecs = dataConverter(config.config).payloadCodecs ?? [];
    // Sets v1 to v5 were recorded before the facts were sent (test/fixtures.ts); v6 on send them.
    for (const { workflowId, history } of loadFixtures().filter((f) => /^v[1-5]-/.test(f.workflowId))) {
      await decodeEvents(history.events ?? [], codecs);
      const messages = reportingMessagesOf(workflowId, [history.events ?? []]);
      // Recorded before: none was sent with facts; an opening (seq 0) has no answer to read them from.
      for (const m of messages.filter((m) => m.seq === 0)) expect(m.reporting, workflowId).toBeUndefined();
      for (const m of messages) if (m.reporting?.duty) duties.push(m.reporting.duty);
    }
    expect(duties.length).toBeGreaterThan(0);
    // The 24 weeks as this test counts them: 168 days after the appeal started (no fixture's reinstatement moved one).
    for (const d of duties) expect(d.lastDay).toBe(plus(d.startedOn, 168));
    expect(new Set(duties.map((d) => d.state))).toEqual(new Set(['open', 'decided', 'exception', 'ended']));
  });
});

describe('an appeal against the duty', () => {
  const duty = (d: Partial<DutyFacts>): DutyFacts => ({
    startedOn: '2026-03-05',
    lastDay: '2026-08-20',
    state: 'open',
    decidedOn: null,
    ...d,
  });
  it.each([
    [duty({ state: 'decided', decidedOn: '2026-08-20' }), '2026-12-01', 'decidedInTime'],
    [duty({ state: 'decided', decidedOn: '2026-08-21' }), '2026-12-01', 'decidedLate'],
    [duty({}), '2026-08-20', 'openInTime'],
    [duty({}), '2026-08-21', 'openPastLimit'],
    [duty({ state: 'exception', decidedOn: '2026-09-01' }), '2026-12-01', 'exception'],
    [duty({ state: 'ended' }), '2026-12-01', 'ended'],
  ] as const)('%o on %s is %s', (d, today, outcome) => {
    expect(dutyOutcome(dutyStanding(d, today))).toBe(outcome);
  });

  it('rates decided in time over everything settled: decided, or open past its limit', () => {
    const zero = Object.fromEntries(DUTY_OUTCOMES.map((o) => [o, 0])) as Record<(typeof DUTY_OUTCOMES)[number], number>;
    expect(complianceRate(zero)).toBeNull();
    expect(complianceRate({ ...zero, openInTime: 5, exception: 2, ended: 1 })).toBeNull();
    expect(complianceRate({ ...zero, decidedInTime: 3, decidedLate: 1, openPastLimit: 2, openInTime: 9 })).toBe(0.5);
  });
});

describe('the store keeps one row per appeal in the duty', () => {
  const message = (seq: number, facts: { assignee: string | null; duty: DutyFacts | null } | undefined) => ({
    caseId: 'AC-1',
    seq,
    event: { type: 'x' },
    at: '2026-06-10T12:00:00.000Z',
    after: {
      stage: 'appeal',
      cohort: { supportedAccommodation: true, foreignNationalOffender: false, detained: false },
    },
    ...(facts ? { reporting: facts } : {}),
  });
  const apply = (store: ReturnType<typeof openReportingStore>, m: ReturnType<typeof message>) =>
    store.apply(m as unknown as Parameters<typeof store.apply>[0]);
  const first: DutyFacts = { startedOn: '2026-03-05', lastDay: '2026-08-20', state: 'open', decidedOn: null };

  it('updates it, keeps a decided one beside a new appeal, drops a live one the case no longer holds', async () => {
    const store = openReportingStore(':memory:');
    try {
      await apply(store, message(1, { assignee: 'a', duty: first }));
      await apply(store, message(2, { assignee: 'a', duty: { ...first, state: 'decided', decidedOn: '2026-08-01' } }));
      const second = { startedOn: '2026-09-01', lastDay: '2027-02-16', state: 'open', decidedOn: null } as const;
      await apply(store, message(3, { assignee: 'b', duty: second }));
      expect((await store.dutyAppeals()).map((r) => [r.startedOn, r.state])).toEqual([
        ['2026-03-05', 'decided'],
        ['2026-09-01', 'open'],
      ]);
      // A fact took the second appeal out of the duty: it never applied.
      await apply(store, message(4, { assignee: 'b', duty: null }));
      expect((await store.dutyAppeals()).map((r) => r.startedOn)).toEqual(['2026-03-05']);
      // A message recorded before facts were sent leaves them; a duplicate changes nothing.
      await apply(store, message(5, undefined));
      await apply(store, message(3, { assignee: 'c', duty: second }));
      expect(await store.assignments()).toEqual([{ caseId: 'AC-1', assignee: 'b' }]);
      expect(await store.dutyAppeals()).toHaveLength(1);
      await store.forget('AC-1');
      expect([await store.assignments(), await store.dutyAppeals()]).toEqual([[], []]);
    } finally {
      await store.close();
    }
  });
});
