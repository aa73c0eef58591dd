import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { insertUser } from '../auth/credentials.ts';
import type { Deps } from '../deps.ts';
import { vendorToday } from '../domain/contracts.ts';
import { formatRut } from '../domain/rut.ts';
import { importHelpTree } from '../help/import/import-help-tree.ts';
import { readHelpTree } from '../help/import/read-help-tree.ts';

export const HELP_DIR = fileURLToPath(new URL('../../content/help/', import.meta.url));

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

function shiftDay(day: string, days: number): string {
  const d = new Date(`${day}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

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
  const [adminHash, techHash] = await Promise.all([hasher.hash(DEMO.admin.password), hasher.hash(DEMO.technical.password)]);
  const contracts: Array<[string, string, string, string | null]> = [
    ['contabilidad', 'Plan Pyme', shiftDay(today, -400), null],
    ['remuneraciones', 'Plan 50 trabajadores', shiftDay(today, -200), shiftDay(today, 20)],
    ['factura-electronica', 'Plan Emisor', shiftDay(today, -90), shiftDay(today, 275)],
    ['inventario', 'Plan Bodega', shiftDay(today, -700), shiftDay(today, -30)],
    ['inventario', 'Plan Multibodega', shiftDay(today, 15), null],
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
  });
  await seedMoreCustomers(deps, systems, today, adminHash);
  await seedDemoStaff(deps);
  deps.log.info({ rut: formatRut(DEMO.rut), admin: DEMO.admin.email, technical: DEMO.technical.email, staff: DEMO.staff.email }, 'demo data loaded');
  return DEMO;
}

async function seedMoreCustomers(deps: Deps, systems: Map<string, string>, today: string, adminHash: string): Promise<void> {
  const now = deps.clock.now();
  await deps.db.transaction().execute(async (trx) => {
    for (const c of MORE_CUSTOMERS) {
      const customerId = randomUUID();
      await trx.insertInto('customers').values({ id: customerId, rut: c.rut, name: c.name, disabled_at: null, created_at: now.toISOString() }).execute();
      await insertUser(trx, { id: randomUUID(), customerId, email: c.email, name: c.admin, role: 'admin', passwordHash: adminHash, temporaryUntil: null, createdBy: 'demo', now });
      for (const [slug, plan, from, to] of c.contracts) {
        const systemId = systems.get(slug);
        if (!systemId) continue;
        await trx
          .insertInto('contracts')
          .values({ id: randomUUID(), customer_id: customerId, system_id: systemId, plan, starts_on: shiftDay(today, from), ends_on: to === null ? null : shiftDay(today, to), created_at: now.toISOString() })
          .execute();
      }
    }
  });
}

/** The demo console administrator: password set, no second factor yet (the first sign-in enrols it). */
async function seedDemoStaff(deps: Deps): Promise<void> {
  const now = deps.clock.now().toISOString();
  await deps.db
    .insertInto('staff')
    .values({
      id: randomUUID(), email: DEMO.staff.email, name: DEMO.staff.name, role: 'admin', password_hash: await deps.hasher.hash(DEMO.staff.password),
      password_changed_at: now, totp_secret: null, totp_enrolled_at: null, totp_last_step: null, disabled_at: null, last_sign_in_at: null,
      created_by: 'demo', created_at: now,
    })
    .onConflict((oc) => oc.column('email').doNothing())
    .execute();
}
