import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { backoffCeilingMs, backoffMs, MAX_BACKOFF_MS } from './backoff.ts';

describe('retry backoff', () => {
  it('doubles from the base and stops at five minutes', () => {
    expect([1, 2, 3, 4, 5, 6, 7, 8].map((n) => backoffCeilingMs(n, 5_000))).toEqual([5_000, 10_000, 20_000, 40_000, 80_000, 160_000, 300_000, 300_000]);
    expect(backoffCeilingMs(1_000, 5_000)).toBe(MAX_BACKOFF_MS);
    expect(MAX_BACKOFF_MS).toBe(5 * 60_000);
  });

  it('jitters within the upper half of the ceiling', () => {
    expect(backoffMs(3, 5_000, MAX_BACKOFF_MS, () => 0)).toBe(10_000);
    expect(backoffMs(3, 5_000, MAX_BACKOFF_MS, () => 0.5)).toBe(15_000);
    expect(backoffMs(3, 5_000, MAX_BACKOFF_MS, () => 0.999999)).toBe(20_000);
    expect(backoffMs(50, 5_000, MAX_BACKOFF_MS, () => 0.999999)).toBe(MAX_BACKOFF_MS);
    expect(backoffMs(50, 5_000, MAX_BACKOFF_MS, () => 0)).toBe(MAX_BACKOFF_MS / 2);
  });

  it('never waits more than the cap, nor less than half the ceiling, for any attempt', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 10_000 }), fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }), (attempts, r) => {
        const ms = backoffMs(attempts, 5_000, MAX_BACKOFF_MS, () => r);
        const ceiling = backoffCeilingMs(attempts, 5_000);
        return ms <= MAX_BACKOFF_MS && ms <= ceiling && ms >= ceiling / 2;
      }),
    );
  });

  it('spreads mails that failed together (real randomness)', () => {
    const waits = new Set(Array.from({ length: 50 }, () => backoffMs(10, 5_000)));
    expect(waits.size).toBeGreaterThan(10);
  });
});
