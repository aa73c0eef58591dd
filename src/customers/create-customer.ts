import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import type { Deps } from '../deps.ts';
import type { Principal } from '../auth/principal.ts';
import { generateTemporaryPassword } from '../auth/temporary-password.ts';
import { isUniqueViolation } from '../db/dialect.ts';
import { plainLine } from '../domain/plain-text.ts';
import { parseRut, RUT_MESSAGES } from '../domain/rut.ts';
import { ValidationError } from '../errors.ts';
import { insertCustomerWithAdmin } from './insert-customer-with-admin.ts';
import { fieldErrors, NewUserFields } from './user-fields.ts';

/** The customer's legal name ("razón social"), as typed by staff. */
export const CustomerName = plainLine('La razón social')
  .min(1, 'Ingrese la razón social del cliente.')
  .max(200, 'La razón social puede tener como máximo 200 caracteres.');

/** A RUT as typed, in its canonical form once parsed ("12345678-5"). */
export const CustomerRut = z.string().transform((typed, ctx) => {
  const r = parseRut(typed);
  if (r.ok) return r.rut;
  ctx.addIssue({ code: 'custom', message: RUT_MESSAGES[r.reason] });
  return z.NEVER;
});

/** The console's "Nuevo cliente" form and the CLI's `customer create` alike. */
export const CreateCustomerInput = z.object({
  rut: CustomerRut,
  name: CustomerName,
  adminName: NewUserFields.shape.name,
  adminEmail: NewUserFields.shape.email,
});

export type CreateCustomerInput = { rut?: string; name?: string; adminName?: string; adminEmail?: string };

/**
 * Vendor staff: a customer and its administrator, who receives credentials
 * by e-mail exactly like a technical user does. Two creations of one RUT at
 * once: the unique constraint lets one through, the other gets the field error.
 */
export async function createCustomer(deps: Deps, actor: Principal, raw: CreateCustomerInput): Promise<{ customerId: string; adminId: string; rut: string }> {
  const parsed = CreateCustomerInput.safeParse({ rut: raw.rut ?? '', name: raw.name ?? '', adminName: raw.adminName ?? '', adminEmail: raw.adminEmail ?? '' });
  if (!parsed.success) throw new ValidationError(fieldErrors(parsed.error));
  const { rut, name, adminName, adminEmail } = parsed.data;

  const { db, clock, hasher, config } = deps;
  const temporary = generateTemporaryPassword();
  const hash = await hasher.hash(temporary);
  const now = clock.now();
  const customerId = randomUUID();
  const adminId = randomUUID();
  try {
    await db.transaction().execute((trx) =>
      insertCustomerWithAdmin(trx, config, actor, { customerId, rut, name, admin: { id: adminId, name: adminName, email: adminEmail }, temporaryPassword: temporary, passwordHash: hash, now }),
    );
  } catch (err) {
    if (isUniqueViolation(err)) throw new ValidationError({ rut: 'Ya existe un cliente con ese RUT.' });
    throw err;
  }
  deps.mailQueued();
  return { customerId, adminId, rut: rut };
}
