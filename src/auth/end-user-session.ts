import { z } from 'zod';
import type { Deps } from '../deps.ts';
import { recordAuditEvent } from '../audit/record-audit-event.ts';
import { notFound } from '../errors.ts';
import { describeUserAgent } from './list-user-sessions.ts';
import { auditActor, type CustomerUserPrincipal } from './principal.ts';
import { SESSION_REF_LENGTH, SessionRef } from './session-ref.ts';

export const EndUserSessionInput = z.object({ session: SessionRef });

/**
 * End one of the signed-in user's own sessions, named by its short ref
 * (session-ref.ts). Only the principal's sessions are looked at, so another
 * user's ref answers 404 like an unknown one. Returns the ended session's id
 * so the caller can tell whether it was the one in use (then it signs out).
 */
export async function endUserSession(deps: Pick<Deps, 'db' | 'clock'>, principal: CustomerUserPrincipal, input: unknown): Promise<{ sessionId: string }> {
  const parsed = EndUserSessionInput.safeParse(input);
  // The ref comes from a hidden field: a malformed or missing one names no session of this user, the same answer as a wrong one.
  if (!parsed.success) throw notFound();
  const ref = parsed.data.session;
  const { db, clock } = deps;
  return db.transaction().execute(async (trx) => {
    const rows = await trx
      .selectFrom('sessions')
      .select(['id', 'ip', 'user_agent'])
      .where('user_id', '=', principal.userId)
      .where('id', 'like', `${ref}%`)
      .limit(2)
      .execute();
    if (rows.length !== 1 || rows[0]!.id.length <= SESSION_REF_LENGTH) throw notFound();
    const row = rows[0]!;
    // The delete says whether this request ended it: a concurrent one may have already.
    const r = await trx.deleteFrom('sessions').where('id', '=', row.id).where('user_id', '=', principal.userId).executeTakeFirst();
    if (Number(r.numDeletedRows) === 0) throw notFound();
    await recordAuditEvent(trx, {
      action: 'session.ended', at: clock.now(), ...auditActor(principal), customerId: principal.customer.id,
      targetUserId: principal.userId, targetLabel: principal.email,
      detail: { device: describeUserAgent(row.user_agent), address: row.ip },
    });
    return { sessionId: row.id };
  });
}
