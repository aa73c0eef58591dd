import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema.ts';
import { renderArticle } from '../render-markdown.ts';

export type BrokenLinkReason = 'no-article' | 'redirected' | 'no-file';

export interface BrokenLink {
  articleId: string;
  title: string;
  system: string;
  /** Which text was read: the published article's or its draft's. */
  source: 'published' | 'draft';
  kind: 'article' | 'file';
  /** What the link names: an article's slug or a file's path. */
  target: string;
  reason: BrokenLinkReason;
  /** The slug a redirect leads to, when there is one. */
  redirectsTo?: string;
  /** 1-based line in the article's Markdown. */
  line: number;
}

interface Body {
  articleId: string;
  systemId: string;
  system: string;
  slug: string;
  title: string;
  body: string;
}

/**
 * Links between articles and to files that lead nowhere, found with the
 * renderer's own reading of the Markdown (what it rewrites is what a reader
 * clicks). A published article's link must reach a published article of its
 * system, and its files must be published; a draft's links likewise (it
 * will be published as written), and its files may still be drafts. A link
 * to a slug that only redirects still works, but is reported apart.
 */
export async function findBrokenLinks(db: Kysely<Database>): Promise<{ published: BrokenLink[]; drafts: BrokenLink[] }> {
  const articles = await db
    .selectFrom('help_articles as a')
    .innerJoin('systems as s', 's.id', 'a.system_id')
    .select(['a.id', 'a.system_id', 's.slug as system', 'a.slug', 'a.title', 'a.body_md', 'a.published'])
    .orderBy('s.position')
    .orderBy('a.title')
    .execute();
  const drafts = await db
    .selectFrom('help_article_drafts as d')
    .innerJoin('help_articles as a', 'a.id', 'd.article_id')
    .innerJoin('systems as s', 's.id', 'a.system_id')
    .select(['d.article_id', 'a.system_id', 's.slug as system', 'd.slug', 'd.title', 'd.body_md'])
    .orderBy('s.position')
    .orderBy('d.title')
    .execute();
  const files = await db.selectFrom('help_attachments').select(['article_id', 'path', 'draft']).execute();
  const redirects = await db
    .selectFrom('help_slug_redirects as r')
    .innerJoin('help_articles as a', 'a.id', 'r.article_id')
    .select(['r.system_id', 'r.old_slug', 'a.slug', 'a.published'])
    .execute();

  const key = (a: string, b: string) => `${a}\u0000${b}`;
  const publishedSlugs = new Set(articles.filter((a) => Number(a.published) === 1).map((a) => key(a.system_id, a.slug)));
  const redirectTo = new Map(redirects.filter((r) => Number(r.published) === 1).map((r) => [key(r.system_id, r.old_slug), r.slug]));
  const publishedFiles = new Set(files.filter((f) => Number(f.draft) === 0).map((f) => key(f.article_id, f.path)));
  const anyFiles = new Set(files.map((f) => key(f.article_id, f.path)));

  const check = (b: Body, source: 'published' | 'draft', fileSet: Set<string>): BrokenLink[] => {
    const out: BrokenLink[] = [];
    const r = renderArticle(b.body, { system: b.system, slug: b.slug });
    const base = { articleId: b.articleId, title: b.title, system: b.system, source };
    for (const l of r.links) {
      if (publishedSlugs.has(key(b.systemId, l.slug))) continue;
      const to = redirectTo.get(key(b.systemId, l.slug));
      out.push({ ...base, kind: 'article', target: l.slug, line: l.line, ...(to ? { reason: 'redirected', redirectsTo: to } : { reason: 'no-article' }) });
    }
    for (const a of r.assets) {
      if (!fileSet.has(key(b.articleId, a.path))) out.push({ ...base, kind: 'file', target: a.path, reason: 'no-file', line: a.line });
    }
    // In the order they appear in the article.
    return out.sort((x, y) => x.line - y.line);
  };

  return {
    published: articles
      .filter((a) => Number(a.published) === 1)
      .flatMap((a) => check({ articleId: a.id, systemId: a.system_id, system: a.system, slug: a.slug, title: a.title, body: a.body_md }, 'published', publishedFiles)),
    drafts: drafts.flatMap((d) => check({ articleId: d.article_id, systemId: d.system_id, system: d.system, slug: d.slug, title: d.title, body: d.body_md }, 'draft', anyFiles)),
  };
}
