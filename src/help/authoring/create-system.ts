import { randomUUID } from 'node:crypto';
import type { Transaction } from 'kysely';
import { z } from 'zod';
import { recordAuditEvent } from '../../audit/record-audit-event.ts';
import { auditActor, type Principal } from '../../auth/principal.ts';
import type { Database } from '../../db/schema.ts';
import { fieldErrors } from '../../customers/user-fields.ts';
import { ValidationError } from '../../errors.ts';
import type { HelpWriteContext } from './help-write-context.ts';
import { authorizeHelpWrite, lockHelpStructure, RESERVED_SYSTEM_SLUGS, structureSlug, StructureDescription, StructureName } from './structure-fields.ts';

export const CreateSystemInput = z.object({
  slug: structureSlug('del sistema').refine((s) => !RESERVED_SYSTEM_SLUGS.has(s), 'Ese código es una página del portal; elija otro.'),
  name: StructureName,
  description: StructureDescription,
});
export type CreateSystemInput = z.input<typeof CreateSystemInput>;

export const duplicateSystemMessage = (slug: string) => `Ya existe un sistema con el código "${slug}". Elija otro código.`;

/**
 * A new system, last in the order. A system is also a product the vendor
 * can contract: it shows in the contract form and the import's "sistema"
 * column at once. Its slug is its URL (/ayuda/<slug>) and never changes.
 */
export async function createSystem(trx: Transaction<Database>, ctx: HelpWriteContext, by: Principal, raw: CreateSystemInput): Promise<{ id: string; slug: string }> {
  authorizeHelpWrite(by);
  const parsed = CreateSystemInput.safeParse(raw);
  if (!parsed.success) throw new ValidationError(fieldErrors(parsed.error));
  const input = parsed.data;
  await lockHelpStructure(trx, ctx.dialect);
  if (await trx.selectFrom('systems').select('id').where('slug', '=', input.slug).executeTakeFirst()) {
    throw new ValidationError({ slug: duplicateSystemMessage(input.slug) });
  }
  const last = await trx.selectFrom('systems').select((eb) => eb.fn.max('position').as('p')).executeTakeFirst();
  const id = randomUUID();
  const position = last?.p === null || last?.p === undefined ? 0 : Number(last.p) + 1;
  await trx.insertInto('systems').values({ id, slug: input.slug, name: input.name, description: input.description, position }).execute();
  await recordAuditEvent(trx, {
    action: 'help.system-created', at: ctx.now, ...auditActor(by), customerId: null, targetLabel: input.name,
    detail: { systemId: id, slug: input.slug, name: input.name, description: input.description },
  });
  return { id, slug: input.slug };
}
