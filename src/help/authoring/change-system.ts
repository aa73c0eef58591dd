import type { Transaction } from 'kysely';
import { z } from 'zod';
import { recordAuditEvent } from '../../audit/record-audit-event.ts';
import { auditActor, type Principal } from '../../auth/principal.ts';
import type { Database } from '../../db/schema.ts';
import { fieldErrors } from '../../customers/user-fields.ts';
import { notFound, ValidationError } from '../../errors.ts';
import type { HelpWriteContext } from './help-write-context.ts';
import { authorizeHelpWrite, lockHelpStructure, StructureDescription, StructureName } from './structure-fields.ts';

export const ChangeSystemInput = z.object({
  name: StructureName,
  description: StructureDescription,
});
export type ChangeSystemInput = z.input<typeof ChangeSystemInput>;

/** Rename or describe a system. The slug is its URL and stays: links and contracts keep working. */
export async function changeSystem(trx: Transaction<Database>, ctx: HelpWriteContext, by: Principal, slug: string, raw: ChangeSystemInput): Promise<{ changed: boolean }> {
  authorizeHelpWrite(by);
  const parsed = ChangeSystemInput.safeParse(raw);
  if (!parsed.success) throw new ValidationError(fieldErrors(parsed.error));
  const input = parsed.data;
  await lockHelpStructure(trx, ctx.dialect);
  const system = await trx.selectFrom('systems').select(['id', 'name', 'description']).where('slug', '=', slug).executeTakeFirst();
  if (!system) throw notFound();
  if (system.name === input.name && system.description === input.description) return { changed: false };
  await trx.updateTable('systems').set({ name: input.name, description: input.description }).where('id', '=', system.id).execute();
  await recordAuditEvent(trx, {
    action: 'help.system-changed', at: ctx.now, ...auditActor(by), customerId: null, targetLabel: input.name,
    detail: { systemId: system.id, slug, before: { name: system.name, description: system.description }, after: input },
  });
  return { changed: true };
}
