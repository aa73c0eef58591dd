import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TestClient } from '../../../tests/client.ts';
import { addContractFor, createCustomerWithAdmin } from '../../../tests/factories.ts';
import { article, writeHelpFolder } from '../../../tests/help-folder.ts';
import { createTestRuntime, type TestRuntime } from '../../../tests/test-runtime.ts';
import { importHelpTree } from '../import/import-help-tree.ts';
import { readHelpTree } from '../import/read-help-tree.ts';
import { SEARCH_INDEX_FORMAT, ensureSearchIndexFormat } from './search-index-format.ts';
import { removeSearchEntries } from './search-index.ts';
import { TWO_EDITS } from './search-vocabulary.ts';

// The rules of issue 9 on a small help written for them, on the database the
// run uses (DATABASE_URL=postgres://… for PostgreSQL).

const conta = (slug: string, title: string, body: string, more: { summary?: string; tags?: string } = {}) => [
  `contabilidad/cierre/${slug}.md`,
  article({ system: 'contabilidad', category: 'cierre', slug, title, ...more }, `${body}\n`),
];

const HELP = Object.fromEntries([
  // Five titles share the common "factura"; one body has the telling "prorrateo".
  ...['uno', 'dos', 'tres', 'cuatro', 'cinco'].map((n) => conta(`factura-${n}`, `Factura de venta ${n}`, `Emita la factura ${n} con su IVA y revise el total antes de enviarla.`)),
  conta('credito-fiscal', 'Crédito fiscal', 'El prorrateo del IVA de las compras se calcula cada mes según las ventas exentas.'),
  // Only the summary says what the article answers.
  conta('ajustes-de-cierre', 'Ajustes de cierre', 'Revise los saldos antes de cerrar el periodo.', { summary: 'Cómo hacer la reliquidación de un periodo ya cerrado.' }),
  conta('nota-de-credito', 'Nota de crédito', 'La nota de crédito anula o corrige una factura emitida.'),
  conta('notas-internas', 'Notas internas', 'Cada nota queda en el historial. El crédito de un cliente se ve en su ficha.'),
  conta('centralizacion', 'Centralización contable', 'La centralización lleva los movimientos al libro mayor.'),
  conta('cierre-trimestre', 'Cierre del trimestre', 'Cada trimestre se revisan las cuentas de resultado.'),
  conta('libro-de-ventas', 'Libro de ventas', 'El libro de ventas resume los documentos emitidos en el mes.'),
  conta('ventas-del-libro', 'Ventas por cliente', 'Las ventas se ven por cliente; el libro mayor tiene el detalle contable.'),
  ['inventario/bodegas/cartola.md', article({ system: 'inventario', category: 'bodegas', slug: 'cartola', title: 'Cartola de bodega' }, 'La cartola muestra las entradas y salidas de la bodega.\n')],
  ['inventario/bodegas/sala-de-ventas.md', article({ system: 'inventario', category: 'bodegas', slug: 'sala-de-ventas', title: 'Sala de ventas' }, 'La sala de ventas tiene su propia bodega.\n')],
  // "boleta" ends the title and "honorarios" starts the summary: not the phrase "boleta de honorarios".
  conta('emitir-boleta', 'Emitir boleta', 'Revise el monto antes de enviar.', { summary: 'Honorarios y retenciones del mes.' }),
  ['sinonimos.txt', 'nc, nota de crédito\nimposiciones, cotizaciones previsionales\nbhe, boleta de honorarios\n'],
]);

let rt: TestRuntime;
let help: ReturnType<typeof writeHelpFolder>;
let systemIds: string[];

beforeAll(async () => {
  rt = await createTestRuntime({ withHelp: false });
  help = writeHelpFolder(HELP);
  await importHelpTree(rt.deps.db, rt.deps.dialect, readHelpTree(help.dir), rt.clock.now());
  systemIds = (await rt.deps.db.selectFrom('systems').select('id').execute()).map((s) => s.id);
});
afterAll(async () => {
  help.remove();
  await rt.close();
});

const search = (text: string, more: { typing?: boolean; synonymGroups?: string[][] } = {}) => rt.deps.helpSearch.search({ text, systemIds, ...more });
const slugs = async (text: string, more: { typing?: boolean; synonymGroups?: string[][] } = {}) => (await search(text, more)).hits.map((h) => h.slug);

describe('BM25F: rare words weigh more', () => {
  it('puts the one body with the telling word above five titles with the common one', async () => {
    // No article has the three words; "prorrateo" (one article) is the question's subject, "factura" (six) is not.
    const r = await search('prorrateo factura iva');
    expect(r.hits[0]?.slug).toBe('credito-fiscal');
    expect(r.hits.map((h) => h.slug)).not.toContain('factura-uno');
  });

  it('ranks, among articles with every word, by the rarer word in the title', async () => {
    // Both have "libro" and "ventas"; the title that says both beats the body that has them apart.
    const found = await slugs('libro de ventas');
    expect(found.slice(0, 2)).toEqual(['libro-de-ventas', 'ventas-del-libro']);
  });
});

describe('the summary is indexed', () => {
  it('finds an article by a word only its summary has', async () => {
    expect(await slugs('reliquidación')).toEqual(['ajustes-de-cierre']);
  });
});

describe('typos', () => {
  it('forgives two edits in a long word, below the word as typed', async () => {
    const q = await rt.deps.helpSearch.parse('centarlizacoin');
    expect(q.terms[0]!.alternatives.slice(1)).toEqual([expect.objectContaining({ factor: TWO_EDITS })]);
    const r = await search('centarlizacoin');
    expect(r.hits[0]?.slug).toBe('centralizacion');
    expect(r.suggestion).toBe('centralizacion');
  });

  it('offers "¿Quiso decir…?" only with a word of the systems the reader may read', async () => {
    // "cartola" is only in inventario's help: a typo of it must not name it to a reader of contabilidad alone.
    const inventario = (await rt.deps.db.selectFrom('systems').select('id').where('slug', '=', 'inventario').executeTakeFirstOrThrow()).id;
    expect((await search('kartola')).suggestion).toBe('cartola');
    const contabilidadOnly = await rt.deps.helpSearch.search({ text: 'kartola', systemIds: systemIds.filter((id) => id !== inventario) });
    expect(contabilidadOnly).toMatchObject({ hits: [], closest: [], suggestion: null });
  });

  it('forgives a word spelt by ear (k for qu, s for c, v for b, a silent h)', async () => {
    for (const text of ['sentralisasion', 'kartola']) expect((await search(text)).hits[0]?.slug, text).toMatch(/^(centralizacion|cartola)$/);
  });

  it('does not take a plausible word the help lacks for another one', async () => {
    // "renta" is one letter from "venta", but not its first; "trimestral" differs from "trimestre" only in its ending.
    for (const text of ['renta', 'trimestral']) {
      const r = await search(text);
      expect(r, text).toMatchObject({ hits: [], suggestion: null });
    }
  });

  it('does not forgive two edits in a shorter word', async () => {
    expect((await search('vetnsa')).hits).toEqual([]);
  });
});

describe('synonym phrases', () => {
  it('matches a phrase entry as adjacent words, from its abbreviation', async () => {
    // "notas-internas" has "nota" and "crédito", apart: not the phrase.
    expect(await slugs('NC')).toEqual(['nota-de-credito']);
  });

  it('never matches a phrase across two fields', async () => {
    expect(await slugs('bhe')).toEqual([]);
    expect(await slugs('boleta retenciones')).toEqual(['emitir-boleta']);
  });

  it('reads the phrase in a query as one term', async () => {
    const q = await rt.deps.helpSearch.parse('emitir nota de crédito');
    expect(q.terms.map((t) => t.word)).toEqual(['emitir', 'nota credito']);
    expect(q.terms[1]!.alternatives.map((a) => a.stems.join(' '))).toEqual(expect.arrayContaining(['nc']));
  });

  it('maps a word to a phrase ("imposiciones" to "cotizaciones previsionales")', async () => {
    const q = await rt.deps.helpSearch.parse('imposiciones');
    expect(q.terms[0]!.alternatives.some((a) => a.stems.length === 2)).toBe(true);
  });
});

describe('stems that must not meet', () => {
  it('keeps "salida" apart from "sala"', async () => {
    expect(await slugs('salida')).not.toContain('sala-de-ventas');
  });
});

describe('synonym groups given with the request (the synonym editor preview)', () => {
  it('uses them instead of the stored ones, phrases included, without changing what is stored', async () => {
    expect((await search('zorzal')).hits).toEqual([]);
    expect(await slugs('zorzal', { synonymGroups: [['zorzal', 'cartola']] })).toEqual(['cartola']);
    // The stored "nc" group is not used when groups are given.
    expect(await slugs('NC', { synonymGroups: [['zorzal', 'cartola']] })).toEqual([]);
    expect(await slugs('zorzal', { synonymGroups: [['Zorzal', 'Nota de Crédito']] })).toEqual(['nota-de-credito']);
    expect((await search('zorzal')).hits).toEqual([]);
    expect(await slugs('NC')).toEqual(['nota-de-credito']);
  });
});

describe('nothing relevant', () => {
  it('returns no ranked list, at most three closest articles, when a telling word is in no article', async () => {
    const r = await search('factura por whatsapp');
    expect(r).toMatchObject({ searched: true, total: 0, hits: [], relaxed: false });
    expect(r.closest.length).toBeGreaterThan(0);
    expect(r.closest.length).toBeLessThanOrEqual(3);
  });

  it('never shows closest articles beside a ranked list, nor while typing', async () => {
    expect((await search('prorrateo')).closest).toEqual([]);
    expect((await search('factura por whatsap', { typing: true })).closest).toEqual([]);
  });

  it('says so on the page: heading, no ranked list, the closest apart as not exact, a correction, the systems', async () => {
    const customer = await createCustomerWithAdmin(rt.deps);
    for (const system of ['contabilidad', 'inventario']) await addContractFor(rt.deps, customer.id, system, '2025-01-01');
    const client = new TestClient(rt);
    expect((await client.signIn(customer.rut, customer.admin.email, customer.admin.password)).status).toBe(303);
    const html = await (await client.get(`/ayuda/buscar?q=${encodeURIComponent('factura por whatsapp')}`)).text();
    expect(html).toContain('No encontramos artículos sobre «factura por whatsapp»');
    expect(html).not.toContain('<ol class="search-results"');
    expect(html).toContain('Artículos cercanos (no exactos)');
    expect(html).toContain('href="/ayuda/contabilidad"');
    expect(html).toContain('href="/ayuda/inventario"');
    const typo = await (await client.get(`/ayuda/buscar?q=${encodeURIComponent('centarlizacoin')}`)).text();
    expect(typo).toContain('¿Quiso decir');
    expect(typo).toContain('«centralizacion»');
  }, 90_000);
});

describe('index format', () => {
  it('re-indexes every published article at boot when the stored format is older', async () => {
    const ids = (await rt.deps.db.selectFrom('help_articles').select('id').where('published', '=', 1).execute()).map((a) => a.id);
    await removeSearchEntries(rt.deps.db, rt.deps.dialect, ids);
    await rt.deps.db.updateTable('help_index_state').set({ format: 0 }).execute();
    expect(await ensureSearchIndexFormat(rt.deps.db, rt.deps.dialect)).toBe(ids.length);
    expect(await ensureSearchIndexFormat(rt.deps.db, rt.deps.dialect)).toBe(0);
    expect((await rt.deps.db.selectFrom('help_index_state').select('format').executeTakeFirstOrThrow()).format).toBe(SEARCH_INDEX_FORMAT);
    expect(await slugs('reliquidación')).toEqual(['ajustes-de-cierre']);
    // The term counts are those of one copy of each article, not two.
    const docs = await rt.deps.db.selectFrom('help_search_terms').select('count').where('term', '=', '#docs').executeTakeFirstOrThrow();
    expect(Number(docs.count)).toBe(ids.length);
  });
});
