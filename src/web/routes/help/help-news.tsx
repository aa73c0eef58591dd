import { Hono } from 'hono';
import { z } from 'zod';
import { listHelpNews } from '../../../help/news/list-help-news.ts';
import { Breadcrumbs } from '../../components/breadcrumbs.tsx';
import { NewsList, newsHref } from '../../components/help-news-views.tsx';
import { CUSTOMER_HELP } from '../../components/help-views.tsx';
import { Pager } from '../../components/page-links.tsx';
import type { AppEnv } from '../../env.ts';
import { page } from '../../render.tsx';
import { HELP_PAGE, readableSystemOf } from './help-reader.ts';

/** How far back a system's Novedades go. */
export const NEWS_DAYS = 90;
const PER_PAGE = 20;

// A page number past the end shows an empty page with a link back, never an error.
const query = z.object({ pagina: z.coerce.number().int().min(1).max(10_000).catch(1).default(1) });

/** One system's articles published or changed in the last NEWS_DAYS days, with their change notes. */
export const helpNewsRoutes = new Hono<AppEnv>().get('/ayuda/:system/novedades', async (c) => {
  const { db, clock } = c.get('deps');
  const now = clock.now();
  const system = await readableSystemOf(c, c.req.param('system'));
  const { pagina } = query.parse(c.req.query());
  const since = new Date(now.getTime() - NEWS_DAYS * 86_400_000).toISOString();
  const news = await listHelpNews(db, { systemIds: [system.id], since, limit: PER_PAGE, page: pagina });
  return page(
    c,
    { title: `Novedades de ${system.name}`, ...HELP_PAGE },
    <>
      <Breadcrumbs items={[['Ayuda en línea', '/ayuda'], [system.name, CUSTOMER_HELP.system(system.slug)], ['Novedades', null]]} />
      <h1>Novedades de {system.name}</h1>
      <p>Artículos nuevos y actualizados en los últimos {NEWS_DAYS} días, del más reciente al más antiguo.</p>
      {news.items.length > 0 ? (
        <NewsList items={news.items} />
      ) : (
        <p>{pagina > 1 ? 'No hay más novedades.' : `No hubo cambios en la ayuda de ${system.name} en los últimos ${NEWS_DAYS} días.`}</p>
      )}
      <Pager base={newsHref(system.slug)} query={new URLSearchParams()} page={pagina} hasMore={pagina * PER_PAGE < news.total} label="Páginas de novedades" />
    </>,
  );
});
