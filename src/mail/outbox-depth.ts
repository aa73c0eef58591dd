import { sql, type Kysely } from 'kysely';
import type { Database } from '../db/schema.ts';

export interface OutboxDepth {
  /** Mail not sent yet and not given up on (waiting, being sent, or waiting to be retried). */
  pending: number;
  /** How long the oldest pending mail has waited since it was queued, 0 with none. */
  oldestPendingAgeSeconds: number;
  /** Mail given up on (a 5xx answer, or it could not be built) and not set aside by a person: each needs a look. */
  deadLetters: number;
}

/**
 * The outbox's state in one statement, for /metrics. It reads the
 * outbox_unsent index alone (migration 0016): sent mail (nearly all of the
 * table) is left out by its sent_at, and no row with its bodies is read, so
 * an SMTP outage's backlog does not hold SQLite's event loop at each scrape.
 * A mail a person discarded (mail/discard-mail.ts) is dead on purpose and
 * not counted.
 */
export const OUTBOX_DEPTH = sql<{ pending: number | string; oldest: string | null; dead: number | string }>`
  select
    count(case when dead_at is null then 1 end) as pending,
    min(case when dead_at is null then created_at end) as oldest,
    count(case when dead_at is not null and coalesce(last_error_kind, '') <> 'discarded' then 1 end) as dead
  from outbox
  where sent_at is null`;

export async function outboxDepth(db: Kysely<Database>, now: Date): Promise<OutboxDepth> {
  const { rows } = await OUTBOX_DEPTH.execute(db);
  return depthOf(rows[0], now);
}

/** A depth query's one row (pending, oldest created_at, dead) as numbers: the outbox's and the webhooks' alike. */
export function depthOf(row: { pending: number | string; oldest: string | null; dead: number | string } | undefined, now: Date): OutboxDepth {
  const oldest = row?.oldest ? Date.parse(row.oldest) : Number.NaN;
  return {
    pending: Number(row?.pending ?? 0),
    oldestPendingAgeSeconds: Number.isNaN(oldest) ? 0 : Math.max(0, (now.getTime() - oldest) / 1000),
    deadLetters: Number(row?.dead ?? 0),
  };
}
