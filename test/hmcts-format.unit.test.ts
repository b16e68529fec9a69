/**
 * HMCTS's language (#22), table-driven: every change of ours that notifies HMCTS, made on a case the
 * way the workflow makes it, is encoded as the tribunal's case event its row names, passes the
 * schema the reference HMCTS validates with, and is recorded as a sample in docs/samples/hmcts
 * (compared here; rewritten with UPDATE_SAMPLES=1). The table covers exactly the events that notify
 * HMCTS, and the tribunal's answer reads as our receipt.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  applyChange,
  courtCaseNumber,
  EVENT_ROWS,
  EVENT_TYPES,
  WORKFLOW_ACTOR,
  type CaseEvent,
  type CaseMachine,
  type OutboundMessage,
} from '../domain/index.js';
import {
  caseAnswerReceipt,
  counterpartFor,
  HMCTS_COUNTERPARTS,
  HMCTS_EVENT_TYPES,
  hmctsCaseEventFormat,
  hmctsCaseEventSchema,
} from '../integrations/hmcts.js';
import { caseworker, freshCase, on, run, tribunal, type Step } from './domain-steps.js';
import { readSection, writeSection } from '../scripts/docs-events.js';
import { HMCTS_DOC, HMCTS_SECTIONS } from '../scripts/docs-hmcts.js';

const SAMPLES = 'docs/samples/hmcts';
const REF = 'PA/50001/2026';

// The steps each sample builds on, on a case refused on 1 February 2026.
const refused: Step[] = [['2026-02-01', caseworker, { type: 'decision.refused' }]];
const lodged: Step[] = [...refused, ['2026-02-05', tribunal, { type: 'appeal.lodged', hmctsRef: REF }]];
const late: Step[] = [...refused, ['2026-03-30', tribunal, { type: 'appeal.lodged', hmctsRef: REF }]];
const listed: Step[] = [...lodged, ['2026-03-01', tribunal, { type: 'tribunal.listed', hearingDate: '2026-05-11' }]];
const dismissed: Step[] = [
  ...listed,
  ['2026-05-20', tribunal, { type: 'tribunal.determined', outcome: 'dismissed', promulgatedOn: '2026-05-20' }],
];
const allowed: Step[] = [...listed, ['2026-05-20', tribunal, { type: 'tribunal.determined', outcome: 'allowed' }]];
const ftpa: Step[] = [...dismissed, ['2026-05-25', tribunal, { type: 'onward-appeal.lodged' }]];
const refusedFtpa: Step[] = [
  ...ftpa,
  ['2026-06-01', tribunal, { type: 'onward-appeal.decided', outcome: 'refused', by: 'first-tier' }],
];
const atUpperTribunal: Step[] = [
  ...ftpa,
  ['2026-06-01', tribunal, { type: 'onward-appeal.decided', outcome: 'granted', by: 'first-tier' }],
];
const withdrawn: Step[] = [...lodged, ['2026-02-20', tribunal, { type: 'appeal.withdrawn', reason: 'by letter' }]];

/** A sample: the steps before, then the change whose HMCTS message is encoded (a system's own when no actor). */
interface Sample {
  name: string;
  before: Step[];
  day: string;
  event: CaseEvent;
  actor?: Step[1];
  /** A message queued before courts messages carried the appeal's standing. */
  legacy?: true;
}
const SAMPLE_LIST: Sample[] = [
  { name: 'appeal lodged', before: refused, day: '2026-02-05', event: { type: 'appeal.lodged', hmctsRef: REF } },
  {
    name: 'late appeal, extension granted',
    before: late,
    day: '2026-04-02',
    event: { type: 'appeal.extension-decided', granted: true, reason: 'r' },
  },
  {
    name: 'late appeal, extension refused',
    before: late,
    day: '2026-04-02',
    event: { type: 'appeal.extension-decided', granted: false, reason: 'r' },
  },
  {
    name: 'decision withdrawn',
    before: lodged,
    day: '2026-02-20',
    event: { type: 'appeal.decision-withdrawn', reason: 'r' },
    actor: caseworker,
  },
  { name: 'listed', before: lodged, day: '2026-03-01', event: { type: 'tribunal.listed', hearingDate: '2026-05-11' } },
  {
    name: 'adjourned to a new date',
    before: listed,
    day: '2026-05-11',
    event: { type: 'tribunal.adjourned', reason: 'r', hearingDate: '2026-06-15' },
  },
  {
    name: 'adjourned without a date',
    before: listed,
    day: '2026-05-11',
    event: { type: 'tribunal.adjourned', reason: 'r' },
  },
  { name: 'reserved', before: listed, day: '2026-05-11', event: { type: 'tribunal.reserved' } },
  {
    name: 'determined',
    before: listed,
    day: '2026-05-20',
    event: { type: 'tribunal.determined', outcome: 'allowed', determinedOn: '2026-05-18', promulgatedOn: '2026-05-20' },
  },
  { name: 'withdrawn', before: lodged, day: '2026-02-20', event: { type: 'appeal.withdrawn', reason: 'r' } },
  { name: 'struck out', before: lodged, day: '2026-02-20', event: { type: 'appeal.struck-out', reason: 'r' } },
  {
    name: 'reinstated',
    before: [...lodged, ['2026-02-20', tribunal, { type: 'appeal.struck-out', reason: 'r' }]],
    day: '2026-02-25',
    event: { type: 'appeal.reinstated', reason: 'r' },
  },
  { name: 'evidence requested', before: lodged, day: '2026-02-10', event: { type: 'appeal.evidence-requested' } },
  {
    name: 'evidence extended',
    before: [...lodged, ['2026-02-10', tribunal, { type: 'appeal.evidence-requested' }]],
    day: '2026-02-12',
    event: { type: 'appeal.direction-extended', clock: 'respondent-evidence', deadline: '2026-03-10', reason: 'r' },
  },
  {
    name: 'evidence served',
    before: [...lodged, ['2026-02-10', tribunal, { type: 'appeal.evidence-requested' }]],
    day: '2026-02-20',
    event: { type: 'appeal.evidence-served' },
    actor: caseworker,
  },
  { name: 'review requested', before: lodged, day: '2026-02-10', event: { type: 'appeal.review-requested' } },
  {
    name: 'review extended',
    before: [...lodged, ['2026-02-10', tribunal, { type: 'appeal.review-requested' }]],
    day: '2026-02-12',
    event: { type: 'appeal.direction-extended', clock: 'respondent-review', deadline: '2026-03-10', reason: 'r' },
  },
  {
    name: 'review served',
    before: [...lodged, ['2026-02-10', tribunal, { type: 'appeal.review-requested' }]],
    day: '2026-02-20',
    event: { type: 'appeal.review-served' },
    actor: caseworker,
  },
  {
    name: '24-week exception',
    before: lodged,
    day: '2026-02-10',
    event: { type: 'clock.exception', clock: 'tribunal-24-weeks', reason: 'r' },
  },
  {
    name: '24-week flag',
    before: lodged,
    day: '2026-02-10',
    event: { type: 'tribunal.24-week-flag-set', inCohort: false, reason: 'r' },
  },
  {
    name: 'renewal to the Upper Tribunal',
    before: refusedFtpa,
    day: '2026-06-05',
    event: { type: 'onward-appeal.lodged', to: 'upper-tribunal' },
  },
  {
    name: 'FTPA by the respondent',
    before: allowed,
    day: '2026-05-25',
    event: { type: 'onward-appeal.lodged', party: 'respondent' },
  },
  { name: 'FTPA by the appellant', before: dismissed, day: '2026-05-25', event: { type: 'onward-appeal.lodged' } },
  {
    name: 'FTPA, queued before the standing was sent',
    before: dismissed,
    day: '2026-05-25',
    event: { type: 'onward-appeal.lodged' },
    legacy: true,
  },
  {
    name: 'FTPA refused (appellant)',
    before: ftpa,
    day: '2026-06-01',
    event: { type: 'onward-appeal.decided', outcome: 'refused', by: 'first-tier', decidedOn: '2026-06-01' },
  },
  {
    name: 'FTPA granted (respondent)',
    before: [...allowed, ['2026-05-25', tribunal, { type: 'onward-appeal.lodged', party: 'respondent' }]],
    day: '2026-06-01',
    event: { type: 'onward-appeal.decided', outcome: 'granted', by: 'first-tier' },
  },
  {
    name: 'remitted',
    before: atUpperTribunal,
    day: '2026-08-01',
    event: { type: 'onward-appeal.decided', outcome: 'remitted', by: 'upper-tribunal' },
  },
  {
    name: 'Upper Tribunal dismissed',
    before: atUpperTribunal,
    day: '2026-08-01',
    event: { type: 'onward-appeal.decided', outcome: 'dismissed', by: 'upper-tribunal' },
  },
  {
    name: 'renewal window expired',
    before: refusedFtpa,
    day: '2026-06-20',
    event: { type: 'permission-renewal-window.expired' },
  },
  {
    name: 'onward window expired',
    before: dismissed,
    day: '2026-06-20',
    event: { type: 'onward-appeal-window.expired' },
  },
  { name: 'appeal window expired', before: refused, day: '2026-02-20', event: { type: 'appeal-window.expired' } },
  {
    name: 'leave granted, abandoning the appeal',
    before: lodged,
    day: '2026-03-01',
    event: { type: 'exit.leave-granted' },
    actor: caseworker,
  },
  {
    name: 'leave granted after an allowed appeal',
    before: allowed,
    day: '2026-07-01',
    event: { type: 'exit.leave-granted' },
    actor: caseworker,
  },
  {
    name: 'removed after the appeal was withdrawn',
    before: withdrawn,
    day: '2026-03-01',
    event: { type: 'exit.removed' },
    actor: caseworker,
  },
  {
    name: 'departed, abandoning the appeal',
    before: lodged,
    day: '2026-03-01',
    event: { type: 'exit.departed' },
    actor: caseworker,
  },
  {
    name: 'departed after the appeal was withdrawn',
    before: withdrawn,
    day: '2026-03-01',
    event: { type: 'exit.departed' },
    actor: caseworker,
  },
];

/** The HMCTS message the sample's change queues, made as the workflow makes it. */
function messageOf(s: Sample): OutboundMessage {
  const m: CaseMachine = run(s.before, freshCase());
  // The workflow's own changes (windows closing) are recorded by it; the others by a person in a role.
  const next = EVENT_ROWS[s.event.type].roles.includes('system')
    ? applyChange(m, s.event, WORKFLOW_ACTOR, on(s.day))
    : run([[s.day, s.actor ?? tribunal, s.event]], m);
  const message = next.outbox.courts.at(-1);
  expect(message?.type, `${s.name}: HMCTS hears of it`).toBe(s.event.type);
  if (!s.legacy) return message!;
  const { appeal: _dropped, ...legacy } = message!;
  return legacy;
}

const fileOf = (eventId: string) => `${SAMPLES}/${eventId}.json`;
const recorded = new Set<string>();

describe('the tribunal hears our changes as its own case events', () => {
  it('has a row for exactly the events that notify HMCTS', () => {
    const notifying = EVENT_TYPES.filter((t) => {
      const n = EVENT_ROWS[t].notify;
      // A notify that depends on the case (an exit, the onward window) reaches HMCTS in some cases.
      return typeof n === 'function' || n.includes('courts');
    });
    expect([...HMCTS_EVENT_TYPES].sort()).toEqual([...notifying].sort());
  });

  it.each(SAMPLE_LIST.map((s) => [s.name, s] as const))('%s', (_name, sample) => {
    const message = messageOf(sample);
    const counterpart = counterpartFor(message)!;
    const body = hmctsCaseEventFormat.encode(message);
    expect(hmctsCaseEventSchema.safeParse(body).error?.issues ?? []).toEqual([]);
    expect(hmctsCaseEventFormat.typeOf(body)).toBe(counterpart.eventId);
    if (counterpart.state !== 'as-positioned') expect(body.state).toBe(counterpart.state);
    expect(Object.keys(body.case_data).every((f) => counterpart.carries?.includes(f as never))).toBe(true);
    // No personal data: the person's name and date of birth never travel.
    expect(JSON.stringify(body)).not.toMatch(/1990-01-01|"P"/);
    expect(body.case_reference).toBe(message.after.identifiers.hmctsRef ?? message.caseId);
    // One recorded sample per tribunal event id: the first the list makes.
    if (recorded.has(body.event_id)) return;
    recorded.add(body.event_id);
    const file = fileOf(body.event_id);
    const text = `${JSON.stringify(body, null, 2)}\n`;
    if (process.env.UPDATE_SAMPLES === '1') {
      mkdirSync(SAMPLES, { recursive: true });
      writeFileSync(file, text);
    }
    expect(existsSync(file), `${file} is recorded (run with UPDATE_SAMPLES=1)`).toBe(true);
    expect(readFileSync(file, 'utf8')).toBe(text);
  });

  it('has a sample for every counterpart in the table', () => {
    const used = new Set(SAMPLE_LIST.map((s) => counterpartFor(messageOf(s))));
    const missing = HMCTS_COUNTERPARTS.filter((r) => !used.has(r.counterpart)).map(
      (r) => `${r.type} → ${r.counterpart.eventId} (${r.counterpart.when?.text ?? 'always'})`,
    );
    expect(missing).toEqual([]);
  });

  it('sends the states the tribunal lists, and the specific ones the samples expect', () => {
    const bodyOf = (name: string) => hmctsCaseEventFormat.encode(messageOf(SAMPLE_LIST.find((s) => s.name === name)!));
    expect(bodyOf('listed')).toMatchObject({
      event_id: 'listCase',
      case_reference: REF,
      state: 'prepareForHearing',
      case_data: { listCaseHearingDate: '2026-05-11T00:00:00' },
    });
    expect(bodyOf('determined')).toMatchObject({
      event_id: 'sendDecisionAndReasons',
      state: 'decided',
      case_data: { isDecisionAllowed: 'allowed', appealDate: '2026-05-18', sendDecisionsAndReasonsDate: '2026-05-20' },
    });
    expect(bodyOf('reinstated')).toMatchObject({ event_id: 'reinstateAppeal', state: 'appealSubmitted' });
    expect(bodyOf('appeal window expired')).toMatchObject({
      event_id: 'trackerAppealWindowExpired',
      case_reference: 'AC-000000000000',
      state: 'unknown',
    });
    expect(bodyOf('leave granted after an allowed appeal')).toMatchObject({ state: 'decided' });
    expect(bodyOf('FTPA refused (appellant)')).toMatchObject({
      event_id: 'decideFtpaApplication',
      state: 'ftpaDecided',
      case_data: { ftpaApplicantType: 'appellant', ftpaAppellantRjDecisionOutcomeType: 'refused' },
    });
  });

  it('refuses a body that does not fit its event, naming the field', () => {
    const bad = (body: unknown) => hmctsCaseEventSchema.safeParse(body).error?.issues.map((i) => i.path.join('.'));
    const base = { event_id: 'listCase', case_reference: REF, state: 'prepareForHearing' };
    expect(bad({ ...base, case_data: {} })).toEqual(['case_data.listCaseHearingDate']);
    expect(
      bad({ ...base, case_data: { listCaseHearingDate: '2026-05-11T00:00:00', appellantGivenNames: 'X' } }),
    ).toEqual(['case_data']);
    expect(bad({ ...base, event_id: 'nextHearingDate', case_data: {} })).toEqual(['event_id']);
    expect(bad({ ...base, state: 'pending', case_data: { listCaseHearingDate: '2026-05-11T00:00:00' } })).toEqual([
      'state',
    ]);
  });

  it("reads the tribunal's case answer as our receipt: its case number and appeal reference", () => {
    const message = messageOf(SAMPLE_LIST[0]!);
    const number = courtCaseNumber('260000000050001');
    expect(
      caseAnswerReceipt(
        { id: number, version: 3, state: 'appealSubmitted', case_data: { appealReferenceNumber: REF } },
        message,
      ),
    ).toEqual({ receiptId: `${number}@3`, references: { hmctsRef: REF, courtCaseNumber: number } });
    // CCD's long as a JSON number, exact below 2^53; without a version the receipt names our sequence.
    expect(caseAnswerReceipt({ id: Number(number), case_reference: REF }, message)).toEqual({
      receiptId: `${number}@${message.seq}`,
      references: { hmctsRef: REF, courtCaseNumber: number },
    });
    // The reference HMCTS's answer before it spoke as a case system: our own receipt, read as it is.
    const ours = { receiptId: 'hmcts-1', references: { hmctsRef: REF, courtCaseNumber: number } };
    expect(caseAnswerReceipt(ours, message)).toEqual(ours);
    expect(() => caseAnswerReceipt({ status: 'ok' }, message)).toThrow(/without its case/);
    expect(() => caseAnswerReceipt({ id: 2 ** 53 + 2 }, message)).toThrow(/without its case/);
  });

  it.each(Object.entries(HMCTS_SECTIONS))('%s in docs/integration-hmcts.md is the table', (name, generate) => {
    if (process.env.UPDATE_SAMPLES === '1')
      writeFileSync(HMCTS_DOC, writeSection(readFileSync(HMCTS_DOC, 'utf8'), name, generate()));
    expect(readSection(readFileSync(HMCTS_DOC, 'utf8'), name)).toBe(generate());
  });
});
