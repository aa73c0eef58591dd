import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Principal } from '../../auth/principal.ts';
import { inTransaction, refusal, staffPrincipal } from '../../../tests/help-structure-fixtures.ts';
import { createTestRuntime, type TestRuntime } from '../../../tests/test-runtime.ts';
import { MAX_ATTACHMENT_BYTES } from '../attachment-types.ts';
import { listArticleFiles } from './list-article-files.ts';
import { articleFilePath, uploadArticleFile } from './upload-article-file.ts';

export const PNG = (extra = 'x') => new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, ...new TextEncoder().encode(extra)]);
const PDF = new TextEncoder().encode('%PDF-1.4\n%fin\n');

let rt: TestRuntime;
let editor: Principal;
let reader: Principal;
let articleId: string;

beforeAll(async () => {
  rt = await createTestRuntime();
  editor = await staffPrincipal(rt, 'editor');
  reader = await staffPrincipal(rt, 'lectura');
  articleId = (await rt.deps.db.selectFrom('help_articles').select('id').where('slug', '=', 'cierre-mensual').executeTakeFirstOrThrow()).id;
});
afterAll(() => rt?.close());

const upload = (fileName: string, data: Uint8Array, by: Principal = editor, id = articleId) =>
  inTransaction(rt, (trx, ctx) => uploadArticleFile(trx, by, { articleId: id, fileName, data, now: ctx.now, dialect: ctx.dialect }));

describe('articleFilePath', () => {
  it('puts images under imagenes/ and the rest under archivos/, with a safe name; refuses folders and tricks', () => {
    expect(articleFilePath('Captura de Pantalla (1).PNG')).toEqual({ path: 'imagenes/captura-de-pantalla-1.png' });
    expect(articleFilePath('Declaración Jurada.pdf')).toEqual({ path: 'archivos/declaracion-jurada.pdf' });
    for (const bad of ['../x.png', 'a/b.png', 'C:\\x.png', '.htaccess.png', 'x\u0000.png', '']) expect(articleFilePath(bad)).toHaveProperty('error');
    expect(articleFilePath('x.svg')).toEqual({ error: 'Sólo se pueden subir archivos png, jpg, gif, webp, pdf, csv, txt, xlsx o docx.' });
    expect(articleFilePath('¿¿??.png')).toHaveProperty('error');
  });
});

describe('uploadArticleFile', () => {
  it('stores a draft file, gives the Markdown to paste, and audits it', async () => {
    const r = await upload('Paso 1.png', PNG());
    expect(r).toEqual({ path: 'imagenes/paso-1.png', contentType: 'image/png', size: PNG().byteLength, outcome: 'new', markdown: '![paso-1](imagenes/paso-1.png)' });
    const pdf = await upload('Formulario.pdf', PDF);
    expect(pdf.markdown).toBe('[formulario](archivos/formulario.pdf)');
    const files = await listArticleFiles(rt.deps.db, articleId);
    expect(files.find((f) => f.path === 'imagenes/paso-1.png')).toMatchObject({ draft: true });
    const audit = await rt.deps.db.selectFrom('audit_events').select('detail').where('action', '=', 'help.attachment-uploaded').execute();
    expect(audit.map((a) => JSON.parse(a.detail!).path)).toEqual(['imagenes/paso-1.png', 'archivos/formulario.pdf']);
  });

  it('replaces a draft file of the same name; the same bytes again change nothing', async () => {
    expect((await upload('paso-1.png', PNG('otra'))).outcome).toBe('replaced');
    expect((await upload('paso-1.png', PNG('otra'))).outcome).toBe('unchanged');
    const rows = await rt.deps.db.selectFrom('help_attachments').select(['path', 'size']).where('article_id', '=', articleId).where('path', 'like', 'imagenes/paso-1%').execute();
    expect(rows).toEqual([{ path: 'imagenes/paso-1.png', size: PNG('otra').byteLength }]);
  });

  it('a name a published file has gets a number: the published file is untouched', async () => {
    const published = await rt.deps.db.selectFrom('help_attachments').select(['path', 'sha256']).where('article_id', '=', articleId).where('draft', '=', 0).executeTakeFirst();
    // The shipped article has a published image, or one is made published here.
    const path = published?.path ?? 'imagenes/paso-1.png';
    if (!published) await rt.deps.db.updateTable('help_attachments').set({ draft: 0 }).where('article_id', '=', articleId).where('path', '=', path).execute();
    const before = await rt.deps.db.selectFrom('help_attachments').selectAll().where('article_id', '=', articleId).where('path', '=', path).executeTakeFirstOrThrow();
    const name = path.split('/').pop()!;
    const r = await upload(name, PNG('nueva versión'));
    expect(r.path).toBe(path.replace(/\.(\w+)$/, '-2.$1'));
    expect(r.outcome).toBe('new');
    expect((await upload(name, PNG('otra más'))).outcome).toBe('replaced');
    const after = await rt.deps.db.selectFrom('help_attachments').selectAll().where('article_id', '=', articleId).where('path', '=', path).executeTakeFirstOrThrow();
    expect(after).toEqual(before);
    // The published bytes uploaded again: nothing new.
    expect(await upload(name, new Uint8Array(before.data))).toMatchObject({ path, outcome: 'unchanged' });
  });

  it('refuses renamed, empty and oversized files and other roles, writing nothing', async () => {
    const count = async () => (await rt.deps.db.selectFrom('help_attachments').select('id').where('article_id', '=', articleId).execute()).length;
    const n = await count();
    expect((await refusal(upload('foto.png', new TextEncoder().encode('<html>')))).archivo).toBe('El contenido del archivo no corresponde a su extensión (image/png): ¿es un archivo renombrado?');
    expect((await refusal(upload('vacio.pdf', new Uint8Array(0)))).archivo).toBe('El archivo elegido está vacío.');
    const big = new Uint8Array(MAX_ATTACHMENT_BYTES + 1);
    big.set(PNG());
    expect((await refusal(upload('grande.png', big))).archivo).toBe('El archivo pesa 5,0 MiB; el máximo es 5 MiB.');
    expect((await refusal(upload('../../etc/passwd.txt', new TextEncoder().encode('x')))).archivo).toMatch(/no es un nombre de archivo válido/);
    expect((await refusal(upload('pagina.html', new TextEncoder().encode('x')))).archivo).toMatch(/Sólo se pueden subir/);
    expect((await refusal(upload(`${'a'.repeat(1001)}.png`, PNG()))).archivo).toBe('El nombre del archivo es demasiado largo: acórtelo antes de subirlo.');
    await expect(upload('x.png', PNG(), reader)).rejects.toMatchObject({ status: 403 });
    await expect(upload('x.png', PNG(), editor, '00000000-0000-0000-0000-000000000000')).rejects.toMatchObject({ status: 404 });
    expect(await count()).toBe(n);
  });

  it('two uploads of one name at once end as one draft file', async () => {
    const results = await Promise.allSettled([PNG('a'), PNG('b'), PNG('c')].map((d) => upload('a-la-vez.png', d)));
    expect(results.every((r) => r.status === 'fulfilled')).toBe(true);
    const rows = await rt.deps.db.selectFrom('help_attachments').select('path').where('article_id', '=', articleId).where('path', 'like', 'imagenes/a-la-vez%').execute();
    expect(rows).toEqual([{ path: 'imagenes/a-la-vez.png' }]);
  });
});

describe('uploadArticleFile while the draft is published', () => {
  it('an upload over a draft file that a publish turns into the published one at that moment keeps its bytes (under a new name), and the published file is untouched', async () => {
    const first = await upload('durante.png', PNG('borrador'));
    expect(first.outcome).toBe('new');
    const { db } = rt.deps;
    // The publish's writes (the article row, then its draft files published), held open while the upload arrives.
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    let wrote!: () => void;
    const written = new Promise<void>((r) => (wrote = r));
    const publishing = db.transaction().execute(async (trx) => {
      await trx.updateTable('help_articles').set({ updated_at: new Date().toISOString() }).where('id', '=', articleId).execute();
      await trx.updateTable('help_attachments').set({ draft: 0 }).where('article_id', '=', articleId).where('path', '=', first.path).execute();
      wrote();
      await held;
    });
    await written;
    const uploading = upload('durante.png', PNG('la nueva'));
    await new Promise((r) => setTimeout(r, 150));
    release();
    await publishing;
    const r = await uploading;
    const rows = await db.selectFrom('help_attachments').select(['path', 'draft', 'data']).where('article_id', '=', articleId).where('path', 'like', 'imagenes/durante%').orderBy('path').execute();
    expect(rows.map((f) => ({ path: f.path, draft: Number(f.draft), text: Buffer.from(f.data).subarray(8).toString() }))).toEqual([
      { path: 'imagenes/durante-2.png', draft: 1, text: 'la nueva' },
      { path: 'imagenes/durante.png', draft: 0, text: 'borrador' },
    ]);
    expect(r).toMatchObject({ path: 'imagenes/durante-2.png', outcome: 'new' });
  });
});
