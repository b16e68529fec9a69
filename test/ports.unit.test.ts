import { describe, expect, it } from 'vitest';
import { freePort } from './ports.js';

describe('freePort', () => {
  it('never hands out one port twice in a process, though none is held between draws', async () => {
    // 400 draws from a slice of 2,000: without the memory, a repeat is all but certain (birthday bound).
    const ports = [];
    for (let i = 0; i < 400; i++) ports.push(await freePort());
    expect(new Set(ports).size).toBe(ports.length);
    expect(Math.min(...ports)).toBeGreaterThanOrEqual(20_000);
    expect(Math.max(...ports)).toBeLessThan(32_768);
  });
});
