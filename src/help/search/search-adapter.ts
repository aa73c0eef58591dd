import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema.ts';
import type { ParsedQuery } from './parse-search-query.ts';

/** One ranked article, with what a result line shows. */
export interface RankedArticle {
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
 * ('title-all'), some in the title ('title-some'), some in headings or tags
 * ('meta'), only in the body ('body-only'). Broad searches list tier by tier.
 */
export type SearchTier = 'all' | 'title-all' | 'title-some' | 'meta' | 'body-only';

/** The tiers in the order a broad search lists them. */
export const TIERS: readonly Exclude<SearchTier, 'all'>[] = ['title-all', 'title-some', 'meta', 'body-only'];

export interface SearchSet {
  query: ParsedQuery;
  /** 'all': every term must match; 'any': at least one (the fallback when 'all' finds nothing). */
  mode: 'all' | 'any';
  /** The systems the reader may search, never empty; null when that is every system (no filter to apply). */
  systemIds: string[] | null;
  tier: SearchTier;
}

export interface SearchPageRequest extends SearchSet {
  /** 'rank': by relevance (see SearchAdapter); 'recent': newest (re)indexed first, nothing scored. */
  order: 'rank' | 'recent';
  limit: number;
  offset: number;
  /** Suggestions need no body text. */
  withBody: boolean;
}

/**
 * One per dialect. Ranked pages are ordered by the same counts on both (query
 * terms matched, in 'any' mode; terms in the title; terms in headings or
 * tags), so title above headings and tags above body holds as a rule on both
 * databases; the engine's own score (bm25, ts_rank) orders what ties on them,
 * and the more recently (re)indexed article wins a tie in score.
 */
export interface SearchAdapter {
  count(db: Kysely<Database>, r: SearchSet): Promise<number>;
  page(db: Kysely<Database>, r: SearchPageRequest): Promise<RankedArticle[]>;
}
