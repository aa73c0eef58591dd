import { Hono } from 'hono';
import { withoutRefusedCharacters } from '../../../domain/plain-text.ts';
import type { SearchHit } from '../../../help/search/help-search.ts';
import { loggedSearchId, logSearch } from '../../../help/search/log-search.ts';
import { openSearchResult } from '../../../help/search/open-search-result.ts';
import { recordSearchMiss } from '../../../help/search/record-search-miss.ts';
import { readerSearch } from '../../../help/search-threads/search-threads.ts';
import { notFound } from '../../../errors.ts';
import { Breadcrumbs } from '../../components/breadcrumbs.tsx';
import { HelpSearchBox } from '../../components/help-search-box.tsx';
import { CUSTOMER_HELP, SearchResultsBody } from '../../components/help-views.tsx';
import type { AppEnv } from '../../env.ts';
import { sessionOf } from '../../middleware/require-user.ts';
import { page } from '../../render.tsx';
import { HELP_PAGE, readableSystemsOf } from './help-reader.ts';

export const PER_PAGE = 10;

/** Where a result of logged search `logId` links: through /ayuda/buscar/ir, which records the opening. */
export function resultHref(logId: string, h: Pick<SearchHit, 'systemSlug' | 'slug'>): string {
  return `/ayuda/buscar/ir?b=${encodeURIComponent(logId)}&a=${encodeURIComponent(`${h.systemSlug}/${h.slug}`)}`;
}
const SUGGESTIONS = 6;

/**
 * The typed query, at most 200 characters. A search box answers rather than
 * refuses: control characters become spaces and bidi or invisible ones go
 * (domain/plain-text.ts), so none reaches the heading, the links or the
 * recorded miss (PostgreSQL refuses a NUL byte outright).
 */
export function queryOf(raw: string | undefined): string {
  return withoutRefusedCharacters((raw ?? '').slice(0, 200));
}

/** Search over the help the person may read, and the suggestions the search box shows while typing. */
export const helpSearchRoutes = new Hono<AppEnv>()
  .get('/ayuda/buscar', async (c) => {
    const { db, dialect, clock, metrics } = c.get('deps');
    const helpSearch = readerSearch(c.get('deps'));
    const q = queryOf(c.req.query('q')).trim();
    const systems = await readableSystemsOf(c);
    // A system the person may not read is not a filter: it would say the system exists.
    const selected = systems.find((s) => s.slug === c.req.query('sistema')) ?? null;
    const pageNo = Number.parseInt(c.req.query('pagina') ?? '1', 10) || 1;
    const search = () => helpSearch.search({ text: q, systemIds: selected ? [selected.id] : systems.map((s) => s.id), page: pageNo, perPage: PER_PAGE });
    const r = q ? await metrics.search.time(pageNo > 1 ? 'next-page' : 'search', search) : null;
    const userId = sessionOf(c).user.id;
    if (r && r.searched && r.total === 0 && pageNo === 1 && systems.length > 0) await recordSearchMiss(db, { text: q, systemSlug: selected?.slug ?? null, userId, now: clock.now() });
    // Page 1 is the search; later pages are the same search read further: they log nothing, and link through the recorder with
    // page 1's row when there is one (an opening from page 2 is an opening of that search).
    const logged = { userId, text: q, systemSlug: selected?.slug ?? null, now: clock.now() };
    const logId = !r || !r.searched || systems.length === 0 ? null : r.page === 1 ? await logSearch(db, dialect, { ...logged, results: r.total, resultsCapped: r.totalCapped }) : await loggedSearchId(db, logged);
    const hitHref = logId ? (h: SearchHit) => resultHref(logId, h) : undefined;
    return page(
      c,
      { title: q ? `Buscar «${q}»` : 'Buscar en la ayuda', ...HELP_PAGE },
      <>
        <Breadcrumbs items={[['Ayuda en línea', '/ayuda'], ['Buscar', null]]} />
        <HelpSearchBox query={q} system={selected?.slug} />
        <SearchResultsBody q={q} r={r} systems={systems} selected={selected} perPage={PER_PAGE} links={CUSTOMER_HELP} missesRecorded hitHref={hitHref} />
      </>,
    );
  })
  // A result link of a logged search: recorded without JavaScript, then the article. Only ever a
  // redirect to an article this person may read, built from the validated slugs; anything else 404.
  .get('/ayuda/buscar/ir', async (c) => {
    const { db, clock } = c.get('deps');
    const target = await openSearchResult(db, await readableSystemsOf(c), {
      logId: (c.req.query('b') ?? '').slice(0, 100),
      target: (c.req.query('a') ?? '').slice(0, 300),
      userId: sessionOf(c).user.id,
      now: clock.now(),
    });
    if (!target) throw notFound();
    c.header('Cache-Control', 'private, no-store');
    return c.redirect(`/ayuda/${target.systemSlug}/${target.slug}`, 302);
  })
  .get('/ayuda/sugerencias', async (c) => {
    const { metrics } = c.get('deps');
    const helpSearch = readerSearch(c.get('deps'));
    const q = queryOf(c.req.query('q'));
    const systems = await readableSystemsOf(c);
    c.header('Cache-Control', 'private, no-store');
    if (q.trim().length < 2) return c.json({ suggestions: [] });
    const r = await metrics.search.time('suggestions', () => helpSearch.search({ text: q, systemIds: systems.map((s) => s.id), perPage: SUGGESTIONS, typing: true }));
    return c.json({
      suggestions: r.hits.map((h) => ({ title: h.title, system: h.systemName, url: `/ayuda/${h.systemSlug}/${h.slug}` })),
    });
  });
