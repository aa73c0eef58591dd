import { parseSynonymList } from '../search/synonym-list.ts';
import type { FileProblem } from './systems-file.ts';

/**
 * sinonimos.txt: one group of equivalent entries per line ("boleta, recibo"),
 * "#" lines are comments. An entry may be a phrase ("nc, nota de crédito"):
 * the search matches it as adjacent words, and a query holding it takes it
 * as one term. Read by the console editor's parser, so a file the import
 * takes is a list the editor would save, and the other way round; a problem
 * of the whole file (its size) is said on line 1.
 */
export function parseSynonymsFile(text: string): { groups: string[][]; problems: FileProblem[] } {
  const r = parseSynonymList(text);
  return { groups: r.groups, problems: r.problems.map((p) => ({ line: Math.max(1, p.line), message: p.message })) };
}

const HEADER = [
  '# Sinónimos de la búsqueda de ayuda.',
  '# Cada línea es un grupo de palabras equivalentes, separadas por comas:',
  '# buscar una encuentra también las otras. Un sinónimo puede ser una frase («nc, nota de crédito»).',
];

export function formatSynonymsFile(groups: string[][]): string {
  return [...HEADER, ...groups.map((g) => g.join(', ')), ''].join('\n');
}
