import { it } from 'vitest';
import { signedInStaff } from '../staff-fixtures.ts';
import { useAxePortal } from './axe-portal.ts';
import { describeInBrowser } from './browser.ts';
import { expectAccessibleAtBothWidths } from './expect-accessible-at-both-widths.ts';

/**
 * axe-core on the console's help structure pages (the landing, a system, the
 * new system and category forms with and without errors, an article's files,
 * the broken-link report) as an editor and as lectura, at desktop and phone
 * widths; at 390 px no page may scroll sideways.
 */
describeInBrowser('console help structure pages are accessible', { timeout: 120_000 }, () => {
  const env = useAxePortal();

  it('finds no violation and no sideways scroll at 390 px', async () => {
    const { portal, axe } = env;
    const rt = portal.rt;
    const article = await rt.deps.db.selectFrom('help_articles').select('id').where('slug', '=', 'cierre-mensual').executeTakeFirstOrThrow();
    await rt.deps.db.updateTable('help_articles').set({ body_md: 'Vea [esto](no-existe) y ![x](imagenes/falta.png).\n' }).where('id', '=', article.id).execute();
    const editor = (await signedInStaff(rt, 'editor')).client;
    const reader = (await signedInStaff(rt, 'lectura')).client;
    const pages: Array<[string, string, Response]> = [];
    for (const [label, path] of [
      ['ayuda', '/proveedor/ayuda'],
      ['sistema', '/proveedor/ayuda/sistemas/contabilidad'],
      ['nuevo sistema', '/proveedor/ayuda/sistemas/nuevo'],
      ['nueva categoría', '/proveedor/ayuda/sistemas/contabilidad/categorias/nueva'],
      ['categoría', '/proveedor/ayuda/sistemas/contabilidad/categorias/primeros-pasos'],
      ['archivos', `/proveedor/ayuda/articulos/${article.id}/archivos`],
      ['enlaces rotos', '/proveedor/ayuda/enlaces-rotos'],
    ] as const) {
      pages.push([label, path, await editor.get(path)]);
    }
    pages.push(['ayuda (lectura)', '/proveedor/ayuda', await reader.get('/proveedor/ayuda')]);
    pages.push(['nuevo sistema (error)', '/proveedor/ayuda/sistemas/nuevo', await editor.post('/proveedor/ayuda/sistemas/nuevo', { slug: 'Mal', name: '' })]);
    pages.push(['categoría (error)', '/proveedor/ayuda/sistemas/contabilidad/categorias/nueva', await editor.post('/proveedor/ayuda/sistemas/contabilidad/categorias/nueva', { slug: 'primeros-pasos', name: 'X' })]);
    await expectAccessibleAtBothWidths(axe, portal.base, pages);
  });
});
