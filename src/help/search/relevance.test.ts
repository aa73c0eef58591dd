import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { TestClient } from '../../../tests/client.ts';
import { addContractFor, createCustomerWithAdmin } from '../../../tests/factories.ts';
import { article, writeHelpFolder } from '../../../tests/help-folder.ts';
import { publishedArticleKeys } from '../../../tests/published-article-keys.ts';
import { createTestRuntime, type TestRuntime } from '../../../tests/test-runtime.ts';
import { isPostgresUrl } from '../../db/create-db.ts';
import { importHelpTree } from '../import/import-help-tree.ts';
import { readHelpTree } from '../import/read-help-tree.ts';
import type { SearchResults } from './help-search.ts';
import { RELEVANCE_SET, type RelevancePair } from './relevance-set.ts';
import { bumpIndexVersion, writeSearchEntries } from './search-index.ts';

const DEFAULT_WITHIN = 3;
const key = (h: { systemSlug: string; slug: string }) => `${h.systemSlug}/${h.slug}`;

describe('relevance on the shipped help', () => {
  let rt: TestRuntime;
  let allSystems: string[];

  beforeAll(async () => {
    rt = await createTestRuntime();
    allSystems = (await rt.deps.db.selectFrom('systems').select('id').execute()).map((s) => s.id);
  });
  afterAll(() => rt.close());

  const search = (text: string, more: { page?: number; perPage?: number; typing?: boolean } = {}) => rt.deps.helpSearch.search({ text, systemIds: allSystems, ...more });

  describe('the relevance set', () => {
    it('has at least 45 pairs, each naming a published article of the shipped help', async () => {
      expect(RELEVANCE_SET.length).toBeGreaterThanOrEqual(45);
      const published = await publishedArticleKeys(rt);
      expect(RELEVANCE_SET.filter((p) => !published.has(p.expect)).map((p) => p.expect)).toEqual([]);
      const asked = RELEVANCE_SET.map((p) => `${p.typing ? 'typing:' : ''}${p.query}`);
      expect(asked.filter((q, i) => asked.indexOf(q) !== i)).toEqual([]);
      // Every system of the shipped help is asked about.
      expect(new Set(RELEVANCE_SET.map((p) => p.expect.split('/')[0]))).toEqual(new Set(['contabilidad', 'remuneraciones', 'factura-electronica', 'inventario', 'activo-fijo', 'honorarios']));
    });

    it(`finds each expected article near the top (${isPostgresUrl(process.env.DATABASE_URL ?? '') ? 'PostgreSQL' : 'SQLite'})`, async () => {
      const rows: Array<{ pair: RelevancePair; rank: number; r: SearchResults }> = [];
      for (const pair of RELEVANCE_SET) {
        const r = await search(pair.query, { perPage: 10, typing: pair.typing });
        rows.push({ pair, rank: r.hits.findIndex((h) => key(h) === pair.expect) + 1, r });
      }
      const failed = rows.filter(({ pair, rank }) => rank === 0 || rank > (pair.within ?? DEFAULT_WITHIN));
      expect(failed.length, relevanceTable(failed, rt.deps.dialect)).toBe(0);
    });
  });

  describe('queries with nothing to search for', () => {
    it('says it did not search when only stop words and symbols were typed', async () => {
      for (const text of ['¿Cómo y para qué?', 'de la, el y los', '¿¡…!?', '   ']) {
        expect(await search(text)).toEqual({ searched: false, total: 0, totalCapped: false, hits: [], page: 1, pages: 0, relaxed: false, closest: [], suggestion: null });
      }
      // While typing, too.
      expect((await search('¿cómo se ', { typing: true })).searched).toBe(false);
    });

    it('searched, but found nothing, when no system is readable', async () => {
      const r = await rt.deps.helpSearch.search({ text: 'factura', systemIds: [] });
      expect(r).toMatchObject({ searched: true, total: 0, hits: [], relaxed: false });
    });
  });

  describe('the relaxed search', () => {
    it('answers with the articles that have most of the weight of the words when none has them all', async () => {
      // No article says "computador": the one about dar de baja a stolen (robado) asset answers all the same.
      const r = await search('quiero dar de baja un computador que se robaron');
      expect(r).toMatchObject({ relaxed: true, closest: [], suggestion: null });
      expect(r.hits[0] && key(r.hits[0])).toBe('activo-fijo/venta-o-baja-de-un-bien');
      expect(r.total).toBeGreaterThanOrEqual(r.hits.length);
    });

    it('says it found nothing, with the closest articles apart, when no article has the telling words together', async () => {
      const [both, vacaciones, factoring] = await Promise.all([search('vacaciones factoring'), search('vacaciones'), search('factoring')]);
      expect(vacaciones.hits.length).toBeGreaterThan(0);
      expect(factoring.hits.length).toBeGreaterThan(0);
      // Two topics no article joins: neither word may be left out, so there is no ranked list.
      expect(both).toMatchObject({ searched: true, total: 0, hits: [], relaxed: false, pages: 0 });
      expect(both.closest.length).toBeGreaterThan(0);
      expect(both.closest.length).toBeLessThanOrEqual(3);
      expect(both.closest.slice(0, 2).map(key).sort()).toEqual(['factura-electronica/cesion-de-facturas', 'remuneraciones/vacaciones']);
    });

    it('is not tried for a single word that found nothing', async () => {
      expect(await search('zanahorias')).toMatchObject({ searched: true, total: 0, hits: [], relaxed: false, closest: [] });
    });

    it('keeps its count past the last page', async () => {
      const first = await search('quiero dar de baja un computador que se robaron');
      const r = await search('quiero dar de baja un computador que se robaron', { page: 50, perPage: 2 });
      expect(r).toMatchObject({ searched: true, hits: [], relaxed: true, page: 50, total: first.total });
    });
  });

  describe('pagination', () => {
    it('pages through every result once, in a stable order, with the same total on every page', async () => {
      const first = await search('sii', { perPage: 4 });
      expect(first.total).toBeGreaterThan(12);
      expect(first.pages).toBe(Math.ceil(first.total / 4));
      const all: string[] = [];
      for (let page = 1; page <= first.pages; page++) {
        const r = await search('sii', { page, perPage: 4 });
        expect(r.total).toBe(first.total);
        expect(r.page).toBe(page);
        expect(r.hits.length).toBe(page < first.pages ? 4 : first.total - 4 * (first.pages - 1));
        all.push(...r.hits.map(key));
      }
      expect(new Set(all).size).toBe(first.total);
      expect(all.slice(0, 4)).toEqual(first.hits.map(key));
      // The same page twice is the same page.
      expect((await search('sii', { page: 2, perPage: 4 })).hits.map(key)).toEqual(all.slice(4, 8));
    });

    it('has no hits past the last page, but the right total', async () => {
      const first = await search('sii', { perPage: 4 });
      const past = await search('sii', { page: first.pages + 1, perPage: 4 });
      expect(past).toMatchObject({ searched: true, total: first.total, pages: first.pages, hits: [], page: first.pages + 1, relaxed: false });
    });

    it('reads a page number below 1 as the first page', async () => {
      const first = await search('sii', { perPage: 4 });
      for (const page of [0, -3, 0.5]) expect((await search('sii', { page, perPage: 4 })).hits.map(key)).toEqual(first.hits.map(key));
    });
  });

  describe('searches that found nothing', () => {
    let client: TestClient;
    const misses = async () =>
      (await rt.deps.db.selectFrom('help_search_misses').select(['query', 'system_slug', 'count']).orderBy('system_slug').execute()).map((m) => [m.query, m.system_slug, Number(m.count)]);

    beforeAll(async () => {
      const customer = await createCustomerWithAdmin(rt.deps);
      for (const system of ['contabilidad', 'remuneraciones', 'factura-electronica', 'inventario', 'activo-fijo', 'honorarios']) {
        await addContractFor(rt.deps, customer.id, system, '2025-01-01');
      }
      client = new TestClient(rt);
      expect((await client.signIn(customer.rut, customer.admin.email, customer.admin.password)).status).toBe(303);
    });
    beforeEach(async () => {
      await rt.deps.db.deleteFrom('help_search_misses').execute();
    });

    const get = async (path: string) => {
      const res = await client.get(path);
      expect(res.status).toBe(200);
      return res.text();
    };

    it('records the folded query, and counts it again the second time', async () => {
      const q = encodeURIComponent('  Ñandú   CÓSMICO ');
      expect(await get(`/ayuda/buscar?q=${q}`)).toContain('No encontramos artículos sobre «Ñandú   CÓSMICO»');
      expect(await misses()).toEqual([['nandu cosmico', '', 1]]);
      await get(`/ayuda/buscar?q=${q}`);
      // Typed differently, the same search.
      await get(`/ayuda/buscar?q=${encodeURIComponent('ñandu cosmico')}`);
      expect(await misses()).toEqual([['nandu cosmico', '', 3]]);
    });

    it('records the system a filtered search was limited to', async () => {
      await get(`/ayuda/buscar?q=${encodeURIComponent('ñandú cósmico')}&sistema=contabilidad`);
      await get(`/ayuda/buscar?q=${encodeURIComponent('ñandú cósmico')}`);
      expect(await misses()).toEqual([
        ['nandu cosmico', '', 1],
        ['nandu cosmico', 'contabilidad', 1],
      ]);
    });

    it('records no search that found something, had nothing to search for, or went past the last page', async () => {
      await get('/ayuda/buscar?q=finiquito');
      await get(`/ayuda/buscar?q=${encodeURIComponent('quiero dar de baja un computador que se robaron')}`); // relaxed, but found
      await get(`/ayuda/buscar?q=${encodeURIComponent('¿cómo y para qué?')}`);
      await get(`/ayuda/buscar?q=${encodeURIComponent('ñandú cósmico')}&pagina=2`);
      expect(await misses()).toEqual([]);
    });
  });
});

describe('ranking rules on a help written for them', () => {
  let rt: TestRuntime;
  let help: ReturnType<typeof writeHelpFolder>;
  let systemIds: string[];

  const conciliar = (slug: string) =>
    article({ system: 'contabilidad', category: 'cierre', slug, title: 'Conciliar el banco', tags: 'banco, cartola' }, 'Compare la cartola con el libro banco y marque cada movimiento.\n');

  beforeEach(async () => {
    rt = await createTestRuntime({ withHelp: false });
    help = writeHelpFolder({
      'sinonimos.txt': 'producto, ítem\n',
      'contabilidad/cierre/conciliar-a.md': conciliar('conciliar-a'),
      'contabilidad/cierre/conciliar-b.md': conciliar('conciliar-b'),
      'inventario/bodegas/crear-productos.md': article({ system: 'inventario', category: 'bodegas', slug: 'crear-productos', title: 'Crear productos' }, 'Complete el maestro y guarde.\n'),
      // "ítem" is rare, "producto" is everywhere: bm25 alone would rank this one first for "producto".
      'contabilidad/primeros-pasos/factura-con-items.md': article(
        { system: 'contabilidad', category: 'primeros-pasos', slug: 'factura-con-items', title: 'Detalle de la factura' },
        'Cada ítem lleva su precio. Un ítem exento va aparte. El ítem se puede copiar. Revise el ítem antes de emitir.\n',
      ),
      ...Object.fromEntries(
        ['uno', 'dos', 'tres', 'cuatro', 'cinco', 'seis'].map((n) => [
          `inventario/bodegas/movimiento-${n}.md`,
          article({ system: 'inventario', category: 'bodegas', slug: `movimiento-${n}`, title: `Movimiento ${n}` }, `Registre el producto y la cantidad del movimiento ${n}.\n`),
        ]),
      ),
    });
    await importHelpTree(rt.deps.db, rt.deps.dialect, readHelpTree(help.dir), rt.clock.now());
    systemIds = (await rt.deps.db.selectFrom('systems').select('id').execute()).map((s) => s.id);
  });
  afterEach(async () => {
    help.remove();
    await rt.close();
  });

  const slugs = async (text: string) => (await rt.deps.helpSearch.search({ text, systemIds })).hits.map((h) => h.slug);

  /** Index these articles again, one after the other, with the same text: only the order changes. */
  async function reindex(...articleSlugs: string[]) {
    for (const slug of articleSlugs) {
      const a = await rt.deps.db.selectFrom('help_articles').select(['id', 'system_id', 'title', 'summary', 'tags', 'body_text']).where('slug', '=', slug).executeTakeFirstOrThrow();
      await writeSearchEntries(rt.deps.db, rt.deps.dialect, [{ id: a.id, systemId: a.system_id, title: a.title, summary: a.summary, headings: [], tags: a.tags, bodyText: a.body_text }]);
    }
    await bumpIndexVersion(rt.deps.db);
  }

  it('breaks a tie toward the article indexed last', async () => {
    await reindex('conciliar-a', 'conciliar-b');
    expect(await slugs('conciliar cartola')).toEqual(['conciliar-b', 'conciliar-a']);
    await reindex('conciliar-a');
    expect(await slugs('conciliar cartola')).toEqual(['conciliar-a', 'conciliar-b']);
    // The same on every page.
    const page2 = await rt.deps.helpSearch.search({ text: 'banco', systemIds, perPage: 1, page: 2 });
    expect(page2.hits.map((h) => h.slug)).toEqual(['conciliar-b']);
  });

  it('puts the typed word in a title above a rare synonym in a body', async () => {
    const found = await slugs('producto');
    expect(found[0]).toBe('crear-productos');
    expect(found).toContain('factura-con-items');
    expect(found.indexOf('crear-productos')).toBeLessThan(found.indexOf('factura-con-items'));
  });

  it('answers, in the relaxed search, with the articles that have the telling words, and only those', async () => {
    const r = await rt.deps.helpSearch.search({ text: 'cartola banco movimiento kardex', systemIds });
    expect(r.hits).toEqual([]);
    const relaxed = await rt.deps.helpSearch.search({ text: 'cartola banco movimiento', systemIds });
    expect(relaxed.relaxed).toBe(false); // the conciliar articles have all three
    expect(r.closest.length).toBeGreaterThan(0); // "kardex" is in no article
    // No article has all three; the conciliar ones lack only "registre", the movimiento ones lack the rare "cartola".
    const some = await rt.deps.helpSearch.search({ text: 'cartola movimiento registre', systemIds });
    expect(some.relaxed).toBe(true);
    expect(some.hits.map((h) => h.slug).sort()).toEqual(['conciliar-a', 'conciliar-b']);
  });

  it('puts a title match above tags, and tags above a mention in the body', async () => {
    const indexed = (slug: string, text: { title: string; headings?: string[]; tags?: string; bodyText: string }) =>
      idOf(slug).then((a) => ({ ...a, summary: '', headings: [], tags: '', ...text }));
    // Indexed body first and title last: recency alone would order them the other way round.
    await writeSearchEntries(rt.deps.db, rt.deps.dialect, [
      await indexed('movimiento-tres', { title: 'Kardex', bodyText: 'Revise la bodega antes de cerrar el mes.' }),
      await indexed('movimiento-dos', { title: 'Movimiento', tags: 'kardex', bodyText: 'Revise la bodega antes de cerrar el mes.' }),
      await indexed('movimiento-cuatro', { title: 'Movimiento', headings: ['Kardex valorizado'], bodyText: 'Revise la bodega antes de cerrar el mes.' }),
      await indexed('movimiento-uno', { title: 'Movimiento', bodyText: 'Revise el kardex de la bodega antes de cerrar el mes.' }),
    ]);
    await bumpIndexVersion(rt.deps.db);
    const found = await slugs('kardex');
    expect(found[0]).toBe('movimiento-tres');
    expect(found.slice(1, 3).sort()).toEqual(['movimiento-cuatro', 'movimiento-dos']);
    expect(found[3]).toBe('movimiento-uno');
  });

  async function idOf(slug: string) {
    const a = await rt.deps.db.selectFrom('help_articles').select(['id', 'system_id']).where('slug', '=', slug).executeTakeFirstOrThrow();
    return { id: a.id, systemId: a.system_id };
  }
});

/** The failed pairs as a table, for the assertion message: what was asked, where it came, and what came first. */
function relevanceTable(rows: Array<{ pair: RelevancePair; rank: number; r: SearchResults }>, dialect: string): string {
  const lines = rows.map(({ pair, rank, r }) => [
    `${pair.typing ? '⌨ ' : ''}${pair.query}`,
    pair.expect,
    `${rank || '—'} / ${pair.within ?? DEFAULT_WITHIN}`,
    `${r.total}${r.relaxed ? ' (relaxed)' : ''}`,
    r.hits.slice(0, 3).map(key).join(', '),
    pair.note,
  ]);
  const head = ['query', 'expected', 'rank / within', 'total', 'top 3', 'note'];
  const widths = head.map((h, i) => Math.min(48, Math.max(h.length, ...lines.map((l) => l[i]!.length))));
  const row = (cells: string[]) => cells.map((c, i) => (i < cells.length - 1 ? c.padEnd(widths[i]!) : c)).join(' | ');
  return `${rows.length} of ${RELEVANCE_SET.length} pairs not found near the top on ${dialect}:\n${[row(head), widths.map((w) => '-'.repeat(w)).join('-|-'), ...lines.map(row)].join('\n')}\n`;
}
