import { findRefusedCharacter, refusedCharacterAt } from '../../domain/plain-text.ts';
import { RESERVED_CATEGORY_SLUGS, RESERVED_SYSTEM_SLUGS } from '../authoring/structure-fields.ts';
import type { TreeSystem } from './help-tree.ts';

/**
 * systems.json: the systems and their categories, in the order the help
 * center shows them. Checked by hand rather than with a schema library so
 * that every message is Spanish and points at a line.
 */

export interface FileProblem {
  line: number;
  message: string;
}

const SLUG = /^[a-z0-9]+(-[a-z0-9]+)*$/;

function lineAt(text: string, offset: number): number {
  return text.slice(0, Math.max(0, offset)).split('\n').length;
}

/** The line where `"key": value` first appears after `from`, so a problem points near its cause. */
function lineOf(text: string, key: string, value: unknown, from = 0): number {
  if (typeof value !== 'string') return 1;
  const m = new RegExp(`"${key}"\\s*:\\s*${JSON.stringify(value).replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`).exec(text.slice(from));
  return m ? lineAt(text, from + m.index) : 1;
}

/** A name or description with a control or bidi character (which JSON can spell as \\u202e): the code point, not a column. */
function refusedIn(field: string, value: unknown): string | null {
  if (typeof value !== 'string') return null;
  const bad = findRefusedCharacter(value.trim(), 'line');
  return bad ? refusedCharacterAt(`"${field}"`, { codePoint: bad.codePoint }) : null;
}

function jsonErrorLine(text: string, err: unknown): number {
  const message = err instanceof Error ? err.message : '';
  const line = /line (\d+)/.exec(message);
  if (line) return Number(line[1]);
  const position = /position (\d+)/.exec(message);
  return position ? lineAt(text, Number(position[1])) : 1;
}

export function parseSystemsFile(text: string): { systems: TreeSystem[]; problems: FileProblem[] } {
  let raw: unknown;
  try {
    raw = JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch (err) {
    return { systems: [], problems: [{ line: jsonErrorLine(text, err), message: `No es un JSON válido: ${err instanceof Error ? err.message : String(err)}` }] };
  }
  const problems: FileProblem[] = [];
  if (!Array.isArray(raw)) return { systems: [], problems: [{ line: 1, message: 'Se esperaba una lista de sistemas: [{ "slug", "name", "description", "categories" }].' }] };
  const systems: TreeSystem[] = [];
  const seen = new Set<string>();
  for (const [i, s] of raw.entries()) {
    const where = `Sistema ${i + 1}`;
    if (typeof s !== 'object' || s === null || Array.isArray(s)) {
      problems.push({ line: 1, message: `${where}: se esperaba un objeto.` });
      continue;
    }
    const o = s as Record<string, unknown>;
    const line = lineOf(text, 'slug', o.slug);
    const before = problems.length;
    if (typeof o.slug !== 'string' || !SLUG.test(o.slug)) problems.push({ line, message: `${where}: "slug" debe usar minúsculas, números y guiones (por ejemplo "factura-electronica").` });
    else if (seen.has(o.slug)) problems.push({ line, message: `${where}: el slug "${o.slug}" está repetido.` });
    // The console refuses these too: /ayuda/buscar and the like are pages, so a system there could never be opened.
    else if (RESERVED_SYSTEM_SLUGS.has(o.slug)) problems.push({ line, message: `${where}: el slug "${o.slug}" es la dirección de una página del portal (/ayuda/${o.slug}): use otro.` });
    if (typeof o.name !== 'string' || o.name.trim() === '') problems.push({ line, message: `${where}: falta "name".` });
    if (o.description !== undefined && typeof o.description !== 'string') problems.push({ line, message: `${where}: "description" debe ser un texto.` });
    for (const field of ['name', 'description'] as const) {
      const refused = refusedIn(field, o[field]);
      if (refused) problems.push({ line, message: `${where}: ${refused}` });
    }
    // An empty list is a system created in the console that has no categories yet: the export writes it so.
    if (!Array.isArray(o.categories)) {
      problems.push({ line, message: `${where}: "categories" debe ser una lista de categorías (puede estar vacía).` });
      continue;
    }
    const from = typeof o.slug === 'string' ? text.indexOf(JSON.stringify(o.slug)) : 0;
    const categories = [];
    const seenCategories = new Set<string>();
    for (const [j, c] of o.categories.entries()) {
      const cwhere = `${where}, categoría ${j + 1}`;
      const co = (typeof c === 'object' && c !== null ? c : {}) as Record<string, unknown>;
      const cline = lineOf(text, 'slug', co.slug, Math.max(0, from));
      if (typeof co.slug !== 'string' || !SLUG.test(co.slug)) problems.push({ line: cline, message: `${cwhere}: "slug" debe usar minúsculas, números y guiones.` });
      else if (seenCategories.has(co.slug)) problems.push({ line: cline, message: `${cwhere}: el slug "${co.slug}" está repetido en este sistema.` });
      else if (RESERVED_CATEGORY_SLUGS.has(co.slug)) problems.push({ line: cline, message: `${cwhere}: el slug "${co.slug}" es una página de la consola: use otro.` });
      if (typeof co.name !== 'string' || co.name.trim() === '') problems.push({ line: cline, message: `${cwhere}: falta "name".` });
      const refused = refusedIn('name', co.name);
      if (refused) problems.push({ line: cline, message: `${cwhere}: ${refused}` });
      if (typeof co.slug === 'string') seenCategories.add(co.slug);
      categories.push({ slug: String(co.slug), name: String(co.name ?? '').trim() });
    }
    if (typeof o.slug === 'string') seen.add(o.slug);
    if (problems.length === before) systems.push({ slug: o.slug as string, name: (o.name as string).trim(), description: ((o.description as string | undefined) ?? '').trim(), categories });
  }
  return { systems, problems };
}

/**
 * Laid out as the shipped file is (one line per category), so exporting
 * what was imported gives the same bytes back.
 */
export function formatSystemsFile(systems: TreeSystem[]): string {
  const q = JSON.stringify;
  const blocks = systems.map((s) =>
    [
      '  {',
      `    "slug": ${q(s.slug)},`,
      `    "name": ${q(s.name)},`,
      `    "description": ${q(s.description)},`,
      s.categories.length === 0
        ? '    "categories": []'
        : ['    "categories": [', s.categories.map((c) => `      { "slug": ${q(c.slug)}, "name": ${q(c.name)} }`).join(',\n'), '    ]'].join('\n'),
      '  }',
    ].join('\n'),
  );
  return `[\n${blocks.join(',\n')}\n]\n`;
}
