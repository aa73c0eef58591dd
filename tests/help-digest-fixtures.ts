import type { Kysely } from 'kysely';
import type { CustomerUserPrincipal } from '../src/auth/principal.ts';
import type { Database } from '../src/db/schema.ts';
import { setHelpDigestSubscription } from '../src/help/digest/set-help-digest-subscription.ts';
import { parseSecrets } from '../src/mail/mail-secrets.ts';

/** A customer's user as the operations see them (what actorOf builds from a session). */
export async function userPrincipal(db: Kysely<Database>, userId: string): Promise<CustomerUserPrincipal> {
  const u = await db.selectFrom('users as u').innerJoin('customers as c', 'c.id', 'u.customer_id').select(['u.id', 'u.name', 'u.email', 'u.role', 'c.id as cid', 'c.rut', 'c.name as cname']).where('u.id', '=', userId).executeTakeFirstOrThrow();
  return { kind: 'user', userId: u.id, name: u.name, email: u.email, role: u.role, customer: { id: u.cid, rut: u.rut, name: u.cname }, ip: null };
}

export async function subscribe(db: Kysely<Database>, userId: string, now: Date): Promise<void> {
  await setHelpDigestSubscription(db, await userPrincipal(db, userId), true, now);
}

/** The digest mails in the outbox, per recipient. */
export async function digestMails(db: Kysely<Database>) {
  return db.selectFrom('outbox').selectAll().where('kind', '=', 'help-digest').orderBy('created_at').orderBy('to_address').execute();
}

/** The unsubscribe token of a queued digest mail (its secret, while the mail waits). */
export function unsubscribeTokenOf(row: { secrets: string | null }): string {
  const link = Object.values(parseSecrets(row.secrets) ?? {}).find((v) => v.includes('/ayuda/resumen/baja?t='));
  if (!link) throw new Error('no unsubscribe link in this mail');
  return new URL(link).searchParams.get('t')!;
}
