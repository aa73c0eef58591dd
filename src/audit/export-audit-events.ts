import { stringify } from 'csv-stringify/sync';
import type { Kysely } from 'kysely';
import { auditActor, type Principal } from '../auth/principal.ts';
import type { Database } from '../db/schema.ts';
import type { Clock } from '../clock.ts';
import { safeCsvCell, UTF8_BOM } from './csv-cell.ts';
import { listAuditEvents, type AuditFilterInput } from './list-audit-events.ts';
import { recordAuditEvent } from './record-audit-event.ts';

/** More than this in one file is a job for the database, not a spreadsheet. */
export const AUDIT_EXPORT_MAX_ROWS = 50_000;

const HEADER = ['fecha_utc', 'accion', 'accion_texto', 'tipo_actor', 'actor', 'rut_cliente', 'cliente', 'sobre', 'ip', 'detalle'];

/**
 * The filtered audit trail as CSV (UTF-8 with a BOM, comma-separated and
 * quoted as RFC 4180), every cell formula-safe. The export is itself
 * audited, with its filters, before the file leaves.
 */
export async function exportAuditEvents(deps: { db: Kysely<Database>; clock: Clock }, actor: Principal, input: AuditFilterInput): Promise<{ csv: string; rows: number; truncated: boolean }> {
  const { events, hasMore, filters } = await listAuditEvents(deps.db, input, { page: 1, pageSize: AUDIT_EXPORT_MAX_ROWS });
  await recordAuditEvent(deps.db, {
    action: 'audit.exported', at: deps.clock.now(), ...auditActor(actor), customerId: null,
    detail: { filters: Object.fromEntries(Object.entries(filters).filter(([, v]) => v !== undefined)), rows: events.length, truncated: hasMore },
  });
  const records = events.map((e) => [e.at, e.action, e.actionLabel, e.actorKindLabel, e.actorLabel, e.customerRut, e.customerName, e.targetLabel, e.ip, e.detail].map(safeCsvCell));
  return { csv: UTF8_BOM + stringify([HEADER, ...records], { record_delimiter: '\r\n' }), rows: events.length, truncated: hasMore };
}
