/** The longest a failed mail waits for its next attempt: an outage delays mail by minutes at most once the server is back. */
export const MAX_BACKOFF_MS = 5 * 60_000;

/**
 * The wait before attempt `attempts + 1`: doubling from `baseMs`, capped at
 * `maxMs`, with "equal jitter" (a random point in the upper half), so
 * instances and mails that failed together do not retry in lockstep while
 * the wait still grows with each failure. `random` returns [0, 1).
 */
export function backoffMs(attempts: number, baseMs: number, maxMs = MAX_BACKOFF_MS, random: () => number = Math.random): number {
  const ceiling = backoffCeilingMs(attempts, baseMs, maxMs);
  return Math.round(ceiling / 2 + (ceiling / 2) * random());
}

/** The most backoffMs can return for `attempts` (what a test advances a clock by). */
export function backoffCeilingMs(attempts: number, baseMs: number, maxMs = MAX_BACKOFF_MS): number {
  return Math.min(maxMs, baseMs * 2 ** Math.min(40, Math.max(0, attempts - 1)));
}
