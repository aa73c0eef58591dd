import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { cliOperator } from '../../auth/principal.ts';
import { article, PNG, writeHelpFolder } from '../../../tests/help-folder.ts';
import { principalOf, writeDraft } from '../../../tests/help-schedule-fixtures.ts';
import { createTestStaff, type TestStaff } from '../../../tests/staff-fixtures.ts';
import { createTestRuntime, type TestRuntime } from '../../../tests/test-runtime.ts';
import { publishDraft } from '../authoring/publish-draft.ts';
import { unpublishArticle } from '../authoring/unpublish-article.ts';
import { exportHelpTree } from './export-help-tree.ts';
import { importHelpTree, INITIAL_CHANGE_NOTE } from './import-help-tree.ts';
import { readHelpTree } from './read-help-tree.ts';

// "Help as code stays true" (decision 0016): a folder imported onto a portal
// whose help was also edited in the browser wins, makes versions, keeps drafts
// and the files old versions show, and says what it overrode.

let rt: TestRuntime;
let help: ReturnType<typeof writeHelpFolder>;
let author: TestStaff;
let publisher: TestStaff;
const temp: string[] = [];

const cierre = (extra = '') =>
  article({ system: 'contabilidad', category: 'cierre', slug: 'cierre-mensual', title: 'Cierre mensual', order: 1 }, `Pasos del cierre.${extra}\n\n![Pantalla](imagenes/cierre.png)\n`);
const bodega = (extra = '') => article({ system: 'inventario', category: 'bodegas', slug: 'crear-bodega', title: 'Crear una bodega', order: 1 }, `Una bodega.${extra}\n`);
const empresa = article({ system: 'contabilidad', category: 'primeros-pasos', slug: 'configurar-empresa', title: 'Configurar la empresa', order: 1 }, 'Datos.\n');

beforeEach(async () => {
  rt = await createTestRuntime({ withHelp: false });
  author = await createTestStaff(rt.deps, 'editor');
  publisher = await createTestStaff(rt.deps, 'editor');
  help = writeHelpFolder({
    'contabilidad/cierre/cierre-mensual.md': cierre(),
    'contabilidad/cierre/imagenes/cierre.png': PNG,
    'contabilidad/primeros-pasos/configurar-empresa.md': empresa,
    'inventario/bodegas/crear-bodega.md': bodega(),
  });
  await run();
});
afterEach(async () => {
  help.remove();
  for (const d of temp.splice(0)) rmSync(d, { recursive: true, force: true });
  await rt.close();
});

const run = (dir = help.dir) => importHelpTree(rt.deps.db, rt.deps.dialect, readHelpTree(dir), rt.clock.now(), undefined, { by: cliOperator('prueba') });
const idOf = async (slug: string) => (await rt.deps.db.selectFrom('help_articles').select('id').where('slug', '=', slug).executeTakeFirstOrThrow()).id;
const versionsOf = async (slug: string) =>
  (await rt.deps.db.selectFrom('help_article_versions').select(['version_no', 'source', 'change_note', 'title']).where('article_id', '=', await idOf(slug)).orderBy('version_no').execute()).map((v) => ({ ...v, version_no: Number(v.version_no) }));
const filesOf = async (slug: string) =>
  (await rt.deps.db.selectFrom('help_attachments').select(['path', 'draft']).where('article_id', '=', await idOf(slug)).orderBy('path').execute()).map((f) => `${f.path}:${f.draft}`);

/** Edit and publish in the browser, as two different staff members (four eyes). */
async function publishInBrowser(slug: string, title: string) {
  const id = await idOf(slug);
  await writeDraft(rt, id, author, title);
  const ctx = { dialect: rt.deps.dialect, now: rt.clock.now(), selfPublish: false };
  await rt.deps.db.transaction().execute((trx) => publishDraft(trx, ctx, principalOf(publisher), { articleId: id, changeNote: 'Editado en el navegador' }));
}

async function addFile(slug: string, path: string, draft: 0 | 1) {
  await rt.deps.db
    .insertInto('help_attachments')
    .values({ id: crypto.randomUUID(), article_id: await idOf(slug), path, content_type: 'image/png', size: PNG.length, sha256: 'x', data: PNG, draft, updated_at: rt.clock.now().toISOString() })
    .execute();
}

function exportDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'export-'));
  temp.push(d);
  return join(d, 'ayuda');
}

describe('import onto help edited in the browser', () => {
  it('every article it writes is a version; an unchanged folder writes none', async () => {
    expect(await versionsOf('cierre-mensual')).toEqual([{ version_no: 1, source: 'initial', change_note: INITIAL_CHANGE_NOTE, title: 'Cierre mensual' }]);
    help.write('contabilidad/cierre/cierre-mensual.md', cierre(' Ahora con revisión.'));
    await run();
    await run();
    expect((await versionsOf('cierre-mensual')).map((v) => [v.version_no, v.source])).toEqual([[1, 'initial'], [2, 'import']]);
    expect((await rt.deps.db.selectFrom('help_articles').select('version_no').where('slug', '=', 'cierre-mensual').executeTakeFirstOrThrow()).version_no).toBe(2);
  });

  it('wins over a browser version and an open draft, keeps both, and lists them by path and title', async () => {
    await publishInBrowser('cierre-mensual', 'Cierre del mes (navegador)');
    await writeDraft(rt, await idOf('crear-bodega'), author, 'Bodega en borrador');
    help.write('contabilidad/cierre/cierre-mensual.md', cierre(' Cambio en la carpeta.'));
    help.write('inventario/bodegas/crear-bodega.md', bodega(' Cambio en la carpeta.'));
    const r = await run();
    expect(r).toMatchObject({ updated: 2, unchanged: 1 });
    expect(r.overwritten).toEqual([
      { path: 'contabilidad/cierre/cierre-mensual.md', title: 'Cierre del mes (navegador)', reasons: ['su versión 2 fue publicada en el navegador; queda en el historial y puede restaurarse'] },
      { path: 'inventario/bodegas/crear-bodega.md', title: 'Crear una bodega', reasons: ['tiene un borrador abierto: se conserva, pero parte de una versión anterior'] },
    ]);
    expect((await versionsOf('cierre-mensual')).map((v) => [v.version_no, v.source, v.title])).toEqual([
      [1, 'initial', 'Cierre mensual'], [2, 'console', 'Cierre del mes (navegador)'], [3, 'import', 'Cierre mensual'],
    ]);
    const draft = await rt.deps.db.selectFrom('help_article_drafts').select(['title', 'base_version']).where('article_id', '=', await idOf('crear-bodega')).executeTakeFirstOrThrow();
    expect(draft).toEqual({ title: 'Bodega en borrador', base_version: 1 });
    expect((await rt.deps.db.selectFrom('help_articles').select('version_no').where('slug', '=', 'crear-bodega').executeTakeFirstOrThrow()).version_no).toBe(2);
    const audit = await rt.deps.db.selectFrom('audit_events').select(['actor_kind', 'actor_label', 'detail']).where('action', '=', 'help.imported').orderBy('at', 'desc').execute();
    expect(audit[0]).toMatchObject({ actor_kind: 'cli', actor_label: 'operador (prueba)' });
    expect(JSON.parse(audit[0]!.detail!)).toMatchObject({ created: 0, updated: 2, unchanged: 1, unpublished: 0, overwritten: 2 });
  });

  it('lists an article published in the browser that the folder no longer has, and unpublishes it', async () => {
    await publishInBrowser('configurar-empresa', 'Empresa (navegador)');
    rmSync(join(help.dir, 'contabilidad/primeros-pasos/configurar-empresa.md'));
    const r = await run();
    expect(r.unpublished).toBe(1);
    expect(r.overwritten).toEqual([
      { path: 'contabilidad/primeros-pasos/configurar-empresa.md', title: 'Empresa (navegador)', reasons: ['su versión 2 fue publicada en el navegador y el archivo no está en la carpeta: se despublicó'] },
    ]);
  });

  it('lists an article unpublished in the browser that the folder publishes again', async () => {
    const id = await idOf('crear-bodega');
    rt.clock.advance(60_000);
    const ctx = { dialect: rt.deps.dialect, now: rt.clock.now(), selfPublish: false };
    await rt.deps.db.transaction().execute((trx) => unpublishArticle(trx, ctx, principalOf(publisher), { articleId: id }));
    const r = await run();
    expect(r).toMatchObject({ updated: 1, unchanged: 2 });
    expect(r.overwritten).toEqual([{ path: 'inventario/bodegas/crear-bodega.md', title: 'Crear una bodega', reasons: ['se había despublicado en el navegador: la carpeta lo vuelve a publicar'] }]);
    // Unpublished by an import (its file removed), brought back by the next: nothing of the browser's is overridden.
    rmSync(join(help.dir, 'contabilidad/primeros-pasos/configurar-empresa.md'));
    await run();
    help.write('contabilidad/primeros-pasos/configurar-empresa.md', empresa);
    expect((await run()).overwritten).toEqual([]);
  });

  it('after an export of the browser’s work, importing it back writes no version and overwrites nothing', async () => {
    await publishInBrowser('cierre-mensual', 'Cierre del mes (navegador)');
    const out = exportDir();
    await exportHelpTree(rt.deps.db, out);
    const r = await run(out);
    expect(r).toMatchObject({ created: 0, updated: 0, unchanged: 3, overwritten: [] });
    expect((await versionsOf('cierre-mensual')).map((v) => v.source)).toEqual(['initial', 'console']);
    // Adopted: the next run of the same folder is the cheap "same hash" path.
    expect(await run(out)).toMatchObject({ unchanged: 3, overwritten: [] });
  });

  it('keeps a draft’s uploads and the files an older version shows; drops a file nothing mentions', async () => {
    await addFile('cierre-mensual', 'imagenes/borrador.png', 1);
    await addFile('cierre-mensual', 'imagenes/suelta.png', 0);
    // The folder drops its image: version 1 still shows it, so it stays.
    help.write('contabilidad/cierre/cierre-mensual.md', article({ system: 'contabilidad', category: 'cierre', slug: 'cierre-mensual', title: 'Cierre mensual', order: 1 }, 'Sin imagen.\n'));
    await run();
    expect(await filesOf('cierre-mensual')).toEqual(['imagenes/borrador.png:1', 'imagenes/cierre.png:0']);
  });

  it('exports the published version only: never a draft’s text nor its files', async () => {
    const id = await idOf('crear-bodega');
    await writeDraft(rt, id, author, 'Título que solo está en el borrador');
    await addFile('crear-bodega', 'imagenes/del-borrador.png', 1);
    const out = exportDir();
    await exportHelpTree(rt.deps.db, out);
    const text = readFileSync(join(out, 'inventario/bodegas/crear-bodega.md'), 'utf8');
    expect(text).toContain('title: Crear una bodega');
    expect(text).not.toContain('borrador');
    expect(readdirSync(join(out, 'inventario/bodegas'))).toEqual(['crear-bodega.md']);
  });
});
