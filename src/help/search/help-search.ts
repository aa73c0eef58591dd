import { sql, type Kysely } from 'kysely';
import type { Dialect } from '../../db/create-db.ts';
import type { Database } from '../../db/schema.ts';
import { fts5Search } from './fts5-search-adapter.ts';
import { parseSearchQuery, queryMatcher, synonymStems, type ParsedQuery } from './parse-search-query.ts';
import { postgresSearch } from './postgres-search-adapter.ts';
import { Bm25fScorer, byScore, type Candidate, type Scored } from './bm25f.ts';
import { TIERS, type FirstPages, type RankedArticle, type SearchAdapter, type SearchSet, type SearchTier } from './search-adapter.ts';
import { SearchVocabulary, termStats } from './search-vocabulary.ts';
import { highlight, snippet } from './snippet.ts';
import { foldText } from './fold-text.ts';
import { forEachWord } from './tokenize.ts';

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
  /** The articles found; when `totalCapped`, the cap: more than this many were found (see HelpSearch's countCap). */
  total: number;
  /** True when counting stopped at the cap: "Más de 1.000 resultados", never an exact figure. */
  totalCapped: boolean;
  /** The ranked list; empty when nothing relevant was found (see `closest`). */
  hits: SearchHit[];
  page: number;
  pages: number;
  /** True when no article had every word and these have most of them (by weight). */
  relaxed: boolean;
  /** When `hits` is empty: up to three articles closest to the query, not answers (shown apart, marked as such). */
  closest: SearchHit[];
  /** The query with its unknown words taken for known ones ("finikito" → "finiquito"), or null. */
  suggestion: string | null;
}

export interface SearchRequest {
  text: string;
  /** The systems this reader may read (already narrowed to one by a filter, if any). */
  systemIds: string[];
  page?: number;
  perPage?: number;
  /** Suggestions while typing: the last word is a prefix, no snippets. */
  typing?: boolean;
  /** Raw synonym groups (entries may be phrases) used instead of the stored ones: the synonym editor's preview. */
  synonymGroups?: string[][];
}

export const MAX_PAGE = 100;
/** A LIMIT both databases take (a test's threshold may be Infinity). */
const MAX_CANDIDATES = 1_000_000;
/**
 * Candidates scored with their body (see ranked() in search()). Reading and
 * scoring a body costs about 0.1 ms at 50,000 articles: 150 of them put the
 * search's p99 at the 25 ms target; 80 leave a margin, and the whole shipped
 * help (80 articles) is still scored in full.
 */
export const FULLY_SCORED = 80;
const CLOSEST = 3;

/**
 * Above this many matches a search is "broad": listed tier by tier rather
 * than scored (see search()). Scoring reads each candidate's stems (a few
 * kilobytes) into TypeScript: at 50,000 articles, 2,000 candidates took
 * 30–100 ms, 500 a quarter of that.
 */
export const BROAD_SEARCH = 500;

/**
 * When no article has every term, an article with some of them is an
 * answer only if the terms it has carry at least this share of the query's
 * IDF weight (a question may lose a common word, never its telling one), and
 * are at least two: of a two-word query ("boleta de garantía") one word alone
 * is another subject.
 */
export const RELEVANCE = { relaxedShare: 0.7 };

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
  /**
   * Matches counted at most (then "more than"); by default what a reader can
   * page through, MAX_PAGE × perPage. Never below the broad threshold, which
   * the count decides. A small one lets tests cap the shipped help.
   */
  private readonly countCap: number | undefined;

  constructor(
    private readonly db: Kysely<Database>,
    dialect: Dialect,
    opts: { broadSearch?: number; countCap?: number } = {},
  ) {
    this.broad = opts.broadSearch ?? BROAD_SEARCH;
    this.countCap = opts.countCap;
    this.adapter = dialect === 'postgres' ? postgresSearch : fts5Search;
  }

  /** The vocabulary, term counts and synonyms, reloaded when an import moved the index version. */
  async vocabulary(): Promise<SearchVocabulary> {
    const state = await this.db.selectFrom('help_index_state').select('version').where('id', '=', 1).executeTakeFirst();
    return this.vocabularyAt(this.db, Number(state?.version ?? 0));
  }

  /** The vocabulary of this index version, read through `db` when the one in memory is of another. */
  private async vocabularyAt(db: Kysely<Database>, version: number): Promise<SearchVocabulary> {
    if (this.cached?.version === version) return this.cached.vocabulary;
    const [words, synonyms, counts] = await Promise.all([
      db.selectFrom('help_search_words').select(['word', 'stem']).execute(),
      db.selectFrom('help_synonyms').select(['group_no', 'word']).orderBy('group_no').execute(),
      db.selectFrom('help_search_terms').select(['term', 'count']).execute(),
    ]);
    const groups = new Map<number, string[]>();
    for (const s of synonyms) groups.set(s.group_no, [...(groups.get(s.group_no) ?? []), s.word]);
    const stats = termStats(new Map(counts.map((c) => [c.term, Number(c.count)])));
    // help_search_words only grows: a word no indexed article has any more (an unpublished article, an
    // older version) must not come back as "¿Quiso decir …?" nor as a correction (issue 9: no draft or
    // withdrawn text reaches readers).
    const live = words.filter((w) => stats.df(w.stem) > 0);
    const vocabulary = new SearchVocabulary(live, [...groups.values()].map((g) => ({ stems: synonymStems(g) })), stats);
    this.cached = { version, vocabulary };
    return vocabulary;
  }

  async parse(text: string, typing = false): Promise<ParsedQuery> {
    return parseSearchQuery(text, await this.vocabulary(), { typing });
  }

  async search(r: SearchRequest): Promise<SearchResults> {
    return this.adapter.session(this.db, (db) => this.searchIn(db, r));
  }

  private async searchIn(db: Kysely<Database>, r: SearchRequest): Promise<SearchResults> {
    const perPage = r.perPage ?? 10;
    const page = Math.min(MAX_PAGE, Math.max(1, Math.floor(r.page ?? 1)));
    const state = await readIndexState(db);
    const stored = await this.vocabularyAt(db, state.version);
    // The preview's list is analysed per request and never cached: it changes with every edit.
    const vocabulary = r.synonymGroups ? stored.withSynonyms(r.synonymGroups.map((g) => ({ stems: synonymStems(g) }))) : stored;
    const query = parseSearchQuery(r.text, vocabulary, { typing: r.typing });
    const empty = { total: 0, totalCapped: false, hits: [], page: 1, pages: 0, relaxed: false, closest: [], suggestion: null };
    if (query.terms.length === 0 || r.systemIds.length === 0) return { searched: query.terms.length > 0, ...empty };
    const offset = (page - 1) * perPage;
    // A reader of every system needs no filter (it costs a few milliseconds on
    // a large index). Read now, never cached: a stale list would open a system.
    const allowed = new Set(r.systemIds);
    const every = state.systemIds.every((id) => allowed.has(id));
    const systemIds = every ? null : r.systemIds;
    const set = (mode: 'all' | 'any', tier: SearchTier = 'all', required?: number[]): SearchSet => ({ query, mode, systemIds, tier, ...(required ? { required } : {}) });
    const scorer = new Bm25fScorer(query.terms, vocabulary.stats);
    // The relaxed search scores its candidates whatever the broad threshold (its
    // required terms keep them few); past this many it scores the newest.
    // `count` null: not counted (the relaxed and closest sets: counting them
    // walked every doclist of an OR of common words, and only min(count, limit)
    // mattered, which the LIMIT gives).
    // `found`: the set's candidates already read with its count (see countWithFew), bodies included when n <= FULLY_SCORED.
    const ranked = async (s: SearchSet, count: number | null, limit = this.broad, found?: Candidate[]): Promise<Scored[]> => {
      const n = Math.min(count ?? Number.POSITIVE_INFINITY, limit, MAX_CANDIDATES);
      // Known to be few: read them whole at once. (Not counted and as few, the
      // path below scores them all with their bodies too, in the same order.)
      const few = count !== null && count <= n;
      if (count !== null && n <= FULLY_SCORED) return (found ?? (await this.adapter.candidates(db, s, n, true, few))).map((c) => scorer.score(c)).sort(byScore);
      // Bodies are long: the short fields order every candidate first, and only
      // the best FULLY_SCORED are read whole and scored again. The rest follow
      // in the first order, and are never relaxed answers (their coverage
      // leaves out the body).
      const order = (found ?? (await this.adapter.candidates(db, s, n, false, few))).map((c) => ({ c, s: scorer.score(c) })).sort((a, b) => byScore(a.s, b.s));
      const full = order.slice(0, FULLY_SCORED);
      const bodies = await this.adapter.bodies(db, full.map((x) => x.c.id));
      const rescored = full.map(({ c }) => scorer.score({ ...c, fields: { ...c.fields, body: bodies.get(c.id) ?? '' } })).sort(byScore);
      return [...rescored, ...order.slice(FULLY_SCORED).map((x) => ({ ...x.s, coverage: 0 }))];
    };
    const relaxedLimit = Math.max(this.broad, BROAD_SEARCH);

    /** A broad search's page: scoring every match of a common word costs tens of milliseconds, so tier by tier, newest first within a tier. */
    // `firstPages`: the first tiers' first rows, when the count brought them (see countWithFew).
    const broadPage = async (firstPages: FirstPages): Promise<string[]> => {
      const ids: string[] = [];
      let skip = offset;
      for (const tier of TIERS) {
        if (tier === 'title-some' && query.terms.length === 1) continue; // the same as title-all
        if (skip > 0) {
          // Whether the tier ends before the page starts: counting skip + 1 of it tells.
          const inTier = await this.adapter.count(db, set('all', tier), skip);
          if (skip >= inTier) {
            skip -= inTier;
            continue;
          }
        }
        const known = skip === 0 ? firstPages[tier] : undefined;
        ids.push(...(Array.isArray(known) ? known.slice(0, perPage - ids.length) : await this.adapter.recent(db, set('all', tier), perPage - ids.length, skip, known === 'many')));
        skip = 0;
        if (ids.length === perPage) break;
      }
      return ids;
    };

    // Past what a reader can page through, the count only feeds "N resultados":
    // a broad query's exact count walked every doclist of its words (5–8 ms for
    // two common words at 50,000 articles), so it stops at the cap.
    const cap = Math.min(MAX_CANDIDATES, Math.max(this.countCap ?? MAX_PAGE * perPage, this.broad));
    // A search of at most `broad` matches scores them all: they come with the count (one MATCH, not two).
    // …and a broad search's first page starts with the title tiers, which may come with it too.
    const first = await this.adapter.countWithFew(db, set('all'), cap, Math.min(this.broad, MAX_CANDIDATES), FULLY_SCORED, offset === 0 ? perPage : 0);
    const counted = first.count;
    const totalCapped = counted > cap;
    let total = totalCapped ? cap : counted;
    let relaxed = false;
    let pageIds: string[] = [];
    let closestIds: string[] = [];
    if (counted > this.broad) {
      if (offset < total) pageIds = await broadPage(first.firstPages);
    } else if (total > 0) {
      pageIds = (await ranked(set('all'), total, this.broad, first.candidates ?? undefined)).slice(offset, offset + perPage).map((s) => s.id);
    } else if (query.terms.length > 1) {
      // No article has every term. Those with most of the query's weight are
      // answers; a term heavier than what may be missing is required of each.
      const weights = scorer.weights();
      const missing = (1 - RELEVANCE.relaxedShare) * weights.reduce((a, b) => a + b, 0);
      const required = weights.flatMap((w, i) => (w > missing ? [i] : []));
      const relaxedSet = set('any', 'all', required);
      const answers = required.length < weights.length && weights.length > 2 ? (await ranked(relaxedSet, null, relaxedLimit)).filter((s) => s.matched >= 2 && s.coverage >= RELEVANCE.relaxedShare - 1e-9) : [];
      if (answers.length > 0) {
        relaxed = true;
        total = answers.length;
        pageIds = answers.slice(offset, offset + perPage).map((s) => s.id);
      } else if (!r.typing) {
        closestIds = (await ranked(set('any'), null, relaxedLimit)).slice(0, CLOSEST).map((s) => s.id);
      }
    }
    const articles = await readRankedArticles(db, [...pageIds, ...closestIds], !r.typing);
    const suggestion = readableSuggestion(query, [...articles.values()]);
    const matches = queryMatcher(query, vocabulary);
    const toHit = (row: RankedArticle): SearchHit => ({
      systemSlug: row.system_slug,
      systemName: row.system_name,
      categoryName: row.category_name,
      slug: row.slug,
      title: row.title,
      titleHtml: highlight(row.title, matches),
      snippetHtml: r.typing ? '' : snippet(row.body_text, row.summary, matches),
      updatedAt: row.updated_at,
    });
    const hitsOf = (ids: string[]) => ids.flatMap((id) => (articles.has(id) ? [toHit(articles.get(id)!)] : []));
    return {
      searched: true,
      total,
      totalCapped,
      hits: hitsOf(pageIds),
      page,
      pages: Math.min(MAX_PAGE, Math.ceil(total / perPage)),
      relaxed,
      closest: hitsOf(closestIds),
      suggestion,
    };
  }
}

/**
 * In one statement: the index version (is the vocabulary in memory current?)
 * and every system's id (does this reader read them all?). Never cached: a
 * stale list of systems would open one.
 */
async function readIndexState(db: Kysely<Database>): Promise<{ version: number; systemIds: string[] }> {
  const result = await sql<{ version: number | string | null; id: string | null }>`
    select (select version from help_index_state where id = 1) as version, s.id from (select 1 as one) o left join systems s on 1 = 1`.execute(db);
  return { version: Number(result.rows[0]?.version ?? 0), systemIds: result.rows.flatMap((row) => (row.id === null ? [] : [row.id])) };
}

/** The articles a page shows, by id (only the page's rows are read). */
async function readRankedArticles(db: Kysely<Database>, ids: string[], withBody: boolean): Promise<Map<string, RankedArticle>> {
  if (ids.length === 0) return new Map();
  const rows = await db
    .selectFrom('help_articles as a')
    .innerJoin('systems as s', 's.id', 'a.system_id')
    .innerJoin('help_categories as c', 'c.id', 'a.category_id')
    .select(['a.id', 'a.slug', 'a.title', 'a.summary', 'a.updated_at', 's.slug as system_slug', 's.name as system_name', 'c.name as category_name'])
    .$if(withBody, (q) => q.select('a.body_text'))
    .where('a.id', 'in', ids)
    .where('a.published', '=', 1)
    .execute();
  return new Map(rows.map((row) => [row.id, { body_text: '', ...row } as RankedArticle]));
}

/**
 * "¿Quiso decir …?" only with words the reader can see: the vocabulary that
 * proposes corrections is the whole help's, and a word found only in a
 * system this reader has no contract for must not be offered (it would tell
 * them what that help says). Each corrected word must be in one of the
 * articles shown, which all come from the reader's systems.
 */
function readableSuggestion(query: ParsedQuery, shown: RankedArticle[]): string | null {
  const corrected = query.terms.flatMap((t) => (t.corrected ? [t.corrected] : []));
  if (!query.suggestion || corrected.length === 0 || shown.length === 0) return null;
  // Word by word, each written form folded once, until every corrected word is
  // seen: usually in the first article's title. (Folding every word of ten
  // bodies into a set cost 1–2 ms of a typo's search.)
  const missing = new Set(corrected);
  const folded = new Map<string, string>();
  for (const a of shown) {
    for (const text of [a.title, a.summary, a.body_text]) {
      forEachWord(text, (start, end) => {
        if (missing.size === 0) return;
        const raw = text.slice(start, end);
        let f = folded.get(raw);
        if (f === undefined) folded.set(raw, (f = foldText(raw)));
        missing.delete(f);
      });
      if (missing.size === 0) return query.suggestion;
    }
  }
  return null;
}
