import type { Kysely } from 'kysely';
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

export interface ArticleView {
  slug: string;
  title: string;
  summary: string;
  html: string;
  updatedAt: string;
  category: { slug: string; name: string };
  siblings: ArticleLink[];
}

export async function readArticle(db: Kysely<Database>, system: SystemSummary, slug: string): Promise<ArticleView> {
  const a = await db
    .selectFrom('help_articles as a')
    .innerJoin('help_categories as c', 'c.id', 'a.category_id')
    .select(['a.slug', 'a.title', 'a.summary', 'a.body_html', 'a.updated_at', 'a.category_id', 'c.slug as categorySlug', 'c.name as categoryName'])
    .where('a.system_id', '=', system.id)
    .where('a.slug', '=', slug)
    .where('a.published', '=', 1)
    .executeTakeFirst();
  if (!a) throw notFound();
  const siblings = await db
    .selectFrom('help_articles')
    .select(['slug', 'title', 'summary'])
    .where('category_id', '=', a.category_id)
    .where('published', '=', 1)
    .orderBy('position')
    .orderBy('title')
    .execute();
  return {
    slug: a.slug,
    title: a.title,
    summary: a.summary,
    html: a.body_html,
    updatedAt: a.updated_at,
    category: { slug: a.categorySlug, name: a.categoryName },
    siblings,
  };
}
