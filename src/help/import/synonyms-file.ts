import { findRefusedCharacter, refusedCharacterAt } from '../../domain/plain-text.ts';
import type { FileProblem } from './systems-file.ts';

/**
 * sinonimos.txt: one group of equivalent words per line ("boleta, recibo"),
 * "#" lines are comments. Single words only, because the search expands
 * word by word.
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
    const words = line.split(',').map((w) => w.trim());
    if (words.some((w) => w === '')) problems.push({ line: i + 1, message: 'Hay una palabra vacía entre dos comas.' });
    else if (words.some((w) => /\s/.test(w))) problems.push({ line: i + 1, message: `Cada sinónimo debe ser una sola palabra: "${words.find((w) => /\s/.test(w))}".` });
    else if (new Set(words).size < 2) problems.push({ line: i + 1, message: 'Un grupo de sinónimos necesita al menos dos palabras distintas.' });
    else groups.push(words);
  }
  return { groups, problems };
}

const HEADER = [
  '# Sinónimos de la búsqueda de ayuda.',
  '# Cada línea es un grupo de palabras equivalentes, separadas por comas:',
  '# buscar una encuentra también las otras. Una sola palabra por sinónimo.',
];

export function formatSynonymsFile(groups: string[][]): string {
  return [...HEADER, ...groups.map((g) => g.join(', ')), ''].join('\n');
}
