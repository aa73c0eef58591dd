import type { Transaction } from 'kysely';
import { z } from 'zod';
import { recordAuditEvent } from '../../audit/record-audit-event.ts';
import { auditActor, type Principal } from '../../auth/principal.ts';
import type { Database } from '../../db/schema.ts';
import { fieldErrors } from '../../customers/user-fields.ts';
import { ValidationError } from '../../errors.ts';
import { findStructureCategory } from './find-structure-system.ts';
import type { HelpWriteContext } from './help-write-context.ts';
import { authorizeHelpWrite, lockHelpStructure, StructureDescription, StructureName } from './structure-fields.ts';

export const ChangeCategoryInput = z.object({ name: StructureName, description: StructureDescription });
export type ChangeCategoryInput = z.input<typeof ChangeCategoryInput>;

/** Rename or describe a category; its slug stays (the import matches categories by it). */
export async function changeCategory(
  trx: Transaction<Database>,
  ctx: HelpWriteContext,
  by: Principal,
  ref: { system: string; category: string },
  raw: ChangeCategoryInput,
): Promise<{ changed: boolean }> {
  authorizeHelpWrite(by);
  const { system, category } = await findStructureCategory(trx, ref.system, ref.category);
  const parsed = ChangeCategoryInput.safeParse(raw);
  if (!parsed.success) throw new ValidationError(fieldErrors(parsed.error));
  const input = parsed.data;
  await lockHelpStructure(trx, ctx.dialect);
  if (category.name === input.name && category.description === input.description) return { changed: false };
  await trx.updateTable('help_categories').set({ name: input.name, description: input.description }).where('id', '=', category.id).execute();
  await recordAuditEvent(trx, {
    action: 'help.category-changed', at: ctx.now, ...auditActor(by), customerId: null, targetLabel: `${system.name} · ${input.name}`,
    detail: { categoryId: category.id, system: system.slug, slug: category.slug, before: { name: category.name, description: category.description }, after: input },
  });
  return { changed: true };
}
