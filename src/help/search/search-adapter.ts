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
  total: number | string | bigint;
}

export interface SearchPageRequest {
  query: ParsedQuery;
  /** 'all': every term must match; 'any': at least one (the fallback when 'all' finds nothing). */
  mode: 'all' | 'any';
  /** The systems the reader may search; never empty. */
  systemIds: string[];
  limit: number;
  offset: number;
  /** Suggestions need no body text. */
  withBody: boolean;
}

/**
 * One per dialect. Both order by the same counts first (query terms matched,
 * in 'any' mode; terms in the title; terms in headings or tags), so title
 * above headings and tags above body holds as a rule on both databases; the
 * engine's own score (bm25, ts_rank) orders what ties on them, and the more
 * recently (re)indexed article wins a tie in score. Both count the matches
 * in the same pass that ranks them.
 */
export type SearchAdapter = (db: Kysely<Database>, r: SearchPageRequest) => Promise<RankedArticle[]>;
