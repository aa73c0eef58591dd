import { randomUUID } from 'node:crypto';
import type { Deps } from '../deps.ts';
import { recordAuditEvent } from '../audit/record-audit-event.ts';
import { generateTemporaryPassword } from '../auth/temporary-password.ts';
import { isUniqueViolation } from '../db/dialect.ts';
import { parseRut, RUT_MESSAGES } from '../domain/rut.ts';
import { ValidationError } from '../errors.ts';
import { issueCredentials } from './issue-credentials.ts';
import { fieldErrors, NewUserFields } from './user-fields.ts';

export interface CreateCustomerInput {
  rut: string;
  name: string;
  adminName: string;
  adminEmail: string;
}

/**
 * Vendor staff: a customer and its administrator, who receives credentials
 * by e-mail exactly like a technical user does.
 */
export async function createCustomer(deps: Deps, input: CreateCustomerInput, operator = 'operador'): Promise<{ customerId: string; adminId: string; rut: string }> {
  const errors: Record<string, string> = {};
  const rut = parseRut(input.rut);
  if (!rut.ok) errors.rut = RUT_MESSAGES[rut.reason];
  const name = input.name.trim();
  if (!name) errors.name = 'Ingrese la razón social del cliente.';
  const admin = NewUserFields.safeParse({ name: input.adminName, email: input.adminEmail });
  if (!admin.success) for (const [k, v] of Object.entries(fieldErrors(admin.error))) errors[k === 'name' ? 'adminName' : 'adminEmail'] = v;
  if (!rut.ok || !admin.success || Object.keys(errors).length > 0) throw new ValidationError(errors);

  const { db, clock, hasher, config } = deps;
  const temporary = generateTemporaryPassword();
  const hash = await hasher.hash(temporary);
  const now = clock.now();
  const customerId = randomUUID();
  const adminId = randomUUID();
  try {
    await db.transaction().execute(async (trx) => {
      await trx.insertInto('customers').values({ id: customerId, rut: rut.rut, name, disabled_at: null, created_at: now.toISOString() }).execute();
      await trx
        .insertInto('users')
        .values({
          id: adminId, customer_id: customerId, email: admin.data.email, name: admin.data.name, role: 'admin', password_hash: hash,
          must_change_password: 1, temp_password_expires_at: null, disabled_at: null, last_sign_in_at: null,
          password_changed_at: null, created_by: operator, created_at: now.toISOString(),
        })
        .execute();
      await issueCredentials(trx, config, { userId: adminId, email: admin.data.email, name: admin.data.name, role: 'admin', customer: { rut: rut.rut, name } }, hash, temporary, config.brand.vendor, now, false);
      await recordAuditEvent(trx, {
        action: 'customer.created', at: now, actorUserId: null, actorLabel: operator, customerId, targetUserId: adminId,
        targetLabel: admin.data.email, detail: { rut: rut.rut, name },
      });
    });
  } catch (err) {
    if (isUniqueViolation(err)) throw new ValidationError({ rut: 'Ya existe un cliente con ese RUT.' });
    throw err;
  }
  deps.mailQueued();
  return { customerId, adminId, rut: rut.rut };
}
