import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, realpathSync, statSync } from 'node:fs';
import { dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { findRefusedCharacter, refusedCharacterAt } from '../../domain/plain-text.ts';
import { attachmentTypeFor, matchesContentType, MAX_ATTACHMENT_BYTES } from '../attachment-types.ts';
import { FrontMatterError, parseFrontMatter } from '../front-matter.ts';
import { RESERVED_ARTICLE_SLUGS } from '../read-help.ts';
import { renderArticle } from '../render-markdown.ts';
import { ARTICLE_KEYS, normalizeTags } from './article-file.ts';
import { articleSourceHash } from './article-source-hash.ts';
import { HelpTreeError, type HelpTreeProblem } from './help-tree-error.ts';
import type { HelpTree, TreeArticle, TreeAsset, TreeSystem } from './help-tree.ts';
import { parseSynonymsFile } from './synonyms-file.ts';
import { parseSystemsFile } from './systems-file.ts';

const SLUG = /^[a-z0-9]+(-[a-z0-9]+)*$/;
const MIB = 1024 * 1024;

/** An article as read, before the checks that need the whole folder. */
interface Draft {
  article: Omit<TreeArticle, 'assets' | 'sourceHash'>;
  file: string;
  /** The line of each front matter key (1 when the value came from the path). */
  lineOf: (key: string) => number;
  links: { slug: string; line: number }[];
  assetRefs: { path: string; line: number }[];
  /** False when the front matter has a problem: its links and files are still checked, but it is not imported. */
  valid: boolean;
}

type AssetRead = { asset: Omit<TreeAsset, 'path'> } | { problem: string };

const toPosix = (p: string) => p.split(sep).join('/');

function markdownFiles(root: string): string[] {
  const out: string[] = [];
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      // Hidden entries are editor and VCS litter; links are not followed so nothing outside the folder is read.
      if (entry.name.startsWith('.')) continue;
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (entry.isFile() && entry.name.endsWith('.md')) out.push(path);
    }
  };
  walk(root);
  return out.sort();
}

/**
 * `known` gets "<system>/<slug>" of every article that can be told, even a
 * broken one, so links to it do not add errors of their own.
 */
function readDraft(root: string, file: string, systems: Map<string, TreeSystem> | null, known: Set<string>, problems: HelpTreeProblem[]): Draft | null {
  const path = toPosix(relative(root, file));
  const report = (line: number, message: string) => problems.push({ path, line, message });
  const segments = path.split('/');
  const source = readFileSync(file, 'utf8').replace(/^\uFEFF/, '');
  let parsed;
  try {
    parsed = parseFrontMatter(source);
  } catch (err) {
    if (!(err instanceof FrontMatterError)) throw err;
    report(err.line, err.message);
    if (segments.length === 3) known.add(`${segments[0]}/${segments[2]!.replace(/\.md$/, '')}`);
    return null;
  }
  const { fields, lines, body, bodyLine } = parsed;
  const lineOf = (key: string) => lines[key] ?? 1;
  for (const key of Object.keys(fields)) {
    if (!(ARTICLE_KEYS as readonly string[]).includes(key)) report(lineOf(key), `Clave desconocida "${key}". Las claves válidas son: ${ARTICLE_KEYS.join(', ')}.`);
  }
  // <system>/<category>/<slug>.md gives the defaults, so a file in its place needs no repetition.
  const fromPath = segments.length === 3 ? { system: segments[0]!, category: segments[1]! } : undefined;
  const system = fields.system || fromPath?.system || '';
  const category = fields.category || fromPath?.category || '';
  const slug = fields.slug || segments.at(-1)!.replace(/\.md$/, '');
  let ok = true;
  const fail = (line: number, message: string) => {
    report(line, message);
    ok = false;
  };
  if (!system) fail(1, 'Falta "system" en el encabezado (el archivo no está en <sistema>/<categoría>/<slug>.md).');
  if (!category) fail(1, 'Falta "category" en el encabezado (el archivo no está en <sistema>/<categoría>/<slug>.md).');
  // Titles, summaries and tags are shown in pages and search results, the body is the page: no control or bidi characters in either.
  const sourceLines = source.split(/\r?\n/);
  for (const [key, value] of Object.entries(fields)) {
    const bad = findRefusedCharacter(value, 'line');
    if (!bad) continue;
    // The column in the file's line, where the writer's editor shows it.
    const line = sourceLines[lineOf(key) - 1] ?? '';
    const before = [...line.slice(0, line.indexOf(value, line.indexOf(':') + 1))].length;
    fail(lineOf(key), refusedCharacterAt(`"${key}"`, { ...bad, column: before + bad.column }));
  }
  for (let i = bodyLine - 1; i < sourceLines.length; i++) {
    const bad = findRefusedCharacter(sourceLines[i]!, 'lines');
    if (bad) report(i + 1, refusedCharacterAt('El texto', bad));
  }
  if (!SLUG.test(slug)) fail(lineOf('slug'), `El slug "${slug}" no es válido: use minúsculas sin tildes, números y guiones.`);
  else if (RESERVED_ARTICLE_SLUGS.has(slug)) fail(lineOf('slug'), `El slug "${slug}" es la dirección de una página del portal (/ayuda/<sistema>/${slug}): use otro.`);
  if (!fields.title) fail(lineOf('title'), 'Falta "title" en el encabezado.');
  const orderText = fields.order ?? '0';
  if (!/^-?\d{1,9}$/.test(orderText)) fail(lineOf('order'), `"order" debe ser un número entero, no "${orderText}".`);
  if (systems && system) {
    const s = systems.get(system);
    if (!s) fail(lineOf('system'), `El sistema "${system}" no existe en systems.json.`);
    else if (category && !s.categories.some((c) => c.slug === category)) fail(lineOf('category'), `La categoría "${category}" no existe en el sistema "${system}" (systems.json).`);
  }
  known.add(`${system}/${slug}`);
  const rendered = renderArticle(body, { system, slug, firstLine: bodyLine });
  const { links, assets, html, toc, text, headings } = rendered;
  return {
    article: {
      path,
      system,
      category,
      slug,
      title: fields.title!,
      summary: fields.summary ?? '',
      order: Number(orderText),
      tags: normalizeTags(fields.tags ?? ''),
      body,
      html,
      toc,
      text,
      headings,
    },
    file,
    lineOf,
    links,
    assetRefs: assets,
    valid: ok,
  };
}

function readAsset(root: string, file: string, assetPath: string, cache: Map<string, AssetRead>): AssetRead {
  if (assetPath === '..' || assetPath.startsWith('../') || isAbsolute(assetPath)) {
    const outside = relative(root, resolve(dirname(file), assetPath));
    return {
      problem:
        outside.startsWith('..') || isAbsolute(outside)
          ? `"${assetPath}" está fuera de la carpeta de ayuda.`
          : `"${assetPath}" debe estar en la carpeta del artículo o en una subcarpeta de ella (los adjuntos se publican bajo la dirección del artículo).`,
    };
  }
  const type = attachmentTypeFor(assetPath);
  if (!type) return { problem: `No se permite adjuntar "${assetPath}": use png, jpg, gif, webp, pdf, csv, txt, xlsx o docx.` };
  const abs = resolve(dirname(file), assetPath);
  const cached = cache.get(abs);
  if (cached) return cached;
  const result = ((): AssetRead => {
    if (!existsSync(abs) || !statSync(abs).isFile()) return { problem: `No existe el archivo "${assetPath}".` };
    const real = relative(root, realpathSync(abs));
    if (real.startsWith('..') || isAbsolute(real)) return { problem: `"${assetPath}" está fuera de la carpeta de ayuda.` };
    const size = statSync(abs).size;
    if (size > MAX_ATTACHMENT_BYTES) return { problem: `"${assetPath}" pesa ${(size / MIB).toFixed(1).replace('.', ',')} MiB; el máximo es ${MAX_ATTACHMENT_BYTES / MIB} MiB.` };
    const data = readFileSync(abs);
    if (!matchesContentType(type, data)) return { problem: `El contenido de "${assetPath}" no corresponde a su extensión (${type}): ¿es un archivo renombrado?` };
    return { asset: { contentType: type, size, sha256: createHash('sha256').update(data).digest('hex'), data } };
  })();
  cache.set(abs, result);
  return result;
}

/**
 * Read a help folder and check all of it: systems.json, sinonimos.txt,
 * every *.md under it and every file the articles link. Throws a
 * HelpTreeError with every problem found, so nothing is imported from a
 * folder that is only partly right.
 */
export function readHelpTree(dir: string): HelpTree {
  const problems: HelpTreeProblem[] = [];
  if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new HelpTreeError([{ path: '.', line: 1, message: `No existe la carpeta ${dir}.` }]);
  const root = realpathSync(dir);

  let systems: TreeSystem[] | null = null;
  const systemsPath = join(root, 'systems.json');
  if (!existsSync(systemsPath)) problems.push({ path: 'systems.json', line: 1, message: 'Falta systems.json, con los sistemas y sus categorías.' });
  else {
    const r = parseSystemsFile(readFileSync(systemsPath, 'utf8'));
    for (const p of r.problems) problems.push({ path: 'systems.json', ...p });
    // Articles are checked against the systems only when the file is right; otherwise every article would repeat its error.
    if (r.problems.length === 0) systems = r.systems;
  }

  let synonyms: string[][] | null = null;
  const synonymsPath = join(root, 'sinonimos.txt');
  if (existsSync(synonymsPath)) {
    const r = parseSynonymsFile(readFileSync(synonymsPath, 'utf8'));
    for (const p of r.problems) problems.push({ path: 'sinonimos.txt', ...p });
    synonyms = r.groups;
  }

  const systemsBySlug = systems ? new Map(systems.map((s) => [s.slug, s])) : null;
  const drafts: Draft[] = [];
  const known = new Set<string>();
  for (const file of markdownFiles(root)) {
    const d = readDraft(root, file, systemsBySlug, known, problems);
    if (d) drafts.push(d);
  }

  const bySlug = new Map<string, Draft[]>();
  for (const d of drafts) {
    const key = `${d.article.system}/${d.article.slug}`;
    bySlug.set(key, [...(bySlug.get(key) ?? []), d]);
  }
  for (const same of bySlug.values()) {
    if (same.length < 2 || !same[0]!.article.system) continue;
    for (const d of same) {
      const others = same.filter((o) => o !== d).map((o) => o.article.path);
      problems.push({ path: d.article.path, line: d.lineOf('slug'), message: `El slug "${d.article.slug}" se repite en el sistema "${d.article.system}": también en ${others.join(', ')}.` });
    }
  }

  const cache = new Map<string, AssetRead>();
  const articles: TreeArticle[] = [];
  for (const d of drafts) {
    const { article } = d;
    const report = (line: number, message: string) => problems.push({ path: article.path, line, message });
    for (const link of d.links) {
      if (!known.has(`${article.system}/${link.slug}`)) report(link.line, `El enlace a "${link.slug}" no corresponde a ningún artículo del sistema "${article.system}".`);
    }
    const assets = new Map<string, TreeAsset>();
    for (const ref of d.assetRefs) {
      if (assets.has(ref.path)) continue;
      const r = readAsset(root, d.file, ref.path, cache);
      if ('problem' in r) {
        report(ref.line, r.problem);
        // Once per file and article: a missing image used twice is one thing to fix.
        assets.set(ref.path, { path: ref.path, contentType: '', size: 0, sha256: '', data: Buffer.alloc(0) });
      } else assets.set(ref.path, { path: ref.path, ...r.asset });
    }
    const list = [...assets.values()];
    if (d.valid) articles.push({ ...article, assets: list, sourceHash: articleSourceHash({ ...article, assets: list }) });
  }

  if (problems.length > 0) {
    problems.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : a.line - b.line));
    throw new HelpTreeError(problems);
  }
  return { systems: systems!, synonyms, articles };
}
