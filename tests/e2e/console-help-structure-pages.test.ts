import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startHttpPortal, type HttpPortal } from '../http-portal.ts';
import { signedInStaff } from '../staff-fixtures.ts';
import { AxeAuditor, describeInBrowser, formatFindings, launchChromium, PHONE, type Finding } from './browser.ts';

/**
 * axe-core on the console's help structure pages (the landing, a system, the
 * new system and category forms with and without errors, an article's files,
 * the broken-link report) as an editor and as lectura, at desktop and phone
 * widths; at 390 px no page may scroll sideways.
 */
describeInBrowser('console help structure pages are accessible', { timeout: 120_000 }, () => {
  let portal: HttpPortal;
  let browser: Browser;
  let axe: AxeAuditor;

  beforeAll(async () => {
    [portal, browser] = await Promise.all([startHttpPortal(), launchChromium()]);
    axe = await AxeAuditor.create(browser);
  }, 90_000);
  afterAll(async () => {
    await browser?.close();
    await portal?.close();
  });

  it('finds no violation and no sideways scroll at 390 px', async () => {
    const rt = portal.rt;
    const article = await rt.deps.db.selectFrom('help_articles').select('id').where('slug', '=', 'cierre-mensual').executeTakeFirstOrThrow();
    await rt.deps.db.updateTable('help_articles').set({ body_md: 'Vea [esto](no-existe) y ![x](imagenes/falta.png).\n' }).where('id', '=', article.id).execute();
    const editor = (await signedInStaff(rt, 'editor')).client;
    const reader = (await signedInStaff(rt, 'lectura')).client;
    const all: Finding[] = [];
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
    const overflow: string[] = [];
    for (const [label, path, res] of pages) {
      expect(res.status, label).toBeLessThan(500);
      const html = await res.text();
      for (const [viewport, suffix] of [[undefined, ''], [PHONE, ' (390 px)']] as const) {
        const found = await axe.run(`${portal.base}${path}`, html, viewport);
        all.push(...found.map((f) => ({ page: `${label}${suffix}`, ...f })));
      }
      const wide = await (axe as unknown as { page: { evaluate<T>(f: () => T): Promise<T> } }).page.evaluate(() => document.documentElement.scrollWidth);
      if (wide > PHONE.width) overflow.push(`${label}: ${wide} px`);
    }
    expect(all, formatFindings(all)).toEqual([]);
    expect(overflow).toEqual([]);
  });
});
