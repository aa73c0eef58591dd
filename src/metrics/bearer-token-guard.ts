import { createHash, timingSafeEqual } from 'node:crypto';
import type { Clock } from '../clock.ts';

export type BearerCheck = 'ok' | 'missing' | 'wrong' | 'throttled';

/** Wrong tokens one address may send in a window before the next wrong or missing ones get 429. */
export const FREE_WRONG_TOKENS = 10;
export const WINDOW_MS = 60_000;
/** Addresses remembered per window; past this, every new one shares a single count. */
const MAX_ADDRESSES = 10_000;

const digest = (s: string) => createHash('sha256').update(s, 'utf8').digest();

/**
 * The bearer token of /metrics. The token is compared as SHA-256 digests
 * with timingSafeEqual: equal lengths whatever was sent, and no early exit
 * at the first differing byte, so the time of an answer says nothing about
 * how close a guess was.
 *
 * The right token is always accepted. Refusing it to a throttled address
 * would let anyone lock Prometheus out: a guesser behind the same NAT or
 * proxy, or one with many addresses (IPv6 gives them by the billion), who
 * fills the remembered ones and then throttles the count every further
 * address shares, Prometheus's included. What the throttle guards against
 * is cost, not guessing: the token is at least 32 characters (config.ts;
 * `openssl rand -hex 32` gives 256 bits), far beyond guessing at any rate.
 * Past FREE_WRONG_TOKENS wrong ones in a minute, an address's wrong or
 * missing tokens get 429 with Retry-After.
 */
export class BearerTokenGuard {
  private readonly expected: Buffer;
  private readonly wrong = new Map<string, number>();
  private windowStartMs = -Infinity;

  constructor(
    token: string,
    private readonly clock: Clock,
  ) {
    this.expected = digest(token);
  }

  check(authorization: string | undefined, address: string): BearerCheck {
    const m = /^Bearer[ \t]+(\S+)[ \t]*$/i.exec(authorization ?? '');
    if (m && timingSafeEqual(digest(m[1]!), this.expected)) return 'ok';
    const nowMs = this.clock.now().getTime();
    if (nowMs - this.windowStartMs >= WINDOW_MS) {
      this.wrong.clear();
      this.windowStartMs = nowMs;
    }
    const key = this.wrong.has(address) || this.wrong.size < MAX_ADDRESSES ? address : '*';
    if ((this.wrong.get(key) ?? 0) >= FREE_WRONG_TOKENS) return 'throttled';
    if (!m) return 'missing';
    this.wrong.set(key, (this.wrong.get(key) ?? 0) + 1);
    return 'wrong';
  }

  /** Seconds until this window's counts are forgotten (Retry-After). */
  retryAfterSeconds(): number {
    return Math.max(1, Math.ceil((this.windowStartMs + WINDOW_MS - this.clock.now().getTime()) / 1000));
  }
}
