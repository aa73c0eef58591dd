import { randomUUID } from 'node:crypto';
import type { Deps } from '../src/deps.ts';
import { rutCheckDigit } from '../src/domain/rut.ts';

let rutSeq = 10_000_000 + Math.floor(Math.random() * 50_000_000);

/** A fresh valid RUT, canonical form. */
export function newRut(): string {
  const body = String(rutSeq++);
  return `${body}-${rutCheckDigit(body)}`;
}

export const ADMIN_PASSWORD = 'clave de prueba del administrador';
export const TECH_PASSWORD = 'clave de prueba del técnico';

// One hash per password for the whole test file: argon2 is slow on purpose.
const hashes = new Map<string, Promise<string>>();
function hashOnce(deps: Deps, password: string) {
  if (!hashes.has(password)) hashes.set(password, deps.hasher.hash(password));
  return hashes.get(password)!;
}

export interface TestCustomer {
  id: string;
  rut: string;
  name: string;
  admin: { id: string; email: string; password: string };
}

export async function createCustomerWithAdmin(deps: Deps, over: { name?: string; adminEmail?: string } = {}): Promise<TestCustomer> {
  const id = randomUUID();
  const rut = newRut();
  const name = over.name ?? `Cliente ${rut}`;
  const adminId = randomUUID();
  const email = over.adminEmail ?? `admin-${rut}@cliente.cl`.toLowerCase();
  const now = deps.clock.now().toISOString();
  await deps.db.insertInto('customers').values({ id, rut, name, disabled_at: null, created_at: now }).execute();
  await deps.db
    .insertInto('users')
    .values({
      id: adminId, customer_id: id, email, name: 'Ana Administradora', role: 'admin', password_hash: await hashOnce(deps, ADMIN_PASSWORD),
      must_change_password: 0, temp_password_expires_at: null, disabled_at: null, last_sign_in_at: null, password_changed_at: now,
      created_by: 'test', created_at: now,
    })
    .execute();
  return { id, rut, name, admin: { id: adminId, email, password: ADMIN_PASSWORD } };
}

export async function createTechnicalUser(deps: Deps, customerId: string, over: { email?: string; name?: string; disabled?: boolean } = {}) {
  const id = randomUUID();
  const email = over.email ?? `tecnico-${id.slice(0, 8)}@cliente.cl`;
  const now = deps.clock.now().toISOString();
  await deps.db
    .insertInto('users')
    .values({
      id, customer_id: customerId, email, name: over.name ?? 'Tito Técnico', role: 'technical', password_hash: await hashOnce(deps, TECH_PASSWORD),
      must_change_password: 0, temp_password_expires_at: null, disabled_at: over.disabled ? now : null, last_sign_in_at: null,
      password_changed_at: now, created_by: 'test', created_at: now,
    })
    .execute();
  return { id, email, password: TECH_PASSWORD };
}

export async function addContractFor(deps: Deps, customerId: string, system: string, startsOn: string, endsOn: string | null = null, plan = 'Plan Pyme') {
  const s = await deps.db.selectFrom('systems').select('id').where('slug', '=', system).executeTakeFirstOrThrow();
  const id = randomUUID();
  await deps.db
    .insertInto('contracts')
    .values({ id, customer_id: customerId, system_id: s.id, plan, starts_on: startsOn, ends_on: endsOn, created_at: deps.clock.now().toISOString() })
    .execute();
  return id;
}
