import type { Transaction } from 'kysely';
import { z } from 'zod';
import { recordAuditEvent } from '../../audit/record-audit-event.ts';
import { auditActor, type Principal } from '../../auth/principal.ts';
import type { Database } from '../../db/schema.ts';
import { fieldErrors } from '../../customers/user-fields.ts';
import { notFound, ValidationError } from '../../errors.ts';
import { findStructureSystem } from './find-structure-system.ts';
import type { HelpWriteContext } from './help-write-context.ts';
import { authorizeHelpWrite, lockHelpStructure, MoveDirection, movedOrder, writeOrder } from './structure-fields.ts';

export const MoveCategoryInput = z.object({ direction: MoveDirection });
/** As a form posts it: checked by the schema. */
export type MoveCategoryInput = { direction: string };

/** One place up or down within its system; the system's categories are renumbered 0..n-1 under the structure lock (see moveSystem). */
export async function moveCategory(
  trx: Transaction<Database>,
  ctx: HelpWriteContext,
  by: Principal,
  ref: { system: string; category: string },
  raw: MoveCategoryInput,
): Promise<{ moved: boolean }> {
  authorizeHelpWrite(by);
  const system = await findStructureSystem(trx, ref.system);
  const parsed = MoveCategoryInput.safeParse(raw);
  if (!parsed.success) throw new ValidationError(fieldErrors(parsed.error));
  await lockHelpStructure(trx, ctx.dialect);
  const rows = await trx.selectFrom('help_categories').select(['id', 'slug', 'position']).where('system_id', '=', system.id).orderBy('position').orderBy('slug').execute();
  const index = rows.findIndex((r) => r.slug === ref.category);
  if (index === -1) throw notFound();
  const order = movedOrder(rows, index, parsed.data.direction);
  if (!order) return { moved: false };
  await writeOrder(trx, 'help_categories', order);
  await recordAuditEvent(trx, {
    action: 'help.reordered', at: ctx.now, ...auditActor(by), customerId: null, targetLabel: `${system.name} · ${ref.category}`,
    detail: { kind: 'category', system: system.slug, slug: ref.category, direction: parsed.data.direction, order: order.map((r) => r.slug) },
  });
  return { moved: true };
}
