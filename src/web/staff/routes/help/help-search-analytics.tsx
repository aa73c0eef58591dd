import type { Context } from 'hono';
import { Hono } from 'hono';
import { ValidationError } from '../../../../errors.ts';
import { commentsInRange, feedbackReport } from '../../../../help/feedback-report.ts';
import { listSystems, type SystemItem } from '../../../../help/list-systems.ts';
import { mostReadArticles } from '../../../../help/reading-report.ts';
import { parseReportRange, type ReportRange } from '../../../../help/report-range.ts';
import { MAX_PAGE } from '../../../../help/search/help-search.ts';
import { UNFILTERED_SEARCHES } from '../../../../help/search/search-log-filter.ts';
import { searchesNotOpened } from '../../../../help/search/searches-not-opened.ts';
import { searchesWithoutResults } from '../../../../help/search/searches-without-results.ts';
import { topSearches } from '../../../../help/search/top-searches.ts';
import { Breadcrumbs } from '../../../components/breadcrumbs.tsx';
import { FilterForm, FilterInput, FilterSelect } from '../../../components/filter-fields.tsx';
import type { FieldErrors } from '../../../components/form.tsx';
import { formatDateTime, formatDay } from '../../../components/format.ts';
import type { AppEnv } from '../../../env.ts';
import { commentsByArticle, FeedbackTable, MostReadLists, SearchQueryTable } from '../../help-report-views.tsx';
import { requireStaff } from '../../require-staff.ts';
import { staffPage } from '../../staff-page.tsx';
import { PER_PAGE } from '../../../routes/help/help-search.tsx';
import { HELP_HOME } from './help-route-context.ts';

const PATH = `${HELP_HOME}/busquedas`;

const decimal = (n: number) => n.toLocaleString('es-CL');
/** Where the results page stops counting (its last page's end): the log stores one more for "more than that" (log-search.ts). */
const LOGGED_COUNT_CAP = MAX_PAGE * PER_PAGE;

interface Data {
  range: ReportRange;
  top: Awaited<ReturnType<typeof topSearches>>;
  empty: Awaited<ReturnType<typeof searchesWithoutResults>>;
  unopened: Awaited<ReturnType<typeof searchesNotOpened>>;
  reads: Awaited<ReturnType<typeof mostReadArticles>>;
  feedback: Awaited<ReturnType<typeof feedbackReport>>;
  comments: ReturnType<typeof commentsByArticle>;
}

interface Input {
  from?: string;
  to?: string;
  system?: string;
}

/** The system choice: a slug, UNFILTERED_SEARCHES, or '' for every search. Unknown → a field error, never a silent "all". */
function systemOf(value: string | undefined, systems: SystemItem[]): string | null | undefined {
  if (!value) return null;
  if (value === UNFILTERED_SEARCHES || systems.some((s) => s.slug === value)) return value;
  return undefined;
}

function render(c: Context<AppEnv>, input: Input, systems: SystemItem[], data: Data | null, errors: FieldErrors) {
  const systemName = systems.find((s) => s.slug === input.system)?.name;
  const scope = input.system === UNFILTERED_SEARCHES ? ' (búsquedas sin sistema elegido)' : systemName ? ` de ${systemName}` : '';
  return staffPage(
    c,
    { title: 'Búsquedas de la ayuda', current: 'ayuda', status: data ? 200 : 422 },
    <>
      <Breadcrumbs items={[['Ayuda', HELP_HOME], ['Búsquedas', null]]} />
      <h1>Búsquedas de la ayuda</h1>
      <p>
        Qué buscan los lectores, qué no encuentran y qué resultados no abren{data ? `, del ${formatDay(data.range.from)} al ${formatDay(data.range.to)}${scope}` : ''} (días de
        Santiago). Las búsquedas se guardan sin tildes ni mayúsculas, hasta 200 por persona al día, durante 400 días. Un resultado cuenta como abierto la primera vez que
        quien buscó lo abre desde la página de resultados. Los resultados se cuentan hasta {decimal(LOGGED_COUNT_CAP)}: una búsqueda que encontró más cuenta {decimal(LOGGED_COUNT_CAP + 1)}. Para mejorar lo que se encuentra, revise los <a href={`${HELP_HOME}/sinonimos`}>sinónimos</a>.
      </p>
      <FilterForm action={PATH} errors={errors}>
        <FilterInput id="from" name="desde" label="Desde" type="date" value={data?.range.from ?? input.from} error={errors.from} />
        <FilterInput id="to" name="hasta" label="Hasta" type="date" value={data?.range.to ?? input.to} error={errors.to} />
        <FilterSelect
          id="system"
          name="sistema"
          label="Sistema de la búsqueda"
          anyLabel="Todas las búsquedas"
          value={input.system}
          error={errors.system}
          options={[[UNFILTERED_SEARCHES, 'Sin sistema elegido (todos los del lector)'], ...systems.map((s) => [s.slug, s.name] as const)]}
        />
      </FilterForm>
      {data ? (
        <>
          <h2>Lo más buscado</h2>
          <SearchQueryTable
            caption={`Las búsquedas más frecuentes (${data.top.length})`}
            empty="No hubo búsquedas en el período."
            rows={data.top}
            columns={[['Veces', (t) => t.times], ['Resultados en promedio', (t) => decimal(t.averageResults)], ['Con un resultado abierto', (t) => `${t.openedPct} %`]]}
          />
          <h2>Búsquedas sin resultados</h2>
          <SearchQueryTable
            caption={`Búsquedas que no encontraron nada, las más frecuentes primero (${data.empty.length})`}
            empty="Todas las búsquedas del período encontraron algo."
            rows={data.empty}
            columns={[['Veces', (m) => m.times], ['Última vez', (m) => formatDateTime(m.lastAt)]]}
          />
          <h2>Búsquedas con resultados que nadie abrió</h2>
          <SearchQueryTable
            caption={`Búsquedas que encontraron artículos sin que se abriera ninguno (${data.unopened.length})`}
            empty="En todas las búsquedas con resultados del período se abrió alguno."
            rows={data.unopened}
            columns={[['Veces', (m) => m.times], ['Resultados en promedio', (m) => decimal(m.averageResults)], ['Última vez', (m) => formatDateTime(m.lastAt)]]}
          />
          <h2>Artículos más leídos</h2>
          <MostReadLists reads={data.reads} idPrefix="leidos" />
          <h2>Votos «¿Le fue útil?» y comentarios «No»</h2>
          <FeedbackTable feedback={data.feedback} comments={data.comments} onlyNo caption="Votos por artículo, los más «No» primero; bajo cada uno, sus comentarios «No»" empty="No hubo votos en el período." />
          <p>
            Los mismos votos con todos sus comentarios, sin filtro de sistema, en <a href={`/proveedor/informes?desde=${data.range.from}&hasta=${data.range.to}`}>Informes</a>.
          </p>
        </>
      ) : null}
    </>,
  );
}

/** Ayuda › Búsquedas (reports:read): the search log's tables and the readers' views and votes, for a range and a system. */
export const helpSearchAnalyticsRoutes = new Hono<AppEnv>().get('/ayuda/busquedas', requireStaff('reports:read'), async (c) => {
  const input: Input = { from: c.req.query('desde')?.slice(0, 20), to: c.req.query('hasta')?.slice(0, 20), system: c.req.query('sistema')?.slice(0, 100) };
  const { db, clock } = c.get('deps');
  const systems = await listSystems(db);
  const system = systemOf(input.system, systems);
  let range: ReportRange;
  try {
    range = parseReportRange({ from: input.from, to: input.to }, clock.now());
  } catch (err) {
    if (err instanceof ValidationError) return render(c, input, systems, null, { ...err.fieldErrors, ...(system === undefined ? { system: 'Elija un sistema de la lista.' } : {}) });
    throw err;
  }
  if (system === undefined) return render(c, input, systems, null, { system: 'Elija un sistema de la lista.' });
  // Views and votes belong to articles, so "no system chosen" means every system for them.
  const articleSystem = system && system !== UNFILTERED_SEARCHES ? system : undefined;
  const filter = { range, system };
  const [top, empty, unopened, reads, feedback, comments] = await Promise.all([
    topSearches(db, filter),
    searchesWithoutResults(db, filter),
    searchesNotOpened(db, filter),
    mostReadArticles(db, range, 10, articleSystem),
    feedbackReport(db, range, articleSystem),
    commentsInRange(db, range, 500, { system: articleSystem, helpful: false }),
  ]);
  return render(c, input, systems, { range, top, empty, unopened, reads, feedback, comments: commentsByArticle(comments) }, {});
});
