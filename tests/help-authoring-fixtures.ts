import type { Transaction } from 'kysely';
import type { StaffPrincipal } from '../src/auth/principal.ts';
import type { Database } from '../src/db/schema.ts';
import type { Deps } from '../src/deps.ts';
import type { HelpWriteContext } from '../src/help/authoring/help-write-context.ts';

// Shared by the help authoring operations' tests: run an operation in its own transaction, as the routes do.

export function writeContext(deps: Deps, selfPublish = false): HelpWriteContext {
  return { dialect: deps.dialect, now: deps.clock.now(), selfPublish };
}

export function asPrincipal(s: { id: string; name: string; email: string; role: StaffPrincipal['role'] }): StaffPrincipal {
  return { kind: 'staff', staffId: s.id, name: s.name, email: s.email, role: s.role, ip: null };
}

export function inTransaction<T>(deps: Deps, run: (trx: Transaction<Database>, ctx: HelpWriteContext) => Promise<T>, selfPublish = false): Promise<T> {
  return deps.db.transaction().execute((trx) => run(trx, writeContext(deps, selfPublish)));
}
