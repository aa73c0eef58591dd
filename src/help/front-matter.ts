/**
 * The front matter of a help file: plain "key: value" lines between two
 * "---" lines. Small on purpose: no nested YAML, nothing surprising.
 */
export interface ParsedFile {
  fields: Record<string, string>;
  body: string;
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
  for (let i = 1; i < lines.length; i++) {
    const line = lines[i]!;
    if (line.trim() === '---') return { fields, body: lines.slice(i + 1).join('\n').replace(/^\s*\n/, '') };
    if (line.trim() === '') continue;
    const m = /^([A-Za-z_][\w-]*)\s*:\s*(.*)$/.exec(line);
    if (!m) throw new FrontMatterError(`Línea no válida en el encabezado: "${line}". Se esperaba "clave: valor".`, i + 1);
    fields[m[1]!.toLowerCase()] = m[2]!.trim();
  }
  throw new FrontMatterError('Falta la línea "---" que cierra el encabezado.', lines.length);
}
