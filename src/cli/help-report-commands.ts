import type { Runtime } from '../boot.ts';
import { articleComments, feedbackReport } from '../help/feedback-report.ts';
import { mostReadArticles, searchMissReport } from '../help/reading-report.ts';
import { parseReportRange, type ReportRange } from '../help/report-range.ts';
import { listSearchMisses } from '../help/search/record-search-miss.ts';
import { optional, type Command, type Options } from './command.ts';
import { table } from './table.ts';

/** --from/--to when given (Santiago days, as the console's Informes); undefined: all time, as before. */
function rangeOf(rt: Runtime, o: Options, always = false): ReportRange | undefined {
  const from = optional(o, 'from');
  const to = optional(o, 'to');
  return from || to || always ? parseReportRange({ from, to }, rt.deps.clock.now()) : undefined;
}

/** What readers tell the vendor: votes per article, and searches that found nothing. */
export const HELP_REPORT_COMMANDS: Record<string, Command> = {
  'help feedback': {
    usage: 'help feedback [--from 2026-03-01 --to 2026-03-31] [--system contabilidad --article cierre-mensual]',
    summary: 'Votos «¿Le fue útil?» por artículo (los más «No» primero); con --system y --article, sus comentarios.',
    async run(rt, o, out) {
      if (typeof o.system === 'string' && typeof o.article === 'string') {
        const rows = await articleComments(rt.deps.db, o.system, o.article);
        out(rows.length ? table(['Cuándo', 'Útil', 'Cliente', 'Comentario'], rows.map((r) => [r.at, r.helpful ? 'sí' : 'no', r.customer, r.comment.replace(/\s*\n\s*/g, ' ⏎ ')])) : 'Ese artículo no tiene comentarios.');
        return;
      }
      const rows = await feedbackReport(rt.deps.db, rangeOf(rt, o));
      out(
        rows.length
          ? table(['Sistema', 'Artículo', 'Título', 'Sí', 'No', 'Comentarios'], rows.map((r) => [r.system, r.slug, r.title, r.yes, r.no, r.comments]))
          : 'Todavía no hay votos.',
      );
    },
  },
  'help misses': {
    usage: 'help misses [--from 2026-03-01 --to 2026-03-31] [--limit 50]',
    summary: 'Búsquedas que no encontraron nada (consulta, sistema, veces): lo que falta escribir.',
    async run(rt, o, out) {
      const limit = Math.min(1000, Number(o.limit ?? 50) || 50);
      const range = rangeOf(rt, o);
      const rows = range
        ? (await searchMissReport(rt.deps.db, range, limit)).map((r) => [r.query, r.system || 'todos', r.count, r.lastAt])
        : (await listSearchMisses(rt.deps.db, limit)).map((r) => [r.query, r.system_slug || 'todos', r.count, r.last_at]);
      out(rows.length ? table(['Consulta', 'Sistema', 'Veces', 'Última vez'], rows) : 'No hay búsquedas sin resultados.');
    },
  },
  'help reads': {
    usage: 'help reads [--from 2026-03-01 --to 2026-03-31] [--limit 10]   (por defecto los últimos 30 días)',
    summary: 'Los artículos más leídos de cada sistema en el período.',
    async run(rt, o, out) {
      const limit = Math.min(100, Number(o.limit ?? 10) || 10);
      const systems = await mostReadArticles(rt.deps.db, rangeOf(rt, o, true)!, limit);
      const rows = systems.flatMap((s) => s.articles.map((a) => [s.system, a.slug, a.title, a.reads]));
      out(rows.length ? table(['Sistema', 'Artículo', 'Título', 'Lecturas'], rows) : 'No hubo lecturas en el período.');
    },
  },
};
