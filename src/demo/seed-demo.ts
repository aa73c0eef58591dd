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
};

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
  deps.log.info({ rut: formatRut(DEMO.rut), admin: DEMO.admin.email, technical: DEMO.technical.email }, 'demo data loaded');
  return DEMO;
}
