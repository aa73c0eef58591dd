import type { Deps } from '../deps.ts';
import { recordAuditEvent } from '../audit/record-audit-event.ts';
import { auditActor, principalName, type Principal } from '../auth/principal.ts';
import { AppError } from '../errors.ts';
import { viewMail } from './view-mail.ts';

/**
 * Set a waiting mail aside for good: it is marked dead (kind "discarded",
 * so the list tells it from a mail the server refused), its secrets are
 * erased, and the worker never picks it up again.
 */
export async function discardMail(deps: Deps, actor: Principal, id: string): Promise<{ to: string }> {
  const mail = await viewMail(deps.db, id);
  if (mail.state === 'sent') throw new AppError(409, 'mail-already-sent', 'Este correo ya se envió; no hay nada que descartar.');
  if (mail.state === 'dead') throw new AppError(409, 'mail-already-dead', 'Este correo ya no se enviará: ya estaba descartado o rechazado.');
  const now = deps.clock.now();
  await deps.db.transaction().execute(async (trx) => {
    const r = await trx
      .updateTable('outbox')
      .set({ dead_at: now.toISOString(), last_error: `Descartado por ${principalName(actor)}`.slice(0, 500), last_error_kind: 'discarded', secrets: null, locked_until: null, locked_by: null })
      .where('id', '=', mail.id)
      .where('sent_at', 'is', null)
      .where('dead_at', 'is', null)
      // A mail the worker is sending right now may already be on its way: not discarded under it.
      .where((eb) => eb.or([eb('locked_until', 'is', null), eb('locked_until', '<', now.toISOString())]))
      .executeTakeFirst();
    if (Number(r.numUpdatedRows) !== 1) throw new AppError(409, 'mail-changed', 'El correo se está enviando en este momento o cambió mientras tanto. Vuelva a la lista en un minuto.');
    await recordAuditEvent(trx, {
      action: 'mail.discarded', at: now, ...auditActor(actor), customerId: null, targetLabel: mail.to,
      detail: { mailId: mail.id, kind: mail.kind, subject: mail.subject, attempts: mail.attempts },
    });
  });
  return { to: mail.to };
}
