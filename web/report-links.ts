/**
 * Every figure of the reports links to the cases behind it (#20): the page
 * /app/reports/cases lists them (GET /reports/cases) and links each case. One builder of those
 * links, and one description of what a list is, for the page's heading.
 */
import { humanise } from './forms.js';

/** What picks a figure's cases: GET /reports/cases's query, as the page passes it on. */
export const REPORT_CASES_PARAMS = [
  'report',
  'stage',
  'week',
  'which',
  'fromDays',
  'toDays',
  'figure',
  'how',
  'from',
  'to',
  'cohort',
  'outcome',
  'assignee',
  'long',
] as const;
type Params = Partial<Record<(typeof REPORT_CASES_PARAMS)[number], string | number>>;

export const reportCasesHref = (params: Params) =>
  `/app/reports/cases?${new URLSearchParams(
    Object.entries(params).flatMap(([k, v]): Array<[string, string]> => (v === undefined ? [] : [[k, String(v)]])),
  )}`;

/**
 * The page of the cases behind a figure, from the link the API put on the figure's row
 * (`/reports/cases?...`, relative to the API's root): the same query, on the pages. Only the
 * query's own parameters are carried over; anything else is no link (undefined).
 */
export function casesPageHref(apiHref: string): string | undefined {
  if (!apiHref.startsWith('/reports/cases?')) return undefined;
  const query = new URLSearchParams(apiHref.slice('/reports/cases?'.length));
  const known: readonly string[] = REPORT_CASES_PARAMS;
  return reportCasesHref(Object.fromEntries([...query].filter(([k]) => known.includes(k))));
}

const FIGURE_TITLES: Record<string, string> = {
  openCases: 'All cases',
  absconders: 'Absconded now',
  repeatAppeals: 'Repeat appeals',
  openEscalations: 'Open escalations',
  appealsPending: 'Appeals pending',
  furtherSubmissionsPending: 'Further submissions to consider',
  onwardPending: 'Onward challenge under way',
  'twentyFourWeeks.open': '24-week appeals open',
  'twentyFourWeeks.dueWithin4Weeks': '24-week appeals due within 4 weeks',
  'twentyFourWeeks.breached': '24-week appeals breached',
  'twentyFourWeeks.exceptions': '24-week appeals excepted',
  'twentyFourWeeks.decidedInTime': '24-week appeals decided in time',
  'twentyFourWeeks.decidedLate': '24-week appeals decided late',
  'twentyFourWeeks.ended': '24-week appeals ended without a decision',
  syncFailures: 'Sync failures',
};

/** A compliance outcome in words, as the compliance page's columns name them. */
export const OUTCOME_LABELS: Record<string, string> = {
  decidedInTime: 'Decided in time',
  decidedLate: 'Decided late',
  openInTime: 'Open, in time',
  openPastLimit: 'Open past the limit',
  exception: 'Exception',
  ended: 'Ended without a decision',
};

/** The page's heading: which figure's cases these are. */
export function reportCasesTitle(q: Record<string, string>): string {
  const stage = q.stage ? humanise(q.stage) : '';
  if (q.report === 'flow')
    return q.which === 'open'
      ? `${stage}: cases in the stage at the end of the week of ${q.week}`
      : `${stage}: cases that ${q.which} the stage in the week of ${q.week}`;
  if (q.report === 'ageing')
    return `${stage}: open cases ${q.toDays ? `${q.fromDays} to ${q.toDays}` : `${q.fromDays} or more`} days in the stage`;
  if (q.report === 'time-in-stage')
    return `${stage}: stays ${q.cohort === 'true' ? 'in' : 'outside'} the 24-week group that ended ${q.from} to ${q.to}`;
  if (q.report === 'compliance')
    return `24-week appeals started ${q.from} to ${q.to}: ${(OUTCOME_LABELS[q.outcome ?? ''] ?? humanise(q.outcome ?? '')).toLowerCase()}`;
  if (q.report === 'workload')
    return `${q.assignee === 'unassigned' ? 'Unassigned' : q.assignee}: open cases in ${stage.toLowerCase()}${q.long === 'true' ? ' 20 weeks or more' : ''}`;
  if (q.figure === 'backlogByStage') return `${stage}: cases in the stage`;
  if (q.figure === 'appealsEnded') return `Appeals ended: ${humanise(q.how ?? '')}`;
  return FIGURE_TITLES[q.figure ?? ''] ?? 'Cases';
}
