import type { Context } from 'hono';
import { vendorToday } from '../../../domain/contracts.ts';
import { readableSystems, type HelpReader, type SystemSummary } from '../../../help/help-access.ts';
import type { AppEnv } from '../../env.ts';
import { sessionOf } from '../../middleware/require-user.ts';

/** The person reading, as help-access.ts wants them. */
export function helpReaderOf(c: Context<AppEnv>): HelpReader {
  const s = sessionOf(c);
  return { customerId: s.customer.id, userId: s.user.id, role: s.user.role };
}

/** The systems the person may read today: the root of every help page. */
export function readableSystemsOf(c: Context<AppEnv>): Promise<SystemSummary[]> {
  const { db, clock } = c.get('deps');
  return readableSystems(db, helpReaderOf(c), vendorToday(clock.now()));
}

/** Help pages load the search box's script: suggestions while typing, where JavaScript runs. */
export const HELP_PAGE = { current: 'ayuda', scripts: ['help-search.js'] } as const;
