import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.ts';
import { countRefusal } from './throttle.ts';
import { OldestKeys } from '../cache/oldest-keys.ts';

/**
 * What this process already knows about addresses the throttle is holding
 * back, so that refusing the next attempt from one costs no database work:
 * under a spraying attack nearly every request is such a refusal, and the
 * CPU it costs is taken from real people's sign-ins.
 *
 * Only address keys are remembered. An address key is never cleared early
 * (a completed reset clears account keys; a refund only follows a success
 * reserved before the block), so a remembered block is at worst a little
 * longer than the database's, never shorter. Refusals are counted here and
 * added to the key's row at most every FLUSH_MS, where the once-a-minute
 * audit row is decided as for any refusal.
 */
const MAX_ADDRESSES = 10_000;
const FLUSH_MS = 10_000;

interface Held {
  untilMs: number;
  refused: number;
  flushedMs: number;
}

export class BlockedAddresses {
  private readonly held = new Map<string, Held>();
  private readonly oldest = new OldestKeys(this.held);

  /** The address key is blocked until `untilMs` (as the database said). */
  hold(key: string, untilMs: number, nowMs: number): void {
    if (untilMs <= nowMs) return;
    const h = this.held.get(key);
    if (h) h.untilMs = Math.max(h.untilMs, untilMs);
    else {
      if (this.held.size >= MAX_ADDRESSES) this.forgetExpired(nowMs);
      if (this.held.size >= MAX_ADDRESSES) this.held.delete(this.oldest.next()!);
      this.held.set(key, { untilMs, refused: 0, flushedMs: nowMs });
    }
  }

  isHeld(key: string, nowMs: number): boolean {
    const h = this.held.get(key);
    if (!h) return false;
    if (h.untilMs > nowMs) return true;
    this.held.delete(key);
    return false;
  }

  /**
   * Count a refusal made from memory. When refusals are due to reach the
   * database, adds them there and returns the audit report countRefusal
   * decided on (null: none due).
   */
  async countRefusal(db: Kysely<Database>, key: string, now: Date): Promise<number | null> {
    const h = this.held.get(key);
    if (!h) return null;
    h.refused++;
    if (now.getTime() - h.flushedMs < FLUSH_MS) return null;
    const refused = h.refused;
    h.refused = 0;
    h.flushedMs = now.getTime();
    return countRefusal(db, key, now, refused);
  }

  private forgetExpired(nowMs: number): void {
    for (const [k, h] of this.held) if (h.untilMs <= nowMs) this.held.delete(k);
  }
}

const byDatabase = new WeakMap<object, BlockedAddresses>();

/** One memory per database handle (a test runtime, a server process). */
export function blockedAddressesOf(db: Kysely<Database>): BlockedAddresses {
  let b = byDatabase.get(db);
  if (!b) byDatabase.set(db, (b = new BlockedAddresses()));
  return b;
}
