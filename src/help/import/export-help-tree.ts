import { existsSync, mkdirSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { dirname, isAbsolute, join, relative, resolve } from 'node:path';
import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema.ts';
import { formatArticleFile } from './article-file.ts';
import type { TreeSystem } from './help-tree.ts';
import { formatSynonymsFile } from './synonyms-file.ts';
import { formatSystemsFile } from './systems-file.ts';

/** The export was refused before writing anything. */
export class HelpExportError extends Error {
  override name = 'HelpExportError';
}

export interface ExportResult {
  articles: number;
  /** Files written (an image two articles of a folder share counts once). */
  attachments: number;
}

/**
 * Write the published help back as a folder that readHelpTree reads:
 * systems.json, sinonimos.txt and <system>/<category>/<slug>.md with its
 * attachments beside it. Into an empty folder or over a previous export
 * (it has systems.json); files it does not write are left alone.
 */
export async function exportHelpTree(db: Kysely<Database>, dir: string): Promise<ExportResult> {
  const root = resolve(dir);
  if (existsSync(root)) {
    if (!statSync(root).isDirectory()) throw new HelpExportError(`${dir} no es una carpeta.`);
    if (readdirSync(root).length > 0 && !existsSync(join(root, 'systems.json'))) {
      throw new HelpExportError(`La carpeta ${dir} no está vacía y no es una exportación anterior (no tiene systems.json): no se escribió nada.`);
    }
  }

  const systemRows = await db.selectFrom('systems').select(['id', 'slug', 'name', 'description']).orderBy('position').orderBy('slug').execute();
  const categoryRows = await db.selectFrom('help_categories').select(['id', 'system_id', 'slug', 'name']).orderBy('position').orderBy('slug').execute();
  const systems: TreeSystem[] = systemRows.map((s) => ({
    slug: s.slug,
    name: s.name,
    description: s.description,
    categories: categoryRows.filter((c) => c.system_id === s.id).map((c) => ({ slug: c.slug, name: c.name })),
  }));
  const synonymRows = await db.selectFrom('help_synonyms').select(['group_no', 'word']).orderBy('group_no').orderBy('word').execute();
  const groups = new Map<number, string[]>();
  for (const r of synonymRows) groups.set(Number(r.group_no), [...(groups.get(Number(r.group_no)) ?? []), r.word]);

  mkdirSync(root, { recursive: true });
  // Paths come from slugs the import checked, but a path is still never allowed out of the folder.
  const write = (path: string, data: string | Buffer) => {
    const target = resolve(root, path);
    const rel = relative(root, target);
    if (rel.startsWith('..') || isAbsolute(rel)) throw new HelpExportError(`Ruta fuera de la carpeta de exportación: ${path}`);
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, data);
  };
  write('systems.json', formatSystemsFile(systems));
  write('sinonimos.txt', formatSynonymsFile([...groups.values()]));

  const articles = await db
    .selectFrom('help_articles as a')
    .innerJoin('systems as s', 's.id', 'a.system_id')
    .innerJoin('help_categories as c', 'c.id', 'a.category_id')
    .select(['a.id', 's.slug as system', 'c.slug as category', 'a.slug', 'a.title', 'a.summary', 'a.position', 'a.tags', 'a.body_md'])
    .where('a.published', '=', 1)
    .orderBy('s.slug')
    .orderBy('a.slug')
    .execute();
  const folderOf = new Map<string, string>();
  for (const a of articles) {
    const folder = `${a.system}/${a.category}`;
    folderOf.set(a.id, folder);
    write(
      `${folder}/${a.slug}.md`,
      formatArticleFile({ system: a.system, category: a.category, slug: a.slug, title: a.title, summary: a.summary, order: Number(a.position), tags: a.tags }, a.body_md),
    );
  }

  const written = new Set<string>();
  // A few articles at a time: attachments may be megabytes each.
  const ids = [...folderOf.keys()];
  for (let i = 0; i < ids.length; i += 100) {
    // A draft's uploads are not published yet: the folder is what readers see.
    const rows = await db.selectFrom('help_attachments').select(['article_id', 'path', 'data']).where('article_id', 'in', ids.slice(i, i + 100)).where('draft', '=', 0).execute();
    for (const f of rows) {
      const path = `${folderOf.get(f.article_id)}/${f.path}`;
      write(path, Buffer.from(f.data));
      written.add(path);
    }
  }
  return { articles: articles.length, attachments: written.size };
}
