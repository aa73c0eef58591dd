import { expect, it } from 'vitest';
import { signedInStaff } from '../staff-fixtures.ts';
import { useAxePortal } from './axe-portal.ts';
import { BrowserProblems, describeInBrowser, screenshot } from './browser.ts';
import { expectAccessibleAtBothWidths } from './expect-accessible-at-both-widths.ts';

/**
 * The console's article editor in chromium: axe on the editor (as editor and
 * as lectura), its no-JS preview, the conflict page, the history and the
 * diff, at desktop and phone widths, with no sideways scroll at 390 px; and
 * the live preview (help-editor.js) under the portal's CSP, updating as the
 * person types, with nothing the browser complains about.
 */
describeInBrowser('console help editor pages', { timeout: 150_000 }, () => {
  const env = useAxePortal();

  it('are accessible at desktop and 390 px', async () => {
    const { portal, axe } = env;
    const rt = portal.rt;
    const article = await rt.deps.db.selectFrom('help_articles').select(['id', 'category_id', 'slug', 'title']).where('slug', '=', 'cierre-mensual').executeTakeFirstOrThrow();
    const editor = (await signedInStaff(rt, 'editor')).client;
    const other = (await signedInStaff(rt, 'editor')).client;
    const reader = (await signedInStaff(rt, 'lectura')).client;
    const base = `/proveedor/ayuda/articulos/${article.id}`;
    const form = (body: string, revision: string) => ({ title: article.title, slug: article.slug, categoryId: article.category_id, position: '1', summary: 'Resumen.', tags: 'cierre', body, revision });
    expect((await editor.post(`${base}/guardar`, form('## Paso uno\n\nTexto con una tabla:\n\n| a | b |\n|---|---|\n| 1 | 2 |\n', '0'))).status).toBe(303);
    expect((await other.post(`${base}/publicar`, { revision: '1', changeNote: 'Una tabla.' })).status).toBe(303);
    const pages: Array<[string, string, Response]> = [
      ['editor', base, await editor.get(base)],
      ['editor (lectura)', base, await reader.get(base)],
      ['vista previa', base, await editor.post(`${base}/vista-previa`, form('## Sin guardar\n\nUn texto **largo** '.repeat(20), '0'))],
      ['nuevo', '/proveedor/ayuda/articulos/nuevo', await editor.get('/proveedor/ayuda/articulos/nuevo?sistema=contabilidad')],
      ['nuevo (error)', '/proveedor/ayuda/articulos/nuevo', await editor.post('/proveedor/ayuda/articulos/nuevo?sistema=contabilidad', { title: '', slug: 'Mal' })],
      ['historial', `${base}/historial`, await editor.get(`${base}/historial`)],
    ];
    const versions = await rt.deps.db.selectFrom('help_article_versions').select('version_no').where('article_id', '=', article.id).orderBy('version_no').execute();
    const [first, last] = [versions[0]!.version_no, versions.at(-1)!.version_no];
    pages.push(['diferencias', `${base}/diferencias`, await editor.get(`${base}/diferencias?de=${first}&a=${last}`)]);
    await editor.post(`${base}/guardar`, form('Lo del editor.', '0'));
    pages.push(['conflicto', base, await other.post(`${base}/guardar`, form('Lo del otro, sin guardar.', '0'))]);
    await expectAccessibleAtBothWidths(axe, portal.base, pages);
  });

  it('updates the live preview while typing, under the CSP, without saving', async () => {
    const { portal, browser } = env;
    const rt = portal.rt;
    const article = await rt.deps.db.selectFrom('help_articles').select('id').where('slug', '=', 'importar-plan-de-cuentas').executeTakeFirstOrThrow();
    const { client } = await signedInStaff(rt, 'editor');
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'es-CL' });
    await context.addCookies([{ name: 'staff', value: client.cookies.get('staff')!, url: portal.base }]);
    const page = await context.newPage();
    const problems = new BrowserProblems((pageUrl, scriptUrl) => new URL(scriptUrl).pathname === '/static/help-editor.js' && new URL(pageUrl).pathname.startsWith('/proveedor/ayuda/articulos/'));
    problems.watch(page);
    await page.goto(`${portal.base}/proveedor/ayuda/articulos/${article.id}`);
    await page.locator('#vista-previa-contenido .help-article').waitFor();
    await page.fill('#body', '## Escrito en vivo\n\nEl texto **cambia** mientras escribe.');
    await page.locator('#vista-previa-contenido h2#escrito-en-vivo').waitFor({ timeout: 5_000 });
    expect(await page.locator('#vista-previa-contenido strong').first().textContent()).toBe('cambia');
    await screenshot(page, 'help-editor-live-preview');
    problems.expectNone();
    expect(await rt.deps.db.selectFrom('help_article_drafts').select('article_id').where('article_id', '=', article.id).execute()).toEqual([]);
    await context.close();
  });
});
