import { listAuditEvents } from '../audit/list-audit-events.ts';
import { ValidationError } from '../errors.ts';
import { listSystems } from '../help/list-systems.ts';
import { UsageError, type Command, type Options } from './command.ts';
import { table } from './table.ts';

const text = (o: Options, name: string) => (typeof o[name] === 'string' ? (o[name] as string) : undefined);

/** The audit trail at the terminal: the console's listing operation and filters. */
export const AUDIT_COMMANDS: Record<string, Command> = {
  'audit list': {
    usage: 'audit list [--rut 76.543.210-3] [--action sign-in.failed] [--kind staff] [--actor texto] [--from 2026-03-01] [--to 2026-03-31] [--limit 50] [--page 1]',
    summary: 'Muestra el registro de auditoría (de un cliente con --rut), el más reciente primero; filtra por acción, tipo de actor (user, staff, cli, api, anonymous), actor y días de Santiago.',
    async run(rt, o, out) {
      const limit = Math.min(1000, Number(o.limit ?? 50) || 50);
      const filters = { customer: text(o, 'rut'), action: text(o, 'action'), actorKind: text(o, 'kind'), actor: text(o, 'actor'), from: text(o, 'from'), to: text(o, 'to') };
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
