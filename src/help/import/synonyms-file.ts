import { findRefusedCharacter, refusedCharacterAt } from '../../domain/plain-text.ts';
import type { FileProblem } from './systems-file.ts';

/**
 * sinonimos.txt: one group of equivalent entries per line ("boleta, recibo"),
 * "#" lines are comments. An entry may be a phrase ("nc, nota de crédito"):
 * the search matches it as adjacent words, and a query holding it takes it
 * as one term. Spacing inside an entry is collapsed.
 */
export function parseSynonymsFile(text: string): { groups: string[][]; problems: FileProblem[] } {
  const groups: string[][] = [];
  const problems: FileProblem[] = [];
  for (const [i, raw] of text.replace(/^\uFEFF/, '').split(/\r?\n/).entries()) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    const bad = findRefusedCharacter(raw, 'lines'); // tabs are spacing here, like spaces
    if (bad) {
      problems.push({ line: i + 1, message: refusedCharacterAt('La línea', bad) });
      continue;
    }
    const words = line.split(',').map((w) => w.trim().replace(/\s+/g, ' '));
    if (words.some((w) => w === '')) problems.push({ line: i + 1, message: 'Hay una palabra vacía entre dos comas.' });
    else if (new Set(words.map((w) => w.toLocaleLowerCase('es-CL'))).size < 2) problems.push({ line: i + 1, message: 'Un grupo de sinónimos necesita al menos dos palabras o frases distintas.' });
    else groups.push(words);
  }
  return { groups, problems };
}

const HEADER = [
  '# Sinónimos de la búsqueda de ayuda.',
  '# Cada línea es un grupo de palabras equivalentes, separadas por comas:',
  '# buscar una encuentra también las otras. Un sinónimo puede ser una frase («nc, nota de crédito»).',
];

export function formatSynonymsFile(groups: string[][]): string {
  return [...HEADER, ...groups.map((g) => g.join(', ')), ''].join('\n');
}
