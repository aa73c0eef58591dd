import type { Kysely } from 'kysely';
import { insertUser } from '../auth/credentials.ts';
import { principalRef, type Principal } from '../auth/principal.ts';
import type { Config } from '../config.ts';
import type { Database } from '../db/schema.ts';
import { emitWebhookEvent } from '../webhooks/webhook-events.ts';
import { temporaryPasswordExpiresAt } from '../domain/temporary-password-expiry.ts';
import { credentialsSender } from './credentials-sender.ts';
import { issueCredentials } from './issue-credentials.ts';

export interface NewUserWithCredentials {
  id: string;
  customer: { id: string; rut: string; name: string };
  email: string;
  name: string;
  role: 'admin' | 'technical';
  /** The temporary password and its hash, made by the caller before the transaction (hashing is slow). */
  temporaryPassword: string;
  passwordHash: string;
  now: Date;
}

/**
 * A customer's new user with a temporary password, and the credentials mail
 * that carries it, and the user.created webhook event (never with the
 * password), in the caller's transaction; created by and signed as the
 * actor. Every way a customer's user comes to be goes through here. The
 * caller writes its own audit row (what it did differs).
 */
export async function insertUserWithCredentials(trx: Kysely<Database>, config: Config, actor: Principal, u: NewUserWithCredentials): Promise<void> {
  await insertUser(trx, {
    id: u.id, customerId: u.customer.id, email: u.email, name: u.name, role: u.role, passwordHash: u.passwordHash,
    temporaryUntil: temporaryPasswordExpiresAt(u.now, config.tempPasswordMs), createdBy: principalRef(actor), now: u.now,
  });
  await issueCredentials(
    trx, config, { userId: u.id, email: u.email, name: u.name, role: u.role, customer: { rut: u.customer.rut, name: u.customer.name } },
    u.passwordHash, u.temporaryPassword, credentialsSender(actor, config), u.now, false,
  );
  await emitWebhookEvent(trx, 'user.created', {
    user: { id: u.id, email: u.email, name: u.name, role: u.role, createdAt: u.now.toISOString() }, customer: { id: u.customer.id, rut: u.customer.rut, name: u.customer.name },
  }, u.now);
}
