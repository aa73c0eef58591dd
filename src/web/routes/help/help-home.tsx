import { Hono } from 'hono';
import { vendorToday } from '../../../domain/contracts.ts';
import { helpHighlights } from '../../../help/read-help.ts';
import { CUSTOMER_HELP, HelpHomeBody } from '../../components/help-views.tsx';
import { HelpSearchBox } from '../../components/help-search-box.tsx';
import type { AppEnv } from '../../env.ts';
import { page } from '../../render.tsx';
import { HELP_PAGE, readableSystemsOf } from './help-reader.ts';

const POPULAR_DAYS = 30;

/**
 * The first day of the last POPULAR_DAYS calendar days, today included.
 * Counted in days, not hours: 30 × 24 h back from the clock gave 31 days,
 * or 30 across a change of summer time, depending on the hour.
 */
export function popularSince(today: string): string {
  return new Date(Date.parse(`${today}T00:00:00Z`) - (POPULAR_DAYS - 1) * 86_400_000).toISOString().slice(0, 10);
}

/** The help home: the person's systems, what changed lately and what others read most. */
export const helpHomeRoutes = new Hono<AppEnv>().get('/ayuda', async (c) => {
  const { db, clock } = c.get('deps');
  const systems = await readableSystemsOf(c);
  const { recent, popular } = await helpHighlights(db, systems.map((s) => s.id), popularSince(vendorToday(clock.now())));
  return page(
    c,
    { title: 'Ayuda en línea', ...HELP_PAGE },
    <>
      <h1>Ayuda en línea</h1>
      {systems.length === 0 ? (
        <p class="notice">Su empresa no tiene sistemas con un servicio vigente (o su administrador no le dio acceso a ninguno), así que no hay ayuda disponible por ahora.</p>
      ) : (
        <>
          <HelpSearchBox />
          <HelpHomeBody systems={systems} recent={recent} popular={popular} links={CUSTOMER_HELP} />
        </>
      )}
    </>,
  );
});
