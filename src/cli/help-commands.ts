import { resolve } from 'node:path';
import { HELP_DIR } from '../demo/seed-demo.ts';
import { exportHelpTree, HelpExportError } from '../help/import/export-help-tree.ts';
import { formatProblem, HelpTreeError } from '../help/import/help-tree-error.ts';
import { importHelpTree, type ImportProgress } from '../help/import/import-help-tree.ts';
import { readHelpTree } from '../help/import/read-help-tree.ts';
import { visibleEscapes } from '../domain/plain-text.ts';
import { CommandFailed, UsageError, type Command } from './command.ts';

/** Each file of a small folder, every tenth of a large one: enough to see it move, not a wall of text. */
export function progressPrinter(err: (s: string) => void): (p: ImportProgress) => void {
  return ({ done, total, path }) => {
    const step = total < 50 || done === total || Math.floor((done * 10) / total) > Math.floor(((done - 1) * 10) / total);
    if (step) err(`[${done}/${total}] ${path}`);
  };
}

const plural = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;

/** The operator's help commands, by their words (merged into COMMANDS). */
export const HELP_COMMANDS: Record<string, Command> = {
  'help import': {
    usage: 'help import [carpeta]   (por defecto content/help)',
    summary: 'Importa la ayuda desde una carpeta de Markdown: lo que no cambió no se toca, lo que ya no está se despublica y se listan los artículos editados en el navegador que la carpeta reemplazó.',
    async run(rt, _o, out, { err, args, operator }) {
      const dir = args[0] ? resolve(args[0]) : HELP_DIR;
      let tree;
      try {
        tree = readHelpTree(dir);
      } catch (e) {
        if (!(e instanceof HelpTreeError)) throw e;
        for (const p of e.problems) err(formatProblem(p));
        const n = e.problems.length;
        throw new CommandFailed(`No se importó nada: corrija ${n === 1 ? 'el problema' : `los ${n} problemas`} y vuelva a intentarlo.`);
      }
      const r = await importHelpTree(rt.deps.db, rt.deps.dialect, tree, rt.deps.clock.now(), progressPrinter(err), {
        onWaiting: () => err('Otro proceso está escribiendo en la base de datos (¿otra importación?): la importación espera su turno, hasta 30 s.'),
        by: operator,
      });
      out(
        `Ayuda importada: ${plural(r.created, 'nuevo', 'nuevos')}, ${plural(r.updated, 'actualizado', 'actualizados')}, ` +
          `${r.unchanged} sin cambios, ${plural(r.unpublished, 'despublicado', 'despublicados')} (${plural(r.systems, 'sistema', 'sistemas')}).`,
      );
      if (r.overwritten.length > 0) {
        out(
          `La carpeta reemplazó lo hecho en el navegador en ${plural(r.overwritten.length, 'artículo', 'artículos')} ` +
            '(las versiones anteriores quedan en el historial de cada artículo; exporte antes de importar para conservarlas en la carpeta):',
        );
        // Titles were typed in the browser: shown with any control character made visible.
        for (const o of r.overwritten) out(`  ${o.path} «${visibleEscapes(o.title)}»: ${o.reasons.join('; ')}.`);
      }
    },
  },
  'help export': {
    usage: 'help export <carpeta>',
    summary: 'Escribe la ayuda publicada como carpeta de Markdown, en el mismo formato que lee help import.',
    async run(rt, _o, out, { args }) {
      const dir = args[0];
      if (!dir) throw new UsageError('Indique la carpeta donde exportar la ayuda.');
      try {
        const r = await exportHelpTree(rt.deps.db, resolve(dir));
        out(`Ayuda exportada en ${dir}: ${plural(r.articles, 'artículo', 'artículos')}, ${plural(r.attachments, 'adjunto', 'adjuntos')}.`);
      } catch (e) {
        if (e instanceof HelpExportError) throw new CommandFailed(e.message);
        throw e;
      }
    },
  },
};
