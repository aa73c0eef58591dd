import type { Kysely } from 'kysely';
import type { Database, HelpDraftState } from '../../db/schema.ts';
import { findStructureSystem } from './find-structure-system.ts';

export interface SystemArticleItem {
  id: string;
  title: string;
  slug: string;
  published: boolean;
  draft: HelpDraftState | null;
  versionNo: number;
  updatedAt: string;
}

export interface SystemCategoryArticles {
  slug: string;
  name: string;
  description: string;
  articles: SystemArticleItem[];
}

export interface SystemArticles {
  system: { slug: string; name: string; description: string };
  categories: SystemCategoryArticles[];
}

/**
 * A system's categories in order, each with its articles as the console
 * sees them: published or not, with the state of a draft. An article with a
 * draft is listed under the draft's category and title (where it is going).
 */
export async function systemArticles(db: Kysely<Database>, slug: string): Promise<SystemArticles> {
  const system = await findStructureSystem(db, slug);
  const [categories, articles] = await Promise.all([
    db.selectFrom('help_categories').select(['id', 'slug', 'name', 'description']).where('system_id', '=', system.id).orderBy('position').orderBy('slug').execute(),
    db
      .selectFrom('help_articles as a')
      .leftJoin('help_article_drafts as d', 'd.article_id', 'a.id')
      .select(['a.id', 'a.title', 'a.slug', 'a.category_id', 'a.position', 'a.published', 'a.version_no', 'a.updated_at', 'd.title as draftTitle', 'd.slug as draftSlug', 'd.category_id as draftCategory', 'd.position as draftPosition', 'd.state', 'd.updated_at as draftUpdatedAt'])
      .where('a.system_id', '=', system.id)
      .execute(),
  ]);
  const items = articles
    .map((a) => ({
      category: a.draftCategory ?? a.category_id,
      position: Number(a.draftPosition ?? a.position),
      item: {
        id: a.id,
        title: a.draftTitle ?? a.title,
        slug: a.draftSlug ?? a.slug,
        published: Number(a.published) === 1,
        draft: a.state ?? null,
        versionNo: Number(a.version_no),
        updatedAt: a.draftUpdatedAt && a.draftUpdatedAt > a.updated_at ? a.draftUpdatedAt : a.updated_at,
      } satisfies SystemArticleItem,
    }))
    .sort((x, y) => x.position - y.position || x.item.title.localeCompare(y.item.title, 'es'));
  return {
    system: { slug: system.slug, name: system.name, description: system.description },
    categories: categories.map((c) => ({ slug: c.slug, name: c.name, description: c.description, articles: items.filter((i) => i.category === c.id).map((i) => i.item) })),
  };
}
