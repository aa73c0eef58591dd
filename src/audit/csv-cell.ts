/**
 * A cell a spreadsheet will not run. Text starting with = + - @, a tab or a
 * carriage return is read by Excel and LibreOffice as a formula (OWASP "CSV
 * injection"), and so is one whose sign comes after spaces or a quote, or is
 * the full-width form (＝ ＋ － ＠) that some Excel versions fold to ASCII.
 * Such a cell gets a leading apostrophe, which spreadsheets show as text.
 *
 * The same goes for every place inside the text where a spreadsheet might
 * start a new cell: Excel in Chile splits a CSV on semicolons (its list
 * separator), not on the commas the file uses, so "Comercial;=HYPERLINK(…)"
 * would put a live formula in the next column. An apostrophe goes right
 * after such a separator too.
 */
const FORMULA_START = /^(?:[\s"']*[=+\-@\uFF1D\uFF0B\uFF0D\uFF20]|[\t\r\n])/;
const FORMULA_AFTER_SEPARATOR = /([,;])(?=[\s"']*[=+\-@\uFF1D\uFF0B\uFF0D\uFF20])/g;

export function safeCsvCell(v: string | number | null | undefined): string {
  if (v === null || v === undefined) return '';
  const s = String(v).replace(FORMULA_AFTER_SEPARATOR, "$1'");
  return FORMULA_START.test(s) ? `'${s}` : s;
}

/** What a CSV download starts with so Excel reads it as UTF-8. */
export const UTF8_BOM = '\uFEFF';
