/**
 * A cell a spreadsheet will not run: text starting with = + - @, a tab or a
 * carriage return is read by Excel and LibreOffice as a formula (OWASP "CSV
 * injection"), so it gets a leading apostrophe, which they show as text.
 */
export function safeCsvCell(v: string | number | null | undefined): string {
  if (v === null || v === undefined) return '';
  const s = String(v);
  return /^[=+\-@\t\r]/.test(s) ? `'${s}` : s;
}

/** What a CSV download starts with so Excel reads it as UTF-8. */
export const UTF8_BOM = '\uFEFF';
