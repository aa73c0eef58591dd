/**
 * The front matter of a help file: plain "key: value" lines between two
 * "---" lines. Small on purpose: no nested YAML, nothing surprising.
 */
export interface ParsedFile {
  fields: Record<string, string>;
  /** The 1-based line of each field in the file, so a problem can point at it. */
  lines: Record<string, number>;
  /** The Markdown after the front matter, without the blank lines that separate them. */
  body: string;
  /** The 1-based file line where the body starts. */
  bodyLine: number;
}

export class FrontMatterError extends Error {
  constructor(
    message: string,
    readonly line: number,
  ) {
    super(message);
  }
}

export function parseFrontMatter(text: string): ParsedFile {
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  if (lines[0]?.trim() !== '---') throw new FrontMatterError('Falta el encabezado "---" al inicio del archivo.', 1);
  const fields: Record<string, string> = {};
  const fieldLines: Record<string, number> = {};
  for (let i = 1; i < lines.length; i++) {
    const line = lines[i]!;
    if (line.trim() === '---') {
      let start = i + 1;
      while (start < lines.length - 1 && lines[start]!.trim() === '') start++;
      return { fields, lines: fieldLines, body: lines.slice(start).join('\n'), bodyLine: start + 1 };
    }
    if (line.trim() === '') continue;
    // [^]* rather than .*: a value with a stray CR or U+2028 is read whole, and refused by name (read-help-tree.ts).
    const m = /^([A-Za-z_][\w-]*)\s*:\s*([^]*)$/.exec(line);
    if (!m) throw new FrontMatterError(`Línea no válida en el encabezado: "${line}". Se esperaba "clave: valor".`, i + 1);
    const key = m[1]!.toLowerCase();
    if (key in fieldLines) throw new FrontMatterError(`"${key}" aparece dos veces en el encabezado (también en la línea ${fieldLines[key]}).`, i + 1);
    fields[key] = m[2]!.trim();
    fieldLines[key] = i + 1;
  }
  throw new FrontMatterError('Falta la línea "---" que cierra el encabezado.', lines.length);
}
