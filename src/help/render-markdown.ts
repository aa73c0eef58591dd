import { posix } from 'node:path';
import MarkdownIt, { type Token } from 'markdown-it';

/**
 * Help articles are Markdown written by vendor staff. Raw HTML is off (it is
 * escaped, not rendered) and javascript:/vbscript:/file:/data: links are
 * refused (rendered as text), so an article cannot inject script into the
 * portal.
 *
 * Links to other articles are written by slug ("cierre-mensual") and render
 * as /ayuda/<sistema>/<slug>: the URL has no category, so moving an article
 * to another category breaks no link. Relative links to files
 * ("imagenes/x.png") are the article's attachments, served under the
 * article's own URL, where the reader's access is checked.
 */
const md = new MarkdownIt({ html: false, linkify: true, typographer: false });

const defaultValidateLink = md.validateLink.bind(md);
// markdown-it lets data:image/* through; an article has no need for inline data.
md.validateLink = (url) => !/^\s*data:/i.test(url) && defaultValidateLink(url);

// tabindex: at phone width a table scrolls sideways in its box, and a keyboard must be able to reach and scroll it too.
md.renderer.rules.table_open = () => '<div class="table-scroll" tabindex="0"><table>\n';
md.renderer.rules.table_close = () => '</table></div>\n';

export interface TocEntry {
  level: 2 | 3;
  id: string;
  text: string;
}

export interface RenderedArticle {
  html: string;
  /** The h2 and h3 headings, for the table of contents. */
  toc: TocEntry[];
  /** The body as plain text, one block (paragraph, list item, cell, heading) per line: for search snippets. */
  text: string;
  /** Every heading's text, for the search index. */
  headings: string[];
  /** Links to other articles of the same system, with their 1-based line in the file. */
  links: { slug: string; line: number }[];
  /** Files the article links or shows, relative to the article's folder, with their line in the file. */
  assets: { path: string; line: number }[];
}

export interface RenderOptions {
  system: string;
  slug: string;
  /** The file line the Markdown starts on (after the front matter), so lines point into the file. */
  firstLine?: number;
  /**
   * Where the article's files are served from instead of the reader's URL
   * (/ayuda/<sistema>/<slug>/adjuntos): the console's preview of a draft
   * shows its files from the console, drafts included.
   */
  assetBase?: string;
}

interface Env extends RenderOptions {
  result: Omit<RenderedArticle, 'html'>;
}

export function slugifyHeading(text: string): string {
  return text
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
}

/** The text a reader sees in an inline run: no markup, no URLs. */
function inlineText(children: Token[] | null): string {
  let out = '';
  for (const t of children ?? []) {
    if (t.type === 'text' || t.type === 'code_inline') out += t.content;
    else if (t.type === 'softbreak') out += ' ';
    else if (t.type === 'hardbreak') out += '\n';
    else if (t.type === 'image') out += inlineText(t.children);
  }
  return out;
}

const encodePath = (path: string) => path.split('/').map(encodeURIComponent).join('/');

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

/**
 * Rewrite one relative href (a slug or a file), recording it. Anything with
 * a scheme, a leading "/" or only a "#fragment" is left as written.
 */
function rewriteRelative(token: Token, attr: 'href' | 'src', isImage: boolean, line: number, env: Env): void {
  const href = String(token.attrGet(attr) ?? '');
  if (href === '' || href.startsWith('#') || href.startsWith('/') || /^[a-z][a-z0-9+.-]*:/i.test(href)) return;
  const cut = href.search(/[?#]/);
  const pathPart = cut === -1 ? href : href.slice(0, cut);
  const fragment = /#.*$/.exec(href)?.[0] ?? '';
  if (pathPart === '') return;
  const path = safeDecode(pathPart);
  const last = path.split('/').filter(Boolean).at(-1) ?? '';
  const hasExtension = /\.[^.]+$/.test(last);
  if (!isImage && (!hasExtension || last.endsWith('.md'))) {
    const slug = last.replace(/\.md$/, '');
    env.result.links.push({ slug, line });
    token.attrSet(attr, `/ayuda/${env.system}/${encodeURIComponent(slug)}${fragment}`);
    return;
  }
  const normalized = posix.normalize(path);
  env.result.assets.push({ path: normalized, line });
  token.attrSet(attr, `${env.assetBase ?? `/ayuda/${env.system}/${env.slug}/adjuntos`}/${encodePath(normalized)}`);
}

/**
 * One pass over the parsed article: heading ids and the table of contents,
 * plain text, and every link and image rewritten and recorded with its line.
 */
md.core.ruler.push('help_article', (state) => {
  const env = state.env as unknown as Env;
  const used = new Set<string>();
  const texts: string[] = [];
  const firstLine = env.firstLine ?? 1;
  // Table cells carry no line map of their own: the row before them does.
  let blockLine = 0;
  const tokens = state.tokens;
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i]!;
    if (token.map) blockLine = token.map[0];
    if (token.type === 'heading_open') {
      const text = inlineText(tokens[i + 1]?.children ?? null).trim();
      let id = slugifyHeading(text) || 'seccion';
      for (let n = 2; used.has(id); n++) id = `${slugifyHeading(text) || 'seccion'}-${n}`;
      used.add(id);
      token.attrSet('id', id);
      env.result.headings.push(text);
      const level = Number(token.tag.slice(1));
      if (level === 2 || level === 3) env.result.toc.push({ level, id, text });
      continue;
    }
    if (token.type === 'fence' || token.type === 'code_block') {
      texts.push(token.content.trimEnd());
      continue;
    }
    if (token.type !== 'inline') continue;
    const text = inlineText(token.children).trim();
    if (text) texts.push(text);
    let line = firstLine + blockLine;
    for (const child of token.children ?? []) {
      if (child.type === 'softbreak' || child.type === 'hardbreak') line++;
      else if (child.type === 'link_open') {
        const href = String(child.attrGet('href') ?? '');
        if (/^https?:\/\//i.test(href)) {
          child.attrSet('rel', 'noopener noreferrer');
          child.attrSet('target', '_blank');
        } else rewriteRelative(child, 'href', false, line, env);
      } else if (child.type === 'image') {
        rewriteRelative(child, 'src', true, line, env);
        child.attrSet('loading', 'lazy');
      }
    }
  }
  env.result.text = texts.join('\n');
});

/** Render one article's Markdown body for the help center. */
export function renderArticle(markdown: string, options: RenderOptions): RenderedArticle {
  const env: Env = { ...options, result: { toc: [], text: '', headings: [], links: [], assets: [] } };
  const html = md.render(markdown, env as unknown as Record<string, unknown>);
  return { html, ...env.result };
}
