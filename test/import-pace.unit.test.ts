/**
 * The import's adaptive pace (#21): its rate climbs while the case queue keeps up, halves when a
 * task waits there longer than allowed, never leaves its bounds, and its gate lets rows through no
 * faster than the rate.
 */
import { describe, expect, it } from 'vitest';
import { adaptiveGate } from '../activities/import-pace.js';
import { nextPace, type QueueReading } from '../imports/pace.js';

const settings = { min: 1, max: 1000, step: 5, backlogMs: 50 };
const calm: QueueReading = { backlogAgeMs: 0, backlogCount: 0 };
const backedUp: QueueReading = { backlogAgeMs: 400, backlogCount: 30 };

describe('nextPace', () => {
  it('climbs by its step while the queue keeps up, up to the maximum', () => {
    expect(nextPace(5, calm, settings)).toBe(10);
    expect(nextPace(998, calm, settings)).toBe(1000);
  });

  it('halves when a task waits longer than allowed, down to the minimum', () => {
    expect(nextPace(40, backedUp, settings)).toBe(20);
    expect(nextPace(1.5, backedUp, settings)).toBe(1);
  });

  it('a wait of exactly the allowance is still keeping up', () => {
    expect(nextPace(10, { backlogAgeMs: 50, backlogCount: 1 }, settings)).toBe(15);
  });
});

/** Runs `n` quick jobs through `gate`; answers how long they took, in seconds. */
async function timeThrough(gate: { run<T>(w: () => Promise<T>): Promise<T> }, n: number) {
  const t0 = Date.now();
  await Promise.all(Array.from({ length: n }, () => gate.run(async () => undefined)));
  return (Date.now() - t0) / 1000;
}

describe('the adaptive gate', () => {
  it('holds a backed-up queue at its minimum rate', async () => {
    const gate = adaptiveGate(settings, async () => backedUp, { everyMs: 100, start: 20 });
    // 20 a second, halving every 0.1 s to 1 a second: 6 rows take well over a second.
    expect(await timeThrough(gate, 6)).toBeGreaterThan(1);
    expect(gate.rate).toBe(1);
    gate.stop();
  });

  it('climbs while the queue keeps up, and a failed reading slows it', async () => {
    let fail = false;
    const gate = adaptiveGate(
      settings,
      async () => {
        if (fail) throw new Error('unavailable');
        return calm;
      },
      { everyMs: 100, start: 5 },
    );
    await timeThrough(gate, 20);
    const climbed = gate.rate;
    expect(climbed).toBeGreaterThan(5);
    fail = true;
    await timeThrough(gate, 5);
    expect(gate.rate).toBeLessThan(climbed);
    gate.stop();
  });
});
