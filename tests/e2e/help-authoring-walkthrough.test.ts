import { deflateSync } from 'node:zlib';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { santiagoWallClock } from '../../src/domain/santiago-local-time.ts';
import { FOUR_EYES_MESSAGE } from '../../src/help/authoring/publish-draft.ts';
import { createTestStaff, totpCode, type TestStaff } from '../staff-fixtures.ts';
import { AxeAuditor, BrowserProblems, describeInBrowser, isHelpSearchScript, PHONE, screenshot, startBrowserAndPortal, VIEWPORT } from './browser.ts';
import { ShiftedClock, type PortalServer } from './portal-server.ts';

/**
 * Issue 9's proof, in Debian's chromium against the real portal over HTTP:
 * an editor signs in with TOTP, edits a published article of the shipped
 * help, uploads a real PNG, previews the text with the image, saves and sends
 * it to review; a customer's administrator keeps reading the old text (and
 * gets 404 for the draft's image) until a second staff member publishes it
 * (the author may not: four eyes), then reads the new one, its image and the
 * change note in Novedades and on the help home. The editor compares the
 * versions, restores the old one (published again), renames a slug (the old
 * address answers 301 to the new one), and a publish scheduled in Santiago
 * time happens, once, when the portal's clock passes it. A synonym line
 * tried with «Probar» and saved makes the reader's search find an article it
 * did not. A `lectura` member sees the help pages without a write form, and
 * forged POSTs answer 403. axe on every page, nothing the browser complains
 * about, and the editor's flow again with JavaScript off. Screenshots go to
 * docs/screenshots/help-editor-*.png.
 */

const MUST_AUDIT = [
  'ayuda (consola)', 'sistema (consola)', 'editor', 'archivos', 'archivos (subido)', 'editor (vista previa)', 'editor (en revisión)',
  'artículo (lector, antes)', 'ayuda (lector)', 'editor (publicador)', 'editor (publicado)', 'artículo (lector, nuevo)', 'novedades', 'ayuda (lector, cambios)',
  'historial', 'diferencias', 'editor (restaurado)', 'editor (slug)', 'artículo (lector, slug nuevo)', 'programar (cuatro ojos)', 'programar', 'programar (hecho)',
  'sinónimos', 'sinónimos (probar)', 'sinónimos (guardado)', 'búsqueda (sin respuesta)', 'búsqueda (con sinónimo)', 'editor (teléfono)', 'novedades (teléfono)',
  'ayuda (lectura)', 'editor (lectura)', 'historial (lectura)', 'archivos (lectura)', 'programar (lectura)', 'sinónimos (lectura)',
  'editor (sin JavaScript)', 'editor (vista previa sin JavaScript)', 'editor (publicado sin JavaScript)',
];

/** A real PNG: `w`×`h` pixels of one colour (IHDR, one IDAT, IEND, with their CRCs). */
function solidPng(w: number, h: number, rgb: [number, number, number]): Buffer {
  const crcTable = Array.from({ length: 256 }, (_, n) => {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    return c >>> 0;
  });
  const crc = (b: Buffer) => {
    let c = 0xffffffff;
    for (const byte of b) c = crcTable[(c ^ byte) & 0xff]! ^ (c >>> 8);
    return (c ^ 0xffffffff) >>> 0;
  };
  const chunk = (type: string, data: Buffer) => {
    const len = Buffer.alloc(4);
    len.writeUInt32BE(data.length);
    const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
    const sum = Buffer.alloc(4);
    sum.writeUInt32BE(crc(body));
    return Buffer.concat([len, body, sum]);
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(w, 0);
  ihdr.writeUInt32BE(h, 4);
  ihdr.set([8, 2, 0, 0, 0], 8);
  const row = Buffer.concat([Buffer.from([0]), Buffer.concat(Array.from({ length: w }, () => Buffer.from(rgb)))]);
  const raw = Buffer.concat(Array.from({ length: h }, () => row));
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk('IHDR', ihdr), chunk('IDAT', deflateSync(raw)), chunk('IEND', Buffer.alloc(0))]);
}

/** The editor's own script, on the article editor's pages, beside the help search box's on help pages. */
const allowScript = (pageUrl: string, scriptUrl: string) => {
  const script = new URL(scriptUrl);
  if (script.origin === new URL(pageUrl).origin && script.pathname === '/static/help-editor.js') return new URL(pageUrl).pathname.startsWith('/proveedor/ayuda/articulos/');
  return isHelpSearchScript(pageUrl, scriptUrl);
};

describeInBrowser('help authoring walkthrough in the browser', { timeout: 60_000 }, () => {
  let portal: PortalServer;
  let browser: Browser;
  let axe: AxeAuditor;
  const clock = new ShiftedClock();
  let editorCtx: BrowserContext;
  let publisherCtx: BrowserContext;
  let readerCtx: BrowserContext;
  let editor: TestStaff & { lastStep: number };
  let publisher: TestStaff & { lastStep: number };

  const problems = new BrowserProblems(allowScript);
  const url = (path: string) => portal.url + path;
  const path = (page: Page) => new URL(page.url()).pathname;
  const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

  const SYSTEM = 'contabilidad';
  const ARTICLE = { slug: 'conciliacion-bancaria', title: 'Conciliar la cuenta banco con la cartola', id: '' };
  const RENAMED = { slug: 'libro-diario-y-mayor', title: 'Consultar el libro diario y el libro mayor', newSlug: 'libros-diario-y-mayor', id: '' };
  const SCHEDULED = { slug: 'centralizacion', title: 'Centralizar ventas, compras y remuneraciones', id: '' };
  const NO_JS = { slug: 'cierre-mensual', title: 'Cierre mensual de la contabilidad', id: '' };
  const NEW_SENTENCE = 'Desde esta versión, cada partida conciliada queda marcada con la fecha de la cartola que la explica.';
  const OLD_SENTENCE = 'Casi nunca son iguales';
  const CHANGE_NOTE = 'La conciliación marca cada partida con la fecha de la cartola';
  const RESTORE_NOTE = 'Se vuelve al texto anterior de la conciliación';
  const SCHEDULED_SENTENCE = 'Desde el próximo mes la centralización agrupa las boletas por día.';
  const IMAGE = 'cartola-conciliada.png';
  const png = solidPng(160, 90, [30, 90, 160]);
  const readerImage = () => `/ayuda/${SYSTEM}/${ARTICLE.slug}/adjuntos/imagenes/${IMAGE}`;
  // A made-up abbreviation, and a phrase of the conciliation article's summary.
  const ABBREVIATION = 'zkpendq';
  const SYNONYM_LINE = `${ABBREVIATION}, partidas pendientes`;

  async function newContext(options: Parameters<Browser['newContext']>[0] = {}): Promise<BrowserContext> {
    const ctx = await browser.newContext({ viewport: VIEWPORT, locale: 'es-CL', ...options });
    ctx.setDefaultTimeout(10_000);
    return ctx;
  }
  const newPage = async (ctx: BrowserContext) => problems.watch(await ctx.newPage());
  const heading = async (page: Page) => ((await page.locator('main h1').first().textContent()) ?? '').replace(/\s+/g, ' ').trim();
  const flash = async (page: Page) => ((await page.locator('main .notice.success').first().textContent()) ?? '').replace(/\s+/g, ' ').trim();
  const mainText = async (page: Page) => ((await page.locator('main').textContent()) ?? '').replace(/\s+/g, ' ');

  async function click(page: Page, role: 'button' | 'link', name: string | RegExp): Promise<void> {
    await page.getByRole(role, { name, exact: typeof name === 'string' }).first().click();
    await page.waitForLoadState();
  }

  /** The code the authenticator shows at the portal's time, never for a step already used (the portal refuses a replay). */
  async function freshCode(who: { totpSecret: string | null; lastStep: number }): Promise<string> {
    for (;;) {
      const now = clock.now().getTime();
      const step = Math.floor(now / 30_000);
      const use = Math.max(step, who.lastStep + 1);
      if (use <= step + 1) {
        who.lastStep = use;
        return totpCode(who.totpSecret!, new Date(use * 30_000));
      }
      await sleep((step + 1) * 30_000 - now + 100);
    }
  }

  async function staffSignIn(page: Page, who: TestStaff & { lastStep: number }): Promise<void> {
    await page.goto(url('/proveedor'));
    expect(path(page)).toBe('/proveedor/ingresar');
    await page.getByLabel('Correo', { exact: true }).fill(who.email);
    await page.getByLabel('Clave', { exact: true }).fill(who.password);
    await click(page, 'button', 'Ingresar');
    expect(path(page)).toBe('/proveedor/verificar');
    await page.getByLabel('Código de verificación', { exact: true }).fill(await freshCode(who));
    await click(page, 'button', 'Verificar');
    expect(path(page)).toBe('/proveedor');
  }

  async function articleId(slug: string): Promise<string> {
    return (await portal.runtime.deps.db.selectFrom('help_articles').select('id').where('slug', '=', slug).executeTakeFirstOrThrow()).id;
  }
  const editorPath = (id: string) => `/proveedor/ayuda/articulos/${id}`;

  /** The reader's article page: its text, and whether it has the draft's image (loaded). */
  async function readArticle(page: Page, slug: string): Promise<string> {
    const res = await page.goto(url(`/ayuda/${SYSTEM}/${slug}`));
    expect(res?.status(), `/ayuda/${SYSTEM}/${slug}`).toBe(200);
    return ((await page.locator('main article, main').first().textContent()) ?? '').replace(/\s+/g, ' ');
  }

  /** Publish the stored draft from the editor page, as whoever `page` is signed in as. */
  async function publish(page: Page, id: string, note: string): Promise<void> {
    await page.goto(url(editorPath(id)));
    const section = page.locator('section', { has: page.locator('#publicar-titulo') });
    await section.getByLabel('Nota del cambio').fill(note);
    await section.getByRole('button', { name: 'Publicar', exact: true }).click();
    await page.waitForLoadState();
    expect(await flash(page)).toMatch(/^Versión \d+ publicada: los clientes ya la ven\.$/);
  }

  /** Change the body of the editor's form (JavaScript or not, the same fields) and save it. */
  async function saveBody(page: Page, edit: (body: string) => string, button = 'Guardar'): Promise<void> {
    const body = page.getByLabel('Texto (Markdown)');
    await body.fill(edit(await body.inputValue()));
    await click(page, 'button', button);
    expect(await flash(page)).toMatch(/^Borrador guardado \(revisión \d+\)/);
  }

  beforeAll(async () => {
    // Sessions outlive the walk's jumps of the clock (a new help visit needs 30 minutes away; the schedule, a few more).
    ({ browser, portal } = await startBrowserAndPortal({ env: { SIGN_IN_FAILURE_DELAY_MS: '0', SESSION_IDLE_MINUTES: '240', STAFF_SESSION_IDLE_MINUTES: '240' }, clock }));
    axe = await AxeAuditor.create(browser);
    const deps = portal.runtime.deps;
    editor = { ...(await createTestStaff(deps, 'editor', { email: 'elena.editora@proveedor.cl', name: 'Elena Editora' })), lastStep: -1 };
    publisher = { ...(await createTestStaff(deps, 'editor', { email: 'pablo.publica@proveedor.cl', name: 'Pablo Publica' })), lastStep: -1 };
    ARTICLE.id = await articleId(ARTICLE.slug);
    RENAMED.id = await articleId(RENAMED.slug);
    SCHEDULED.id = await articleId(SCHEDULED.slug);
    NO_JS.id = await articleId(NO_JS.slug);
    editorCtx = await newContext();
    publisherCtx = await newContext();
    readerCtx = await newContext();
    const page = await newPage(readerCtx);
    await page.goto(url('/ingresar'));
    await page.getByLabel('RUT de la empresa').fill(portal.demo.rut);
    await page.getByLabel('Correo', { exact: true }).fill(portal.demo.admin.email);
    await page.getByLabel('Clave', { exact: true }).fill(portal.demo.admin.password);
    await click(page, 'button', 'Ingresar');
    expect(path(page)).not.toBe('/ingresar');
    await page.close();
  });

  afterAll(async () => {
    await browser?.close();
    await portal?.close();
  });

  it('1. an editor signs in with TOTP, opens a published article, uploads a PNG, pastes its Markdown, previews the change with the image, saves and sends it to review', async () => {
    const page = await newPage(editorCtx);
    await staffSignIn(page, editor);
    await page.getByRole('navigation', { name: 'Consola' }).getByRole('link', { name: 'Ayuda', exact: true }).click();
    await page.waitForLoadState();
    expect(path(page)).toBe('/proveedor/ayuda');
    expect(await heading(page)).toBe('Ayuda en línea');
    await axe.audit('ayuda (consola)', page);
    await page.locator('main').getByRole('link', { name: 'Contabilidad', exact: true }).first().click();
    await page.waitForLoadState();
    expect(path(page)).toBe(`/proveedor/ayuda/sistemas/${SYSTEM}`);
    await axe.audit('sistema (consola)', page);
    await page.locator('main').getByRole('link', { name: ARTICLE.title, exact: true }).click();
    await page.waitForLoadState();
    expect(path(page)).toBe(editorPath(ARTICLE.id));
    expect(await heading(page)).toBe(`Editar «${ARTICLE.title}»`);
    expect(await page.getByLabel('Texto (Markdown)').inputValue()).toContain(OLD_SENTENCE);
    await axe.audit('editor', page);

    await click(page, 'link', 'Archivos');
    expect(path(page)).toBe(`${editorPath(ARTICLE.id)}/archivos`);
    await axe.audit('archivos', page);
    await page.getByLabel('Archivo', { exact: true }).setInputFiles({ name: IMAGE, mimeType: 'image/png', buffer: png });
    await click(page, 'button', 'Subir');
    expect(await flash(page)).toContain('Para usarlo, pegue en el artículo:');
    const fileRow = page.locator('main tbody tr', { hasText: IMAGE });
    expect(await fileRow.locator('[data-label="Estado"]').textContent()).toContain('borrador');
    const markdown = ((await fileRow.locator('code').textContent()) ?? '').trim();
    expect(markdown).toMatch(new RegExp(`^!\\[[^\\]]*\\]\\(imagenes/${IMAGE.replace('.', '\\.')}\\)$`));
    await axe.audit('archivos (subido)', page);
    await click(page, 'link', 'Volver al artículo');

    // The new sentence and the image pasted into the body: the live preview (help-editor.js) follows the typing.
    const body = page.getByLabel('Texto (Markdown)');
    const original = await body.inputValue();
    // The image right after the first paragraph, where the new sentence is: both in view in the preview.
    await body.fill(original.replace(OLD_SENTENCE, `${NEW_SENTENCE} ${OLD_SENTENCE}`).replace('\n\n', `\n\n${markdown}\n\n`));
    const live = page.locator('#vista-previa-contenido');
    await expect.poll(async () => (await live.textContent()) ?? '', { timeout: 10_000 }).toContain(NEW_SENTENCE);
    await click(page, 'button', 'Vista previa');
    expect(path(page)).toBe(`${editorPath(ARTICLE.id)}/vista-previa`);
    // The image as the console serves it to the preview (draft files included): it loads (lazily, once in view) and is the PNG sent.
    const shown = page.locator(`#vista-previa-contenido img[src="${editorPath(ARTICLE.id)}/archivos/imagenes/${IMAGE}"]`);
    expect(await shown.count()).toBe(1);
    await shown.scrollIntoViewIfNeeded();
    await expect.poll(() => shown.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth)).toBe(160);
    const served = await page.request.get(url(`${editorPath(ARTICLE.id)}/archivos/imagenes/${IMAGE}`));
    expect([served.status(), served.headers()['content-type'], Buffer.compare(await served.body(), png)]).toEqual([200, 'image/png', 0]);
    expect(await live.textContent()).toContain(NEW_SENTENCE);
    // The preview saved nothing: the text is still in the form.
    expect(await body.inputValue()).toContain(NEW_SENTENCE);
    await axe.audit('editor (vista previa)', page);
    // The whole page, with the preview box scrolled to the new sentence and the image.
    await page.evaluate(() => {
      window.scrollTo(0, 0);
      const box = document.getElementById('vista-previa')!;
      const img = box.querySelector('img')!;
      box.scrollTop += img.getBoundingClientRect().top - box.getBoundingClientRect().top - 260;
    });
    await screenshot(page, 'help-editor-live-preview', true);

    await click(page, 'button', 'Guardar');
    expect(await flash(page)).toMatch(/^Borrador guardado \(revisión 1\)\. Los clientes siguen viendo lo publicado/);
    expect(await body.inputValue()).toContain(NEW_SENTENCE);
    await click(page, 'button', 'Guardar y enviar a revisión');
    expect(await flash(page)).toBe('Borrador guardado (revisión 2) y enviado a revisión: otra persona con permiso para publicar puede publicarlo.');
    expect(await page.locator('dl.identity').textContent()).toContain('en revisión');
    await axe.audit('editor (en revisión)', page);

    // Four eyes: the author is told, is offered no Publicar form, and a forged one is refused with the same words.
    const publishSection = page.locator('section', { has: page.locator('#publicar-titulo') });
    expect(((await publishSection.textContent()) ?? '').replace(/\s+/g, ' ')).toContain(FOUR_EYES_MESSAGE);
    expect(await publishSection.locator('form').count()).toBe(0);
    const csrf = (await editorCtx.cookies(portal.url)).find((c) => c.name === 'staff_csrf')!.value;
    const forged = await page.request.post(url(`${editorPath(ARTICLE.id)}/publicar`), { form: { _csrf: csrf, revision: '2', changeNote: 'Yo mismo' }, maxRedirects: 0 });
    expect(forged.status()).toBe(422);
    expect(await forged.text()).toContain(FOUR_EYES_MESSAGE);
    const versions = await portal.runtime.deps.db.selectFrom('help_article_versions').select('version_no').where('article_id', '=', ARTICLE.id).execute();
    expect(versions).toHaveLength(1);
    await page.close();
    problems.expectNone();
  });

  it('2. the customer administrator still reads the old text, and the draft image answers 404', async () => {
    const page = await newPage(readerCtx);
    // The first visit of the help home: from now on it tells what changed since.
    await page.goto(url('/ayuda'));
    expect(await page.locator('#cambios').textContent()).toContain('Cambios de los últimos');
    await axe.audit('ayuda (lector)', page);
    const text = await readArticle(page, ARTICLE.slug);
    expect(text).toContain(OLD_SENTENCE);
    expect(text).not.toContain(NEW_SENTENCE);
    expect(await page.locator('main img[src*="cartola-conciliada"]').count()).toBe(0);
    await axe.audit('artículo (lector, antes)', page);
    expect((await page.request.get(url(readerImage()))).status()).toBe(404);
    await page.close();
    problems.expectNone();
  });

  it('3. a second staff member publishes it with a change note', async () => {
    const page = await newPage(publisherCtx);
    await staffSignIn(page, publisher);
    await page.goto(url('/proveedor/ayuda'));
    // The landing lists what waits for review.
    await page.locator('main').getByRole('link', { name: ARTICLE.title, exact: true }).first().click();
    await page.waitForLoadState();
    expect(path(page)).toBe(editorPath(ARTICLE.id));
    expect(await page.locator('dl.identity').textContent()).toContain('Elena Editora');
    await axe.audit('editor (publicador)', page);
    // An empty note is refused, nothing published.
    const section = page.locator('section', { has: page.locator('#publicar-titulo') });
    await section.getByRole('button', { name: 'Publicar', exact: true }).click();
    await page.waitForLoadState();
    expect(await page.locator('#errores').count()).toBe(1);
    await publish(page, ARTICLE.id, CHANGE_NOTE);
    expect(await page.locator('dl.identity').textContent()).toContain('versión 2');
    await axe.audit('editor (publicado)', page);
    await page.close();
    problems.expectNone();
  });

  it('4. the reader sees the new text, its image, and the change note in Novedades and on the help home', async () => {
    const page = await newPage(readerCtx);
    const text = await readArticle(page, ARTICLE.slug);
    expect(text).toContain(NEW_SENTENCE);
    const img = page.locator(`main img[src="${readerImage()}"]`);
    await img.scrollIntoViewIfNeeded();
    await expect.poll(() => img.evaluate((i: HTMLImageElement) => i.complete && i.naturalWidth)).toBe(160);
    expect((await page.request.get(url(readerImage()))).status()).toBe(200);
    await axe.audit('artículo (lector, nuevo)', page);

    await page.goto(url(`/ayuda/${SYSTEM}/novedades`));
    const entry = page.locator('main .news-list li', { hasText: ARTICLE.title });
    expect(await entry.count()).toBe(1);
    expect(await entry.textContent()).toContain(CHANGE_NOTE);
    expect(await entry.locator('.badge').textContent()).toBe('Actualizado');
    await axe.audit('novedades', page);
    await screenshot(page, 'help-editor-news', true);

    // Back more than half an hour after the first visit: a new visit, whose "since" is the first one's.
    clock.advance(31 * 60_000);
    await page.goto(url('/ayuda'));
    const changes = page.locator('#cambios').locator('..');
    expect(await page.locator('#cambios').textContent()).toBe('Cambios desde su última visita');
    expect(((await changes.textContent()) ?? '').replace(/\s+/g, ' ')).toContain(CHANGE_NOTE);
    await axe.audit('ayuda (lector, cambios)', page);
    await page.close();
    problems.expectNone();
  });

  it('5. the editor compares the two versions in Historial, restores the old one into a draft, the publisher publishes it, and the reader sees the old text', async () => {
    const page = await newPage(editorCtx);
    await page.goto(url(editorPath(ARTICLE.id)));
    await click(page, 'link', 'Historial de versiones');
    expect(await heading(page)).toBe(`Historial de «${ARTICLE.title}»`);
    const rows = page.locator('main tbody tr');
    expect(await rows.count()).toBe(2);
    expect(await rows.nth(0).locator('[data-label="Nota"]').textContent()).toBe(CHANGE_NOTE);
    await axe.audit('historial', page);
    await click(page, 'link', 'Cambios respecto de la 1');
    expect(path(page)).toBe(`${editorPath(ARTICLE.id)}/diferencias`);
    expect(await heading(page)).toMatch(/1 → .*2/);
    expect(await mainText(page)).toContain(NEW_SENTENCE);
    expect(await page.locator('main ins', { hasText: 'partida conciliada' }).count()).toBeGreaterThan(0);
    await axe.audit('diferencias', page);
    await screenshot(page, 'help-editor-history-diff', true);

    await click(page, 'link', 'Volver al historial');
    await page.getByRole('button', { name: 'Restaurar en el borrador la versión 1', exact: true }).click();
    await page.waitForLoadState();
    expect(path(page)).toBe(editorPath(ARTICLE.id));
    expect(await flash(page)).toMatch(/^Versión 1 copiada en el borrador \(revisión \d+\)/);
    expect(await page.getByLabel('Texto (Markdown)').inputValue()).not.toContain(NEW_SENTENCE);
    await axe.audit('editor (restaurado)', page);
    // Not published by itself.
    const reader = await newPage(readerCtx);
    expect(await readArticle(reader, ARTICLE.slug)).toContain(NEW_SENTENCE);

    const pub = await newPage(publisherCtx);
    await publish(pub, ARTICLE.id, RESTORE_NOTE);
    const text = await readArticle(reader, ARTICLE.slug);
    expect(text).toContain(OLD_SENTENCE);
    expect(text).not.toContain(NEW_SENTENCE);
    await Promise.all([page.close(), pub.close(), reader.close()]);
    problems.expectNone();
  });

  it('6. the editor renames an article’s slug, it is published, and the old address answers 301 to the new one in the reader’s browser', async () => {
    const page = await newPage(editorCtx);
    await page.goto(url(editorPath(RENAMED.id)));
    await page.getByLabel('Dirección (slug)').fill(RENAMED.newSlug);
    await click(page, 'button', 'Guardar');
    expect(await flash(page)).toMatch(/^Borrador guardado/);
    await axe.audit('editor (slug)', page);
    const pub = await newPage(publisherCtx);
    await publish(pub, RENAMED.id, 'Dirección más clara');
    expect(await pub.locator('dl.identity code').textContent()).toBe(`/ayuda/${SYSTEM}/${RENAMED.newSlug}`);

    const reader = await newPage(readerCtx);
    const res = await reader.goto(url(`/ayuda/${SYSTEM}/${RENAMED.slug}`));
    expect(path(reader)).toBe(`/ayuda/${SYSTEM}/${RENAMED.newSlug}`);
    expect(res?.status()).toBe(200);
    const first = res!.request().redirectedFrom();
    expect(first && new URL(first.url()).pathname).toBe(`/ayuda/${SYSTEM}/${RENAMED.slug}`);
    expect((await first!.response())?.status()).toBe(301);
    expect(await heading(reader)).toBe(RENAMED.title);
    await axe.audit('artículo (lector, slug nuevo)', reader);
    await Promise.all([page.close(), pub.close(), reader.close()]);
    problems.expectNone();
  });

  it('7. a publish scheduled in Santiago time: the reader keeps the old text until the portal’s clock passes it, then the new one; the schedule is done, once', async () => {
    const page = await newPage(editorCtx);
    await page.goto(url(editorPath(SCHEDULED.id)));
    await saveBody(page, (b) => `${b.trimEnd()}\n\n${SCHEDULED_SENTENCE}\n`);
    // In five minutes, as the Santiago clock on the wall says it.
    const when = santiagoWallClock(new Date(clock.now().getTime() + 5 * 60_000));
    const schedulePath = `${editorPath(SCHEDULED.id)}/programar`;
    await click(page, 'link', 'Programar publicación');
    expect(path(page)).toBe(schedulePath);
    await page.getByLabel('Fecha').fill(when.day);
    await page.getByLabel('Hora (Santiago, 24 horas)').fill(when.time);
    await page.getByLabel('Nota del cambio (para una publicación)').fill('Boletas agrupadas por día');
    await click(page, 'button', 'Programar');
    // The author may not schedule their own draft's publish either: said now, not when it fails later.
    expect(await mainText(page)).toContain(FOUR_EYES_MESSAGE);
    expect(await page.locator('main').textContent()).toContain('Este artículo no tiene nada programado.');
    await axe.audit('programar (cuatro ojos)', page);

    const pub = await newPage(publisherCtx);
    await pub.goto(url(schedulePath));
    await axe.audit('programar', pub);
    await pub.getByLabel('Fecha').fill(when.day);
    await pub.getByLabel('Hora (Santiago, 24 horas)').fill(when.time);
    await pub.getByLabel('Nota del cambio (para una publicación)').fill('Boletas agrupadas por día');
    await click(pub, 'button', 'Programar');
    expect(path(pub)).toBe(schedulePath);
    const row = pub.locator('main tbody tr');
    expect(await row.count()).toBe(1);
    expect(await row.locator('[data-label="Estado"]').textContent()).toContain('Pendiente');

    const reader = await newPage(readerCtx);
    await portal.runtime.scheduler.runDue();
    expect(await readArticle(reader, SCHEDULED.slug)).not.toContain(SCHEDULED_SENTENCE);

    clock.advance(6 * 60_000);
    await portal.runtime.scheduler.runDue();
    expect(await readArticle(reader, SCHEDULED.slug)).toContain(SCHEDULED_SENTENCE);
    // Running the jobs again changes nothing: one schedule, done, one version from it.
    await portal.runtime.scheduler.runDue();
    await pub.goto(url(schedulePath));
    expect(await row.count()).toBe(1);
    expect(await row.locator('[data-label="Estado"]').textContent()).toContain('Hecho');
    await axe.audit('programar (hecho)', pub);
    const fromSchedule = await portal.runtime.deps.db.selectFrom('help_article_versions').select('version_no').where('article_id', '=', SCHEDULED.id).where('source', '=', 'schedule').execute();
    expect(fromSchedule).toHaveLength(1);
    await Promise.all([page.close(), pub.close(), reader.close()]);
    problems.expectNone();
  });

  it('8. a synonym line tried with «Probar» and saved: the reader’s search for a made-up abbreviation finds the article it did not before', async () => {
    const reader = await newPage(readerCtx);
    const search = async (q: string) => {
      await reader.goto(url('/ayuda'));
      await reader.getByRole('search').getByLabel('Buscar en la ayuda').fill(q);
      await reader.getByRole('search').getByRole('button', { name: 'Buscar' }).click();
      await reader.waitForLoadState();
      expect(path(reader)).toBe('/ayuda/buscar');
      return reader.locator('main').getByRole('link', { name: ARTICLE.title, exact: true }).count();
    };
    expect(await search(ABBREVIATION)).toBe(0);
    expect(await mainText(reader)).toContain(`No encontramos artículos sobre «${ABBREVIATION}»`);
    await axe.audit('búsqueda (sin respuesta)', reader);
    await screenshot(reader, 'help-editor-search-no-answer', true);

    const page = await newPage(editorCtx);
    await page.goto(url('/proveedor/ayuda'));
    await click(page, 'link', 'Sinónimos');
    expect(await heading(page)).toBe('Sinónimos de la búsqueda');
    await axe.audit('sinónimos', page);
    const list = page.getByLabel('Lista de sinónimos');
    await list.fill(`${(await list.inputValue()).trimEnd()}\n${SYNONYM_LINE}\n`);
    await page.getByLabel('Búsqueda de prueba').fill(ABBREVIATION);
    await click(page, 'button', 'Probar');
    const preview = page.locator('section', { has: page.locator('h2#vista-previa') });
    const cards = preview.locator('li.card');
    expect(await cards.count()).toBe(2);
    const cardTexts = (await cards.allTextContents()).map((t) => t.replace(/\s+/g, ' '));
    expect(cardTexts.filter((t) => t.includes('Ningún resultado.'))).toHaveLength(1);
    expect(cardTexts.filter((t) => t.includes(ARTICLE.title) && t.includes('sólo aquí'))).toHaveLength(1);
    // Probar saved nothing: the list is still as typed.
    expect(await list.inputValue()).toContain(SYNONYM_LINE);
    await axe.audit('sinónimos (probar)', page);
    await screenshot(page, 'help-editor-synonyms-preview', true);
    await click(page, 'button', 'Guardar');
    expect(await flash(page)).toMatch(/^Se guardaron los sinónimos \(1 grupo nuevo o cambiado, 0 quitados\)/);
    await axe.audit('sinónimos (guardado)', page);

    expect(await search(ABBREVIATION)).toBe(1);
    await axe.audit('búsqueda (con sinónimo)', reader);
    await Promise.all([page.close(), reader.close()]);
    problems.expectNone();
  });

  it('9. at phone width: the editor and Novedades fit the screen', async () => {
    const phoneEditor = await newContext({ viewport: PHONE, isMobile: true, hasTouch: true, storageState: await editorCtx.storageState() });
    const phoneReader = await newContext({ viewport: PHONE, isMobile: true, hasTouch: true, storageState: await readerCtx.storageState() });
    for (const [ctx, label, at] of [[phoneEditor, 'editor (teléfono)', editorPath(ARTICLE.id)], [phoneReader, 'novedades (teléfono)', `/ayuda/${SYSTEM}/novedades`]] as const) {
      const page = await newPage(ctx);
      expect((await page.goto(url(at)))?.status()).toBe(200);
      const wide = await page.evaluate((w) => [...document.querySelectorAll('main *')].filter((e) => e.getBoundingClientRect().right > w && !e.closest('.table-scroll')).map((e) => `${e.tagName}.${e.className}#${e.id} ${Math.round(e.getBoundingClientRect().right)}`).slice(0, 12), PHONE.width);
      expect(await page.evaluate(() => document.documentElement.scrollWidth), wide.join('\n')).toBeLessThanOrEqual(PHONE.width);
      await axe.audit(label, page, PHONE);
    }
    await Promise.all([phoneEditor.close(), phoneReader.close()]);
    problems.expectNone();
  });

  it('10. a lectura member sees the help pages without a write form, and forged POSTs answer 403 with nothing changed', async () => {
    const lectura = { ...(await createTestStaff(portal.runtime.deps, 'lectura', { email: 'lucia.lectura@proveedor.cl', name: 'Lucía Lectura' })), lastStep: -1 };
    const ctx = await newContext();
    const page = await newPage(ctx);
    await staffSignIn(page, lectura);
    // A write control is an enabled button, field or upload in a POST form; the synonyms' «Probar» only tries, it is read.
    const writeControls = () => page.locator('main form[method=post]').locator('button:not([disabled]), input:not([type=hidden]):not([disabled]), textarea:not([disabled]), select:not([disabled])').evaluateAll((els) => els.filter((e) => !e.closest('fieldset[disabled]') && !(e.closest('form')?.getAttribute('action') ?? '').endsWith('/probar')).length);
    await page.goto(url('/proveedor/ayuda'));
    expect(await heading(page)).toBe('Ayuda en línea');
    expect(await writeControls()).toBe(0);
    expect(await page.getByRole('link', { name: /^Nuevo (artículo|sistema)/ }).count()).toBe(0);
    await axe.audit('ayuda (lectura)', page);
    await page.goto(url(editorPath(ARTICLE.id)));
    expect(await heading(page)).toBe(`Ver «${ARTICLE.title}»`);
    expect(await writeControls()).toBe(0);
    expect(await page.getByRole('button', { name: /Guardar|Publicar|Despublicar|Descartar/ }).count()).toBe(0);
    expect(await mainText(page)).toContain('Su perfil puede ver la ayuda pero no cambiarla.');
    await axe.audit('editor (lectura)', page);
    for (const [label, at] of [['historial (lectura)', '/historial'], ['archivos (lectura)', '/archivos'], ['programar (lectura)', '/programar']] as const) {
      expect((await page.goto(url(editorPath(ARTICLE.id) + at)))?.status(), at).toBe(200);
      expect(await writeControls(), at).toBe(0);
      await axe.audit(label, page);
    }
    await page.goto(url('/proveedor/ayuda/sinonimos'));
    expect(await page.getByRole('button', { name: 'Guardar' }).count()).toBe(0);
    expect(await mainText(page)).toContain('Su perfil puede probar cambios, no guardarlos.');
    // Its one form only tries a list: every button it has posts to «Probar».
    const buttons = await page.locator('main form[method=post] button').evaluateAll((els) => els.map((e) => e.getAttribute('formaction') ?? ''));
    expect(buttons.length).toBeGreaterThan(0);
    expect(buttons.filter((a) => !a.endsWith('/sinonimos/probar'))).toEqual([]);
    await axe.audit('sinónimos (lectura)', page);

    const csrf = (await ctx.cookies(portal.url)).find((c) => c.name === 'staff_csrf')!.value;
    const db = portal.runtime.deps.db;
    const before = {
      drafts: await db.selectFrom('help_article_drafts').select(['article_id', 'revision']).orderBy('article_id').execute(),
      versions: (await db.selectFrom('help_article_versions').select('id').execute()).length,
      synonyms: (await db.selectFrom('help_synonyms').select('word').execute()).length,
      files: (await db.selectFrom('help_attachments').select('id').execute()).length,
    };
    const base = editorPath(ARTICLE.id);
    for (const [at, form] of [
      [`${base}/guardar`, { revision: '0', title: 'Falso', slug: ARTICLE.slug, body: 'falso', summary: '', tags: '', position: '1', categoryId: '' }],
      [`${base}/publicar`, { revision: '0', changeNote: 'falso' }],
      [`${base}/restaurar`, { revision: '0', version: '2' }],
      [`${base}/programar`, { action: 'unpublish', day: '2030-01-01', time: '10:00', changeNote: '' }],
      ['/proveedor/ayuda/sinonimos', { texto: 'falso, mentira', base: '' }],
    ] as const) {
      const res = await page.request.post(url(at), { form: { _csrf: csrf, ...form }, maxRedirects: 0 });
      expect(res.status(), at).toBe(403);
    }
    const upload = await page.request.post(url(`${base}/archivos`), { multipart: { _csrf: csrf, archivo: { name: 'falso.png', mimeType: 'image/png', buffer: png } }, maxRedirects: 0 });
    expect(upload.status()).toBe(403);
    expect({
      drafts: await db.selectFrom('help_article_drafts').select(['article_id', 'revision']).orderBy('article_id').execute(),
      versions: (await db.selectFrom('help_article_versions').select('id').execute()).length,
      synonyms: (await db.selectFrom('help_synonyms').select('word').execute()).length,
      files: (await db.selectFrom('help_attachments').select('id').execute()).length,
    }).toEqual(before);
    await ctx.close();
    problems.expectNone();
  });

  it('11. with JavaScript off: the editor signs in, previews and saves a change, and the publisher publishes it', async () => {
    const ctx = await newContext({ javaScriptEnabled: false });
    const page = await newPage(ctx);
    await staffSignIn(page, editor);
    await page.goto(url(editorPath(NO_JS.id)));
    expect(await page.locator('#vista-previa-contenido').textContent()).toContain('Pulse «Vista previa»');
    await axe.audit('editor (sin JavaScript)', page);
    const sentence = 'Revise también las conciliaciones pendientes antes de cerrar el mes.';
    const body = page.getByLabel('Texto (Markdown)');
    await body.fill(`${await body.inputValue()}\n\n${sentence}\n`);
    await click(page, 'button', 'Vista previa');
    expect(await page.locator('#vista-previa-contenido').textContent()).toContain(sentence);
    expect(await body.inputValue()).toContain(sentence);
    await axe.audit('editor (vista previa sin JavaScript)', page);
    await click(page, 'button', 'Guardar');
    expect(await flash(page)).toMatch(/^Borrador guardado \(revisión 1\)/);

    const pubCtx = await newContext({ javaScriptEnabled: false, storageState: await publisherCtx.storageState() });
    const pub = await newPage(pubCtx);
    await publish(pub, NO_JS.id, 'Recordatorio de conciliaciones');
    await axe.audit('editor (publicado sin JavaScript)', pub);
    const reader = await newPage(readerCtx);
    expect(await readArticle(reader, NO_JS.slug)).toContain(sentence);
    await Promise.all([ctx.close(), pubCtx.close(), reader.close()]);
    problems.expectNone();
  });

  it('12. axe finds no violation on any page visited', async () => {
    await axe.expectNoViolations(portal.url, MUST_AUDIT);
  });
});
