import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.ts';

export type OutboxState = 'sent' | 'pending' | 'dead';

export interface OutboxEntry {
  id: string;
  createdAt: string;
  to: string;
  kind: string;
  subject: string;
  state: OutboxState;
  attempts: number;
  nextAttemptAt: string | null;
  lastError: string | null;
}

/** The newest mail of the outbox, optionally in one state; never the bodies or secrets. */
export async function listOutbox(db: Kysely<Database>, o: { state?: OutboxState; limit?: number } = {}): Promise<OutboxEntry[]> {
  let q = db
    .selectFrom('outbox')
    .select(['id', 'created_at', 'to_address', 'kind', 'subject', 'attempts', 'next_attempt_at', 'sent_at', 'dead_at', 'last_error'])
    .orderBy('created_at', 'desc')
    .orderBy('id')
    .limit(o.limit ?? 50);
  if (o.state === 'sent') q = q.where('sent_at', 'is not', null);
  if (o.state === 'pending') q = q.where('sent_at', 'is', null).where('dead_at', 'is', null);
  if (o.state === 'dead') q = q.where('dead_at', 'is not', null);
  const rows = await q.execute();
  return rows.map((r) => {
    const state: OutboxState = r.sent_at ? 'sent' : r.dead_at ? 'dead' : 'pending';
    return {
      id: r.id,
      createdAt: r.created_at,
      to: r.to_address,
      kind: r.kind,
      subject: r.subject,
      state,
      attempts: r.attempts,
      nextAttemptAt: state === 'pending' ? r.next_attempt_at : null,
      lastError: r.last_error,
    };
  });
}

/** How many mails are in each state. */
export async function countOutbox(db: Kysely<Database>): Promise<Record<OutboxState, number>> {
  const rows = await db
    .selectFrom('outbox')
    .select((eb) => [
      eb.fn.count<string | number>('id').filterWhere('sent_at', 'is not', null).as('sent'),
      eb.fn.count<string | number>('id').filterWhere('dead_at', 'is not', null).as('dead'),
      eb.fn.count<string | number>('id').filterWhere((w) => w.and([w('sent_at', 'is', null), w('dead_at', 'is', null)])).as('pending'),
    ])
    .executeTakeFirstOrThrow();
  return { sent: Number(rows.sent), dead: Number(rows.dead), pending: Number(rows.pending) };
}
