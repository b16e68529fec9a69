/**
 * The tribunal's case event callbacks read as our events (#22), table-driven: each row of the inbound
 * table from a callback as the tribunal's case system sends it, the references it is matched by, its
 * stable id, and the fields a bad one is refused by. The listing and decision callbacks are recorded
 * in docs/samples/hmcts/inbound (compared; rewritten with UPDATE_SAMPLES=1): the stack test posts them.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { courtCaseNumber } from '../domain/identifiers.js';
import { SOURCE_EVENTS } from '../domain/inbound.js';
import { caseEventBody } from '../api/schemas.js';
import { INBOUND_EVENT_IDS, readCaseEventCallback } from '../integrations/hmcts-inbound.js';
import { ccdCallback } from './hmcts-callback.js';

const SAMPLES = 'docs/samples/hmcts/inbound';
const CASE_NUMBER = courtCaseNumber('260000000050001');
const REF = 'PA/50001/2026';

const callback = (eventId: string, state: string, caseData: Record<string, unknown>, version = 4) =>
  ccdCallback({ caseNumber: CASE_NUMBER, appealReferenceNumber: REF }, eventId, state, version, {
    homeOfficeReferenceNumber: 'H0000001',
    ...caseData,
  });

const SAMPLED = {
  listCase: callback('listCase', 'listing', {
    listCaseHearingCentre: 'taylorHouse',
    listCaseHearingDate: '2026-05-11T10:00:00',
    listCaseHearingLength: '120',
    ariaListingReference: 'LP/12345/2026',
  }),
  sendDecisionAndReasons: callback(
    'sendDecisionAndReasons',
    'decision',
    { isDecisionAllowed: 'dismissed', appealDate: '2026-05-18', sendDecisionsAndReasonsDate: '2026-05-20' },
    7,
  ),
};

/** Each row of the table: a callback, the event it becomes and the references it finds its case by. */
const ROWS: [string, unknown, object, object][] = [
  [
    'submitAppeal',
    {
      ...callback('submitAppeal', 'appealStarted', { appealSubmissionDate: '2026-02-05', submissionOutOfTime: 'No' }),
      // Before the appeal was submitted the case had no appeal reference: it is only allowed, never read.
      case_details_before: {
        id: CASE_NUMBER,
        state: 'appealStarted',
        case_data: { homeOfficeReferenceNumber: 'H0000001' },
      },
    },
    { type: 'appeal.lodged', hmctsRef: REF, lodgedOn: '2026-02-05', outOfTime: false },
    { homeOfficeRef: 'H0000001' },
  ],
  ['listCase', SAMPLED.listCase, { type: 'tribunal.listed', hearingDate: '2026-05-11' }, { hmctsRef: REF }],
  [
    'editCaseListing',
    callback('editCaseListing', 'prepareForHearing', { listCaseHearingDate: '2026-06-01T14:00:00' }),
    { type: 'tribunal.listed', hearingDate: '2026-06-01' },
    { hmctsRef: REF },
  ],
  [
    'adjournHearingWithoutDate',
    callback('adjournHearingWithoutDate', 'prepareForHearing', { adjournHearingWithoutDateReasons: 'No interpreter' }),
    { type: 'tribunal.adjourned', reason: 'No interpreter' },
    { hmctsRef: REF },
  ],
  [
    'sendDecisionAndReasons',
    SAMPLED.sendDecisionAndReasons,
    { type: 'tribunal.determined', outcome: 'dismissed', determinedOn: '2026-05-18', promulgatedOn: '2026-05-20' },
    { hmctsRef: REF },
  ],
  [
    'endAppeal',
    callback('endAppeal', 'listing', { endAppealOutcome: 'Withdrawn', endAppealDate: '2026-03-01' }),
    { type: 'appeal.withdrawn', reason: 'Withdrawn (the tribunal gave no reason)' },
    { hmctsRef: REF },
  ],
  [
    'applyForFTPAAppellant',
    callback('applyForFTPAAppellant', 'decided', {}),
    { type: 'onward-appeal.lodged', party: 'appellant', to: 'first-tier' },
    { hmctsRef: REF },
  ],
  [
    'applyForFTPARespondent',
    callback('applyForFTPARespondent', 'decided', {}),
    { type: 'onward-appeal.lodged', party: 'respondent', to: 'first-tier' },
    { hmctsRef: REF },
  ],
  [
    'decideFtpaApplication',
    callback('decideFtpaApplication', 'ftpaSubmitted', {
      ftpaApplicantType: 'respondent',
      ftpaRespondentRjDecisionOutcomeType: 'partiallyGranted',
      ftpaRespondentDecisionDate: '2026-06-01',
    }),
    { type: 'onward-appeal.decided', outcome: 'granted', by: 'first-tier', decidedOn: '2026-06-01' },
    { hmctsRef: REF },
  ],
  [
    'residentJudgeFtpaDecision',
    callback('residentJudgeFtpaDecision', 'ftpaSubmitted', {
      ftpaApplicantType: 'appellant',
      ftpaAppellantRjDecisionOutcomeType: 'notAdmitted',
    }),
    { type: 'onward-appeal.decided', outcome: 'refused', by: 'first-tier' },
    { hmctsRef: REF },
  ],
  [
    'leadershipJudgeFtpaDecision',
    callback('leadershipJudgeFtpaDecision', 'ftpaSubmitted', {
      ftpaApplicantType: 'appellant',
      ftpaAppellantDecisionOutcomeType: 'granted',
    }),
    { type: 'onward-appeal.decided', outcome: 'granted', by: 'first-tier' },
    { hmctsRef: REF },
  ],
];

const errorsOf = (body: unknown) => {
  const r = readCaseEventCallback(body);
  return r.ok ? [] : r.errors.map((e) => e.field);
};

describe("the tribunal's callbacks read as our events", () => {
  it('has a row tested for every event id the table hears', () => {
    expect(ROWS.map((r) => r[0]).sort()).toEqual([...INBOUND_EVENT_IDS].sort());
  });

  it.each(ROWS)('%s', (eventId, body, event, references) => {
    const read = readCaseEventCallback(body);
    expect(read).toEqual({
      ok: true,
      value: {
        id: `${CASE_NUMBER}:${eventId}:${(body as any).case_details.version}`,
        occurredAt: '2026-03-01T10:15:00.000Z',
        references,
        event,
      },
    });
    // What the route then checks: one of our events, as the API would take it.
    expect(caseEventBody.safeParse(read.ok && read.value.event).success).toBe(true);
    // And one HMCTS reports: an event it does not would only be held on the case.
    expect(SOURCE_EVENTS.hmcts).toContain((event as { type: string }).type);
  });

  it('gives the same callback the same id, and the next event on the case another', () => {
    const id = (b: unknown) => (readCaseEventCallback(b) as any).value.id;
    expect(id(SAMPLED.listCase)).toBe(id(structuredClone(SAMPLED.listCase)));
    expect(
      id(callback('editCaseListing', 'prepareForHearing', { listCaseHearingDate: '2026-06-01T14:00:00' }, 5)),
    ).not.toBe(id(callback('editCaseListing', 'prepareForHearing', { listCaseHearingDate: '2026-06-01T14:00:00' }, 6)));
    // Without a version, the time the case was last modified.
    const { version: _v, ...unversioned } = SAMPLED.listCase.case_details;
    expect(id({ ...SAMPLED.listCase, case_details: unversioned })).toBe(`${CASE_NUMBER}:listCase:2026-03-01T10:15:00`);
  });

  it('refuses a callback that does not fit, naming the field', () => {
    const data = (d: Record<string, unknown>) => ({
      ...SAMPLED.listCase,
      case_details: { ...SAMPLED.listCase.case_details, case_data: d },
    });
    expect(errorsOf(data({ listCaseHearingDate: '2026-05-11T10:00:00' }))).toEqual([
      'case_details.case_data.appealReferenceNumber',
    ]);
    expect(errorsOf(data({ appealReferenceNumber: REF, listCaseHearingDate: 'next week' }))).toEqual([
      'case_details.case_data.listCaseHearingDate',
    ]);
    expect(errorsOf({ ...SAMPLED.listCase, event_id: 'uploadAddendumEvidence' })).toEqual(['event_id']);
    expect(
      errorsOf({ ...SAMPLED.listCase, case_details: { ...SAMPLED.listCase.case_details, jurisdiction: 'SSCS' } }),
    ).toEqual(['case_details.jurisdiction']);
    expect(errorsOf(callback('endAppeal', 'listing', { endAppealOutcome: 'Struck out' }))).toEqual([
      'case_details.case_data.endAppealOutcome',
    ]);
    expect(
      errorsOf(
        callback('decideFtpaApplication', 'ftpaSubmitted', {
          ftpaApplicantType: 'appellant',
          ftpaAppellantRjDecisionOutcomeType: 'remadeRule32',
        }),
      ),
    ).toEqual(['case_details.case_data.ftpaAppellantRjDecisionOutcomeType']);
    // A case number beyond a double's exact range cannot be read as a number.
    expect(
      errorsOf({ ...SAMPLED.listCase, case_details: { ...SAMPLED.listCase.case_details, id: 2 ** 53 + 2 } }),
    ).toEqual(['case_details.id']);
  });

  it.each(Object.entries(SAMPLED))('records the %s callback as a sample', (name, body) => {
    const file = `${SAMPLES}/${name}.json`;
    const text = `${JSON.stringify(body, null, 2)}\n`;
    if (process.env.UPDATE_SAMPLES === '1') {
      mkdirSync(SAMPLES, { recursive: true });
      writeFileSync(file, text);
    }
    expect(existsSync(file), `${file} is recorded (run with UPDATE_SAMPLES=1)`).toBe(true);
    expect(readFileSync(file, 'utf8')).toBe(text);
  });
});
