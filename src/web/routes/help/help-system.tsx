import { Hono } from 'hono';
import { systemContents } from '../../../help/read-help.ts';
import { Breadcrumbs } from '../../components/breadcrumbs.tsx';
import { HelpSearchBox } from '../../components/help-search-box.tsx';
import { CUSTOMER_HELP, SystemContents } from '../../components/help-views.tsx';
import { newsHref } from '../../components/help-news-views.tsx';
import type { AppEnv } from '../../env.ts';
import { page } from '../../render.tsx';
import { HELP_PAGE, readableSystemOf } from './help-reader.ts';

/** One system's help: its categories and their articles. */
export const helpSystemRoutes = new Hono<AppEnv>().get('/ayuda/:system', async (c) => {
  const { db } = c.get('deps');
  const system = await readableSystemOf(c, c.req.param('system'));
  const categories = await systemContents(db, system);
  return page(
    c,
    { title: `Ayuda de ${system.name}`, ...HELP_PAGE },
    <>
      <Breadcrumbs items={[['Ayuda en línea', '/ayuda'], [system.name, null]]} />
      <HelpSearchBox />
      <SystemContents
        system={system}
        categories={categories}
        links={CUSTOMER_HELP}
        news={
          <p>
            <a href={newsHref(system.slug)}>Novedades: artículos nuevos y actualizados</a>
          </p>
        }
      />
    </>,
  );
});
