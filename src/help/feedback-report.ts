import type { Kysely } from 'kysely';
import { toCount } from '../db/dialect.ts';
import type { Database } from '../db/schema.ts';

export interface ArticleFeedback {
  system: string;
  slug: string;
  title: string;
  yes: number;
  no: number;
  comments: number;
}

/** Votes per article, most "No" first: what the vendor should rewrite next. */
export async function feedbackReport(db: Kysely<Database>): Promise<ArticleFeedback[]> {
  const rows = await db
    .selectFrom('help_votes as v')
    .innerJoin('help_articles as a', 'a.id', 'v.article_id')
    .innerJoin('systems as s', 's.id', 'a.system_id')
    .select((eb) => [
      's.slug as system',
      'a.slug',
      'a.title',
      eb.fn.sum<number>(eb.case().when('v.helpful', '=', 1).then(1).else(0).end()).as('yes'),
      eb.fn.sum<number>(eb.case().when('v.helpful', '=', 0).then(1).else(0).end()).as('no'),
      eb.fn.count<number>('v.comment').as('comments'),
    ])
    .groupBy(['s.slug', 'a.slug', 'a.title'])
    .execute();
  return rows
    .map((r) => ({ system: r.system, slug: r.slug, title: r.title, yes: toCount(r.yes), no: toCount(r.no), comments: toCount(r.comments) }))
    .sort((a, b) => b.no - a.no || a.yes - b.yes || a.system.localeCompare(b.system) || a.slug.localeCompare(b.slug));
}

export interface FeedbackComment {
  at: string;
  helpful: boolean;
  comment: string;
  customer: string;
}

/** The comments left on one article, newest first (who: the customer, not the person). */
export async function articleComments(db: Kysely<Database>, system: string, slug: string): Promise<FeedbackComment[]> {
  const rows = await db
    .selectFrom('help_votes as v')
    .innerJoin('help_articles as a', 'a.id', 'v.article_id')
    .innerJoin('systems as s', 's.id', 'a.system_id')
    .innerJoin('users as u', 'u.id', 'v.user_id')
    .innerJoin('customers as c', 'c.id', 'u.customer_id')
    .select(['v.updated_at', 'v.helpful', 'v.comment', 'c.name'])
    .where('s.slug', '=', system)
    .where('a.slug', '=', slug)
    .where('v.comment', 'is not', null)
    .orderBy('v.updated_at', 'desc')
    .execute();
  return rows.map((r) => ({ at: r.updated_at, helpful: r.helpful === 1, comment: r.comment ?? '', customer: r.name }));
}
