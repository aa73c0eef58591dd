import { sql, type Kysely } from 'kysely';
import { z } from 'zod';
import { containsPattern } from '../customers/folded-name.ts';
import { fieldErrors } from '../customers/user-fields.ts';
import type { Database } from '../db/schema.ts';
import { blankAsMissing } from '../domain/filter-input.ts';
import { plainLine } from '../domain/plain-text.ts';
import { ValidationError } from '../errors.ts';

export type OutboxState = 'sent' | 'pending' | 'dead';

/** What the console and the CLI filter on: a state, or "failed" (pending mail tried at least once and not delivered yet). */
export type OutboxFilterState = OutboxState | 'failed';

export interface OutboxEntry {
  id: string;
  createdAt: string;
  to: string;
  kind: string;
  subject: string;
  state: OutboxState;
  /** Pending, but tried already and not delivered (it waits for its next attempt). */
  failing: boolean;
  attempts: number;
  nextAttemptAt: string | null;
  lastError: string | null;
}

/** The outbox filters, shared by the console's form and `outbox list`. */
export const OutboxFilters = z.object({
  state: z.preprocess(blankAsMissing, z.enum(['sent', 'pending', 'failed', 'dead'], { error: 'Elija un estado de la lista.' }).optional()),
  /** Part of the recipient's address, any case. */
  to: z.preprocess(blankAsMissing, plainLine('El destinatario').max(254, 'El destinatario puede tener como máximo 254 caracteres.').optional()),
  kind: z.preprocess(blankAsMissing, z.string().trim().max(60, 'Elija un tipo de la lista.').regex(/^[\w.-]+$/, 'Elija un tipo de la lista.').optional()),
});

export type OutboxFilterInput = Partial<Record<'state' | 'to' | 'kind', string>>;

/** The newest mail of the outbox, filtered; never the bodies or secrets. */
export async function listOutbox(
  db: Kysely<Database>,
  o: OutboxFilterInput & { limit?: number; offset?: number } = {},
): Promise<OutboxEntry[]> {
  const parsed = OutboxFilters.safeParse({ state: o.state, to: o.to, kind: o.kind });
  if (!parsed.success) throw new ValidationError(fieldErrors(parsed.error), 'Revise los filtros marcados.');
  const f = parsed.data;
  let q = db
    .selectFrom('outbox')
    .select(['id', 'created_at', 'to_address', 'kind', 'subject', 'attempts', 'next_attempt_at', 'sent_at', 'dead_at', 'last_error'])
    .orderBy('created_at', 'desc')
    .orderBy('id')
    .limit(o.limit ?? 50)
    .offset(o.offset ?? 0);
  if (f.state === 'sent') q = q.where('sent_at', 'is not', null);
  if (f.state === 'pending') q = q.where('sent_at', 'is', null).where('dead_at', 'is', null);
  if (f.state === 'failed') q = q.where('sent_at', 'is', null).where('dead_at', 'is', null).where('attempts', '>', 0);
  if (f.state === 'dead') q = q.where('dead_at', 'is not', null);
  if (f.kind) q = q.where('kind', '=', f.kind);
  if (f.to) {
    q = q.where(sql<boolean>`lower(to_address) like ${containsPattern(f.to.toLowerCase())} escape '\\'`);
  }
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
      failing: state === 'pending' && r.attempts > 0,
      attempts: r.attempts,
      nextAttemptAt: state === 'pending' ? r.next_attempt_at : null,
      lastError: r.last_error,
    };
  });
}

/** The kinds of mail the outbox holds, for the filter's list. */
export async function outboxKinds(db: Kysely<Database>): Promise<string[]> {
  const rows = await db.selectFrom('outbox').select('kind').distinct().orderBy('kind').execute();
  return rows.map((r) => r.kind);
}

/** How many mails are in each state ("failed" counts within "pending"). */
export async function countOutbox(db: Kysely<Database>): Promise<Record<OutboxFilterState, number>> {
  const rows = await db
    .selectFrom('outbox')
    .select((eb) => [
      eb.fn.count<string | number>('id').filterWhere('sent_at', 'is not', null).as('sent'),
      eb.fn.count<string | number>('id').filterWhere('dead_at', 'is not', null).as('dead'),
      eb.fn.count<string | number>('id').filterWhere((w) => w.and([w('sent_at', 'is', null), w('dead_at', 'is', null)])).as('pending'),
      eb.fn.count<string | number>('id').filterWhere((w) => w.and([w('sent_at', 'is', null), w('dead_at', 'is', null), w('attempts', '>', 0)])).as('failed'),
    ])
    .executeTakeFirstOrThrow();
  return { sent: Number(rows.sent), dead: Number(rows.dead), pending: Number(rows.pending), failed: Number(rows.failed) };
}
