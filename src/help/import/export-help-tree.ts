import { existsSync, mkdirSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { dirname, isAbsolute, join, posix, relative, resolve } from 'node:path';
import type { Kysely } from 'kysely';
import { inChunks } from '../../db/in-chunks.ts';
import type { Database } from '../../db/schema.ts';
import { renderArticle } from '../render-markdown.ts';
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

  const articles = await db
    .selectFrom('help_articles as a')
    .innerJoin('systems as s', 's.id', 'a.system_id')
    .innerJoin('help_categories as c', 'c.id', 'a.category_id')
    .select(['a.id', 's.slug as system', 'c.slug as category', 'a.slug', 'a.title', 'a.summary', 'a.position', 'a.tags', 'a.body_md'])
    .where('a.published', '=', 1)
    .orderBy('s.slug')
    .orderBy('a.slug')
    .execute();

  // The files each published text shows or links: what the import reads back (an older version's file stays in the
  // database, which the import keeps while a version mentions it). A category's articles share one folder, so two
  // different files at one path there would leave one article showing the other's: refused before anything is written.
  const wanted = new Map<string, { articleId: string; path: string; title: string; sha256: string }>();
  const clashes: string[] = [];
  for (const part of inChunks(articles, 100)) {
    const stored = await db.selectFrom('help_attachments').select(['article_id', 'path', 'sha256']).where('article_id', 'in', part.map((a) => a.id)).where('draft', '=', 0).execute();
    const sha = new Map(stored.map((f) => [`${f.article_id}\u0000${f.path}`, f.sha256]));
    for (const a of part) {
      for (const ref of new Set(renderArticle(a.body_md, { system: a.system, slug: a.slug }).assets.map((x) => x.path))) {
        const sha256 = sha.get(`${a.id}\u0000${ref}`);
        if (sha256 === undefined) continue;
        // Normalized, so two spellings of one file in the folder ("imagenes/x.png", "../general/imagenes/x.png") are one path.
        const at = posix.normalize(`${a.system}/${a.category}/${ref}`);
        const other = wanted.get(at);
        if (!other) wanted.set(at, { articleId: a.id, path: ref, title: a.title, sha256 });
        else if (other.sha256 !== sha256) clashes.push(`${at}: «${other.title}» y «${a.title}» tienen archivos distintos con ese nombre`);
      }
    }
  }
  if (clashes.length > 0) {
    throw new HelpExportError(
      `No se escribió nada: en la carpeta, los artículos de una categoría comparten sus archivos, y ${clashes.length === 1 ? 'este nombre tiene' : 'estos nombres tienen'} ` +
        `dos archivos distintos (suba uno con otro nombre, cambie el enlace y publique):\n${clashes.slice(0, 50).join('\n')}`,
    );
  }

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
  for (const a of articles) {
    write(
      `${a.system}/${a.category}/${a.slug}.md`,
      formatArticleFile({ system: a.system, category: a.category, slug: a.slug, title: a.title, summary: a.summary, order: Number(a.position), tags: a.tags }, a.body_md),
    );
  }

  // A few files at a time: each may be megabytes. A draft's uploads are not read: the folder is what readers see.
  const files = [...wanted.entries()];
  const written = new Set<string>();
  for (const part of inChunks(files, 50)) {
    const rows = await db
      .selectFrom('help_attachments')
      .select(['article_id', 'path', 'data'])
      .where('draft', '=', 0)
      .where((eb) => eb.or(part.map(([, f]) => eb.and([eb('article_id', '=', f.articleId), eb('path', '=', f.path)]))))
      .execute();
    const data = new Map(rows.map((r) => [`${r.article_id}\u0000${r.path}`, r.data]));
    for (const [at, f] of part) {
      const bytes = data.get(`${f.articleId}\u0000${f.path}`);
      if (bytes === undefined) continue;
      write(at, Buffer.from(bytes));
      written.add(at);
    }
  }
  return { articles: articles.length, attachments: written.size };
}
