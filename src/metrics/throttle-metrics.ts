import { Counter, type Registry } from 'prom-client';

/**
 * Which throttle refused, from its key (auth/password-attempt.ts,
 * auth/password-reset.ts, staff/second-factor.ts). Never the key itself: it
 * holds an account and an address, a new series for every one an attacker
 * tries.
 */
const KINDS: Array<[RegExp, string]> = [
  [/^pw:acct:.*:(ip|device):/, 'password-account-source'],
  [/^pw:acct:.*:untrusted$/, 'password-account-unknown-devices'],
  [/^pw:ip:/, 'password-address'],
  [/^reset:acct:/, 'reset-account'],
  [/^reset:ip:/, 'reset-address'],
  [/^staff-mfa:/, 'second-factor'],
  // api/rate-limit/rate-limit-middleware.ts: calls over an API token's limit (the key is the token's id).
  [/^api:/, 'api-token'],
];
export const THROTTLES = [...KINDS.map(([, kind]) => kind), 'other'];

export function throttleKind(key: string): string {
  for (const [pattern, kind] of KINDS) if (pattern.test(key)) return kind;
  return 'other';
}

/** What the throttles' callers are handed (in their deps) to report a refusal. */
export interface ThrottleRefusals {
  refused(key: string): void;
}

/** portal_throttle_refusals_total{throttle}. */
export class ThrottleMetrics implements ThrottleRefusals {
  private readonly counter: Counter<'throttle'>;

  constructor(registry: Registry) {
    this.counter = new Counter({
      name: 'portal_throttle_refusals_total',
      help: 'Attempts refused by a throttle (password, reset request, second factor), by which throttle refused.',
      labelNames: ['throttle'],
      registers: [registry],
    });
    for (const throttle of THROTTLES) this.counter.inc({ throttle }, 0);
  }

  refused(key: string): void {
    this.counter.inc({ throttle: throttleKind(key) });
  }
}
