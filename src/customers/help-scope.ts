import type { Kysely } from 'kysely';
import type { Deps } from '../deps.ts';
import type { Database } from '../db/schema.ts';
import { recordAuditEvent } from '../audit/record-audit-event.ts';
import { auditActor, type Principal } from '../auth/principal.ts';
import { AppError, notFound, ValidationError } from '../errors.ts';
import { loadUserFor, type UserRef } from './find-managed-user.ts';
import { lockUser, type Precondition } from './precondition.ts';

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
 * Limit a technical user's help to some systems (their ids), or lift the
 * limit ('all': every system the customer contracts, including ones
 * contracted later). The customer's administrator does it for its technical
 * users, the vendor (API) for any customer's (manage-user-policy.ts); an
 * administrator always reads every contracted system's help.
 */
export async function setHelpScope(
  deps: Deps,
  actor: Principal,
  ref: UserRef,
  scope: 'all' | string[],
  today: string,
  precondition?: Precondition,
): Promise<{ email: string }> {
  const { user, customer } = await loadUserFor(deps.db, actor, ref);
  if (user.role !== 'technical') throw new AppError(409, 'not-technical', 'Sólo la ayuda de un usuario técnico se puede acotar: un administrador lee la de todos los sistemas contratados.');
  let systems: ScopeChoice[] = [];
  if (scope !== 'all') {
    const choices = await helpScopeChoices(deps.db, customer.id, today);
    const wanted = new Set(scope);
    systems = choices.filter((c) => wanted.has(c.id));
    if (wanted.size === 0) throw new ValidationError({ systems: 'Marque al menos un sistema, o elija «Todos los sistemas contratados».' });
    if (systems.length !== wanted.size) throw new ValidationError({ systems: 'Uno de los sistemas marcados no está contratado por su empresa.' });
  }
  const now = deps.clock.now();
  await deps.db.transaction().execute(async (trx) => {
    // Every change of a user's scope holds the user's row: two at once run one after the other, and If-Match sees the first.
    if (!(await lockUser(trx, user.id))) throw notFound();
    await precondition?.(trx);
    await trx.deleteFrom('user_help_scope').where('user_id', '=', user.id).execute();
    if (systems.length) await trx.insertInto('user_help_scope').values(systems.map((s) => ({ user_id: user.id, system_id: s.id }))).execute();
    await recordAuditEvent(trx, {
      action: 'user.help-scope-changed', at: now, ...auditActor(actor), customerId: customer.id,
      targetUserId: user.id, targetLabel: user.email, detail: { systems: scope === 'all' ? 'all' : systems.map((s) => s.slug) },
    });
  });
  return { email: user.email };
}
