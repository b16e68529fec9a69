/**
 * One sample per way a change of ours reaches HMCTS, each made on a case the way the workflow makes
 * it: shared by the format's unit test (schema, samples in the docs) and the reference HMCTS's test.
 */
import { expect } from 'vitest';
import {
  applyChange,
  EVENT_ROWS,
  WORKFLOW_ACTOR,
  type CaseEvent,
  type CaseMachine,
  type OutboundMessage,
} from '../domain/index.js';
import { caseworker, freshCase, on, run, tribunal, type Step } from './domain-steps.js';

export const REF = 'PA/50001/2026';

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
export interface Sample {
  name: string;
  before: Step[];
  day: string;
  event: CaseEvent;
  actor?: Step[1];
  /** A message queued before courts messages carried the appeal's standing. */
  legacy?: true;
}
export const SAMPLE_LIST: Sample[] = [
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
export function messageOf(s: Sample): OutboundMessage {
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
