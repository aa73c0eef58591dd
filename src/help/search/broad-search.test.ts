import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestRuntime, type TestRuntime } from '../../../tests/test-runtime.ts';
import { fts5Search } from './fts5-search-adapter.ts';
import { HelpSearch } from './help-search.ts';
import { queryMatcher } from './parse-search-query.ts';
import { postgresSearch } from './postgres-search-adapter.ts';

// A broad search (more matches than the threshold) scores only the articles
// with a query word in the title, headings or tags, and lists the rest after
// them by date. A threshold of 5 takes the shipped help there.

let rt: TestRuntime;
let broad: HelpSearch;
let exact: HelpSearch;
let systemIds: string[];

beforeAll(async () => {
  rt = await createTestRuntime();
  broad = new HelpSearch(rt.deps.db, rt.deps.dialect, { broadSearch: 5 });
  exact = new HelpSearch(rt.deps.db, rt.deps.dialect, { broadSearch: Number.POSITIVE_INFINITY });
  systemIds = (await rt.deps.db.selectFrom('systems').select('id').execute()).map((s) => s.id);
});
afterAll(() => rt.close());

async function allPages(search: HelpSearch, text: string, perPage = 4) {
  const first = await search.search({ text, systemIds, perPage });
  const keys: string[] = [];
  for (let page = 1; page <= first.pages; page++) {
    const r = await search.search({ text, systemIds, perPage, page });
    expect(r.total).toBe(first.total);
    keys.push(...r.hits.map((h) => `${h.systemSlug}/${h.slug}`));
  }
  return { total: first.total, keys };
}

describe('broad searches', () => {
  it.each(['cuenta', 'sistema factura', 'pulse guardar'])('«%s»: the same articles, each once, across the pages', async (text) => {
    const b = await allPages(broad, text);
    const e = await allPages(exact, text);
    expect(b.total).toBeGreaterThan(5);
    expect(b.total).toBe(e.total);
    expect(new Set(b.keys).size).toBe(b.keys.length);
    expect([...b.keys].sort()).toEqual([...e.keys].sort());
  });

  it('lists the articles with the words in the title first, then headings or tags, then the body, newest first in each', async () => {
    const text = 'cuenta';
    const query = await broad.parse(text);
    const adapter = rt.deps.dialect === 'postgres' ? postgresSearch : fts5Search;
    const tier = async (t: 'title-all' | 'meta' | 'body-only') => {
      const ids = await adapter.recent(rt.deps.db, { query, mode: 'all', systemIds, tier: t }, 1000, 0);
      expect(await adapter.count(rt.deps.db, { query, mode: 'all', systemIds, tier: t }, 1000)).toBe(ids.length);
      const rows = await rt.deps.db
        .selectFrom('help_articles as a')
        .innerJoin('systems as s', 's.id', 'a.system_id')
        .select(['a.id', 'a.title', 'a.slug', 'a.updated_at', 's.slug as system_slug'])
        .where('a.id', 'in', ids)
        .execute();
      return ids.map((id) => rows.find((r) => r.id === id)!);
    };
    const [title, meta, body] = [await tier('title-all'), await tier('meta'), await tier('body-only')];
    expect(title.length).toBeGreaterThan(0);
    expect(meta.length).toBeGreaterThan(0);
    expect(body.length).toBeGreaterThan(0);
    const fold = (s: string) => s.toLowerCase().normalize('NFKD').replace(/[\u0300-\u036f]/g, '');
    expect(title.every((r) => fold(r.title).includes('cuent'))).toBe(true);
    expect(meta.some((r) => fold(r.title).includes('cuent'))).toBe(false);
    // Page after page (4 a page, so pages straddle the tiers), in that order.
    const b = await allPages(broad, text, 4);
    expect(b.keys).toEqual([...title, ...meta, ...body].map((r) => `${r.system_slug}/${r.slug}`));
    for (const rows of [title, meta, body]) {
      const times = rows.map((r) => r.updated_at);
      expect(times).toEqual([...times].sort().reverse());
    }
  });

  it('suggestions and the relaxed search go through the same path', async () => {
    const typing = await broad.search({ text: 'liquidaci', systemIds, perPage: 6, typing: true });
    expect(typing.hits[0]?.slug).toBe('liquidacion-de-sueldo');
    const relaxed = await broad.search({ text: 'quiero dar de baja un computador que se robaron', systemIds });
    expect(relaxed.relaxed).toBe(true);
    expect(relaxed.hits.map((h) => h.slug)).toEqual((await exact.search({ text: 'quiero dar de baja un computador que se robaron', systemIds })).hits.map((h) => h.slug));
  });

  it('the highlighting matcher gives the same answers with the vocabulary as by stemming each word', async () => {
    const vocabulary = await broad.vocabulary();
    const words = (await rt.deps.db.selectFrom('help_search_words').select('word').execute()).map((w) => w.word);
    for (const text of ['liquidaciones', 'boleta', 'configuracion', 'factur', 'depresiacion']) {
      const q = await broad.parse(text, true);
      const plain = queryMatcher(q);
      const fast = queryMatcher(q, vocabulary);
      for (const w of [...words, 'palabranueva', 'facturitas']) expect(fast(w), `${text} / ${w}`).toBe(plain(w));
    }
  });
});
