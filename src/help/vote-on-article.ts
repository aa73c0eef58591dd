import type { Kysely } from 'kysely';
import { z } from 'zod';
import type { Database } from '../db/schema.ts';
import { plainLines } from '../domain/plain-text.ts';

/**
 * The optional comment of a vote: line breaks kept (CR LF as LF, which is
 * also how a browser counts them against the textarea's maxlength), control
 * and bidi characters refused, empty as null.
 */
export const VoteComment = z
  .string({ error: 'El comentario debe ser texto.' })
  .pipe(plainLines('El comentario').max(1000, 'El comentario puede tener hasta 1.000 caracteres.'))
  .optional()
  .transform((s) => s || null);

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
