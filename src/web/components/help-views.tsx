import { raw } from 'hono/html';
import type { Child } from 'hono/jsx';
import { vendorToday } from '../../domain/contracts.ts';
import type { SystemSummary } from '../../help/help-access.ts';
import type { ArticleView, CategoryWithArticles, HomeArticle } from '../../help/read-help.ts';
import type { SearchHit, SearchResults } from '../../help/search/help-search.ts';
import { Breadcrumbs } from './breadcrumbs.tsx';
import { formatDay } from './format.ts';

/**
 * The help's pages as a reader sees them, for the customer's help (/ayuda)
 * and the console's read-only preview of it alike: the same markup from
 * the same components, only the addresses differ (HelpLinks). Nothing here
 * writes or counts; the vote form is a slot the customer's article page fills.
 */
export interface HelpLinks {
  home: string;
  system(slug: string): string;
  article(system: string, slug: string): string;
  search(q: string, system: string | null, page?: number): string;
}

/** The addresses of a help rooted at `base` ("/ayuda", or a preview's root). */
export function helpLinks(base: string): HelpLinks {
  return {
    home: base,
    system: (slug) => `${base}/${slug}`,
    article: (system, slug) => `${base}/${system}/${slug}`,
    search: (q, system, pageNo = 1) => {
      const p = new URLSearchParams({ q });
      if (system) p.set('sistema', system);
      if (pageNo > 1) p.set('pagina', String(pageNo));
      return `${base}/buscar?${p}`;
    },
  };
}

export const CUSTOMER_HELP = helpLinks('/ayuda');

function ArticleList(props: { articles: HomeArticle[]; links: HelpLinks; detail: (a: HomeArticle) => string }) {
  return (
    <ul class="article-list compact">
      {props.articles.map((a) => (
        <li>
          <a href={props.links.article(a.systemSlug, a.slug)}>{a.title}</a>
          <p>
            {a.systemName} · {props.detail(a)}
          </p>
        </li>
      ))}
    </ul>
  );
}

/** The help home below its search box: the systems, what changed lately and what others read most. */
export function HelpHomeBody(props: { systems: SystemSummary[]; recent: HomeArticle[]; popular: HomeArticle[]; links: HelpLinks; /** What changed since the reader's last visit (the customer's help only). */ changes?: Child }) {
  const { links } = props;
  return (
    <>
      <p>Guías paso a paso de los sistemas que su empresa tiene contratados.</p>
      <ul class="cards">
        {props.systems.map((sys) => (
          <li class="card">
            <h2>
              <a href={links.system(sys.slug)}>{sys.name}</a>
            </h2>
            <p>{sys.description}</p>
          </li>
        ))}
      </ul>
      {props.changes ?? null}
      <div class="help-highlights">
        <section aria-labelledby="recientes">
          <h2 id="recientes">Actualizados recientemente</h2>
          <ArticleList articles={props.recent} links={links} detail={(a) => `actualizado el ${formatDay(vendorToday(new Date(a.updatedAt)))}`} />
        </section>
        {props.popular.length > 0 ? (
          <section aria-labelledby="mas-leidos">
            <h2 id="mas-leidos">Los más leídos</h2>
            <ArticleList articles={props.popular} links={links} detail={(a) => (a.reads === 1 ? '1 lectura este mes' : `${a.reads} lecturas este mes`)} />
          </section>
        ) : null}
      </div>
    </>
  );
}

/** One system's categories and their articles. */
export function SystemContents(props: { system: SystemSummary; categories: CategoryWithArticles[]; links: HelpLinks; /** A link to the system's Novedades (the customer's help only). */ news?: Child }) {
  const { system, links } = props;
  return (
    <>
      <h1>{system.name}</h1>
      <p>{system.description}</p>
      {props.news ?? null}
      {props.categories.map((cat) => (
        <section aria-labelledby={`cat-${cat.slug}`} class="help-category">
          <h2 id={`cat-${cat.slug}`}>{cat.name}</h2>
          <ul class="article-list">
            {cat.articles.map((a) => (
              <li>
                <a href={links.article(system.slug, a.slug)}>{a.title}</a>
                {a.summary ? <p>{a.summary}</p> : null}
              </li>
            ))}
          </ul>
        </section>
      ))}
    </>
  );
}

export function ArticleBreadcrumbs(props: { system: SystemSummary; a: ArticleView; links: HelpLinks }) {
  const { system, a, links } = props;
  return (
    <Breadcrumbs items={[['Ayuda en línea', links.home], [system.name, links.system(system.slug)], [a.category.name, `${links.system(system.slug)}#cat-${a.category.slug}`], [a.title, null]]} />
  );
}

/** An article and its side navigation; `html` is the article's (already safe) body; `feedback` goes under it. */
export function ArticleContent(props: { systemSlug: string; a: ArticleView; html: string; links: HelpLinks; feedback?: Child }) {
  const { a, systemSlug, links } = props;
  const href = (slug: string) => links.article(systemSlug, slug);
  return (
    <div class="article-layout">
      <article class="help-article">
        <h1>{a.title}</h1>
        {a.summary ? <p class="lead">{a.summary}</p> : null}
        {a.toc.length > 1 ? (
          <nav class="toc" aria-label="En este artículo">
            <h2>En este artículo</h2>
            <ol>
              {a.toc.map((t) => (
                <li class={t.level === 3 ? 'toc-sub' : undefined}>
                  <a href={`#${t.id}`}>{t.text}</a>
                </li>
              ))}
            </ol>
          </nav>
        ) : null}
        <div class="prose">{raw(props.html)}</div>
        {/* updated_at is an instant: its UTC date is the next day on Santiago's evenings. */}
        <p class="muted">Actualizado el {formatDay(vendorToday(new Date(a.updatedAt)))}</p>
        {a.previous || a.next ? (
          <nav class="prev-next" aria-label="Artículos anterior y siguiente">
            {a.previous ? (
              <a href={href(a.previous.slug)} rel="prev">
                <span>Anterior</span> {a.previous.title}
              </a>
            ) : (
              <span />
            )}
            {a.next ? (
              <a href={href(a.next.slug)} rel="next">
                <span>Siguiente</span> {a.next.title}
              </a>
            ) : null}
          </nav>
        ) : null}
        {props.feedback}
      </article>
      <aside class="side-nav">
        <nav aria-label={`Artículos de ${a.category.name}`}>
          <h2>{a.category.name}</h2>
          <ul>
            {a.siblings.map((x) => (
              <li>
                <a href={href(x.slug)} aria-current={x.slug === a.slug ? 'page' : undefined}>
                  {x.title}
                </a>
              </li>
            ))}
          </ul>
          {a.siblingCount > a.siblings.length ? (
            <p>
              <a href={`${links.system(systemSlug)}#cat-${a.category.slug}`}>
                Ver los {a.siblingCount.toLocaleString('es-CL')} artículos de {a.category.name}
              </a>
            </p>
          ) : null}
        </nav>
        {a.related.length > 0 ? (
          <nav aria-label="Artículos relacionados">
            <h2>Relacionados</h2>
            <ul>
              {a.related.map((x) => (
                <li>
                  <a href={href(x.slug)}>{x.title}</a>
                </li>
              ))}
            </ul>
          </nav>
        ) : null}
      </aside>
    </div>
  );
}

function Pagination(props: { q: string; system: string | null; r: SearchResults; links: HelpLinks }) {
  const { r, links } = props;
  if (r.pages <= 1) return null;
  const first = Math.max(1, Math.min(r.page - 2, r.pages - 4));
  const numbers = Array.from({ length: Math.min(5, r.pages) }, (_, i) => first + i);
  return (
    <nav class="pagination" aria-label="Páginas de resultados">
      <ul>
        {r.page > 1 ? (
          <li>
            <a href={links.search(props.q, props.system, r.page - 1)} rel="prev">
              Anterior
            </a>
          </li>
        ) : null}
        {numbers.map((n) => (
          <li>
            <a href={links.search(props.q, props.system, n)} aria-current={n === r.page ? 'page' : undefined} aria-label={`Página ${n}`}>
              {n}
            </a>
          </li>
        ))}
        {r.page < r.pages ? (
          <li>
            <a href={links.search(props.q, props.system, r.page + 1)} rel="next">
              Siguiente
            </a>
          </li>
        ) : null}
      </ul>
    </nav>
  );
}

function SystemFilter(props: { q: string; systems: SystemSummary[]; selected: string | null; links: HelpLinks }) {
  if (props.systems.length < 2) return null;
  return (
    <nav class="filter" aria-label="Filtrar por sistema">
      <ul>
        <li>
          <a href={props.links.search(props.q, null)} aria-current={props.selected ? undefined : 'page'}>
            Todos los sistemas
          </a>
        </li>
        {props.systems.map((s) => (
          <li>
            <a href={props.links.search(props.q, s.slug)} aria-current={props.selected === s.slug ? 'page' : undefined}>
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
  if (r.total === 0) return `No encontramos artículos sobre «${q}»${where}`;
  // A capped count is a floor, never shown as the figure (help-search.ts: counting stops past the last page).
  const count = r.totalCapped ? `Más de ${r.total.toLocaleString('es-CL')} resultados` : r.total === 1 ? '1 resultado' : `${r.total.toLocaleString('es-CL')} resultados`;
  return `${count} para «${q}»${where}`;
}

/** One result line: title (linked), where it sits, the passage that matched. */
function ResultItem(props: { h: SearchHit; href: string; level: 'h2' | 'h3' }) {
  const { h } = props;
  const title = <a href={props.href}>{raw(h.titleHtml)}</a>;
  return (
    <li>
      {props.level === 'h2' ? <h2>{title}</h2> : <h3>{title}</h3>}
      <p class="result-where">
        {h.systemName} › {h.categoryName}
      </p>
      {h.snippetHtml ? <p class="snippet">{raw(h.snippetHtml)}</p> : null}
    </li>
  );
}

/**
 * Nothing relevant was found: said plainly, with a correction to try, the
 * closest articles apart (marked as not answers, no ranking), and the help
 * of the reader's systems.
 */
// The closest articles link straight to the article: they are not results, so not counted as result clicks.
function NoAnswer(props: { q: string; r: SearchResults; systems: SystemSummary[]; selected: SystemSummary | null; links: HelpLinks; missesRecorded: boolean }) {
  const { q, r, selected, links } = props;
  return (
    <div class="empty-search">
      {r.suggestion ? (
        <p class="suggestion">
          ¿Quiso decir <a href={links.search(r.suggestion, selected?.slug ?? null)}>«{r.suggestion}»</a>?
        </p>
      ) : null}
      {r.closest.length > 0 ? (
        <section aria-labelledby="closest-heading" class="closest">
          <h2 id="closest-heading">Artículos cercanos (no exactos)</h2>
          <p class="muted">No responden exactamente a su búsqueda, pero tratan temas parecidos.</p>
          <ul class="search-results closest-results">
            {r.closest.map((h, i) => (
              <ResultItem h={h} href={links.article(h.systemSlug, h.slug)} level="h3" />
            ))}
          </ul>
        </section>
      ) : null}
      <p>Puede intentar:</p>
      <ul>
        <li>revisar cómo se escribió, o usar otras palabras;</li>
        {selected ? (
          <li>
            <a href={links.search(q, null)}>buscar en todos sus sistemas</a>;
          </li>
        ) : null}
        {props.systems.length > 0 ? (
          <li>
            recorrer la ayuda de sus sistemas:{' '}
            {props.systems.map((sys, i) => (
              <>
                {i > 0 ? ', ' : ''}
                <a href={links.system(sys.slug)}>{sys.name}</a>
              </>
            ))}
            ;
          </li>
        ) : null}
        <li>
          volver a la <a href={links.home}>portada de la ayuda</a>.
        </li>
      </ul>
      {props.missesRecorded ? <p class="muted">Registramos las búsquedas sin resultados para escribir lo que falta.</p> : null}
    </div>
  );
}

/** The search page below its search box: the prompt, or the results with their filter and pages. */
export function SearchResultsBody(props: {
  q: string;
  r: SearchResults | null;
  systems: SystemSummary[];
  selected: SystemSummary | null;
  perPage: number;
  links: HelpLinks;
  /** The customer's help records searches without results (and says so); the preview records nothing. */
  missesRecorded: boolean;
  /** Where a result links (default: the article); the customer's search sends it through its click recorder. */
  hitHref?: (hit: SearchHit, rank: number) => string;
}) {
  const { q, r, selected, links } = props;
  const href = props.hitHref ?? ((h: SearchHit) => links.article(h.systemSlug, h.slug));
  if (!r) {
    return (
      <>
        <h1>Buscar en la ayuda</h1>
        <p>Escriba lo que necesita hacer, por ejemplo «emitir una nota de crédito» o «cierre del mes».</p>
      </>
    );
  }
  if (!r.searched) {
    return (
      <>
        <h1>Buscar en la ayuda</h1>
        <p class="notice">Escriba al menos una palabra con significado: «{q}» solo tiene palabras demasiado comunes para buscarlas.</p>
      </>
    );
  }
  return (
    <>
      <h1 aria-live="polite">{resultsHeading(r, q, selected?.name ?? null)}</h1>
      <SystemFilter q={q} systems={props.systems} selected={selected?.slug ?? null} links={links} />
      {r.relaxed ? <p class="notice">Ningún artículo tiene todas las palabras; estos tienen las más importantes.</p> : null}
      {r.total > 0 && r.suggestion ? (
        <p class="suggestion">
          ¿Quiso decir <a href={links.search(r.suggestion, selected?.slug ?? null)}>«{r.suggestion}»</a>?
        </p>
      ) : null}
      {r.total === 0 ? (
        <NoAnswer q={q} r={r} systems={props.systems} selected={selected} links={links} missesRecorded={props.missesRecorded} />
      ) : r.hits.length === 0 ? (
        <p>
          No hay más resultados. <a href={links.search(q, selected?.slug ?? null)}>Volver a la primera página</a>.
        </p>
      ) : (
        <ol class="search-results" start={(r.page - 1) * props.perPage + 1}>
          {r.hits.map((h, i) => (
            <ResultItem h={h} href={href(h, (r.page - 1) * props.perPage + i + 1)} level="h2" />
          ))}
        </ol>
      )}
      <Pagination q={q} system={selected?.slug ?? null} r={r} links={links} />
    </>
  );
}
