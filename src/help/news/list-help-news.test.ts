import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { setPublished, systemId } from '../../../tests/help-fixtures.ts';
import { clearVersions, publishNewArticle, publishVersion } from '../../../tests/help-version-fixtures.ts';
import { createTestRuntime, type TestRuntime } from '../../../tests/test-runtime.ts';
import { listHelpNews } from './list-help-news.ts';

let rt: TestRuntime;
let conta: string;
let remu: string;
const day = (n: number) => new Date(Date.parse('2026-03-02T15:00:00Z') + n * 86_400_000);

beforeAll(async () => {
  rt = await createTestRuntime();
  conta = await systemId(rt, 'contabilidad');
  remu = await systemId(rt, 'remuneraciones');
});
afterAll(() => rt.close());
beforeEach(() => clearVersions(rt));

describe('listHelpNews', () => {
  it('gives each article once, its latest version, newest first, "Nuevo" only for a first version', async () => {
    await publishVersion(rt, { system: 'contabilidad', slug: 'cierre-mensual', note: 'Primera versión.', at: day(-40) });
    await publishVersion(rt, { system: 'contabilidad', slug: 'cierre-mensual', note: 'Nuevo plazo del F29.', at: day(-3) });
    await publishVersion(rt, { system: 'contabilidad', slug: 'cierre-mensual', note: 'Corrige un enlace.', at: day(-1) });
    await publishNewArticle(rt, { system: 'contabilidad', category: 'cierre-e-impuestos', slug: 'cierre-semestral', title: 'Cierre semestral', note: 'Guía nueva.', at: day(-2) });
    await publishVersion(rt, { system: 'remuneraciones', slug: 'finiquitos', note: 'Otro sistema.', at: day(-1) });

    const news = await listHelpNews(rt.deps.db, { systemIds: [conta], since: day(-30).toISOString(), limit: 10 });
    expect(news.total).toBe(2);
    expect(news.perSystem).toEqual({ [conta]: 2 });
    expect(news.items.map((i) => [i.slug, i.kind, i.changeNote, i.versionNo])).toEqual([
      ['cierre-mensual', 'updated', 'Corrige un enlace.', 3],
      ['cierre-semestral', 'new', 'Guía nueva.', 1],
    ]);
    expect(news.items[0]).toMatchObject({ systemSlug: 'contabilidad', systemName: 'Contabilidad', publishedAt: day(-1).toISOString() });

    // Both systems: remuneraciones' change joins in, and the counts say which system has what.
    const both = await listHelpNews(rt.deps.db, { systemIds: [conta, remu], since: day(-30).toISOString(), limit: 10 });
    expect(both.total).toBe(3);
    expect(both.perSystem).toEqual({ [conta]: 2, [remu]: 1 });
  });

  it('keeps to the window: since is exclusive, until inclusive, and a later version outside it does not hide the one inside', async () => {
    await publishVersion(rt, { system: 'contabilidad', slug: 'balance-general', note: 'v1', at: day(-10) });
    await publishVersion(rt, { system: 'contabilidad', slug: 'balance-general', note: 'v2', at: day(-5) });
    await publishVersion(rt, { system: 'contabilidad', slug: 'balance-general', note: 'v3', at: day(-1) });
    const until = await listHelpNews(rt.deps.db, { systemIds: [conta], since: day(-10).toISOString(), until: day(-5).toISOString(), limit: 10 });
    expect(until.items.map((i) => [i.changeNote, i.kind])).toEqual([['v2', 'updated']]);
    const fromV1 = await listHelpNews(rt.deps.db, { systemIds: [conta], since: new Date(day(-10).getTime() - 1).toISOString(), until: day(-9).toISOString(), limit: 10 });
    expect(fromV1.items.map((i) => [i.changeNote, i.kind])).toEqual([['v1', 'new']]);
    expect((await listHelpNews(rt.deps.db, { systemIds: [conta], since: day(-1).toISOString(), limit: 10 })).total).toBe(0);
  });

  it('leaves out articles readers cannot open now, and systems not asked for', async () => {
    await publishVersion(rt, { system: 'contabilidad', slug: 'ppm-y-f29', note: 'Publicado y luego retirado.', at: day(-1) });
    await setPublished(rt, 'contabilidad', 'ppm-y-f29', false);
    expect((await listHelpNews(rt.deps.db, { systemIds: [conta], since: day(-30).toISOString(), limit: 10 })).total).toBe(0);
    expect(await listHelpNews(rt.deps.db, { systemIds: [], limit: 10 })).toEqual({ items: [], total: 0, perSystem: {} });
    await setPublished(rt, 'contabilidad', 'ppm-y-f29', true);
  });

  it('pages through the articles in a stable order', async () => {
    const slugs = ['cierre-mensual', 'balance-general', 'ppm-y-f29', 'correccion-monetaria', 'centralizacion'];
    for (const [i, slug] of slugs.entries()) await publishVersion(rt, { system: 'contabilidad', slug, note: `cambio ${i}`, at: day(-1) });
    const seen: string[] = [];
    for (let page = 1; page <= 3; page++) {
      const r = await listHelpNews(rt.deps.db, { systemIds: [conta], limit: 2, page });
      expect(r.total).toBe(5);
      seen.push(...r.items.map((i) => i.slug));
    }
    expect(seen.sort()).toEqual([...slugs].sort());
  });
});

describe('the help as first loaded', () => {
  it('is not news: a fresh portal lists nothing until something changes after the first import', async () => {
    const fresh = await createTestRuntime();
    try {
      const all = (await fresh.deps.db.selectFrom('systems').select('id').execute()).map((s) => s.id);
      const sources = await fresh.deps.db.selectFrom('help_article_versions').select('source').distinct().execute();
      expect(sources.map((s) => s.source)).toEqual(['initial']);
      expect((await listHelpNews(fresh.deps.db, { systemIds: all, limit: 10 })).total).toBe(0);
      await publishVersion(fresh, { system: 'contabilidad', slug: 'cierre-mensual', note: 'Nuevo plazo.', at: day(1) });
      const news = await listHelpNews(fresh.deps.db, { systemIds: all, limit: 10 });
      expect(news.items.map((i) => [i.slug, i.kind, i.changeNote])).toEqual([['cierre-mensual', 'updated', 'Nuevo plazo.']]);
    } finally {
      await fresh.close();
    }
  });
});
