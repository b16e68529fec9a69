/**
 * The order files start in. Vitest orders by the durations of the last run, which a clean clone
 * does not have: it then starts the largest files first, and the long ones here are short files
 * (a 10,000-event loop, a timed chaos window) that would start last, leaving the other of the two
 * forks idle for their last minute or two. So the files known to run long start first, longest
 * first; all others keep vitest's own order behind them.
 */
import { relative } from 'node:path';
import { BaseSequencer, type TestSpecification } from 'vitest/node';

/**
 * The files that run longest on the two-core machine (seconds in a full run, Dec 2026), longest
 * first. Only the order depends on it: a file missing here merely starts in vitest's order.
 */
export const LONG_FIRST = [
  'test/bounded-10k.test.ts', // 127 s: 10,000 updates to one case
  'test/chaos.test.ts', // 75 s: a stack of its own, the 50 s chaos window, the audit
  'test/web.test.ts', // ~96 s: every page through a browser
  'test/imports.test.ts', // 71 s
  'test/reports.test.ts', // 57 s
  'test/reports-recount.test.ts',
  'test/api-contract.test.ts', // 43 s
  'test/report-pages.test.ts', // 40 s
];

export default class LongFirstSequencer extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const rank = (spec: TestSpecification) => {
      const i = LONG_FIRST.indexOf(relative(spec.project.config.root, spec.moduleId));
      return i === -1 ? LONG_FIRST.length : i;
    };
    // Array.prototype.sort is stable: the rest stay in vitest's order.
    return (await super.sort(files)).sort((a, b) => rank(a) - rank(b));
  }
}
