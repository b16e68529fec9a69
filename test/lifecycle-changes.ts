/** One case's realistic life through the API, shared by the benchmark and the reliability suite. */
export type LifecycleRole = 'caseworker' | 'tribunal';
import { daysAgo } from './dates.js';

/** Seven changes; each reaches the Home Office, those from the appeal on HMCTS as well. */
export const LIFECYCLE: Array<[LifecycleRole, Record<string, unknown>]> = [
  ['caseworker', { type: 'claim.screened' }],
  ['caseworker', { type: 'claim.interviewed' }],
  ['caseworker', { type: 'decision.refused', decidedOn: daysAgo(1) }],
  ['tribunal', { type: 'appeal.lodged' }],
  ['tribunal', { type: 'tribunal.listed', hearingDate: daysAgo(-30) }],
  ['tribunal', { type: 'tribunal.determined', outcome: 'allowed' }],
  ['caseworker', { type: 'exit.leave-granted' }],
];
