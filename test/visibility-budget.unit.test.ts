/** The process's visibility budget as arithmetic, on a clock of the test's own. */
import { describe, expect, it } from 'vitest';
import { rateBudget } from '../config/visibility-budget.js';

describe('the rate budget', () => {
  it('lets a burst through at once, then one call per interval, first come first served', () => {
    let t = 1_000;
    const budget = rateBudget(10, 3, () => t);
    expect([budget.reserve(), budget.reserve(), budget.reserve()]).toEqual([0, 0, 0]);
    expect([budget.reserve(), budget.reserve()]).toEqual([100, 200]);
    t += 1_000; // a quiet second refills the burst
    expect([budget.reserve(), budget.reserve(), budget.reserve(), budget.reserve()]).toEqual([0, 0, 0, 100]);
  });

  it('refuses a call whose slot falls after its latest start, and keeps the slot for the next one', () => {
    const t = 0;
    const budget = rateBudget(2, 1, () => t);
    expect(budget.reserve(1_000)).toBe(0);
    expect(budget.reserve(1_000)).toBe(500);
    expect(budget.reserve(600)).toBeUndefined();
    expect(budget.reserve(1_000)).toBe(1_000);
  });
});
