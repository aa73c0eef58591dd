import type { Kysely } from 'kysely';
import type { Clock } from '../clock.ts';
import { addressBlock } from '../domain/ip-address.ts';
import type { Database } from '../db/schema.ts';
import type { ThrottleRefusals } from '../metrics/throttle-metrics.ts';
import type { PasswordHasher } from './password-hasher.ts';
import { blockedAddressesOf } from './blocked-addresses.ts';
import { clearKey, countRefusal, delayAfter, refundAttempt, reserveAttempt, type ThrottleKey } from './throttle.ts';

/**
 * Every form that checks a password (sign-in, the account's password change,
 * the forced first change) goes through here: the attempt is reserved on its
 * throttle keys before the hash is computed, refused while a key waits out a
 * delay, and given back when it succeeds. Decision 0008 argues the keys:
 *
 *  - the account from this address, or from this known device (the browser
 *    signed in to it before): 5 free, then growing delays. An attacker
 *    elsewhere spends their own budget, never the owner's;
 *  - the account from every unknown device together: 20 free. It stops a
 *    guesser spread over many addresses; a known device skips it, and a
 *    completed reset clears it;
 *  - the address over every account: 20 free (an office behind one NAT),
 *    which caps what one address can spray. A known device skips it too.
 */
export const FREE_PER_SOURCE = 5;
export const FREE_UNTRUSTED = 20;
export const FREE_PER_ADDRESS = 20;

export interface AttemptSource {
  ip: string;
  /** The device's hash when this browser has signed in as this user before (knownDevice), else null. */
  knownDevice: string | null;
}

export const accountId = (rut: string, email: string) => `${rut}:${email}`;

/** `own`: the account from this source; `shared`: budgets this source shares with others. */
export function attemptKeys(account: string, source: AttemptSource): { own: ThrottleKey; shared: ThrottleKey[] } {
  if (source.knownDevice) return { own: { key: `pw:acct:${account}:device:${source.knownDevice}`, account, free: FREE_PER_SOURCE }, shared: [] };
  // IPv6 clients get a /64 each from their provider: one such block is one address here.
  const block = addressBlock(source.ip);
  return {
    own: { key: `pw:acct:${account}:ip:${block}`, account, free: FREE_PER_SOURCE },
    shared: [
      { key: `pw:acct:${account}:untrusted`, account, free: FREE_UNTRUSTED },
      { key: addressKey(block), account: null, free: FREE_PER_ADDRESS },
    ],
  };
}

export type AttemptResult =
  | { outcome: 'ok' | 'wrong' }
  /** `report`: attempts refused since the last audit row about this key, when one is due now (else null). */
  | { outcome: 'throttled'; report: number | null };

export interface AttemptDeps {
  db: Kysely<Database>;
  clock: Clock;
  hasher: PasswordHasher;
  /** Where a refusal is counted (/metrics: portal_throttle_refusals_total). */
  metrics: { throttles: ThrottleRefusals };
}

/**
 * Before anything else is looked up: an attempt without a known device from
 * an address this process already knows to be held back is refused from
 * memory (throttled), or null to go on. Under a spraying attack this is
 * nearly every request, and it costs no database work.
 */
export async function refusedFromMemory(deps: AttemptDeps, ip: string, now: Date): Promise<Extract<AttemptResult, { outcome: 'throttled' }> | null> {
  const key = addressKey(addressBlock(ip));
  const blocked = blockedAddressesOf(deps.db);
  if (!blocked.isHeld(key, now.getTime())) return null;
  deps.metrics.throttles.refused(key);
  return { outcome: 'throttled', report: await blocked.countRefusal(deps.db, key, now) };
}

const addressKey = (block: string) => `pw:ip:${block}`;

/**
 * Check `password` against `storedHash` (null: no such account; the same
 * work is spent on a dummy hash). `usable`: whether a right password lets
 * the person in (a disabled account's right password is still a failure,
 * and keeps its reservation, so the throttle reveals nothing about it).
 */
export async function verifyPasswordAttempt(
  deps: AttemptDeps,
  account: string,
  source: AttemptSource,
  storedHash: string | null,
  password: string,
  usable = true,
): Promise<AttemptResult> {
  const now = deps.clock.now();
  const { own, shared } = attemptKeys(account, source);
  const address = shared.find((k) => k.account === null);
  if (address) {
    const early = await refusedFromMemory(deps, source.ip, now);
    if (early) return early;
  }
  const reservation = await reserveAttempt(deps.db, [own, ...shared], now);
  if (!reservation.ok) {
    deps.metrics.throttles.refused(reservation.refusedBy.key);
    if (reservation.refusedBy === address) await rememberBlock(deps.db, address, now);
    return { outcome: 'throttled', report: await countRefusal(deps.db, reservation.refusedBy.key, now) };
  }
  // A known device has only its own key: the shared counts are then 0.
  const [ownCount = 1, untrustedCount = 0, addressCount = 0] = reservation.attempts;
  // This attempt reached the address's allowance and blocked it: the next ones are refused from memory.
  if (address && addressCount >= address.free) blockedAddressesOf(deps.db).hold(address.key, now.getTime() + delayAfter(addressCount, address.free), now.getTime());
  const counts = { own: ownCount, untrusted: untrustedCount, address: addressCount };
  const lane = { lowPriority: suspicious(counts), suspicion: counts.own + counts.address };
  const ok = storedHash ? await deps.hasher.verify(storedHash, password, lane) : await deps.hasher.verifyNothing(password, lane);
  if (ok && usable) {
    // This source proved itself: its own key starts again; the shared ones get this attempt back.
    await clearKey(deps.db, own.key);
    await refundAttempt(deps.db, shared);
  }
  return { outcome: ok ? 'ok' : 'wrong' };
}

/**
 * A source that has already failed waits behind everyone else for the
 * hasher (password-hasher.ts's low-priority lane): an earlier attempt from
 * this address has not succeeded (yet), or this is at least the third in a
 * row at the account from here, or the account has had several from unknown
 * devices. A person's first attempt is never held back; the retry after a
 * typo waits only when the hasher is busy with others; a spraying address
 * gets one attempt at ordinary priority, then waits.
 */
function suspicious(c: { own: number; untrusted: number; address: number }): boolean {
  return c.own - 1 >= 2 || c.untrusted - 1 >= 3 || c.address - 1 >= 1;
}

async function rememberBlock(db: Kysely<Database>, address: ThrottleKey, now: Date): Promise<void> {
  const row = await db.selectFrom('throttles').select('blocked_until').where('key', '=', address.key).executeTakeFirst();
  if (row?.blocked_until) blockedAddressesOf(db).hold(address.key, Date.parse(row.blocked_until), now.getTime());
}
