/** Every recorded history replays cleanly against the current workflow code. */
import { Worker } from '@temporalio/worker';
import { describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { loadConfig } from '../config/index.js';
import { dataConverter } from '../config/temporal.js';
import { loadFixtures } from './fixtures.js';

describe('replay of recorded histories', () => {
  const fixtures = loadFixtures();

  it('has histories to replay', () => {
    expect(fixtures.length).toBeGreaterThanOrEqual(5);
  });

  // Over a hundred histories, one worker replaying them in turn: allow for a loaded machine.
  it('replays each without non-determinism', { timeout: 240_000 }, async () => {
    const histories = fixtures.map((f) => ({ workflowId: f.workflowId, history: f.history }));
    const failures: string[] = [];
    let replayed = 0;
    // The product's data converter with the local keys: histories recorded before the codec pass
    // through it, ones recorded since (under the dev key) decrypt.
    const config = loadConfig({ LOCAL_MODE: '1' });
    if (!config.ok) throw new Error(config.error);
    for await (const result of Worker.runReplayHistories(
      { workflowBundle: { codePath: inject('workflowBundlePath') }, dataConverter: dataConverter(config.config) },
      histories,
    )) {
      replayed += 1;
      if (result.error) failures.push(`${result.workflowId}: ${result.error.message}`);
    }
    expect(failures).toEqual([]);
    expect(replayed).toBe(fixtures.length);
  });
});
