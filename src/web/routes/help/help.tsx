import { Hono } from 'hono';
import { raw } from 'hono/html';
import { vendorToday } from '../../../domain/contracts.ts';
import { readableSystem, readableSystems } from '../../../help/help-access.ts';
import { readArticle, systemContents } from '../../../help/read-help.ts';
import { Breadcrumbs } from '../../components/breadcrumbs.tsx';
import { formatDay } from '../../components/format.ts';
import type { AppEnv } from '../../env.ts';
import { requireUser, sessionOf } from '../../middleware/require-user.ts';
import { page } from '../../render.tsx';

// The help reader. Every handler starts from readableSystem(s): a system
// without a contract in force answers 404, by link or by typed URL.

export const helpRoutes = new Hono<AppEnv>()
  .use('/ayuda', requireUser('help:read'))
  .use('/ayuda/*', requireUser('help:read'))
  .get('/ayuda', async (c) => {
    const s = sessionOf(c);
    const { db, clock } = c.get('deps');
    const systems = await readableSystems(db, s.customer.id, vendorToday(clock.now()));
    return page(
      c,
      { title: 'Ayuda en línea', current: 'ayuda' },
      <>
        <h1>Ayuda en línea</h1>
        {systems.length === 0 ? (
          <p class="notice">Su empresa no tiene sistemas con un servicio vigente, así que no hay ayuda disponible por ahora.</p>
        ) : (
          <>
            <p>Guías paso a paso de los sistemas que su empresa tiene contratados.</p>
            <ul class="cards">
              {systems.map((sys) => (
                <li class="card">
                  <h2>
                    <a href={`/ayuda/${sys.slug}`}>{sys.name}</a>
                  </h2>
                  <p>{sys.description}</p>
                </li>
              ))}
            </ul>
          </>
        )}
      </>,
    );
  })
  .get('/ayuda/:system', async (c) => {
    const s = sessionOf(c);
    const { db, clock } = c.get('deps');
    const system = await readableSystem(db, s.customer.id, vendorToday(clock.now()), c.req.param('system'));
    const categories = await systemContents(db, system);
    return page(
      c,
      { title: `Ayuda de ${system.name}`, current: 'ayuda' },
      <>
        <Breadcrumbs items={[['Ayuda en línea', '/ayuda'], [system.name, null]]} />
        <h1>{system.name}</h1>
        <p>{system.description}</p>
        {categories.map((cat) => (
          <section aria-labelledby={`cat-${cat.slug}`} class="help-category">
            <h2 id={`cat-${cat.slug}`}>{cat.name}</h2>
            <ul class="article-list">
              {cat.articles.map((a) => (
                <li>
                  <a href={`/ayuda/${system.slug}/${a.slug}`}>{a.title}</a>
                  {a.summary ? <p>{a.summary}</p> : null}
                </li>
              ))}
            </ul>
          </section>
        ))}
      </>,
    );
  })
  .get('/ayuda/:system/:article', async (c) => {
    const s = sessionOf(c);
    const { db, clock } = c.get('deps');
    const system = await readableSystem(db, s.customer.id, vendorToday(clock.now()), c.req.param('system'));
    const a = await readArticle(db, system, c.req.param('article'));
    return page(
      c,
      { title: `${a.title} · ${system.name}`, current: 'ayuda' },
      <div class="article-layout">
        <article class="help-article">
          <Breadcrumbs items={[['Ayuda en línea', '/ayuda'], [system.name, `/ayuda/${system.slug}`], [a.category.name, `/ayuda/${system.slug}#cat-${a.category.slug}`], [a.title, null]]} />
          <h1>{a.title}</h1>
          {a.summary ? <p class="lead">{a.summary}</p> : null}
          <div class="prose">{raw(a.html)}</div>
          {/* updated_at is an instant: its UTC date is the next day on Santiago's evenings. */}
          <p class="muted">Actualizado el {formatDay(vendorToday(new Date(a.updatedAt)))}</p>
        </article>
        <nav class="side-nav" aria-label={`Artículos de ${a.category.name}`}>
          <h2>{a.category.name}</h2>
          <ul>
            {a.siblings.map((x) => (
              <li>
                <a href={`/ayuda/${system.slug}/${x.slug}`} aria-current={x.slug === a.slug ? 'page' : undefined}>
                  {x.title}
                </a>
              </li>
            ))}
          </ul>
        </nav>
      </div>,
    );
  });
