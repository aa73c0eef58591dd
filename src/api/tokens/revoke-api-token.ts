import type { Deps } from '../../deps.ts';
import { recordAuditEvent } from '../../audit/record-audit-event.ts';
import { auditActor, principalName, type Principal } from '../../auth/principal.ts';
import { AppError } from '../../errors.ts';
import { authorizeApiTokens } from './authorize-api-token-manager.ts';

const noSuchToken = () => new AppError(404, 'api-token-not-found', 'No existe ese token de API.');

/**
 * Revoked at once: the next call with it is refused (tokens are looked up
 * on every call, never cached). Revoking a revoked token changes nothing.
 */
export async function revokeApiToken(deps: Deps, actor: Principal, tokenId: string): Promise<{ name: string; prefix: string; changed: boolean }> {
  const now = deps.clock.now();
  return deps.db.transaction().execute(async (trx) => {
    const row = await trx.selectFrom('api_tokens').select(['id', 'name', 'prefix', 'revoked_at']).where('id', '=', tokenId).executeTakeFirst();
    if (!row) throw noSuchToken();
    authorizeApiTokens(actor);
    // Compare-and-swap: of two revocations at once, one writes and audits.
    const r = await trx
      .updateTable('api_tokens')
      .set({ revoked_at: now.toISOString(), revoked_by_label: principalName(actor) })
      .where('id', '=', tokenId)
      .where('revoked_at', 'is', null)
      .executeTakeFirst();
    const changed = Number(r.numUpdatedRows) === 1;
    if (changed) {
      await recordAuditEvent(trx, {
        action: 'api-token.revoked', at: now, ...auditActor(actor), customerId: null, targetLabel: `${row.name} (${row.prefix})`, detail: { tokenId, prefix: row.prefix },
      });
    }
    return { name: row.name, prefix: row.prefix, changed };
  });
}
