import type { Kysely } from 'kysely';
import type { SharedCache, SharedCaches } from '../cache/shared-cache.ts';
import { preparedQuery } from '../db/prepared-query.ts';
import type { Database } from '../db/schema.ts';
import type { ArticleVote } from './vote-on-article.ts';

/**
 * Every vote a person has given, by article id, kept across requests: the
 * article page shows the reader's answer on each article they open, and a
 * person votes on few articles and reads many. Emptied by any vote anywhere
 * (db/change-signal.ts), after which each reader's next page reloads theirs:
 * one query, as without the cache.
 */
// help_votes: the votes; users: a deleted user's votes go by cascade, which no statement names.
export const USER_VOTES_TABLES = ['help_votes', 'users'] as const;

const perCaches = new WeakMap<SharedCaches, SharedCache<ReadonlyMap<string, ArticleVote>>>();

const votesOf = preparedQuery((db: Kysely<Database>, userId: string) => db.selectFrom('help_votes').select(['article_id', 'helpful', 'comment']).where('user_id', '=', userId));

const votesBytes = (votes: ReadonlyMap<string, ArticleVote>): number => {
  let n = 100;
  for (const [id, v] of votes) n += 100 + 2 * (id.length + (v.comment?.length ?? 0));
  return n;
};

export function cachedUserVotes(db: Kysely<Database>, caches: SharedCaches, userId: string, since?: number): Promise<ReadonlyMap<string, ArticleVote>> {
  let cache = perCaches.get(caches);
  // A comment may be 1,000 characters: bounded by bytes too (a string's length × 2).
  if (!cache) perCaches.set(caches, (cache = caches.create({ name: 'user-votes', tables: USER_VOTES_TABLES, maxEntries: 20_000, maxBytes: 8 * 1024 * 1024, sizeOf: votesBytes })));
  return cache.get(userId, async () => new Map((await votesOf(db, userId)).map((r) => [r.article_id, Object.freeze({ helpful: r.helpful === 1, comment: r.comment })])), { since });
}
