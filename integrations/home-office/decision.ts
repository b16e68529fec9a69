/**
 * The Home Office's decision details (its search answer) read into our terms: which decision, and
 * the day it was made. Pure; the HTTP read is activities/home-office-search.ts.
 */
import { londonDate } from '../../domain/index.js';
import { decisionDetailsSchema, type DecisionDetails } from './schema.js';

/** The Home Office's decision codes we know the meaning of; any other is reported as it is. */
const DECISIONS: Record<string, 'refused' | 'granted'> = { REJECTION: 'refused', GRANT: 'granted' };

export interface HomeOfficeDecision {
  /** Our word for it, or `other` (the code says which). */
  decision: 'refused' | 'granted' | 'other';
  code: string;
  /** The London day of the decision, when the Home Office gave one. */
  decidedOn?: string;
  /** The reference the Home Office holds the application under (HMCTS then uses it as `hoReference`). */
  documentReference?: string;
}

/** `yyyy-MM-dd` as it is; a date-time as its London day. */
const dayOf = (value: string) => (/^\d{4}-\d{2}-\d{2}$/.test(value) ? value : londonDate(value));

/**
 * The decision on the main applicant's application (roleSubType MAIN; else the first with a decision),
 * or null when the answer holds none. Throws on a body that is not decision details at all.
 */
export function decisionOf(answer: unknown): HomeOfficeDecision | null {
  const details: DecisionDetails = decisionDetailsSchema.parse(answer);
  const statuses = (details.status ?? []).flatMap((s) =>
    s.applicationStatus?.decisionType ? [s.applicationStatus] : [],
  );
  const main = statuses.find((s) => s.roleSubType?.code === 'MAIN') ?? statuses[0];
  if (!main?.decisionType) return null;
  const { code } = main.decisionType;
  return {
    decision: DECISIONS[code] ?? 'other',
    code,
    ...(main.decisionDate ? { decidedOn: dayOf(main.decisionDate) } : {}),
    ...(main.documentReference ? { documentReference: main.documentReference } : {}),
  };
}
