import type { Kysely } from 'kysely';
import { recordAuditEvent } from '../audit/record-audit-event.ts';
import { insertUser } from '../auth/credentials.ts';
import { auditActor, principalRef, type Principal } from '../auth/principal.ts';
import type { Config } from '../config.ts';
import type { Database } from '../db/schema.ts';
import { temporaryPasswordExpiresAt } from '../domain/temporary-password-expiry.ts';
import { credentialsSender } from './credentials-sender.ts';
import { issueCredentials } from './issue-credentials.ts';

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
 * mail and the customer.created audit row, in the caller's transaction: the
 * one way a customer comes to be (one by one from the console or the CLI,
 * or many at once from an import). A RUT already taken throws the
 * database's unique violation for the caller to explain.
 */
export async function insertCustomerWithAdmin(trx: Kysely<Database>, config: Config, actor: Principal, c: NewCustomerWithAdmin, detail: Record<string, unknown> = {}): Promise<void> {
  await trx.insertInto('customers').values({ id: c.customerId, rut: c.rut, name: c.name, disabled_at: null, created_at: c.now.toISOString() }).execute();
  await insertUser(trx, {
    id: c.admin.id, customerId: c.customerId, email: c.admin.email, name: c.admin.name, role: 'admin', passwordHash: c.passwordHash,
    temporaryUntil: temporaryPasswordExpiresAt(c.now, config.tempPasswordMs), createdBy: principalRef(actor), now: c.now,
  });
  await issueCredentials(
    trx, config, { userId: c.admin.id, email: c.admin.email, name: c.admin.name, role: 'admin', customer: { rut: c.rut, name: c.name } },
    c.passwordHash, c.temporaryPassword, credentialsSender(actor, config), c.now, false,
  );
  await recordAuditEvent(trx, {
    action: 'customer.created', at: c.now, ...auditActor(actor), customerId: c.customerId, targetUserId: c.admin.id,
    targetLabel: c.admin.email, detail: { rut: c.rut, name: c.name, ...detail },
  });
}
