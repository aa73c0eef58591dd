import type { Transaction } from 'kysely';
import { z } from 'zod';
import { recordAuditEvent } from '../../audit/record-audit-event.ts';
import { auditActor, type Principal } from '../../auth/principal.ts';
import type { Database } from '../../db/schema.ts';
import { fieldErrors } from '../../customers/user-fields.ts';
import { notFound, ValidationError } from '../../errors.ts';
import type { HelpWriteContext } from './help-write-context.ts';
import { authorizeHelpWrite, lockHelpStructure, MoveDirection, movedOrder, writeOrder } from './structure-fields.ts';

export const MoveSystemInput = z.object({ direction: MoveDirection });
/** As a form posts it: checked by the schema. */
export type MoveSystemInput = { direction: string };

/**
 * One place up or down in the help's and the contract form's order. The
 * order is read and rewritten whole under the structure lock, 0..n-1, so
 * positions stay contiguous whatever they were (an import or an older
 * gap) and two moves at once both apply, one after the other.
 */
export async function moveSystem(trx: Transaction<Database>, ctx: HelpWriteContext, by: Principal, slug: string, raw: MoveSystemInput): Promise<{ moved: boolean }> {
  authorizeHelpWrite(by);
  const parsed = MoveSystemInput.safeParse(raw);
  if (!parsed.success) throw new ValidationError(fieldErrors(parsed.error));
  await lockHelpStructure(trx, ctx.dialect);
  const rows = await trx.selectFrom('systems').select(['id', 'slug', 'position']).orderBy('position').orderBy('slug').execute();
  const index = rows.findIndex((r) => r.slug === slug);
  if (index === -1) throw notFound();
  const order = movedOrder(rows, index, parsed.data.direction);
  if (!order) return { moved: false };
  await writeOrder(trx, 'systems', order);
  await recordAuditEvent(trx, {
    action: 'help.reordered', at: ctx.now, ...auditActor(by), customerId: null, targetLabel: slug,
    detail: { kind: 'system', slug, direction: parsed.data.direction, order: order.map((r) => r.slug) },
  });
  return { moved: true };
}
