import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

/** A 1×1 PNG: the smallest real image an article can show. */
export const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==', 'base64');

export const SYSTEMS = [
  {
    slug: 'contabilidad',
    name: 'Contabilidad',
    description: 'Libros y cierre.',
    categories: [
      { slug: 'primeros-pasos', name: 'Primeros pasos' },
      { slug: 'cierre', name: 'Cierre' },
    ],
  },
  { slug: 'inventario', name: 'Inventario', description: '', categories: [{ slug: 'bodegas', name: 'Bodegas' }] },
];

/** An article file as writers lay it out. */
export function article(f: { system: string; category: string; slug: string; title: string; summary?: string; order?: number; tags?: string }, body: string): string {
  return `---\nsystem: ${f.system}\ncategory: ${f.category}\nslug: ${f.slug}\ntitle: ${f.title}\nsummary: ${f.summary ?? ''}\norder: ${f.order ?? 1}\ntags: ${f.tags ?? ''}\n---\n\n${body}`;
}

/** A help folder in a fresh temporary directory; remove() deletes it. */
export function writeHelpFolder(files: Record<string, string | Buffer>, systems: unknown = SYSTEMS): { dir: string; write(path: string, data: string | Buffer): void; remove(): void } {
  const dir = mkdtempSync(join(tmpdir(), 'portal-help-'));
  const write = (path: string, data: string | Buffer) => {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), data);
  };
  write('systems.json', typeof systems === 'string' ? systems : JSON.stringify(systems, null, 2));
  for (const [path, data] of Object.entries(files)) write(path, data);
  return { dir, write, remove: () => rmSync(dir, { recursive: true, force: true }) };
}
