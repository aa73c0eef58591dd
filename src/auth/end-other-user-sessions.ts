import type { Deps } from '../deps.ts';
import { recordAuditEvent } from '../audit/record-audit-event.ts';
import { auditActor, type CustomerUserPrincipal } from './principal.ts';
import { revokeUserSessions } from './session.ts';

/** "Cerrar las otras sesiones": every session of the user but the one in use, audited as sessions.revoked-others. */
export async function endOtherUserSessions(deps: Pick<Deps, 'db' | 'clock'>, principal: CustomerUserPrincipal, currentSessionId: string): Promise<number> {
  return deps.db.transaction().execute(async (trx) => {
    const closed = await revokeUserSessions(trx, principal.userId, currentSessionId);
    await recordAuditEvent(trx, {
      action: 'sessions.revoked-others', at: deps.clock.now(), ...auditActor(principal), customerId: principal.customer.id, detail: { closed },
    });
    return closed;
  });
}
