import { parse } from 'csv-parse/sync';
import { IMPORT_COLUMNS, IMPORT_MAX_ROWS, type ImportColumn } from './import-format.ts';

/** A problem of the file: its line (1 is the header), the column when one is to blame, and what to fix, in Spanish. */
export interface ImportProblem {
  line: number;
  column: string | null;
  message: string;
}

export interface ImportRow {
  line: number;
  values: Record<ImportColumn, string>;
}

export type ParsedImport = { ok: true; rows: ImportRow[] } | { ok: false; problems: ImportProblem[] };

/** "Razón Social " → "razon_social": headers typed by people, matched by their letters. */
function headerKey(h: string): string {
  return h.normalize('NFD').replace(/[\u0300-\u036f]/g, '').trim().toLowerCase().replace(/[\s-]+/g, '_');
}

/**
 * The file's bytes as rows keyed by column: UTF-8 with or without a BOM,
 * separated by ";" (what a Chilean Excel writes) or ",", quoted fields
 * allowed. Every structural problem is reported, not only the first.
 */
export function parseImportCsv(bytes: Uint8Array): ParsedImport {
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return { ok: false, problems: [{ line: 1, column: null, message: 'El archivo no está en UTF-8. En Excel, guárdelo como «CSV UTF-8 (delimitado por comas)».' }] };
  }
  return parseImportText(text);
}

export function parseImportText(raw: string): ParsedImport {
  const text = raw.replace(/^\uFEFF/, '');
  const firstLine = text.split(/\r?\n/, 1)[0] ?? '';
  const delimiter = (firstLine.match(/;/g)?.length ?? 0) > (firstLine.match(/,/g)?.length ?? 0) ? ';' : ',';
  let records: Array<{ record: string[]; info: { lines: number } }>;
  try {
    records = parse(text, { delimiter, info: true, skip_empty_lines: true, relax_column_count: true, trim: true }) as unknown as typeof records;
  } catch (err) {
    const line = typeof (err as { lines?: unknown }).lines === 'number' ? (err as { lines: number }).lines : 1;
    return { ok: false, problems: [{ line, column: null, message: 'El archivo no es un CSV válido aquí: hay comillas sin cerrar o mal puestas. Revise esa línea.' }] };
  }
  const [header, ...data] = records;
  if (!header) return { ok: false, problems: [{ line: 1, column: null, message: 'El archivo está vacío. Descargue la plantilla y complétela.' }] };

  const problems: ImportProblem[] = [];
  const keys = header.record.map(headerKey);
  const known = new Set<string>(IMPORT_COLUMNS.map((c) => c.name));
  keys.forEach((k, i) => {
    if (!known.has(k)) problems.push({ line: 1, column: header.record[i] || `columna ${i + 1}`, message: `La columna «${header.record[i]}» no es de la plantilla. Las columnas son: ${IMPORT_COLUMNS.map((c) => c.name).join(', ')}.` });
    else if (keys.indexOf(k) !== i) problems.push({ line: 1, column: k, message: `La columna «${k}» está repetida.` });
  });
  for (const c of IMPORT_COLUMNS) if (!keys.includes(c.name)) problems.push({ line: 1, column: c.name, message: `Falta la columna «${c.name}».` });
  if (data.length === 0) problems.push({ line: 2, column: null, message: 'El archivo no tiene filas de datos, sólo el encabezado.' });
  if (data.length > IMPORT_MAX_ROWS) problems.push({ line: IMPORT_MAX_ROWS + 2, column: null, message: `El archivo tiene ${data.length} filas; el máximo es ${IMPORT_MAX_ROWS}. Divídalo en varios archivos.` });
  if (problems.length > 0) return { ok: false, problems };

  const rows: ImportRow[] = [];
  for (const { record, info } of data) {
    // csv-parse counts the line a record ends on; a quoted field with line breaks started earlier.
    const line = info.lines - record.reduce((n, v) => n + (v.match(/\n/g)?.length ?? 0), 0);
    if (record.length !== keys.length) {
      problems.push({ line, column: null, message: `La fila tiene ${record.length} columnas y el encabezado ${keys.length}. Revise los separadores (${delimiter}) y las comillas.` });
      continue;
    }
    const values = Object.fromEntries(IMPORT_COLUMNS.map((c) => [c.name, record[keys.indexOf(c.name)] ?? ''])) as Record<ImportColumn, string>;
    rows.push({ line, values });
  }
  return problems.length > 0 ? { ok: false, problems } : { ok: true, rows };
}
