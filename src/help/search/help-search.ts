import type { Kysely } from 'kysely';
import type { Dialect } from '../../db/create-db.ts';
import type { Database } from '../../db/schema.ts';
import { fts5Search } from './fts5-search-adapter.ts';
import { parseSearchQuery, queryMatcher, synonymStems, type ParsedQuery } from './parse-search-query.ts';
import { postgresSearch } from './postgres-search-adapter.ts';
import { TIERS, type RankedArticle, type SearchAdapter, type SearchSet, type SearchTier } from './search-adapter.ts';
import { SearchVocabulary } from './search-vocabulary.ts';
import { highlight, snippet } from './snippet.ts';

export interface SearchHit {
  systemSlug: string;
  systemName: string;
  categoryName: string;
  slug: string;
  title: string;
  /** HTML: escaped, query words in <mark>. */
  titleHtml: string;
  snippetHtml: string;
  updatedAt: string;
}

export interface SearchResults {
  /** False when the text had nothing to search for (only stop words or symbols). */
  searched: boolean;
  total: number;
  hits: SearchHit[];
  page: number;
  pages: number;
  /** True when no article had every word and these have some of them. */
  relaxed: boolean;
}

export interface SearchRequest {
  text: string;
  /** The systems this reader may read (already narrowed to one by a filter, if any). */
  systemIds: string[];
  page?: number;
  perPage?: number;
  /** Suggestions while typing: the last word is a prefix, no snippets. */
  typing?: boolean;
}

const MAX_PAGE = 100;

/**
 * Above this many matches a search is "broad": listed tier by tier rather
 * than scored (see search()).
 */
export const BROAD_SEARCH = 2_000;

/**
 * Search over the help the reader may read. The caller passes the systems
 * (from help-access.ts); nothing else is ever looked at, so results, counts,
 * suggestions and snippets all come from readable articles only.
 */
export class HelpSearch {
  private cached: { version: number; vocabulary: SearchVocabulary } | undefined;
  private readonly adapter: SearchAdapter;

  /** Matches above which a search is broad (a smaller one lets tests reach that path on the shipped help). */
  private readonly broad: number;

  constructor(
    private readonly db: Kysely<Database>,
    dialect: Dialect,
    opts: { broadSearch?: number } = {},
  ) {
    this.broad = opts.broadSearch ?? BROAD_SEARCH;
    this.adapter = dialect === 'postgres' ? postgresSearch : fts5Search;
  }

  /** The vocabulary and synonyms, reloaded when an import moved the index version. */
  async vocabulary(): Promise<SearchVocabulary> {
    const state = await this.db.selectFrom('help_index_state').select('version').where('id', '=', 1).executeTakeFirst();
    const version = Number(state?.version ?? 0);
    if (this.cached?.version === version) return this.cached.vocabulary;
    const [words, synonyms] = await Promise.all([
      this.db.selectFrom('help_search_words').select(['word', 'stem']).execute(),
      this.db.selectFrom('help_synonyms').select(['group_no', 'word']).orderBy('group_no').execute(),
    ]);
    const groups = new Map<number, string[]>();
    for (const s of synonyms) groups.set(s.group_no, [...(groups.get(s.group_no) ?? []), s.word]);
    const vocabulary = new SearchVocabulary(words, [...groups.values()].map((g) => ({ stems: synonymStems(g) })));
    this.cached = { version, vocabulary };
    return vocabulary;
  }

  async parse(text: string, typing = false): Promise<ParsedQuery> {
    return parseSearchQuery(text, await this.vocabulary(), { typing });
  }

  async search(r: SearchRequest): Promise<SearchResults> {
    const perPage = r.perPage ?? 10;
    const page = Math.min(MAX_PAGE, Math.max(1, Math.floor(r.page ?? 1)));
    const vocabulary = await this.vocabulary();
    const query = parseSearchQuery(r.text, vocabulary, { typing: r.typing });
    if (query.terms.length === 0 || r.systemIds.length === 0) return { searched: query.terms.length > 0, total: 0, hits: [], page: 1, pages: 0, relaxed: false };
    const offset = (page - 1) * perPage;
    // A reader of every system needs no filter (it costs a few milliseconds on
    // a large index). Read now, never cached: a stale list would open a system.
    const allowed = new Set(r.systemIds);
    const every = (await this.db.selectFrom('systems').select('id').execute()).every((s) => allowed.has(s.id));
    const systemIds = every ? null : r.systemIds;
    const set = (mode: 'all' | 'any', tier: SearchTier = 'all'): SearchSet => ({ query, mode, systemIds, tier });
    const pageOf = (mode: 'all' | 'any', tier: SearchTier, order: 'rank' | 'recent', limit: number, from: number) =>
      this.adapter.page(this.db, { ...set(mode, tier), order, limit, offset: from, withBody: !r.typing });

    /** The page's rows among `total` matches (ranked; broad searches tier by tier). */
    const rowsOf = async (mode: 'all' | 'any', total: number): Promise<RankedArticle[]> => {
      if (offset >= total) return [];
      if (total <= this.broad) return pageOf(mode, 'all', 'rank', perPage, offset);
      // Scoring every match of a broad search (a common word in 40,000
      // articles) costs tens of milliseconds, and title above headings and
      // tags above body orders most of it anyway: list the matches tier by
      // tier (every word in the title, some, in headings or tags, only in the
      // body), newest first within a tier. A tier listed newest first stops
      // at the page's last row; only tiers skipped whole are counted.
      const rows: RankedArticle[] = [];
      let skip = offset;
      for (const tier of TIERS) {
        if (tier === 'title-some' && query.terms.length === 1) continue; // the same as title-all
        if (skip > 0) {
          const inTier = await this.adapter.count(this.db, set(mode, tier));
          if (skip >= inTier) {
            skip -= inTier;
            continue;
          }
        }
        rows.push(...(await pageOf(mode, tier, 'recent', perPage - rows.length, skip)));
        skip = 0;
        if (rows.length === perPage) break;
      }
      return rows;
    };

    let total = await this.adapter.count(this.db, set('all'));
    let mode: 'all' | 'any' = 'all';
    if (total === 0 && query.terms.length > 1) {
      // No article has every word: show those with some of them, saying so.
      mode = 'any';
      total = await this.adapter.count(this.db, set('any'));
    }
    const relaxed = mode === 'any' && total > 0;
    const rows = await rowsOf(mode, total);
    const matches = queryMatcher(query, vocabulary);
    return {
      searched: true,
      total,
      hits: rows.map((row: RankedArticle) => ({
        systemSlug: row.system_slug,
        systemName: row.system_name,
        categoryName: row.category_name,
        slug: row.slug,
        title: row.title,
        titleHtml: highlight(row.title, matches),
        snippetHtml: r.typing ? '' : snippet(row.body_text, row.summary, matches),
        updatedAt: row.updated_at,
      })),
      page,
      pages: Math.ceil(total / perPage),
      relaxed,
    };
  }
}
