import { randomUUID } from 'node:crypto';
import type { Transaction } from 'kysely';
import { z } from 'zod';
import { recordAuditEvent } from '../../audit/record-audit-event.ts';
import { auditActor, type Principal } from '../../auth/principal.ts';
import type { Database } from '../../db/schema.ts';
import { fieldErrors } from '../../customers/user-fields.ts';
import { ValidationError } from '../../errors.ts';
import { findStructureSystem } from './find-structure-system.ts';
import type { HelpWriteContext } from './help-write-context.ts';
import { authorizeHelpWrite, lockHelpStructure, RESERVED_CATEGORY_SLUGS, structureSlug, StructureDescription, StructureName } from './structure-fields.ts';

export const CreateCategoryInput = z.object({
  slug: structureSlug('de la categoría').refine((s) => !RESERVED_CATEGORY_SLUGS.has(s), 'Ese código es una página de la consola; elija otro.'),
  name: StructureName,
  description: StructureDescription,
});
export type CreateCategoryInput = z.input<typeof CreateCategoryInput>;

export const duplicateCategoryMessage = (slug: string) => `Este sistema ya tiene una categoría con el código "${slug}". Elija otro código.`;

/** A new category, last in its system. Its slug is in no reader URL (articles are /ayuda/<sistema>/<artículo>). */
export async function createCategory(trx: Transaction<Database>, ctx: HelpWriteContext, by: Principal, systemSlug: string, raw: CreateCategoryInput): Promise<{ id: string; slug: string }> {
  authorizeHelpWrite(by);
  const system = await findStructureSystem(trx, systemSlug);
  const parsed = CreateCategoryInput.safeParse(raw);
  if (!parsed.success) throw new ValidationError(fieldErrors(parsed.error));
  const input = parsed.data;
  await lockHelpStructure(trx, ctx.dialect);
  const taken = await trx.selectFrom('help_categories').select('id').where('system_id', '=', system.id).where('slug', '=', input.slug).executeTakeFirst();
  if (taken) throw new ValidationError({ slug: duplicateCategoryMessage(input.slug) });
  const last = await trx.selectFrom('help_categories').select((eb) => eb.fn.max('position').as('p')).where('system_id', '=', system.id).executeTakeFirst();
  const position = last?.p === null || last?.p === undefined ? 0 : Number(last.p) + 1;
  const id = randomUUID();
  await trx.insertInto('help_categories').values({ id, system_id: system.id, slug: input.slug, name: input.name, description: input.description, position }).execute();
  await recordAuditEvent(trx, {
    action: 'help.category-created', at: ctx.now, ...auditActor(by), customerId: null, targetLabel: `${system.name} · ${input.name}`,
    detail: { categoryId: id, system: system.slug, slug: input.slug, name: input.name, description: input.description },
  });
  return { id, slug: input.slug };
}
