import { sql, type Kysely } from 'kysely';
import type { Database } from '../db/schema.ts';

/**
 * Counts article views in memory and writes them once in a while: a view is
 * not worth a write of its own, and most views are answered ahead of the
 * framework (web/reader-pages.ts). Keyed by URL slugs, so they are counted
 * without a query; unknown slugs simply match no article when written.
 */
export class ArticleReads {
  private pending = new Map<string, number>();

  record(systemSlug: string, articleSlug: string): void {
    const key = `${systemSlug}/${articleSlug}`;
    this.pending.set(key, (this.pending.get(key) ?? 0) + 1);
  }

  get size(): number {
    return this.pending.size;
  }

  /** Add the counted views to `day`'s totals, in one transaction. */
  async flush(db: Kysely<Database>, day: string): Promise<number> {
    if (this.pending.size === 0) return 0;
    const batch = this.pending;
    this.pending = new Map();
    let written = 0;
    try {
      await db.transaction().execute(async (trx) => {
        for (const [key, count] of batch) {
          const [system, article] = key.split('/');
          // "where true": SQLite needs it to read ON CONFLICT after INSERT … SELECT.
          const r = await sql`insert into help_reads (article_id, day, count)
            select a.id, ${day}, ${count} from help_articles a join systems s on s.id = a.system_id
            where s.slug = ${system} and a.slug = ${article}
            on conflict (article_id, day) do update set count = help_reads.count + excluded.count`.execute(trx);
          written += Number(r.numAffectedRows ?? 0n);
        }
      });
    } catch (err) {
      // Put them back: the next flush tries again.
      for (const [k, n] of batch) this.pending.set(k, (this.pending.get(k) ?? 0) + n);
      throw err;
    }
    return written;
  }
}
