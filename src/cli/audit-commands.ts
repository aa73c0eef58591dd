import { listAuditEvents } from '../audit/list-audit-events.ts';
import { ValidationError } from '../errors.ts';
import { listSystems } from '../help/list-systems.ts';
import { optional, UsageError, type Command } from './command.ts';
import { table } from './table.ts';

/** The audit trail at the terminal: the console's listing operation and filters. */
export const AUDIT_COMMANDS: Record<string, Command> = {
  'audit list': {
    usage: 'audit list [--rut 76.543.210-3] [--action sign-in.failed] [--kind staff] [--actor texto] [--from 2026-03-01] [--to 2026-03-31] [--limit 50] [--page 1]',
    summary: 'Muestra el registro de auditoría (de un cliente con --rut), el más reciente primero; filtra por acción, tipo de actor (user, staff, cli, api, anonymous), actor y días de Santiago.',
    async run(rt, o, out) {
      const limit = Math.min(1000, Number(o.limit ?? 50) || 50);
      const filters = { customer: optional(o, 'rut'), action: optional(o, 'action'), actorKind: optional(o, 'kind'), actor: optional(o, 'actor'), from: optional(o, 'from'), to: optional(o, 'to') };
      const r = await listAuditEvents(rt.deps.db, filters, { page: Number(o.page ?? 1) || 1, pageSize: limit }).catch((err) => {
        if (err instanceof ValidationError) throw new UsageError(Object.values(err.fieldErrors).join(' '));
        throw err;
      });
      if (r.events.length === 0) return out('No hay eventos con esos filtros.');
      out(table(['Cuándo', 'Acción', 'Qué', 'Tipo', 'Quién', 'Cliente', 'Sobre', 'Desde'], r.events.map((e) => [e.at, e.action, e.actionLabel, e.actorKind, e.actorLabel, e.customerRut, e.targetLabel, e.ip])));
      if (r.hasMore) out(`Hay más eventos: --page ${r.page + 1}`);
    },
  },
};

export const SYSTEM_COMMANDS: Record<string, Command> = {
  'system list': {
    usage: 'system list',
    summary: 'Lista los sistemas (para --system de contract add y la columna «sistema» de la importación).',
    async run(rt, _o, out) {
      const rows = await listSystems(rt.deps.db);
      out(rows.length ? table(['Sistema', 'Nombre'], rows.map((s) => [s.slug, s.name])) : 'No hay sistemas: importe la ayuda (portal help import).');
    },
  },
};
