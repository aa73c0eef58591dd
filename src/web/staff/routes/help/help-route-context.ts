import type { Context } from 'hono';
import type { Transaction } from 'kysely';
import type { StaffPrincipal } from '../../../../auth/principal.ts';
import type { Database } from '../../../../db/schema.ts';
import type { HelpWriteContext } from '../../../../help/authoring/help-write-context.ts';
import { staffCan } from '../../../../policies/staff-policy.ts';
import type { AppEnv } from '../../../env.ts';
import { staffPrincipalOf, staffSessionOf } from '../../require-staff.ts';

/** Whether the signed-in role may change the help: pages show their forms and buttons only then. */
export function canWriteHelp(c: Context<AppEnv>): boolean {
  return staffCan(staffSessionOf(c).staff.role, 'help:write');
}

/** Run one help write in a transaction of its own, with the request's moment, dialect and staff principal. */
export function helpWrite<T>(c: Context<AppEnv>, fn: (trx: Transaction<Database>, ctx: HelpWriteContext, by: StaffPrincipal) => Promise<T>): Promise<T> {
  const { db, dialect, clock, config } = c.get('deps');
  const ctx: HelpWriteContext = { dialect, now: clock.now(), selfPublish: config.helpSelfPublish };
  const by = staffPrincipalOf(c);
  return db.transaction().execute((trx) => fn(trx, ctx, by));
}

export const HELP_HOME = '/proveedor/ayuda';
export const systemHref = (slug: string) => `${HELP_HOME}/sistemas/${slug}`;
export const editorHref = (articleId: string) => `${HELP_HOME}/articulos/${articleId}`;
export const filesHref = (articleId: string) => `${HELP_HOME}/articulos/${articleId}/archivos`;
