import { randomUUID } from 'node:crypto';
import type { Deps } from '../deps.ts';
import { recordAuditEvent } from '../audit/record-audit-event.ts';
import { insertUser } from '../auth/credentials.ts';
import { auditActor, principalName, principalRef, type Principal } from '../auth/principal.ts';
import { generateTemporaryPassword } from '../auth/temporary-password.ts';
import { isUniqueViolation } from '../db/dialect.ts';
import { temporaryPasswordExpiresAt } from '../domain/temporary-password-expiry.ts';
import { plainLine } from '../domain/plain-text.ts';
import { parseRut, RUT_MESSAGES } from '../domain/rut.ts';
import { ValidationError } from '../errors.ts';
import { issueCredentials } from './issue-credentials.ts';
import { fieldErrors, NewUserFields } from './user-fields.ts';

/** The customer's legal name ("razón social"), as typed by staff. */
export const CustomerName = plainLine('La razón social')
  .min(1, 'Ingrese la razón social del cliente.')
  .max(200, 'La razón social puede tener como máximo 200 caracteres.');

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
export async function createCustomer(deps: Deps, actor: Principal, input: CreateCustomerInput): Promise<{ customerId: string; adminId: string; rut: string }> {
  const errors: Record<string, string> = {};
  const rut = parseRut(input.rut);
  if (!rut.ok) errors.rut = RUT_MESSAGES[rut.reason];
  const parsedName = CustomerName.safeParse(input.name);
  if (!parsedName.success) errors.name = parsedName.error.issues[0]!.message;
  const name = parsedName.data ?? '';
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
      await insertUser(trx, {
        id: adminId, customerId, email: admin.data.email, name: admin.data.name, role: 'admin', passwordHash: hash,
        temporaryUntil: temporaryPasswordExpiresAt(now, config.tempPasswordMs), createdBy: principalRef(actor), now,
      });
      await issueCredentials(trx, config, { userId: adminId, email: admin.data.email, name: admin.data.name, role: 'admin', customer: { rut: rut.rut, name } }, hash, temporary, actor.kind === 'staff' ? `${principalName(actor)} (${config.brand.vendor})` : config.brand.vendor, now, false);
      await recordAuditEvent(trx, {
        action: 'customer.created', at: now, ...auditActor(actor), customerId, targetUserId: adminId,
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
