import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.ts';

export interface ArticleVote {
  helpful: boolean;
  comment: string | null;
}

/** One vote per person and article: voting again replaces it (Sí can become No, the comment too). */
export async function voteOnArticle(db: Kysely<Database>, v: { userId: string; articleId: string; helpful: boolean; comment: string | null; now: Date }): Promise<void> {
  const at = v.now.toISOString();
  await db
    .insertInto('help_votes')
    .values({ user_id: v.userId, article_id: v.articleId, helpful: v.helpful ? 1 : 0, comment: v.comment, created_at: at, updated_at: at })
    .onConflict((oc) => oc.columns(['user_id', 'article_id']).doUpdateSet({ helpful: v.helpful ? 1 : 0, comment: v.comment, updated_at: at }))
    .execute();
}

export async function voteOf(db: Kysely<Database>, userId: string, articleId: string): Promise<ArticleVote | null> {
  const r = await db.selectFrom('help_votes').select(['helpful', 'comment']).where('user_id', '=', userId).where('article_id', '=', articleId).executeTakeFirst();
  return r ? { helpful: r.helpful === 1, comment: r.comment } : null;
}
