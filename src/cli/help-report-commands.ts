import { articleComments, feedbackReport } from '../help/feedback-report.ts';
import { listSearchMisses } from '../help/search/record-search-miss.ts';
import type { Command } from './command.ts';
import { table } from './table.ts';

/** What readers tell the vendor: votes per article, and searches that found nothing. */
export const HELP_REPORT_COMMANDS: Record<string, Command> = {
  'help feedback': {
    usage: 'help feedback [--system contabilidad --article cierre-mensual]',
    summary: 'Votos «¿Le fue útil?» por artículo (los más «No» primero); con --system y --article, sus comentarios.',
    async run(rt, o, out) {
      if (typeof o.system === 'string' && typeof o.article === 'string') {
        const rows = await articleComments(rt.deps.db, o.system, o.article);
        out(rows.length ? table(['Cuándo', 'Útil', 'Cliente', 'Comentario'], rows.map((r) => [r.at, r.helpful ? 'sí' : 'no', r.customer, r.comment.replace(/\s*\n\s*/g, ' ⏎ ')])) : 'Ese artículo no tiene comentarios.');
        return;
      }
      const rows = await feedbackReport(rt.deps.db);
      out(
        rows.length
          ? table(['Sistema', 'Artículo', 'Título', 'Sí', 'No', 'Comentarios'], rows.map((r) => [r.system, r.slug, r.title, r.yes, r.no, r.comments]))
          : 'Todavía no hay votos.',
      );
    },
  },
  'help misses': {
    usage: 'help misses [--limit 50]',
    summary: 'Búsquedas que no encontraron nada (consulta, sistema, veces): lo que falta escribir.',
    async run(rt, o, out) {
      const limit = Math.min(1000, Number(o.limit ?? 50) || 50);
      const rows = await listSearchMisses(rt.deps.db, limit);
      out(rows.length ? table(['Consulta', 'Sistema', 'Veces', 'Última vez'], rows.map((r) => [r.query, r.system_slug || 'todos', r.count, r.last_at])) : 'No hay búsquedas sin resultados.');
    },
  },
};
