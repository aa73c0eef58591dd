import type { Context } from 'hono';
import { Hono } from 'hono';
import { ValidationError } from '../../../errors.ts';
import { commentsInRange, feedbackReport, type RangeComment } from '../../../help/feedback-report.ts';
import { mostReadArticles, searchMissReport } from '../../../help/reading-report.ts';
import { parseReportRange, type ReportRange } from '../../../help/report-range.ts';
import { FilterInput } from '../../components/filter-fields.tsx';
import { ErrorSummary, type FieldErrors } from '../../components/form.tsx';
import { formatDateTime, formatDay } from '../../components/format.ts';
import type { AppEnv } from '../../env.ts';
import { requireStaff } from '../require-staff.ts';
import { commentsByArticle, FeedbackTable, MostReadLists, SearchQueryTable } from '../help-report-views.tsx';
import { staffPage } from '../staff-page.tsx';

type Data = { range: ReportRange; feedback: Awaited<ReturnType<typeof feedbackReport>>; comments: Map<string, RangeComment[]>; misses: Awaited<ReturnType<typeof searchMissReport>>; reads: Awaited<ReturnType<typeof mostReadArticles>> };

function render(c: Context<AppEnv>, input: { from?: string; to?: string }, data: Data | null, errors: FieldErrors) {
  return staffPage(
    c,
    { title: 'Informes', current: 'informes', status: data ? 200 : 422 },
    <>
      <h1>Informes de la ayuda</h1>
      <p>Lo que dicen y buscan los lectores de la ayuda en línea{data ? `, del ${formatDay(data.range.from)} al ${formatDay(data.range.to)}` : ''} (días de Santiago).</p>
      {Object.keys(errors).length > 0 ? <ErrorSummary errors={errors} message="Revise las fechas marcadas:" /> : null}
      <form method="get" action="/proveedor/informes" class="filters card" aria-label="Período">
        <FilterInput id="from" name="desde" label="Desde" type="date" value={data?.range.from ?? input.from} error={errors.from} />
        <FilterInput id="to" name="hasta" label="Hasta" type="date" value={data?.range.to ?? input.to} error={errors.to} />
        <div class="actions">
          <button type="submit" class="primary">Ver</button>
          <a href="/proveedor/informes">Últimos 30 días</a>
        </div>
      </form>
      {data ? (
        <>
          <h2>Votos «¿Le fue útil?»</h2>
          <FeedbackTable feedback={data.feedback} comments={data.comments} caption="Votos por artículo, los más «No» primero" empty="No hubo votos en el período." />
          <h2>Búsquedas sin resultados</h2>
          <p>
            Lo más buscado, lo que no encontró nada y lo que encontró sin que se abriera ningún resultado, día por día y por sistema, en{' '}
            <a href={`/proveedor/ayuda/busquedas?desde=${data.range.from}&hasta=${data.range.to}`}>Ayuda › Búsquedas</a>.
          </p>
          <SearchQueryTable
            caption="Búsquedas sin resultados, las más frecuentes primero (veces desde la primera)"
            empty="No hubo búsquedas sin resultados en el período."
            rows={data.misses}
            columns={[['Sistema', (m) => m.system || 'Todos'], ['Veces', (m) => m.count], ['Última vez', (m) => formatDateTime(m.lastAt)]]}
          />
          <h2>Artículos más leídos</h2>
          <MostReadLists reads={data.reads} idPrefix="leidos" />
        </>
      ) : null}
    </>,
  );
}

export const reportsRoutes = new Hono<AppEnv>().get('/informes', requireStaff('reports:read'), async (c) => {
  const input = { from: c.req.query('desde')?.slice(0, 20), to: c.req.query('hasta')?.slice(0, 20) };
  const { db, clock } = c.get('deps');
  let range: ReportRange;
  try {
    range = parseReportRange(input, clock.now());
  } catch (err) {
    if (err instanceof ValidationError) return render(c, input, null, err.fieldErrors);
    throw err;
  }
  const [feedback, comments, misses, reads] = await Promise.all([feedbackReport(db, range), commentsInRange(db, range), searchMissReport(db, range), mostReadArticles(db, range)]);
  return render(c, input, { range, feedback, comments: commentsByArticle(comments), misses, reads }, {});
});
