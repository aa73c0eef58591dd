import type { Kysely } from 'kysely';
import { recordAuditEvent } from '../../audit/record-audit-event.ts';
import { auditActor, principalName, type Principal } from '../../auth/principal.ts';
import { isUuid } from '../../customers/find-customer.ts';
import type { Database } from '../../db/schema.ts';
import { AppError, notFound } from '../../errors.ts';
import type { HelpWriteContext } from './help-write-context.ts';
import { authorizeSchedule } from './schedule-principal.ts';

export const scheduleAlreadySettled = () =>
  new AppError(409, 'help-schedule-settled', 'Esta programación ya se ejecutó, falló o fue cancelada: ya no se puede cancelar.');

/**
 * Cancel a pending schedule. The same claim the scheduler makes (done_at set
 * where it is still null), so a cancel and the scheduler's run can never both
 * win: whichever commits first, the other finds it settled.
 */
export async function cancelSchedule(db: Kysely<Database>, ctx: HelpWriteContext, by: Principal, input: { scheduleId: string; articleId: string }): Promise<void> {
  authorizeSchedule(by);
  if (!isUuid(input.scheduleId) || !isUuid(input.articleId)) throw notFound();
  await db.transaction().execute(async (trx) => {
    const row = await trx
      .selectFrom('help_schedules as s')
      .innerJoin('help_articles as a', 'a.id', 's.article_id')
      .select(['s.id', 's.action', 's.run_at', 'a.title'])
      .where('s.id', '=', input.scheduleId)
      .where('s.article_id', '=', input.articleId)
      .executeTakeFirst();
    if (!row) throw notFound();
    const r = await trx
      .updateTable('help_schedules')
      .set({ done_at: ctx.now.toISOString(), outcome: 'cancelled', outcome_detail: `Cancelada por ${principalName(by)}.` })
      .where('id', '=', row.id)
      .where('done_at', 'is', null)
      .executeTakeFirst();
    if (Number(r.numUpdatedRows) !== 1) throw scheduleAlreadySettled();
    await recordAuditEvent(trx, {
      action: 'help.schedule-cancelled', at: ctx.now, ...auditActor(by), customerId: null, targetLabel: row.title,
      detail: { scheduleId: row.id, articleId: input.articleId, action: row.action, runAt: row.run_at },
    });
  });
}
