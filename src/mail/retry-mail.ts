import type { Deps } from '../deps.ts';
import { recordAuditEvent } from '../audit/record-audit-event.ts';
import { auditActor, type Principal } from '../auth/principal.ts';
import { AppError } from '../errors.ts';
import { viewMail } from './view-mail.ts';

/**
 * Send a failed or given-up mail again, now: it becomes due, is no longer
 * dead, and keeps its Message-ID (a receiver that has it drops the copy).
 * A mail whose secret was erased when it died cannot go again as it was:
 * a credentials mail is re-issued from the user instead ("Reenviar
 * credenciales"), which makes a new password.
 */
export async function retryMail(deps: Deps, actor: Principal, id: string): Promise<{ to: string }> {
  const mail = await viewMail(deps.db, id);
  if (mail.state === 'sent') throw new AppError(409, 'mail-already-sent', 'Este correo ya se envió; no se vuelve a enviar.');
  if (mail.state === 'pending' && !mail.failing) throw new AppError(409, 'mail-not-tried', 'Este correo todavía no se intenta enviar: saldrá solo en unos segundos.');
  // Already due (a retry a moment ago, or its backoff is over): the worker takes it on its own; a second retry would only audit twice.
  if (mail.state === 'pending' && mail.nextAttemptAt !== null && mail.nextAttemptAt <= deps.clock.now().toISOString()) {
    throw new AppError(409, 'mail-due', 'Este correo ya está en la cola para enviarse ahora: saldrá solo en unos segundos.');
  }
  if (mail.secretGone) {
    throw new AppError(
      409,
      'mail-secret-gone',
      'Este correo llevaba una clave temporal o un enlace que se borró de la base al darlo por perdido, así que no puede reenviarse. Use «Reenviar credenciales» en la ficha del usuario: genera una clave nueva y un correo nuevo.',
    );
  }
  const now = deps.clock.now();
  await deps.db.transaction().execute(async (trx) => {
    // Compare-and-swap on what was read: a mail that was sent, discarded or claimed meanwhile is left alone.
    const r = await trx
      .updateTable('outbox')
      .set({ dead_at: null, next_attempt_at: now.toISOString(), locked_until: null, locked_by: null })
      .where('id', '=', mail.id)
      .where('sent_at', 'is', null)
      .where(mail.deadAt ? (eb) => eb('dead_at', '=', mail.deadAt) : (eb) => eb('dead_at', 'is', null))
      // A waiting mail: of two retries at once, the one that finds it still on its backoff wins; the other is told it changed.
      .where((eb) => (mail.state === 'pending' && mail.nextAttemptAt !== null ? eb('next_attempt_at', '=', mail.nextAttemptAt) : eb.lit(true)))
      .where((eb) => eb.or([eb('locked_until', 'is', null), eb('locked_until', '<', now.toISOString())]))
      .executeTakeFirst();
    if (Number(r.numUpdatedRows) !== 1) throw new AppError(409, 'mail-changed', 'El correo cambió mientras tanto (se envió o se está enviando). Vuelva a la lista.');
    await recordAuditEvent(trx, {
      action: 'mail.retried', at: now, ...auditActor(actor), customerId: null, targetLabel: mail.to,
      detail: { mailId: mail.id, kind: mail.kind, subject: mail.subject, wasDead: mail.state === 'dead', attempts: mail.attempts },
    });
  });
  deps.mailQueued();
  return { to: mail.to };
}
