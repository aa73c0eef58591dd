import type { Kysely } from 'kysely';
import type { Deps } from '../deps.ts';
import { recordAuditEvent } from '../audit/record-audit-event.ts';
import { auditActor, type StaffPrincipal } from '../auth/principal.ts';
import type { Database } from '../db/schema.ts';
import { AppError, notFound } from '../errors.ts';
import type { HelpReader } from '../help/help-access.ts';
import { isUuid } from '../customers/find-customer.ts';
import { authorizeStaff } from '../policies/staff-policy.ts';

/**
 * Whose help the console's "Ver como cliente" shows. Without a user: what
 * any technical user of the customer sees when the administrator set no
 * limit — every system with a contract in force (an administrator sees the
 * same systems). With one: that technical user's own scope.
 */
export interface PreviewSubject {
  customer: { id: string; rut: string; name: string };
  user: { id: string; name: string; email: string } | null;
  reader: HelpReader;
}

// No user has this id (ids are UUIDs), so no help-scope row narrows the reader: every contracted system.
const ANY_TECHNICAL_USER = '';

/** The customer (and technical user) to preview; unknown ids 404; a disabled customer or user says why there is nothing to see. */
export async function loadPreviewSubject(db: Kysely<Database>, customerId: string, userId?: string): Promise<PreviewSubject> {
  // Ids come from the URL: "%00" or a long string names no row (and PostgreSQL would refuse a NUL with an error).
  if (!isUuid(customerId) || (userId !== undefined && !isUuid(userId))) throw notFound();
  const customer = await db.selectFrom('customers').select(['id', 'rut', 'name', 'disabled_at']).where('id', '=', customerId).executeTakeFirst();
  if (!customer) throw notFound();
  if (customer.disabled_at) {
    throw new AppError(409, 'preview-customer-disabled', `${customer.name} está deshabilitado: sus usuarios no pueden ingresar, así que no ven ninguna ayuda. Habilítelo para ver lo que verían.`);
  }
  const c = { id: customer.id, rut: customer.rut, name: customer.name };
  if (userId === undefined) return { customer: c, user: null, reader: { customerId: c.id, userId: ANY_TECHNICAL_USER, role: 'technical' } };
  const user = await db
    .selectFrom('users')
    .select(['id', 'name', 'email', 'role', 'disabled_at'])
    .where('id', '=', userId)
    .where('customer_id', '=', c.id)
    .where('role', '=', 'technical')
    .executeTakeFirst();
  if (!user) throw notFound();
  if (user.disabled_at) throw new AppError(409, 'preview-user-disabled', `${user.email} está deshabilitado: no puede ingresar, así que no ve ninguna ayuda.`);
  return { customer: c, user: { id: user.id, name: user.name, email: user.email }, reader: { customerId: c.id, userId: user.id, role: 'technical' } };
}

/** The customer's technical users, for the preview's "Ver como" choice. */
export async function previewableUsers(db: Kysely<Database>, customerId: string): Promise<Array<{ id: string; name: string; email: string }>> {
  return db
    .selectFrom('users')
    .select(['id', 'name', 'email'])
    .where('customer_id', '=', customerId)
    .where('role', '=', 'technical')
    .where('disabled_at', 'is', null)
    .orderBy('name')
    .orderBy('email')
    .execute();
}

/**
 * Audit a preview once when it starts: the first preview page of this
 * customer (as this user) in this staff session records
 * staff.preview-as-customer, whichever page it is (a link may land on an
 * article directly); the pages after it in the same session record nothing.
 * Two first pages at the same instant may both record: harmless, never none.
 */
export async function recordPreviewStart(deps: Pick<Deps, 'db' | 'clock'>, actor: StaffPrincipal, sessionStartedAt: string, subject: PreviewSubject): Promise<boolean> {
  authorizeStaff(actor.role, 'preview:customer');
  let seen = deps.db
    .selectFrom('audit_events')
    .select('id')
    .where('action', '=', 'staff.preview-as-customer')
    .where('actor_staff_id', '=', actor.staffId)
    .where('customer_id', '=', subject.customer.id)
    .where('at', '>=', sessionStartedAt);
  seen = subject.user ? seen.where('target_user_id', '=', subject.user.id) : seen.where('target_user_id', 'is', null);
  if (await seen.executeTakeFirst()) return false;
  await recordAuditEvent(deps.db, {
    action: 'staff.preview-as-customer', at: deps.clock.now(), ...auditActor(actor), customerId: subject.customer.id,
    targetUserId: subject.user?.id ?? null, targetLabel: subject.user?.email ?? subject.customer.name,
    detail: { customerId: subject.customer.id, asUserId: subject.user?.id ?? null },
  });
  return true;
}
