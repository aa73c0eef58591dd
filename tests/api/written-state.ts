import type { Deps } from '../../src/deps.ts';

/**
 * What an API call may change, as one comparable value: every row of the
 * tables a provisioning operation writes (customers, users, contracts,
 * help scopes, sessions, reset links, mail, webhook events and deliveries)
 * and the audit trail without the per-call rows every authenticated call
 * writes (api.request, api.rate-limited). Equal before and after a refused
 * call means it changed nothing, not merely that it added no row.
 */
const TABLES = ['customers', 'users', 'contracts', 'user_help_scope', 'sessions', 'password_resets', 'outbox', 'webhook_events', 'webhook_deliveries'] as const;
const PER_CALL_AUDIT = ['api.request', 'api.rate-limited'];

export async function writtenState(deps: Deps): Promise<Record<string, string[]>> {
  const db = deps.db;
  const out: Record<string, string[]> = {};
  for (const table of TABLES) {
    const rows = await db.selectFrom(table).selectAll().execute();
    out[table] = rows.map((r) => JSON.stringify(r)).sort();
  }
  const audit = await db.selectFrom('audit_events').selectAll().where('action', 'not in', PER_CALL_AUDIT).execute();
  out.audit_events = audit.map((r) => JSON.stringify(r)).sort();
  return out;
}

/** Table → how many rows differ, for a readable failure. */
export function changedTables(before: Record<string, string[]>, after: Record<string, string[]>): Record<string, number> {
  const changed: Record<string, number> = {};
  for (const table of Object.keys(before)) {
    const a = new Set(before[table]);
    const b = new Set(after[table]);
    const diff = [...a].filter((r) => !b.has(r)).length + [...b].filter((r) => !a.has(r)).length;
    if (diff > 0) changed[table] = diff;
  }
  return changed;
}
