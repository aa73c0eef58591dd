import { randomUUID } from 'node:crypto';
import { insertUser } from '../auth/credentials.ts';
import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.ts';
import type { Deps } from '../deps.ts';
import { addDays, vendorToday } from '../domain/contracts.ts';
import { formatRut } from '../domain/rut.ts';
import { importHelpTree } from '../help/import/import-help-tree.ts';
import { readHelpTree } from '../help/import/read-help-tree.ts';
import { projectPath } from '../project-root.ts';

export const HELP_DIR = projectPath('content/help/');

export const DEMO = {
  rut: '76543210-3',
  customer: 'Comercial Los Aromos SpA',
  admin: { name: 'Daniela Mayorga', email: 'admin@losaromos.cl', password: 'Demo-Portal-2026!' },
  technical: { name: 'Tomás Rivas', email: 'tecnico@losaromos.cl', password: 'Ayuda-Tecnica-2026!' },
  /** The vendor's console: an administrator whose second factor is enrolled at the first sign-in, like any staff member's. */
  staff: { name: 'Patricia Fuentes', email: 'consola@transtecnia.cl', password: 'Consola-Proveedor-2026!' },
};

/** More customers, so the console's lists, filters and reports have something to show. */
const MORE_CUSTOMERS: Array<{ rut: string; name: string; admin: string; email: string; contracts: Array<[string, string, number, number | null]> }> = [
  { rut: '77123456-9', name: 'Ferretería El Roble Ltda.', admin: 'Jorge Pizarro', email: 'jorge@elroble.cl', contracts: [['contabilidad', 'Plan Pyme', -300, 25], ['inventario', 'Plan Bodega', -120, null]] },
  { rut: '96789012-K', name: 'Transportes Australes S.A.', admin: 'Carolina Vidal', email: 'cvidal@australes.cl', contracts: [['remuneraciones', 'Plan 200 trabajadores', -60, 55], ['factura-electronica', 'Plan Emisor', -5, null]] },
  { rut: '78901234-2', name: 'Clínica Dental Sonrisa SpA', admin: 'Felipe Araya', email: 'felipe@sonrisa.cl', contracts: [['factura-electronica', 'Plan Emisor', -400, -10]] },
];

/** The shipped help corpus, on a database that has none yet. */
export async function seedHelpIfEmpty(deps: Deps): Promise<boolean> {
  const any = await deps.db.selectFrom('systems').select('id').limit(1).executeTakeFirst();
  if (any) return false;
  const result = await importHelpTree(deps.db, deps.dialect, readHelpTree(HELP_DIR), deps.clock.now());
  deps.log.info(result, 'help corpus loaded');
  return true;
}

/**
 * A demo customer with an administrator and a technical user who can sign in
 * at once (no temporary password), and contracts in every state, so a
 * newcomer sees the whole portal. Only on a database without customers.
 */
export async function seedDemoIfEmpty(deps: Deps): Promise<typeof DEMO | null> {
  const { db, clock, hasher } = deps;
  if (await db.selectFrom('customers').select('id').limit(1).executeTakeFirst()) return null;
  const now = clock.now();
  const today = vendorToday(now);
  const systems = new Map((await db.selectFrom('systems').select(['id', 'slug']).execute()).map((s) => [s.slug, s.id]));
  const customerId = randomUUID();
  const [adminHash, techHash, staffHash] = await Promise.all([hasher.hash(DEMO.admin.password), hasher.hash(DEMO.technical.password), hasher.hash(DEMO.staff.password)]);
  const contracts: Array<[string, string, string, string | null]> = [
    ['contabilidad', 'Plan Pyme', addDays(today, -400), null],
    ['remuneraciones', 'Plan 50 trabajadores', addDays(today, -200), addDays(today, 20)],
    ['factura-electronica', 'Plan Emisor', addDays(today, -90), addDays(today, 275)],
    ['inventario', 'Plan Bodega', addDays(today, -700), addDays(today, -30)],
    ['inventario', 'Plan Multibodega', addDays(today, 15), null],
  ];
  await db.transaction().execute(async (trx) => {
    await trx.insertInto('customers').values({ id: customerId, rut: DEMO.rut, name: DEMO.customer, disabled_at: null, created_at: now.toISOString() }).execute();
    const adminId = randomUUID();
    for (const [id, u, hash, role] of [
      [adminId, DEMO.admin, adminHash, 'admin'],
      [randomUUID(), DEMO.technical, techHash, 'technical'],
    ] as const) {
      await insertUser(trx, { id, customerId, email: u.email, name: u.name, role, passwordHash: hash, temporaryUntil: null, createdBy: role === 'admin' ? 'demo' : adminId, now });
    }
    for (const [slug, plan, startsOn, endsOn] of contracts) {
      const systemId = systems.get(slug);
      if (!systemId) continue;
      await trx.insertInto('contracts').values({ id: randomUUID(), customer_id: customerId, system_id: systemId, plan, starts_on: startsOn, ends_on: endsOn, created_at: now.toISOString() }).execute();
    }
    // All in the one transaction: a start cut short leaves no half demo (which, having customers, would never be completed).
    await seedMoreCustomers(trx, systems, today, adminHash, now);
    await seedDemoStaff(trx, staffHash, now);
  });
  deps.log.info({ rut: formatRut(DEMO.rut), admin: DEMO.admin.email, technical: DEMO.technical.email, staff: DEMO.staff.email }, 'demo data loaded');
  return DEMO;
}

async function seedMoreCustomers(trx: Kysely<Database>, systems: Map<string, string>, today: string, adminHash: string, now: Date): Promise<void> {
  for (const c of MORE_CUSTOMERS) {
    const customerId = randomUUID();
    await trx.insertInto('customers').values({ id: customerId, rut: c.rut, name: c.name, disabled_at: null, created_at: now.toISOString() }).execute();
    await insertUser(trx, { id: randomUUID(), customerId, email: c.email, name: c.admin, role: 'admin', passwordHash: adminHash, temporaryUntil: null, createdBy: 'demo', now });
    for (const [slug, plan, from, to] of c.contracts) {
      const systemId = systems.get(slug);
      if (!systemId) continue;
      await trx
        .insertInto('contracts')
        .values({ id: randomUUID(), customer_id: customerId, system_id: systemId, plan, starts_on: addDays(today, from), ends_on: to === null ? null : addDays(today, to), created_at: now.toISOString() })
        .execute();
    }
  }
}

/** The demo console administrator: password set, no second factor yet (the first sign-in enrols it). */
async function seedDemoStaff(trx: Kysely<Database>, passwordHash: string, at: Date): Promise<void> {
  const now = at.toISOString();
  await trx
    .insertInto('staff')
    .values({
      id: randomUUID(), email: DEMO.staff.email, name: DEMO.staff.name, role: 'admin', password_hash: passwordHash,
      password_changed_at: now, totp_secret: null, totp_enrolled_at: null, totp_last_step: null, disabled_at: null, last_sign_in_at: null,
      created_by: 'demo', created_at: now,
    })
    .onConflict((oc) => oc.column('email').doNothing())
    .execute();
}
