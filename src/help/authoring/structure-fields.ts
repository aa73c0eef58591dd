import { sql, type Transaction } from 'kysely';
import { z } from 'zod';
import type { Principal } from '../../auth/principal.ts';
import type { Dialect } from '../../db/create-db.ts';
import type { Database } from '../../db/schema.ts';
import { plainLine } from '../../domain/plain-text.ts';
import { forbidden } from '../../errors.ts';
import { staffCan } from '../../policies/staff-policy.ts';

/** What a system or category slug may be: the same rule as the import's systems.json. */
export const STRUCTURE_SLUG = /^[a-z0-9]+(-[a-z0-9]+)*$/;

/**
 * Paths under /ayuda that are pages, not systems (and the console's own
 * words under /proveedor/ayuda/sistemas): a system may not take them.
 */
export const RESERVED_SYSTEM_SLUGS: ReadonlySet<string> = new Set(['buscar', 'sugerencias', 'novedades', 'suscripcion', 'resumen', 'nuevo', 'nueva', 'adjuntos', 'articulos', 'sistemas', 'archivos']);

/** A category slug the console's own page takes (/proveedor/ayuda/sistemas/<sistema>/categorias/nueva). */
export const RESERVED_CATEGORY_SLUGS: ReadonlySet<string> = new Set(['nueva']);

export const structureSlug = (what: 'del sistema' | 'de la categoría') =>
  z
    .string({ error: `Ingrese el código ${what}.` })
    .trim()
    .min(1, `Ingrese el código ${what}.`)
    .max(60, `El código ${what} puede tener como máximo 60 caracteres.`)
    .regex(STRUCTURE_SLUG, `El código ${what} sólo puede tener minúsculas sin tildes, números y guiones (por ejemplo "factura-electronica").`);

export const StructureName = plainLine('El nombre')
  .min(1, 'Ingrese el nombre.')
  .max(120, 'El nombre puede tener como máximo 120 caracteres.');

export const StructureDescription = z
  .string()
  .optional()
  .transform((s) => s ?? '')
  .pipe(plainLine('La descripción').max(300, 'La descripción puede tener como máximo 300 caracteres.'));

export const MoveDirection = z.enum(['arriba', 'abajo'], { error: 'Elija si se sube o se baja.' });

/** Operations check the policy too: a CLI operator may, a staff member needs help:write. */
export function authorizeHelpWrite(by: Principal): void {
  if (by.kind === 'staff' && !staffCan(by.role, 'help:write')) throw forbidden();
  if (by.kind === 'user' || by.kind === 'api') throw forbidden();
}

/**
 * Systems, categories and their order are written one writer at a time, so a
 * position is read and written by the same writer: two reorders or two
 * creates at once queue instead of interleaving. SQLite's transactions begin
 * IMMEDIATE (one writer already); PostgreSQL takes this advisory lock until
 * the transaction ends.
 */
export async function lockHelpStructure(trx: Transaction<Database>, dialect: Dialect): Promise<void> {
  if (dialect === 'postgres') await sql`select pg_advisory_xact_lock(hashtext('help-structure'))`.execute(trx);
}

/** The order after moving `index` one place up or down, or null when it is already at that end. */
export function movedOrder<T>(items: readonly T[], index: number, direction: 'arriba' | 'abajo'): T[] | null {
  const to = direction === 'arriba' ? index - 1 : index + 1;
  if (index < 0 || to < 0 || to >= items.length) return null;
  const out = [...items];
  [out[index], out[to]] = [out[to]!, out[index]!];
  return out;
}

/** Positions 0..n-1 in the given order, writing only the rows whose position changes. */
export async function writeOrder(trx: Transaction<Database>, table: 'systems' | 'help_categories', order: ReadonlyArray<{ id: string; position: number }>): Promise<void> {
  for (const [position, r] of order.entries()) {
    if (Number(r.position) !== position) await trx.updateTable(table).set({ position }).where('id', '=', r.id).execute();
  }
}
