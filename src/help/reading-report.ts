import type { Kysely } from 'kysely';
import { toCount } from '../db/dialect.ts';
import type { Database } from '../db/schema.ts';
import type { ReportRange } from './report-range.ts';

export interface SystemReads {
  system: string;
  systemName: string;
  articles: Array<{ slug: string; title: string; reads: number }>;
}

/** The most read articles of each system over the range's days, `perSystem` each (of one system, when given); one grouped query. */
export async function mostReadArticles(db: Kysely<Database>, range: ReportRange, perSystem = 10, system?: string): Promise<SystemReads[]> {
  let q = db
    .selectFrom('help_reads as r')
    .innerJoin('help_articles as a', 'a.id', 'r.article_id')
    .innerJoin('systems as s', 's.id', 'a.system_id')
    .select((eb) => ['s.slug as system', 's.name as system_name', 's.position', 'a.slug', 'a.title', eb.fn.sum<number>('r.count').as('reads')])
    .where('r.day', '>=', range.from)
    .where('r.day', '<=', range.to)
    .groupBy(['s.slug', 's.name', 's.position', 'a.slug', 'a.title']);
  if (system) q = q.where('s.slug', '=', system);
  const rows = await q.execute();
  const bySystem = new Map<string, SystemReads & { position: number }>();
  for (const r of rows) {
    let s = bySystem.get(r.system);
    if (!s) bySystem.set(r.system, (s = { system: r.system, systemName: r.system_name, position: r.position, articles: [] }));
    s.articles.push({ slug: r.slug, title: r.title, reads: toCount(r.reads) });
  }
  return [...bySystem.values()]
    .sort((a, b) => a.position - b.position || a.system.localeCompare(b.system))
    .map(({ position: _, ...s }) => ({ ...s, articles: s.articles.sort((a, b) => b.reads - a.reads || a.slug.localeCompare(b.slug)).slice(0, perSystem) }));
}

export interface SearchMiss {
  query: string;
  system: string;
  count: number;
  firstAt: string;
  lastAt: string;
}

/**
 * Searches that found nothing and were seen within the range, most frequent
 * first. The table keeps a running count per query (not one per day), so
 * the count is since the query was first seen.
 */
export async function searchMissReport(db: Kysely<Database>, range: ReportRange, limit = 100): Promise<SearchMiss[]> {
  const rows = await db
    .selectFrom('help_search_misses')
    .selectAll()
    .where('last_at', '>=', range.fromInstant)
    .where('first_at', '<', range.toInstant)
    .orderBy('count', 'desc')
    .orderBy('last_at', 'desc')
    .limit(limit)
    .execute();
  return rows.map((r) => ({ query: r.query, system: r.system_slug, count: r.count, firstAt: r.first_at, lastAt: r.last_at }));
}
