import type { Kysely } from 'kysely';
import type { Deps } from '../deps.ts';
import type { Database } from '../db/schema.ts';
import { recordAuditEvent } from '../audit/record-audit-event.ts';
import { ValidationError } from '../errors.ts';
import { findManagedTechnicalUser } from './find-managed-user.ts';
import type { CustomerUserPrincipal } from '../auth/principal.ts';

export interface ScopeChoice {
  id: string;
  slug: string;
  name: string;
}

/** The systems an administrator can give a technical user: those contracted now or from a future date. */
export async function helpScopeChoices(db: Kysely<Database>, customerId: string, today: string): Promise<ScopeChoice[]> {
  return db
    .selectFrom('systems')
    .select(['systems.id', 'systems.slug', 'systems.name'])
    .where((eb) =>
      eb.exists(
        eb
          .selectFrom('contracts')
          .select('contracts.id')
          .whereRef('contracts.system_id', '=', 'systems.id')
          .where('contracts.customer_id', '=', customerId)
          .where((w) => w.or([w('contracts.ends_on', 'is', null), w('contracts.ends_on', '>=', today)])),
      ),
    )
    .orderBy('systems.position')
    .execute();
}

/** The systems a user is limited to; empty means every contracted system. */
export async function helpScopeOf(db: Kysely<Database>, userId: string): Promise<ScopeChoice[]> {
  return db
    .selectFrom('user_help_scope as u')
    .innerJoin('systems', 'systems.id', 'u.system_id')
    .select(['systems.id', 'systems.slug', 'systems.name'])
    .where('u.user_id', '=', userId)
    .orderBy('systems.position')
    .execute();
}

/**
 * Limit a technical user's help to some systems, or lift the limit ('all':
 * every system the customer contracts, including ones contracted later).
 */
export async function setHelpScope(deps: Deps, actor: CustomerUserPrincipal, userId: string, scope: 'all' | string[], today: string): Promise<{ email: string }> {
  const user = await findManagedTechnicalUser(deps.db, actor.customer.id, userId);
  let systems: ScopeChoice[] = [];
  if (scope !== 'all') {
    const choices = await helpScopeChoices(deps.db, actor.customer.id, today);
    const wanted = new Set(scope);
    systems = choices.filter((c) => wanted.has(c.id));
    if (wanted.size === 0) throw new ValidationError({ systems: 'Marque al menos un sistema, o elija «Todos los sistemas contratados».' });
    if (systems.length !== wanted.size) throw new ValidationError({ systems: 'Uno de los sistemas marcados no está contratado por su empresa.' });
  }
  const now = deps.clock.now();
  await deps.db.transaction().execute(async (trx) => {
    await trx.deleteFrom('user_help_scope').where('user_id', '=', user.id).execute();
    if (systems.length) await trx.insertInto('user_help_scope').values(systems.map((s) => ({ user_id: user.id, system_id: s.id }))).execute();
    await recordAuditEvent(trx, {
      action: 'user.help-scope-changed', at: now, actorUserId: actor.userId, actorLabel: actor.email, customerId: actor.customer.id,
      targetUserId: user.id, targetLabel: user.email, ip: actor.ip, detail: { systems: scope === 'all' ? 'all' : systems.map((s) => s.slug) },
    });
  });
  return { email: user.email };
}
