import { Hono } from 'hono';
import { raw } from 'hono/html';
import { withoutRefusedCharacters } from '../../../domain/plain-text.ts';
import { recordSearchMiss } from '../../../help/search/record-search-miss.ts';
import type { SearchResults } from '../../../help/search/help-search.ts';
import type { SystemSummary } from '../../../help/help-access.ts';
import { Breadcrumbs } from '../../components/breadcrumbs.tsx';
import { HelpSearchBox } from '../../components/help-search-box.tsx';
import type { AppEnv } from '../../env.ts';
import { sessionOf } from '../../middleware/require-user.ts';
import { page } from '../../render.tsx';
import { HELP_PAGE, readableSystemsOf } from './help-reader.ts';

const PER_PAGE = 10;
const SUGGESTIONS = 6;

/**
 * The typed query, at most 200 characters. A search box answers rather than
 * refuses: control characters become spaces and bidi or invisible ones go
 * (domain/plain-text.ts), so none reaches the heading, the links or the
 * recorded miss (PostgreSQL refuses a NUL byte outright).
 */
function queryOf(raw: string | undefined): string {
  return withoutRefusedCharacters((raw ?? '').slice(0, 200));
}

function searchHref(q: string, system: string | null, pageNo = 1): string {
  const p = new URLSearchParams({ q });
  if (system) p.set('sistema', system);
  if (pageNo > 1) p.set('pagina', String(pageNo));
  return `/ayuda/buscar?${p}`;
}

function Pagination(props: { q: string; system: string | null; r: SearchResults }) {
  const { r } = props;
  if (r.pages <= 1) return null;
  const first = Math.max(1, Math.min(r.page - 2, r.pages - 4));
  const numbers = Array.from({ length: Math.min(5, r.pages) }, (_, i) => first + i);
  return (
    <nav class="pagination" aria-label="Páginas de resultados">
      <ul>
        {r.page > 1 ? (
          <li>
            <a href={searchHref(props.q, props.system, r.page - 1)} rel="prev">
              Anterior
            </a>
          </li>
        ) : null}
        {numbers.map((n) => (
          <li>
            <a href={searchHref(props.q, props.system, n)} aria-current={n === r.page ? 'page' : undefined} aria-label={`Página ${n}`}>
              {n}
            </a>
          </li>
        ))}
        {r.page < r.pages ? (
          <li>
            <a href={searchHref(props.q, props.system, r.page + 1)} rel="next">
              Siguiente
            </a>
          </li>
        ) : null}
      </ul>
    </nav>
  );
}

function SystemFilter(props: { q: string; systems: SystemSummary[]; selected: string | null }) {
  if (props.systems.length < 2) return null;
  return (
    <nav class="filter" aria-label="Filtrar por sistema">
      <ul>
        <li>
          <a href={searchHref(props.q, null)} aria-current={props.selected ? undefined : 'page'}>
            Todos los sistemas
          </a>
        </li>
        {props.systems.map((s) => (
          <li>
            <a href={searchHref(props.q, s.slug)} aria-current={props.selected === s.slug ? 'page' : undefined}>
              {s.name}
            </a>
          </li>
        ))}
      </ul>
    </nav>
  );
}

function resultsHeading(r: SearchResults, q: string, systemName: string | null): string {
  const where = systemName ? ` en ${systemName}` : '';
  if (r.total === 0) return `No encontramos artículos para «${q}»${where}`;
  const count = r.total === 1 ? '1 resultado' : `${r.total.toLocaleString('es-CL')} resultados`;
  return `${count} para «${q}»${where}`;
}

/** Search over the help the person may read, and the suggestions the search box shows while typing. */
export const helpSearchRoutes = new Hono<AppEnv>()
  .get('/ayuda/buscar', async (c) => {
    const { helpSearch, db, clock } = c.get('deps');
    const q = queryOf(c.req.query('q')).trim();
    const systems = await readableSystemsOf(c);
    // A system the person may not read is not a filter: it would say the system exists.
    const selected = systems.find((s) => s.slug === c.req.query('sistema')) ?? null;
    const pageNo = Number.parseInt(c.req.query('pagina') ?? '1', 10) || 1;
    const r = q ? await helpSearch.search({ text: q, systemIds: selected ? [selected.id] : systems.map((s) => s.id), page: pageNo, perPage: PER_PAGE }) : null;
    if (r && r.searched && r.total === 0 && pageNo === 1 && systems.length > 0) await recordSearchMiss(db, { text: q, systemSlug: selected?.slug ?? null, userId: sessionOf(c).user.id, now: clock.now() });
    return page(
      c,
      { title: q ? `Buscar «${q}»` : 'Buscar en la ayuda', ...HELP_PAGE },
      <>
        <Breadcrumbs items={[['Ayuda en línea', '/ayuda'], ['Buscar', null]]} />
        <HelpSearchBox query={q} system={selected?.slug} />
        {!r ? (
          <>
            <h1>Buscar en la ayuda</h1>
            <p>Escriba lo que necesita hacer, por ejemplo «emitir una nota de crédito» o «cierre del mes».</p>
          </>
        ) : !r.searched ? (
          <>
            <h1>Buscar en la ayuda</h1>
            <p class="notice">Escriba al menos una palabra con significado: «{q}» solo tiene palabras demasiado comunes para buscarlas.</p>
          </>
        ) : (
          <>
            <h1 aria-live="polite">{resultsHeading(r, q, selected?.name ?? null)}</h1>
            <SystemFilter q={q} systems={systems} selected={selected?.slug ?? null} />
            {r.relaxed ? <p class="notice">Ningún artículo tiene todas las palabras; estos tienen algunas de ellas.</p> : null}
            {r.total === 0 ? (
              <div class="empty-search">
                <p>Puede intentar:</p>
                <ul>
                  <li>revisar cómo se escribió, o usar menos palabras;</li>
                  {selected ? (
                    <li>
                      <a href={searchHref(q, null)}>buscar en todos sus sistemas</a>;
                    </li>
                  ) : null}
                  <li>
                    recorrer los temas desde la <a href="/ayuda">portada de la ayuda</a>.
                  </li>
                </ul>
                <p class="muted">Registramos las búsquedas sin resultados para escribir lo que falta.</p>
              </div>
            ) : r.hits.length === 0 ? (
              <p>
                No hay más resultados. <a href={searchHref(q, selected?.slug ?? null)}>Volver a la primera página</a>.
              </p>
            ) : (
              <ol class="search-results" start={(r.page - 1) * PER_PAGE + 1}>
                {r.hits.map((h) => (
                  <li>
                    <h2>
                      <a href={`/ayuda/${h.systemSlug}/${h.slug}`}>{raw(h.titleHtml)}</a>
                    </h2>
                    <p class="result-where">
                      {h.systemName} › {h.categoryName}
                    </p>
                    <p class="snippet">{raw(h.snippetHtml)}</p>
                  </li>
                ))}
              </ol>
            )}
            <Pagination q={q} system={selected?.slug ?? null} r={r} />
          </>
        )}
      </>,
    );
  })
  .get('/ayuda/sugerencias', async (c) => {
    const { helpSearch } = c.get('deps');
    const q = queryOf(c.req.query('q'));
    const systems = await readableSystemsOf(c);
    c.header('Cache-Control', 'private, no-store');
    if (q.trim().length < 2) return c.json({ suggestions: [] });
    const r = await helpSearch.search({ text: q, systemIds: systems.map((s) => s.id), perPage: SUGGESTIONS, typing: true });
    return c.json({
      suggestions: r.hits.map((h) => ({ title: h.title, system: h.systemName, url: `/ayuda/${h.systemSlug}/${h.slug}` })),
    });
  });
