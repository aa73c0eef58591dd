import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema.ts';
import { notFound } from '../../errors.ts';

export interface ConsoleArticle {
  id: string;
  systemId: string;
  systemSlug: string;
  systemName: string;
  slug: string;
  /** The draft's title when there is a draft, else the published one. */
  title: string;
  published: boolean;
}

const ID = /^[0-9a-f-]{1,64}$/i;

/** An article as the console names it (published or not, with or without a draft); 404 for an unknown id. */
export async function findConsoleArticle(db: Kysely<Database>, id: string): Promise<ConsoleArticle> {
  if (!ID.test(id)) throw notFound();
  const a = await db
    .selectFrom('help_articles as a')
    .innerJoin('systems as s', 's.id', 'a.system_id')
    .leftJoin('help_article_drafts as d', 'd.article_id', 'a.id')
    .select(['a.id', 'a.system_id', 's.slug as systemSlug', 's.name as systemName', 'a.slug', 'a.title', 'd.slug as draftSlug', 'd.title as draftTitle', 'a.published'])
    .where('a.id', '=', id)
    .executeTakeFirst();
  if (!a) throw notFound();
  return {
    id: a.id, systemId: a.system_id, systemSlug: a.systemSlug, systemName: a.systemName, slug: a.draftSlug ?? a.slug, title: a.draftTitle ?? a.title, published: Number(a.published) === 1,
  };
}
