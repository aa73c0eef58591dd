import type { Kysely } from 'kysely';
import { recordAuditEvent } from '../audit/record-audit-event.ts';
import { auditActor, type Principal } from '../auth/principal.ts';
import type { Config } from '../config.ts';
import type { Database } from '../db/schema.ts';
import { emitWebhookEvent } from '../webhooks/webhook-events.ts';
import { insertUserWithCredentials } from './insert-user-with-credentials.ts';

export interface NewCustomerWithAdmin {
  customerId: string;
  /** Canonical ("76543210-3"). */
  rut: string;
  name: string;
  admin: { id: string; name: string; email: string };
  /** The admin's temporary password and its hash, made by the caller before the transaction (hashing is slow). */
  temporaryPassword: string;
  passwordHash: string;
  now: Date;
}

/**
 * A customer, its administrator with a temporary password, the credentials
 * mail, the customer.created audit row and webhook events (customer.created,
 * then the admin's user.created), in the caller's transaction: the
 * one way a customer comes to be (one by one from the console or the CLI,
 * or many at once from an import). A RUT already taken throws the
 * database's unique violation for the caller to explain.
 */
export async function insertCustomerWithAdmin(trx: Kysely<Database>, config: Config, actor: Principal, c: NewCustomerWithAdmin, detail: Record<string, unknown> = {}): Promise<void> {
  await trx.insertInto('customers').values({ id: c.customerId, rut: c.rut, name: c.name, disabled_at: null, created_at: c.now.toISOString() }).execute();
  await emitWebhookEvent(trx, 'customer.created', {
    customer: { id: c.customerId, rut: c.rut, name: c.name, createdAt: c.now.toISOString() }, admin: { id: c.admin.id, email: c.admin.email, name: c.admin.name },
  }, c.now);
  await insertUserWithCredentials(trx, config, actor, {
    id: c.admin.id, customer: { id: c.customerId, rut: c.rut, name: c.name }, email: c.admin.email, name: c.admin.name, role: 'admin',
    temporaryPassword: c.temporaryPassword, passwordHash: c.passwordHash, now: c.now,
  });
  await recordAuditEvent(trx, {
    action: 'customer.created', at: c.now, ...auditActor(actor), customerId: c.customerId, targetUserId: c.admin.id,
    targetLabel: c.admin.email, detail: { rut: c.rut, name: c.name, ...detail },
  });
}
