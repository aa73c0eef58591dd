import type { Context } from 'hono';
import type { Transaction } from 'kysely';
import type { StaffPrincipal } from '../../../../auth/principal.ts';
import type { Database } from '../../../../db/schema.ts';
import { ValidationError } from '../../../../errors.ts';
import type { HelpWriteContext } from '../../../../help/authoring/help-write-context.ts';
import { setFlash } from '../../../cookies.ts';
import type { AppEnv } from '../../../env.ts';
import { helpWrite } from './help-route-context.ts';

/**
 * One place up or down for an item of an ordered list (a system, a
 * category), said in the flash: moved, already at that end, or why the move
 * was refused (a direction that is neither up nor down). The list's page is
 * where the person goes back to in every case, so nothing here renders.
 */
export async function moveWithFlash(
  c: Context<AppEnv>,
  move: (trx: Transaction<Database>, ctx: HelpWriteContext, by: StaffPrincipal) => Promise<{ moved: boolean }>,
  said: { moved: string; atEnd: string },
): Promise<void> {
  try {
    const r = await helpWrite(c, move);
    setFlash(c, r.moved ? said.moved : said.atEnd, 'staff_flash');
  } catch (err) {
    if (!(err instanceof ValidationError)) throw err;
    setFlash(c, Object.values(err.fieldErrors)[0] ?? err.message, 'staff_flash');
  }
}
