import type { Kysely } from 'kysely';
import { z } from 'zod';
import { recordAuditEvent } from '../../audit/record-audit-event.ts';
import { hashToken } from '../../auth/token.ts';
import type { Database } from '../../db/schema.ts';

/** What newToken() makes: 43 URL-safe characters. Anything else is looked up nowhere. */
export const unsubscribeTokenInput = z.string().regex(/^[\w-]{43}$/);

async function subscriberOf(db: Kysely<Database>, token: string): Promise<{ userId: string; email: string; customerId: string } | undefined> {
  if (!unsubscribeTokenInput.safeParse(token).success) return undefined;
  return db
    .selectFrom('help_digest_unsubscribe_links as l')
    .innerJoin('users as u', 'u.id', 'l.user_id')
    .select(['u.id as userId', 'u.email', 'u.customer_id as customerId'])
    .where('l.token_hash', '=', hashToken(token))
    .executeTakeFirst();
}

/** Whether the link of a digest mail still names a subscription (the confirm page). */
export async function isLiveUnsubscribeToken(db: Kysely<Database>, token: string): Promise<boolean> {
  return (await subscriberOf(db, token)) !== undefined;
}

/**
 * One-click unsubscribe (RFC 8058) and the confirm page's button: the token
 * of any mail of the subscription ends it, with all its tokens. An unknown
 * token changes nothing and answers false, the same as one already used.
 */
export async function unsubscribeByToken(db: Kysely<Database>, token: string, now: Date, ip: string | null): Promise<boolean> {
  return db.transaction().execute(async (trx) => {
    const who = await subscriberOf(trx, token);
    if (!who) return false;
    // Its links go with it (ON DELETE CASCADE, migration 0009), after the subscription's row is locked: the order the
    // digest batch takes them in, so the two never wait for each other in a circle (a deadlock on PostgreSQL).
    const r = await trx.deleteFrom('help_digest_subscriptions').where('user_id', '=', who.userId).executeTakeFirst();
    if (Number(r.numDeletedRows) === 0) return false;
    await recordAuditEvent(trx, {
      action: 'help.digest-unsubscribed',
      at: now,
      actorKind: 'anonymous',
      actorUserId: null,
      actorLabel: 'enlace de baja del correo',
      customerId: who.customerId,
      targetUserId: who.userId,
      targetLabel: who.email,
      ip,
      detail: { via: 'enlace' },
    });
    return true;
  });
}
