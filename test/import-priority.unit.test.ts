/**
 * Imports as bulk work (#21, imports/priority.ts): only a server that can set a running case's
 * priority back (1.30 and later) has imported cases started at the bulk key, and the import's pace
 * counts only what waits ahead of that key.
 */
import { describe, expect, it } from 'vitest';
import { BULK_PRIORITY_KEY, canChangePriority, interactiveBacklog } from '../imports/priority.js';

describe('canChangePriority', () => {
  it('is true from server 1.30 on, in either spelling of the version', () => {
    expect(['1.30.0', '1.32.0', 'v1.31.5', '2.0.1'].map(canChangePriority)).toEqual([true, true, true, true]);
  });

  it('is false before 1.30, and for a version it cannot read', () => {
    expect(['1.29.1', '1.3.0', '0.40.0', '', 'dev', undefined, null].map(canChangePriority)).toEqual(
      Array(7).fill(false),
    );
  });
});

describe('interactiveBacklog', () => {
  const at = (key: string, backlogAgeMs: number, backlogCount: number) => ({
    key,
    reading: { backlogAgeMs, backlogCount },
  });

  it('counts the keys ahead of the bulk key, the default (3) and an unset key (0) among them', () => {
    expect(interactiveBacklog([at('0', 20, 1), at('3', 120, 2), at(String(BULK_PRIORITY_KEY), 9_000, 400)])).toEqual({
      backlogAgeMs: 120,
      backlogCount: 3,
    });
  });

  it('reads a queue where only bulk work waits as keeping up', () => {
    expect(interactiveBacklog([at(String(BULK_PRIORITY_KEY), 9_000, 400)])).toEqual({
      backlogAgeMs: 0,
      backlogCount: 0,
    });
  });

  it('has no answer where the server keeps no statistics by key: the whole queue counts then', () => {
    expect(interactiveBacklog([])).toBeUndefined();
  });
});
