import type { Logger } from 'pino';
import { Counter, type Registry } from 'prom-client';
import { BurstyRateLimiter, RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible';
import { memoryStore, type LimiterShape, type RateLimitStore } from './rate-limit-store.ts';

/** The burst reserve refills every ten minutes: a nightly sync may run over its minute now and then, not all the time. */
export const BURST_WINDOW_SECONDS = 600;
const MINUTE_SECONDS = 60;

export interface RateLimitDecision {
  allowed: boolean;
  /** Calls a token may make in a minute (RateLimit-Limit). */
  limit: number;
  /** Left in this minute's window (RateLimit-Remaining): 0 while the burst reserve is being drawn on. */
  remaining: number;
  /** Seconds until this minute's window ends (RateLimit-Reset, and Retry-After on a refusal). */
  resetSeconds: number;
  /** The shared store failed: this instance's memory decided alone. */
  degraded: boolean;
}

export interface ApiRateLimitOptions {
  perMinute: number;
  /** Calls above the minute's limit a token may make per BURST_WINDOW_SECONDS; 0: none. */
  burst: number;
}

/** Something rate-limiter-flexible can consume from (a limiter, or the bursty pair). */
type Consumer = Pick<RateLimiterAbstract, 'consume'>;

/**
 * Per-token limits on /api/v1 (rate-limiter-flexible), shared by every
 * instance through the store. When the store fails (a lost connection, a
 * locked file), the decision falls back to this instance's memory with the
 * same limits: a token keeps a limit through the outage (per instance
 * instead of shared) and the API keeps answering (decision 0029).
 */
export class ApiRateLimiter {
  private limiters: Limiters | undefined;
  private readonly storeErrors: Counter<'store'>;
  private lastWarnAt = 0;

  constructor(
    /** Opened on the first call: the CLI boots the same runtime and never calls the API. */
    private readonly openStore: () => RateLimitStore,
    readonly options: ApiRateLimitOptions,
    private readonly log: Pick<Logger, 'warn'>,
    registry: Registry,
  ) {
    this.storeErrors = new Counter({
      name: 'portal_api_rate_limit_store_errors_total',
      help: 'API calls whose rate limit this instance decided alone because the shared store failed.',
      registers: [registry],
    });
    this.storeErrors.inc(0);
  }

  /** Where the counters are: 'postgres', 'sqlite' or 'memory'. */
  get storeKind(): RateLimitStore['kind'] {
    return this.ready().store.kind;
  }

  /** One call by `tokenId`: counted, and allowed or refused. */
  async consume(tokenId: string): Promise<RateLimitDecision> {
    const l = this.ready();
    try {
      return this.decision(await outcome(l.shared, tokenId), false);
    } catch (err) {
      this.storeFailed(err, l.store.kind);
      return this.decision(await outcome(l.local, tokenId), true);
    }
  }

  /** Whether this refusal is the token's first in the current minute (the one to audit). */
  async firstRefusalThisMinute(tokenId: string): Promise<boolean> {
    const l = this.ready();
    try {
      return (await outcome(l.sharedAuditMark, tokenId)).allowed;
    } catch (err) {
      this.storeFailed(err, l.store.kind);
      return (await outcome(l.localAuditMark, tokenId)).allowed;
    }
  }

  close(): void {
    this.limiters?.store.close();
  }

  private ready(): Limiters {
    if (this.limiters) return this.limiters;
    const store = this.openStore();
    const local = memoryStore();
    // At most one audit row a minute per refused token, across instances: a mark in the same store.
    const mark: LimiterShape = { keyPrefix: 'api-rl-audited', points: 1, durationSeconds: MINUTE_SECONDS };
    return (this.limiters = {
      store,
      shared: pair(store, this.options),
      local: pair(local, this.options),
      sharedAuditMark: store.limiter(mark),
      localAuditMark: local.limiter(mark),
    });
  }

  private decision(o: { allowed: boolean; res: RateLimiterRes }, degraded: boolean): RateLimitDecision {
    return {
      allowed: o.allowed,
      limit: this.options.perMinute,
      remaining: Math.max(0, Math.min(this.options.perMinute, o.res.remainingPoints)),
      resetSeconds: Math.max(1, Math.ceil(o.res.msBeforeNext / 1000)),
      degraded,
    };
  }

  private storeFailed(err: unknown, store: string): void {
    this.storeErrors.inc();
    const now = Date.now();
    // One line every half minute is enough to see an outage; one per call would flood the log.
    if (now - this.lastWarnAt < 30_000) return;
    this.lastWarnAt = now;
    this.log.warn({ err: (err as Error)?.message ?? String(err), store }, 'API rate limit store failed: limits counted by this instance alone');
  }
}

interface Limiters {
  store: RateLimitStore;
  shared: Consumer;
  local: Consumer;
  sharedAuditMark: Consumer;
  localAuditMark: Consumer;
}

/** The minute's limit, backed by the burst reserve when there is one. */
function pair(store: RateLimitStore, o: ApiRateLimitOptions): Consumer {
  const minute = store.limiter({ keyPrefix: 'api-rl-minute', points: o.perMinute, durationSeconds: MINUTE_SECONDS });
  if (o.burst <= 0) return minute;
  return new BurstyRateLimiter(minute, store.limiter({ keyPrefix: 'api-rl-burst', points: o.burst, durationSeconds: BURST_WINDOW_SECONDS }));
}

/** rate-limiter-flexible rejects with a RateLimiterRes for "over the limit" and with an Error for a store failure: the first is an answer, the second is thrown. */
async function outcome(limiter: Consumer, key: string): Promise<{ allowed: boolean; res: RateLimiterRes }> {
  try {
    return { allowed: true, res: await limiter.consume(key) };
  } catch (rej) {
    if (rej instanceof RateLimiterRes) return { allowed: false, res: rej };
    throw rej;
  }
}
