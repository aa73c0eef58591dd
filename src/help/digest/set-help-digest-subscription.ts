import type { Kysely } from 'kysely';
import { z } from 'zod';
import { recordAuditEvent } from '../../audit/record-audit-event.ts';
import { auditActor, type CustomerUserPrincipal } from '../../auth/principal.ts';
import { hashToken, newToken } from '../../auth/token.ts';
import type { Database } from '../../db/schema.ts';

export const setHelpDigestInput = z.object({
  recibir: z.enum(['si', 'no'], { error: 'Elija si quiere recibir el resumen semanal.' }),
});

/**
 * Subscribe or unsubscribe the signed-in person; true when something changed
 * (asking twice for the same is no change and leaves no audit row).
 * Readers only subscribe themselves, so the policy is "signed in"; what the
 * digest then tells them still goes through help-access.ts at send time.
 */
export async function setHelpDigestSubscription(db: Kysely<Database>, by: CustomerUserPrincipal, subscribe: boolean, now: Date): Promise<boolean> {
  return db.transaction().execute(async (trx) => {
    if (subscribe) {
      // A hash nobody holds until the first mail brings a token of its own (help_digest_unsubscribe_links).
      const r = await trx
        .insertInto('help_digest_subscriptions')
        .values({ user_id: by.userId, unsubscribe_hash: hashToken(newToken()), subscribed_at: now.toISOString(), last_sent_at: null })
        .onConflict((oc) => oc.column('user_id').doNothing())
        .executeTakeFirst();
      if (Number(r.numInsertedOrUpdatedRows ?? 0) === 0) return false;
    } else {
      // Its links go with it (ON DELETE CASCADE), locked after the subscription as the digest batch does (unsubscribe-by-token.ts).
      const r = await trx.deleteFrom('help_digest_subscriptions').where('user_id', '=', by.userId).executeTakeFirst();
      if (Number(r.numDeletedRows) === 0) return false;
    }
    await recordAuditEvent(trx, {
      action: subscribe ? 'help.digest-subscribed' : 'help.digest-unsubscribed',
      at: now,
      ...auditActor(by),
      customerId: by.customer.id,
      targetUserId: by.userId,
      targetLabel: by.email,
      detail: { via: 'cuenta' },
    });
    return true;
  });
}
