import { createHash } from 'node:crypto';
import { findRefusedCharacter, refusedCharacterAt } from '../../domain/plain-text.ts';
import { foldText } from './fold-text.ts';
import { analyze } from './tokenize.ts';

/** Limits of the vendor's synonym list: enough for a help of any size, small enough for one form and one reload. */
export const SYNONYM_LIMITS = { groups: 500, entriesPerGroup: 20, entryLength: 60, textLength: 20_000 } as const;

export interface SynonymProblem {
  /** 1-based line of the text; 0 for the text as a whole. */
  line: number;
  /** Without the line: the editor says «Línea n: …», the import «sinonimos.txt:n: …». */
  message: string;
}

/** A problem as the editor lists it. */
export const problemText = (p: SynonymProblem) => (p.line > 0 ? `Línea ${p.line}: ${p.message}` : p.message);

export interface ParsedSynonymList {
  /** The entries as written (trimmed, inner spaces collapsed), one array per group. */
  groups: string[][];
  problems: SynonymProblem[];
}

/** An entry as help_synonyms stores it and as entries are compared: folded (no accents, lower case), one space between words. */
export function synonymKey(entry: string): string {
  return foldText(entry.trim()).replace(/\s+/g, ' ');
}

/** An entry as the search matches it (parse-search-query's synonymStems): its stems, very common words left out. */
const searchStems = (entry: string) => analyze(entry).join(' ');

/**
 * The synonym list as the console's editor and sinonimos.txt write it: one
 * group per line, entries separated by commas, an entry one word or a phrase
 * ("NC, nota de crédito"); blank lines and lines starting with "#" are
 * skipped. Entries that differ only in accents or case are one entry (they
 * are stored folded). Entries are also compared as the search reads them,
 * by their stems without very common words (searchStems): an entry may
 * belong to one group only, or a search for it would join two groups.
 * Every problem is reported, each naming its line. The console's editor and
 * the import of sinonimos.txt both read the list with this one function.
 */
export function parseSynonymList(text: string): ParsedSynonymList {
  const groups: string[][] = [];
  const problems: SynonymProblem[] = [];
  if (text.length > SYNONYM_LIMITS.textLength) {
    return { groups, problems: [{ line: 0, message: `La lista puede tener como máximo ${SYNONYM_LIMITS.textLength.toLocaleString('es-CL')} caracteres.` }] };
  }
  /** An entry as the search reads it (searchStems) → the line whose group has it and the entry as written there. */
  const seen = new Map<string, { line: number; entry: string }>();
  for (const [i, raw] of text.replace(/^\uFEFF/, '').split(/\r\n|\r|\n/).entries()) {
    const n = i + 1;
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    const at = (message: string) => problems.push({ line: n, message });
    const bad = findRefusedCharacter(raw, 'lines'); // tabs are spacing here, like spaces
    if (bad) {
      problems.push({ line: n, message: refusedCharacterAt('La línea', bad) });
      continue;
    }
    if (groups.length === SYNONYM_LIMITS.groups) {
      at(`La lista puede tener como máximo ${SYNONYM_LIMITS.groups} grupos.`);
      break;
    }
    const entries = line.split(',').map((e) => e.trim().replace(/\s+/g, ' '));
    if (entries.some((e) => e === '')) {
      at('Hay un sinónimo vacío (dos comas seguidas, o una coma al principio o al final).');
      continue;
    }
    const long = entries.find((e) => [...e].length > SYNONYM_LIMITS.entryLength);
    if (long) {
      at(`«${[...long].slice(0, 30).join('')}…» es demasiado largo (máximo ${SYNONYM_LIMITS.entryLength} caracteres por sinónimo).`);
      continue;
    }
    if (entries.length > SYNONYM_LIMITS.entriesPerGroup) {
      at(`Un grupo puede tener como máximo ${SYNONYM_LIMITS.entriesPerGroup} sinónimos.`);
      continue;
    }
    const wordless = entries.find((e) => searchStems(e) === '');
    if (wordless) {
      at(`«${wordless}» no tiene ninguna palabra que la búsqueda use (sólo palabras muy comunes o signos).`);
      continue;
    }
    const group: string[] = [];
    const keys = new Set<string>();
    for (const e of entries) {
      const key = synonymKey(e);
      if (!keys.has(key)) {
        keys.add(key);
        group.push(e);
      }
    }
    if (group.length < 2) {
      at('Un grupo necesita al menos dos sinónimos distintos (sin contar tildes ni mayúsculas).');
      continue;
    }
    // "anular, anulación" is kept though the search already reads both alike: harmless, and the shipped list has such groups.
    /** Stems → the group's first entry read so. */
    const stems = new Map<string, string>();
    for (const e of group) if (!stems.has(searchStems(e))) stems.set(searchStems(e), e);
    const twice = group.find((e) => seen.has(searchStems(e)));
    if (twice) {
      const first = seen.get(searchStems(twice))!;
      const as = synonymKey(first.entry) === synonymKey(twice) ? '' : ` (la búsqueda lo lee como «${first.entry}»)`;
      at(`«${twice}» ya está en el grupo de la línea ${first.line}${as}; cada sinónimo puede estar en un solo grupo.`);
      continue;
    }
    for (const [k, entry] of stems) seen.set(k, { line: n, entry });
    groups.push(group);
  }
  return { groups, problems };
}

/** The list as the editor shows it: one group per line. */
export function formatSynonymList(groups: string[][]): string {
  return groups.map((g) => g.join(', ')).join('\n');
}

/** A fingerprint of stored groups (as help_synonyms holds them): the editor's optimistic lock. */
export function synonymListHash(groups: string[][]): string {
  return createHash('sha256').update(JSON.stringify(groups)).digest('base64url').slice(0, 22);
}

/** One group's identity for a before/after summary: its entries as the search reads them, sorted. */
export function groupKey(group: string[]): string {
  return [...new Set(group.map(synonymKey))].sort().join(', ');
}
