/** What an import reports while it runs and when it ends. Plain data: a workflow query answers it. */
import type { PossibleDuplicate, Rejection } from './validate.js';

export type ImportOutcome = 'created' | 'updated' | 'unchanged' | 'conflict';

export interface ImportReport {
  importId: string;
  file: string;
  dryRun: boolean;
  phase: 'validating' | 'importing' | 'done';
  startedAt: string;
  finishedAt?: string;
  /** Data rows in the file, and how many passed validation / were refused. */
  rows: number;
  accepted: number;
  rejected: number;
  /** Accepted rows brought in so far, by what became of them. */
  processed: number;
  outcomes: Record<ImportOutcome, number>;
  rejections: Rejection[];
  /** True when there were more rejections than the report lists (the counts stay exact). */
  rejectionsTruncated: boolean;
  possibleDuplicates: PossibleDuplicate[];
  /** Rows accepted but not applied, with why (a case opened in the tracker is never overwritten). */
  conflicts: Array<{ row: number; reason: string }>;
  /** Rows applied in part, with what was left alone and why. */
  notes: Array<{ row: number; note: string }>;
  ignoredColumns: string[];
  /**
   * Set when the import stopped short (#19): the step whose activity gave up after its bounded
   * attempts, and why. Rows brought in before it stay in.
   */
  failure?: { step: 'validating' | 'importing'; reason: string };
}
