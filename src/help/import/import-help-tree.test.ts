import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { article, PNG, writeHelpFolder } from '../../../tests/help-folder.ts';
import { createTestRuntime, type TestRuntime } from '../../../tests/test-runtime.ts';
import { readArticle } from '../read-help.ts';
import { importHelpTree, type ImportProgress } from './import-help-tree.ts';
import { readHelpTree } from './read-help-tree.ts';

let rt: TestRuntime;
let help: ReturnType<typeof writeHelpFolder>;

const cierre = article(
  { system: 'contabilidad', category: 'cierre', slug: 'cierre-mensual', title: 'Cierre mensual', summary: 'Cerrar un mes.', order: 1, tags: 'Cierre, Período' },
  '## Pasos\n\nPrimero [configure la empresa](configurar-empresa).\n\n![Pantalla](imagenes/cierre.png)\n',
);
const empresa = (category = 'primeros-pasos') =>
  article({ system: 'contabilidad', category, slug: 'configurar-empresa', title: 'Configurar la empresa', order: 1 }, 'Datos de la empresa. Luego vea el [cierre](cierre-mensual).\n');
const bodega = article({ system: 'inventario', category: 'bodegas', slug: 'crear-bodega', title: 'Crear una bodega', order: 1, tags: 'bodega' }, 'Una bodega.\n');

beforeEach(async () => {
  rt = await createTestRuntime({ withHelp: false });
  help = writeHelpFolder({
    'sinonimos.txt': 'bodega, almacen\n',
    'contabilidad/cierre/cierre-mensual.md': cierre,
    'contabilidad/cierre/imagenes/cierre.png': PNG,
    'contabilidad/primeros-pasos/configurar-empresa.md': empresa(),
    'inventario/bodegas/crear-bodega.md': bodega,
  });
});
afterEach(async () => {
  help.remove();
  await rt.close();
});

const run = (onProgress?: (p: ImportProgress) => void) => importHelpTree(rt.deps.db, rt.deps.dialect, readHelpTree(help.dir), rt.clock.now(), onProgress);
const articles = () => rt.deps.db.selectFrom('help_articles').select(['id', 'slug', 'category_id', 'published', 'updated_at', 'source_hash', 'body_html']).orderBy('slug').execute();
const indexVersion = async () => (await rt.deps.db.selectFrom('help_index_state').select('version').executeTakeFirstOrThrow()).version;
const bySlug = async (slug: string) => (await articles()).find((a) => a.slug === slug)!;

describe('importHelpTree', () => {
  it('imports a folder, and a second time changes nothing at all', async () => {
    const progress: ImportProgress[] = [];
    expect(await run((p) => progress.push(p))).toEqual({ created: 3, updated: 0, unchanged: 0, unpublished: 0, systems: 2, articles: 3, overwritten: [] });
    expect(progress.map((p) => `${p.done}/${p.total} ${p.path}`)).toEqual([
      '1/3 contabilidad/cierre/cierre-mensual.md',
      '2/3 contabilidad/primeros-pasos/configurar-empresa.md',
      '3/3 inventario/bodegas/crear-bodega.md',
    ]);
    const a = await bySlug('cierre-mensual');
    expect(a.body_html).toContain('<a href="/ayuda/contabilidad/configurar-empresa">');
    const row = await rt.deps.db.selectFrom('help_articles').select(['title', 'summary', 'tags', 'position', 'toc', 'body_text']).where('id', '=', a.id).executeTakeFirstOrThrow();
    expect(row).toEqual({ title: 'Cierre mensual', summary: 'Cerrar un mes.', tags: 'Cierre, Período', position: 1, toc: '[{"level":2,"id":"pasos","text":"Pasos"}]', body_text: 'Pasos\nPrimero configure la empresa.\nPantalla' });
    const tags = await rt.deps.db.selectFrom('help_article_tags').select('tag').where('article_id', '=', a.id).orderBy('tag').execute();
    expect(tags.map((t) => t.tag)).toEqual(['cierre', 'periodo']);
    const files = await rt.deps.db.selectFrom('help_attachments').selectAll().where('article_id', '=', a.id).execute();
    expect(files).toHaveLength(1);
    expect(files[0]).toMatchObject({ path: 'imagenes/cierre.png', content_type: 'image/png', size: PNG.length });
    expect(Buffer.from(files[0]!.data).equals(PNG)).toBe(true);
    expect((await rt.deps.db.selectFrom('help_synonyms').select('word').orderBy('word').execute()).map((s) => s.word)).toEqual(['almacen', 'bodega']);
    const version = await indexVersion();
    expect(version).toBeGreaterThan(0);

    const before = await articles();
    const attachmentIds = await rt.deps.db.selectFrom('help_attachments').select('id').orderBy('id').execute();
    rt.clock.advance(60_000);
    expect(await run()).toEqual({ created: 0, updated: 0, unchanged: 3, unpublished: 0, systems: 2, articles: 3, overwritten: [] });
    expect(await articles()).toEqual(before);
    expect(await rt.deps.db.selectFrom('help_attachments').select('id').orderBy('id').execute()).toEqual(attachmentIds);
    expect(await indexVersion()).toBe(version);
  });

  it('updates an edited article, unpublishes a removed one and brings it back with the same id', async () => {
    await run();
    const before = await articles();
    rt.clock.advance(60_000);

    help.write('inventario/bodegas/crear-bodega.md', bodega.replace('Una bodega.', 'Una bodega nueva.'));
    expect(await run()).toMatchObject({ created: 0, updated: 1, unchanged: 2, unpublished: 0 });
    const edited = await bySlug('crear-bodega');
    expect(edited.id).toBe(before.find((a) => a.slug === 'crear-bodega')!.id);
    expect(edited.updated_at).toBe(rt.clock.now().toISOString());
    expect(edited.body_html).toContain('Una bodega nueva.');

    // A changed image is a changed article.
    help.write('contabilidad/cierre/imagenes/cierre.png', Buffer.concat([PNG, Buffer.from([0])]));
    expect(await run()).toMatchObject({ updated: 1, unchanged: 2 });

    const system = await rt.deps.db.selectFrom('systems').select(['id', 'slug', 'name', 'description']).where('slug', '=', 'contabilidad').executeTakeFirstOrThrow();
    const id = (await bySlug('configurar-empresa')).id;
    const version = await indexVersion();

    rmSync(join(help.dir, 'contabilidad/primeros-pasos/configurar-empresa.md'));
    help.write('contabilidad/cierre/cierre-mensual.md', cierre.replace('Primero [configure la empresa](configurar-empresa).', 'Primero configure la empresa.'));
    expect(await run()).toMatchObject({ created: 0, updated: 1, unchanged: 1, unpublished: 1 });
    const gone = await bySlug('configurar-empresa');
    expect(gone).toMatchObject({ id, published: 0 });
    await expect(readArticle(rt.deps.db, system, 'configurar-empresa')).rejects.toMatchObject({ status: 404 });
    expect(await indexVersion()).toBe(version + 1);

    help.write('contabilidad/primeros-pasos/configurar-empresa.md', empresa());
    expect(await run()).toMatchObject({ created: 0, updated: 1, unchanged: 2, unpublished: 0 });
    expect(await bySlug('configurar-empresa')).toMatchObject({ id, published: 1 });
    expect((await readArticle(rt.deps.db, system, 'configurar-empresa')).title).toBe('Configurar la empresa');
  });

  it('keeps the id and URL of an article moved to another category, and links to it keep working', async () => {
    await run();
    const before = await bySlug('configurar-empresa');
    help.write('contabilidad/primeros-pasos/configurar-empresa.md', empresa('cierre'));
    expect(await run()).toMatchObject({ created: 0, updated: 1, unchanged: 2 });
    const moved = await bySlug('configurar-empresa');
    const category = await rt.deps.db.selectFrom('help_categories').select('slug').where('id', '=', moved.category_id).executeTakeFirstOrThrow();
    expect(moved.id).toBe(before.id);
    expect(category.slug).toBe('cierre');
    expect((await bySlug('cierre-mensual')).body_html).toContain('<a href="/ayuda/contabilidad/configurar-empresa">');
  });

  it('replaces the synonyms only when they change', async () => {
    await run();
    const version = await indexVersion();
    help.write('sinonimos.txt', '# otra versión\nbodega, almacén, deposito\n');
    expect(await run()).toMatchObject({ unchanged: 3 });
    expect(await indexVersion()).toBe(version + 1);
    expect((await rt.deps.db.selectFrom('help_synonyms').select('word').orderBy('word').execute()).map((s) => s.word)).toEqual(['almacen', 'bodega', 'deposito']);
    await run();
    expect(await indexVersion()).toBe(version + 1);
  });
});
