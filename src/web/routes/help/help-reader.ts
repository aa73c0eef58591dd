import type { Context } from 'hono';
import { vendorToday } from '../../../domain/contracts.ts';
import type { HelpReader, SystemSummary } from '../../../help/help-access.ts';
import { cachedReadableSystem, cachedReadableSystems } from '../../../help/readable-systems-cache.ts';
import type { AppEnv } from '../../env.ts';
import { sessionOf } from '../../middleware/require-user.ts';

/** The person reading, as help-access.ts wants them. */
export function helpReaderOf(c: Context<AppEnv>): HelpReader {
  const s = sessionOf(c);
  return { customerId: s.customer.id, userId: s.user.id, role: s.user.role };
}

/** The systems the person may read today: the root of every help page (kept across requests, help/readable-systems-cache.ts). */
export function readableSystemsOf(c: Context<AppEnv>): Promise<SystemSummary[]> {
  const { db, clock, caches } = c.get('deps');
  return cachedReadableSystems(db, caches, helpReaderOf(c), vendorToday(clock.now()), c.get('arrivedAt'));
}

/** The system named in the address if the person may read it today; otherwise 404. */
export function readableSystemOf(c: Context<AppEnv>, slug: string): Promise<SystemSummary> {
  const { db, clock, caches } = c.get('deps');
  return cachedReadableSystem(db, caches, helpReaderOf(c), vendorToday(clock.now()), slug, c.get('arrivedAt'));
}

/** Help pages load the search box's script: suggestions while typing, where JavaScript runs. */
export const HELP_PAGE = { current: 'ayuda', scripts: ['help-search.js'] } as const;
