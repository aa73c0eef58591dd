import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { articleId, insertArticle, systemId } from '../../../tests/help-fixtures.ts';
import { publishVersion } from '../../../tests/help-version-fixtures.ts';
import { createTestRuntime, type TestRuntime } from '../../../tests/test-runtime.ts';
import { listHelpNews } from '../../help/news/list-help-news.ts';
import { up } from './2026-12-01T0010-help-baseline-versions.ts';

// A portal upgraded from before help versions: its articles have no version
// row, so their next publish was a "first" version and read as "Nuevo".

let rt: TestRuntime;
beforeAll(async () => {
  rt = await createTestRuntime();
});
afterAll(() => rt.close());

describe('migration 0010: the help that existed before versions is their baseline', () => {
  it('gives each published article without versions an initial version; its next publish is "Actualizado"', async () => {
    const db = rt.deps.db;
    // The state migration 0006 left on an existing portal: no versions, version_no 0.
    await db.deleteFrom('help_article_versions').execute();
    await db.updateTable('help_articles').set({ version_no: 0 }).execute();
    const draft = await insertArticle(rt, { system: 'contabilidad', category: 'cierre-e-impuestos', slug: 'solo-borrador', title: 'Solo borrador', published: false });
    const before = await db.selectFrom('help_articles').select('id').where('published', '=', 1).execute();
    expect(before.length).toBeGreaterThan(0);

    await up(db);
    const versions = await db.selectFrom('help_article_versions').select(['article_id', 'version_no', 'source', 'title']).execute();
    expect(versions).toHaveLength(before.length);
    expect(new Set(versions.map((v) => `${v.version_no}/${v.source}`))).toEqual(new Set(['1/initial']));
    expect(versions.some((v) => v.article_id === draft)).toBe(false);
    const cierre = await articleId(rt, 'contabilidad', 'cierre-mensual');
    expect((await db.selectFrom('help_articles').select('version_no').where('id', '=', cierre).executeTakeFirstOrThrow()).version_no).toBe(1);
    const conta = await systemId(rt, 'contabilidad');
    expect((await listHelpNews(db, { systemIds: [conta], limit: 10 })).total).toBe(0);

    await publishVersion(rt, { system: 'contabilidad', slug: 'cierre-mensual', note: 'Nuevo plazo.' });
    const news = await listHelpNews(db, { systemIds: [conta], limit: 10 });
    expect(news.items.map((i) => [i.slug, i.kind, i.versionNo])).toEqual([['cierre-mensual', 'updated', 2]]);
    // Run again (nothing left at version 0): nothing more.
    await up(db);
    expect(await db.selectFrom('help_article_versions').select('id').execute()).toHaveLength(before.length + 1);
  });
});
