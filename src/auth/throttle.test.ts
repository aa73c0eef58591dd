import { describe, expect, it } from 'vitest';
import { delayAfter, FREE_FAILURES, FREE_FAILURES_PER_ADDRESS } from './throttle.ts';

describe('throttle delays', () => {
  it('are free for the first failures, then double, and are capped at 15 minutes', () => {
    expect(delayAfter(FREE_FAILURES - 1)).toBe(0);
    expect(delayAfter(FREE_FAILURES)).toBe(1000);
    expect(delayAfter(FREE_FAILURES + 1)).toBe(2000);
    expect(delayAfter(FREE_FAILURES + 3)).toBe(8000);
    expect(delayAfter(1000)).toBe(15 * 60_000);
  });

  it('give an address more room than an account', () => {
    expect(delayAfter(FREE_FAILURES, FREE_FAILURES_PER_ADDRESS)).toBe(0);
    expect(delayAfter(FREE_FAILURES_PER_ADDRESS, FREE_FAILURES_PER_ADDRESS)).toBe(1000);
  });
});
