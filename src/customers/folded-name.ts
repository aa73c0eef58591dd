import { sql, type RawBuilder } from 'kysely';

/**
 * Case- and accent-insensitive matching of customer names, the same on
 * SQLite and PostgreSQL without an extension or a stored column: LOWER, then
 * the accented letters of Spanish (and their neighbours in Portuguese,
 * French, German names) replaced by their base letter. SQLite's LOWER only
 * knows ASCII, so the capital forms are replaced too. The query text is
 * folded by foldName with the very same table, so both sides agree.
 */
const FOLDS: ReadonlyArray<readonly [string, string]> = [
  ['á', 'a'], ['à', 'a'], ['â', 'a'], ['ä', 'a'], ['ã', 'a'], ['Á', 'a'], ['À', 'a'], ['Â', 'a'], ['Ä', 'a'], ['Ã', 'a'],
  ['é', 'e'], ['è', 'e'], ['ê', 'e'], ['ë', 'e'], ['É', 'e'], ['È', 'e'], ['Ê', 'e'], ['Ë', 'e'],
  ['í', 'i'], ['ì', 'i'], ['î', 'i'], ['ï', 'i'], ['Í', 'i'], ['Ì', 'i'], ['Î', 'i'], ['Ï', 'i'],
  ['ó', 'o'], ['ò', 'o'], ['ô', 'o'], ['ö', 'o'], ['õ', 'o'], ['Ó', 'o'], ['Ò', 'o'], ['Ô', 'o'], ['Ö', 'o'], ['Õ', 'o'],
  ['ú', 'u'], ['ù', 'u'], ['û', 'u'], ['ü', 'u'], ['Ú', 'u'], ['Ù', 'u'], ['Û', 'u'], ['Ü', 'u'],
  ['ñ', 'n'], ['Ñ', 'n'], ['ç', 'c'], ['Ç', 'c'],
];

const FOLD_MAP = new Map(FOLDS);

/** The query side: lower case, the same letters replaced. Names are stored NFC (plainLine), and so is what we compare. */
export function foldName(s: string): string {
  let out = '';
  for (const ch of s.normalize('NFC').toLowerCase()) out += FOLD_MAP.get(ch) ?? ch;
  return out;
}

/** The column side: `replace(replace(lower(col), 'á', 'a'), …)`. */
export function foldedNameSql(column: string): RawBuilder<string> {
  let expr: RawBuilder<string> = sql<string>`lower(${sql.ref(column)})`;
  for (const [from, to] of FOLDS) expr = sql<string>`replace(${expr}, ${sql.lit(from)}, ${sql.lit(to)})`;
  return expr;
}

/** `%text%` for LIKE … ESCAPE '\', the pattern characters of the text taken literally. */
export function containsPattern(text: string): string {
  return `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}
