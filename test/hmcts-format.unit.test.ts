/**
 * HMCTS's language (#22), table-driven: every change of ours that notifies HMCTS, made on a case the
 * way the workflow makes it, is encoded as the tribunal's case event its row names, passes the
 * schema the reference HMCTS validates with, and is recorded as a sample in docs/samples/hmcts
 * (compared here; rewritten with UPDATE_SAMPLES=1). The table covers exactly the events that notify
 * HMCTS, and the tribunal's answer reads as our receipt.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { courtCaseNumber, EVENT_ROWS, EVENT_TYPES } from '../domain/index.js';
import {
  caseAnswerReceipt,
  counterpartFor,
  HMCTS_COUNTERPARTS,
  HMCTS_EVENT_TYPES,
  hmctsCaseEventFormat,
  hmctsCaseEventSchema,
} from '../integrations/hmcts.js';
import { readSection, writeSection } from '../scripts/docs-events.js';
import { HMCTS_DOC, HMCTS_SECTIONS } from '../scripts/docs-hmcts.js';

const SAMPLES = 'docs/samples/hmcts';
import { messageOf, REF, SAMPLE_LIST } from './hmcts-samples.js';

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
