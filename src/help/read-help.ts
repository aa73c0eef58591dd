import type { Kysely } from 'kysely';
import { toCount } from '../db/dialect.ts';
import type { Database } from '../db/schema.ts';
import { notFound } from '../errors.ts';
import type { SystemSummary } from './help-access.ts';

export interface ArticleLink {
  slug: string;
  title: string;
  summary: string;
}

export interface CategoryWithArticles {
  slug: string;
  name: string;
  articles: ArticleLink[];
}

export async function systemContents(db: Kysely<Database>, system: SystemSummary): Promise<CategoryWithArticles[]> {
  const rows = await db
    .selectFrom('help_categories as c')
    .leftJoin('help_articles as a', (j) => j.onRef('a.category_id', '=', 'c.id').on('a.published', '=', 1))
    .select(['c.slug as categorySlug', 'c.name as categoryName', 'a.slug', 'a.title', 'a.summary'])
    .where('c.system_id', '=', system.id)
    .orderBy('c.position')
    .orderBy('a.position')
    .orderBy('a.title')
    .execute();
  const categories: CategoryWithArticles[] = [];
  for (const r of rows) {
    let cat = categories.at(-1);
    if (!cat || cat.slug !== r.categorySlug) categories.push((cat = { slug: r.categorySlug, name: r.categoryName, articles: [] }));
    if (r.slug && r.title) cat.articles.push({ slug: r.slug, title: r.title, summary: r.summary ?? '' });
  }
  return categories.filter((c) => c.articles.length > 0);
}

export interface TocEntry {
  level: 2 | 3;
  id: string;
  text: string;
}

export interface ArticleView {
  id: string;
  slug: string;
  title: string;
  summary: string;
  html: string;
  updatedAt: string;
  toc: TocEntry[];
  category: { slug: string; name: string };
  /** The category's articles around this one (all of them in a category of normal size). */
  siblings: ArticleLink[];
  /** How many articles the category has in all. */
  siblingCount: number;
  previous: ArticleLink | null;
  next: ArticleLink | null;
  related: ArticleLink[];
}

const RELATED = 5;
const SIBLINGS_AROUND = 12;

/** What the import accepts as a slug; anything else is a typed URL that names no article. */
export const ARTICLE_SLUG = /^[a-z0-9]+(-[a-z0-9]+)*$/;

/** Addresses under /ayuda/<sistema>/ that are pages of their own (help-news.tsx): no article may take them. */
export const RESERVED_ARTICLE_SLUGS: ReadonlySet<string> = new Set(['novedades']);

/**
 * An article as readers see it. Two queries, sent together (on PostgreSQL
 * they run side by side on two connections: one round trip's wait, not
 * three): the article with its category's published articles in one, the
 * related articles in the other (found by slug, so it need not wait for the
 * article's id).
 */
export async function readArticle(db: Kysely<Database>, system: SystemSummary, slug: string): Promise<ArticleView> {
  // Checked before the query: PostgreSQL refuses a NUL byte ("%00" in the URL) with an error, not an empty result.
  if (!ARTICLE_SLUG.test(slug)) throw notFound();
  const [rows, related] = await Promise.all([articleWithSiblings(db, system.id, slug), relatedArticles(db, system.id, slug)]);
  const me = rows.find((r) => r.body_html !== null);
  if (!me) throw notFound();
  const siblings: ArticleLink[] = rows.map((r) => ({ slug: r.siblingSlug, title: r.siblingTitle, summary: r.siblingSummary }));
  const at = siblings.findIndex((s) => s.slug === me.slug);
  return {
    id: me.id,
    slug: me.slug,
    title: me.title,
    summary: me.summary,
    html: me.body_html!,
    updatedAt: me.updated_at,
    toc: JSON.parse(me.toc) as TocEntry[],
    category: { slug: me.categorySlug, name: me.categoryName },
    // A category of thousands (a generated corpus, an import gone wrong)
    // must not make every article page a list of thousands of links.
    siblings: siblings.slice(Math.max(0, Math.min(at - SIBLINGS_AROUND, siblings.length - 2 * SIBLINGS_AROUND - 1)), Math.max(at + SIBLINGS_AROUND + 1, 2 * SIBLINGS_AROUND + 1)),
    siblingCount: siblings.length,
    previous: siblings[at - 1] ?? null,
    next: siblings[at + 1] ?? null,
    related,
  };
}

/** One row per published article of the article's category, in order; only the article's own row carries its body. */
function articleWithSiblings(db: Kysely<Database>, systemId: string, slug: string) {
  return db
    .selectFrom('help_articles as a')
    .innerJoin('help_categories as c', 'c.id', 'a.category_id')
    .innerJoin('help_articles as s', (j) => j.onRef('s.category_id', '=', 'a.category_id').on('s.published', '=', 1))
    .select((eb) => [
      'a.id',
      'a.slug',
      'a.title',
      'a.summary',
      'a.toc',
      'a.updated_at',
      'c.slug as categorySlug',
      'c.name as categoryName',
      's.slug as siblingSlug',
      's.title as siblingTitle',
      's.summary as siblingSummary',
      // The body once, not once per sibling.
      eb.case().when('s.id', '=', eb.ref('a.id')).then(eb.ref('a.body_html')).else(null).end().as('body_html'),
    ])
    .where('a.system_id', '=', systemId)
    .where('a.slug', '=', slug)
    .where('a.published', '=', 1)
    .orderBy('s.position')
    .orderBy('s.title')
    .execute();
}

/** Articles of the same system sharing the most tags with the published article `slug`; ties to the newer one. */
async function relatedArticles(db: Kysely<Database>, systemId: string, slug: string): Promise<ArticleLink[]> {
  const rows = await db
    .selectFrom('help_articles as me')
    .innerJoin('help_article_tags as mine', 'mine.article_id', 'me.id')
    .innerJoin('help_article_tags as other', 'other.tag', 'mine.tag')
    .innerJoin('help_articles as a', 'a.id', 'other.article_id')
    .select((eb) => ['a.slug', 'a.title', 'a.summary', eb.fn.countAll().as('shared')])
    .where('me.system_id', '=', systemId)
    .where('me.slug', '=', slug)
    .where('me.published', '=', 1)
    .whereRef('other.article_id', '!=', 'me.id')
    .where('a.system_id', '=', systemId)
    .where('a.published', '=', 1)
    .groupBy(['a.id', 'a.slug', 'a.title', 'a.summary', 'a.updated_at'])
    .orderBy('shared', 'desc')
    .orderBy('a.updated_at', 'desc')
    .limit(RELATED)
    .execute();
  return rows.map((r) => ({ slug: r.slug, title: r.title, summary: r.summary }));
}

export interface HomeArticle {
  systemSlug: string;
  systemName: string;
  slug: string;
  title: string;
  updatedAt: string;
  reads?: number;
}

/** The help home's two lists, over the reader's systems only. */
export async function helpHighlights(db: Kysely<Database>, systemIds: string[], sinceDay: string): Promise<{ recent: HomeArticle[]; popular: HomeArticle[] }> {
  if (systemIds.length === 0) return { recent: [], popular: [] };
  const base = db
    .selectFrom('help_articles as a')
    .innerJoin('systems as s', 's.id', 'a.system_id')
    .where('a.published', '=', 1)
    .where('a.system_id', 'in', systemIds);
  const recent = await base
    .select(['s.slug as systemSlug', 's.name as systemName', 'a.slug', 'a.title', 'a.updated_at as updatedAt'])
    .orderBy('a.updated_at', 'desc')
    .orderBy('a.title')
    .limit(6)
    .execute();
  const popular = await base
    .innerJoin('help_reads as r', 'r.article_id', 'a.id')
    .where('r.day', '>=', sinceDay)
    .select((eb) => ['s.slug as systemSlug', 's.name as systemName', 'a.slug', 'a.title', 'a.updated_at as updatedAt', eb.fn.sum<number>('r.count').as('reads')])
    .groupBy(['a.id', 's.slug', 's.name', 'a.slug', 'a.title', 'a.updated_at'])
    .orderBy('reads', 'desc')
    .orderBy('a.title')
    .limit(6)
    .execute();
  return { recent, popular: popular.map((p) => ({ ...p, reads: toCount(p.reads) })) };
}
