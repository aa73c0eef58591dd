import { Hono } from 'hono';
import { vendorToday } from '../../../domain/contracts.ts';
import { helpHighlights } from '../../../help/read-help.ts';
import { listHelpNews } from '../../../help/news/list-help-news.ts';
import { recordHelpVisit } from '../../../help/news/record-help-visit.ts';
import { ChangesSinceVisit } from '../../components/help-news-views.tsx';
import { sessionOf } from '../../middleware/require-user.ts';
import { CUSTOMER_HELP, HelpHomeBody } from '../../components/help-views.tsx';
import { HelpSearchBox } from '../../components/help-search-box.tsx';
import type { AppEnv } from '../../env.ts';
import { page } from '../../render.tsx';
import { HELP_PAGE, readableSystemsOf } from './help-reader.ts';

const POPULAR_DAYS = 30;
/** A first visit (no earlier one written down) shows what changed in these last days. */
export const FIRST_VISIT_DAYS = 14;
const CHANGES_SHOWN = 10;

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
  const now = clock.now();
  const systems = await readableSystemsOf(c);
  const systemIds = systems.map((s) => s.id);
  const { recent, popular } = await helpHighlights(db, systemIds, popularSince(vendorToday(now)));
  // This page is never served from the page cache (web/page-cache.ts): every view records the visit and reads its own list.
  const previousAt = await recordHelpVisit(db, sessionOf(c).user.id, now);
  const since = previousAt ?? new Date(now.getTime() - FIRST_VISIT_DAYS * 86_400_000).toISOString();
  const news = await listHelpNews(db, { systemIds, since, limit: CHANGES_SHOWN });
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
          <HelpHomeBody
            systems={systems}
            recent={recent}
            popular={popular}
            links={CUSTOMER_HELP}
            changes={<ChangesSinceVisit news={news} systems={systems} firstVisit={previousAt === null} firstVisitDays={FIRST_VISIT_DAYS} />}
          />
        </>
      )}
    </>,
  );
});
