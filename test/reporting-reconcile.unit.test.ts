/**
 * The reporting model's reconciliation rules (domain/reconcile.ts): which counts differ from
 * visibility's, and which cases are remade.
 */
import { describe, expect, it } from 'vitest';
import { countDrift, modelCandidates, type Standing } from '../domain/index.js';

const standings = (entries: Array<[string, string, string | null, boolean?]>) =>
  new Map<string, Standing>(
    entries.map(([id, stage, status, syncFailed = false]) => [
      id,
      { stage, status, syncFailed: status === null ? null : syncFailed },
    ]),
  );

describe('the reporting model against visibility', () => {
  const visibility = standings([
    ['a', 'claim', 'lodged'],
    ['b', 'decision', 'refused'],
    ['c', 'appeal', 'lodged'],
  ]);

  it('finds nothing when both sides agree', () => {
    expect(countDrift(visibility, visibility)).toEqual({ stages: [], statuses: [], syncFailures: [] });
    expect(modelCandidates(visibility, visibility)).toEqual([]);
  });

  it('reports each count that differs, and the cases behind the difference', () => {
    // b moved in the model, c lost, d unknown to visibility, a without figures.
    const model = standings([
      ['a', 'claim', null],
      ['b', 'tribunal', 'refused'],
      ['d', 'exit', 'removed'],
    ]);
    const drift = countDrift(model, visibility);
    const count = (side: Map<string, Standing>, by: 'stage' | 'status', key: string) =>
      [...side.values()].filter((s) => s[by] === key).length;
    for (const by of ['stage', 'status'] as const)
      for (const d of by === 'stage' ? drift.stages : drift.statuses) {
        expect(d.model).toBe(count(model, by, d.key));
        expect(d.visibility).toBe(count(visibility, by, d.key));
        expect(d.model).not.toBe(d.visibility);
      }
    expect(drift.stages.map((d) => d.key)).toEqual(['appeal', 'decision', 'exit', 'tribunal']);
    expect(drift.statuses.map((d) => d.key)).toEqual(['lodged', 'removed']);
    expect(modelCandidates(model, visibility)).toEqual(['a', 'b', 'c', 'd']);
  });

  it('counts sync failures apart, and remakes a case whose flag differs', () => {
    const model = standings([
      ['a', 'claim', 'lodged', true],
      ['b', 'decision', 'refused'],
      ['c', 'appeal', 'lodged', true],
    ]);
    const failing = standings([
      ['a', 'claim', 'lodged', true],
      ['b', 'decision', 'refused', true],
      ['c', 'appeal', 'lodged', true],
    ]);
    expect(countDrift(model, failing)).toEqual({
      stages: [],
      statuses: [],
      syncFailures: [{ key: 'failed', model: 2, visibility: 3 }],
    });
    expect(modelCandidates(model, failing)).toEqual(['b']);
  });
});
