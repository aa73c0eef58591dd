import { ValidationError } from '../errors.ts';
import { countOutbox, listOutbox, type OutboxState } from '../mail/list-outbox.ts';
import { purgeOutbox } from '../mail/purge-outbox.ts';
import { optional, UsageError, type Command } from './command.ts';
import { table } from './table.ts';

const STATE: Record<OutboxState, string> = { sent: 'enviado', pending: 'en cola', dead: 'rechazado (no se reintenta)' };

/** The operator's outbox commands, by their words (merged into COMMANDS). */
export const OUTBOX_COMMANDS: Record<string, Command> = {
  'outbox list': {
    usage: 'outbox list [--pending | --failed | --dead | --sent] [--to texto] [--kind credentials] [--limit 50]',
    summary:
      'Lista la cola de correo: lo enviado, lo que espera (con el próximo intento), lo que falló y se reintenta, y lo rechazado para siempre por el servidor (5xx) o descartado, con intentos y último error.',
    async run(rt, o, out) {
      const states = (['pending', 'failed', 'dead', 'sent'] as const).filter((s) => o[s]);
      if (states.length > 1) throw new UsageError('Use sólo una de --pending, --failed, --dead o --sent.');
      const state = states[0];
      const limit = Math.min(1000, Number(o.limit ?? 50) || 50);
      const counts = await countOutbox(rt.deps.db);
      // The console's listing operation: the same filters, the same Spanish refusals.
      const rows = await listOutbox(rt.deps.db, { state, to: optional(o, 'to'), kind: optional(o, 'kind'), limit }).catch((err) => {
        if (err instanceof ValidationError) throw new UsageError(Object.values(err.fieldErrors).join(' '));
        throw err;
      });
      out(`En cola: ${counts.pending} (con fallas: ${counts.failed}) · Enviados: ${counts.sent} · Rechazados: ${counts.dead}`);
      if (rows.length === 0) {
        out(state === 'dead' ? 'No hay correos rechazados.' : state === 'pending' ? 'No hay correos en cola.' : state ? 'No hay correos con esos filtros.' : 'La cola de correo está vacía.');
        return;
      }
      out(
        table(
          ['Creado', 'Para', 'Tipo', 'Estado', 'Intentos', 'Próximo intento', 'Último error'],
          rows.map((m) => [m.createdAt, m.to, m.kind, m.failing ? 'en cola, con fallas' : STATE[m.state], m.attempts, m.nextAttemptAt ?? '', m.lastError]),
        ),
      );
    },
  },
  'outbox send': {
    usage: 'outbox send',
    summary: 'Envía ahora los correos que están en cola y vencidos (el servidor lo hace solo).',
    async run(rt, _o, out) {
      // The dev mailbox lives in the server's memory: mail "delivered" by this short-lived process would vanish with it.
      if (rt.transport.kind === 'dev-mailbox') {
        out('Sin SMTP_URL los correos los entrega el servidor a su buzón de desarrollo (/dev/correo); este comando no envía nada.');
        return;
      }
      const n = await rt.worker.runOnce();
      out(n === 1 ? 'Se envió 1 correo.' : `Se enviaron ${n} correos.`);
    },
  },
  'outbox purge': {
    usage: 'outbox purge [--older-than-days 30]   (por defecto OUTBOX_RETENTION_DAYS)',
    summary: 'Borra los correos enviados o rechazados hace más de esos días; los que esperan envío nunca se borran. El servidor lo hace solo cada hora.',
    async run(rt, o, out) {
      const raw = o['older-than-days'];
      let days = rt.deps.config.outboxRetentionMs / 86_400_000;
      if (raw !== undefined) {
        if (typeof raw !== 'string' || !/^\d+$/.test(raw.trim())) throw new UsageError('--older-than-days debe ser un número entero de días (0 o más).');
        days = Number(raw);
      }
      const n = await purgeOutbox(rt.deps.db, new Date(rt.deps.clock.now().getTime() - days * 86_400_000));
      const what = n === 1 ? 'Se borró 1 correo enviado o rechazado' : `Se borraron ${n} correos enviados o rechazados`;
      out(`${what} hace más de ${days} ${days === 1 ? 'día' : 'días'}. Los correos en cola no se tocan.`);
    },
  },
};
