import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema.ts';
import type { Candidate } from './bm25f.ts';
import type { ParsedQuery } from './parse-search-query.ts';

/** One ranked article, with what a result line shows. */
export interface RankedArticle {
  id: string;
  slug: string;
  title: string;
  summary: string;
  body_text: string;
  updated_at: string;
  system_slug: string;
  system_name: string;
  category_name: string;
}

/**
 * Which matching articles: all of them, or one tier of them, each tier
 * without the ones before it: every query word in the title
 * ('title-all'), some in the title ('title-some'), some in the summary,
 * headings or tags ('meta'), only in the body ('body-only'). Broad searches
 * list tier by tier.
 */
export type SearchTier = 'all' | 'title-all' | 'title-some' | 'meta' | 'body-only';

/** Per tier, its first ids as recent() would page them, or 'many' (see countWithFew). */
export type FirstPages = Partial<Record<Exclude<SearchTier, 'all'>, string[] | 'many'>>;

/** The tiers in the order a broad search lists them. */
export const TIERS: readonly Exclude<SearchTier, 'all'>[] = ['title-all', 'title-some', 'meta', 'body-only'];

export interface SearchSet {
  query: ParsedQuery;
  /** 'all': every term must match; 'any': at least one (the relaxed search when 'all' finds nothing). */
  mode: 'all' | 'any';
  /** In 'any' mode, the terms (indexes into query.terms) that must match all the same. */
  required?: number[];
  /** The systems the reader may search, never empty; null when that is every system (no filter to apply). */
  systemIds: string[] | null;
  tier: SearchTier;
}

/**
 * One per dialect. The engines only find the matching articles and count
 * them; the ranking is BM25F in TypeScript (bm25f.ts) over the stems the
 * candidates hold, so it is the same on both databases.
 */
export interface SearchAdapter {
  /**
   * Runs the statements of one search (`f`, given the connection to use) the
   * way this engine answers them best: PostgreSQL in one transaction with its
   * planner settings made once (not a transaction per statement).
   */
  session<T>(db: Kysely<Database>, f: (db: Kysely<Database>) => Promise<T>): Promise<T>;
  /**
   * The number of matches, counting at most `cap` + 1 of them (a result above
   * `cap` means "more than cap"): a broad search's exact count walks every
   * doclist of its words, and past what a reader can page through it only
   * feeds the line "N resultados".
   */
  count(db: Kysely<Database>, r: SearchSet, cap: number): Promise<number>;
  /**
   * The first count of a search (as `count`), and when it finds at most `few`
   * matches, those matches as `candidates` would read them (newest first), in
   * the same go: a search with few matches scores them all, and counting them
   * and then finding them again ran the same MATCH (tsquery) twice. Bodies are
   * read only when there are at most `withBodies` matches (else left empty).
   * `candidates` is null when there are more than `few`. Then, if `titlePage`
   * > 0, `firstPages` may hold, for the tiers a broad search's first page
   * starts with, what recent(that tier, titlePage, 0) answers, or 'many' when
   * the tier has too many matches to page that way (recent() is then told so),
   * when the adapter saves round trips by finding them here; a tier left out
   * was not looked at.
   */
  countWithFew(
    db: Kysely<Database>,
    r: SearchSet,
    cap: number,
    few: number,
    withBodies: number,
    titlePage?: number,
  ): Promise<{ count: number; candidates: Candidate[] | null; firstPages: FirstPages }>;
  /**
   * The matching articles' stems, the most recently (re)indexed first, at most `limit`; without `withBody` the body is left empty (see bodies).
   * `few`: the set is known (counted) to have at most `limit` matches, so an adapter need not find out how to read it.
   */
  candidates(db: Kysely<Database>, r: SearchSet, limit: number, withBody: boolean, few?: boolean): Promise<Candidate[]>;
  /** The body stems of these candidates (by article id). */
  bodies(db: Kysely<Database>, ids: string[]): Promise<Map<string, string>>;
  /**
   * Article ids of a page of matches, newest (re)indexed first, nothing scored (the broad search).
   * `many`: the set is known (from countWithFew's firstPages) to have too many matches to page from a count, so an adapter need not find out.
   */
  recent(db: Kysely<Database>, r: SearchSet, limit: number, offset: number, many?: boolean): Promise<string[]>;
}
