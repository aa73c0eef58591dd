import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { location } from '../../../../tests/client.ts';
import { addContractFor, createCustomerWithAdmin, createTechnicalUser, type TestCustomer } from '../../../../tests/factories.ts';
import { articleId, between, signedIn } from '../../../../tests/help-fixtures.ts';
import { createTestStaff, staffClient } from '../../../../tests/staff-fixtures.ts';
import { createTestRuntime, TEST_START, type TestRuntime } from '../../../../tests/test-runtime.ts';
import { logSearch, SEARCHES_LOGGED_PER_USER_PER_DAY } from '../../../help/search/log-search.ts';
import { SEARCH_LOG_RETENTION_DAYS } from '../../../help/search/prune-search-log.ts';

// help_search_log: one row per search of the results page (bounded per user
// and day), the first result opened recorded by a plain link, old rows pruned.

let rt: TestRuntime;
/** Contabilidad only. */
let customer: TestCustomer;
let other: TestCustomer;

beforeAll(async () => {
  rt = await createTestRuntime();
  customer = await createCustomerWithAdmin(rt.deps);
  await addContractFor(rt.deps, customer.id, 'contabilidad', '2025-01-01');
  other = await createCustomerWithAdmin(rt.deps);
  await addContractFor(rt.deps, other.id, 'contabilidad', '2025-01-01');
  await addContractFor(rt.deps, other.id, 'remuneraciones', '2025-01-01');
});
afterAll(() => rt.close());

const db = () => rt.deps.db;
const rowsOf = (userId: string) => db().selectFrom('help_search_log').selectAll().where('user_id', '=', userId).orderBy('at').execute();
const logCount = async () => Number((await db().selectFrom('help_search_log').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);
/** The hrefs of the result titles, &amp; decoded. */
const resultHrefs = (html: string) => [...between(html, '<ol class="search-results"', '</ol>').matchAll(/<h2><a href="([^"]+)">/g)].map((m) => m[1]!.replaceAll('&amp;', '&'));

describe('the search log', () => {
  it('writes one row per search of the results page: folded query, system filter, day in Santiago, results', async () => {
    // 02:30 UTC on 3 March is still 2 March in Santiago (UTC−3).
    rt.clock.set(new Date('2026-03-03T02:30:00Z'));
    const user = await createTechnicalUser(rt.deps, customer.id);
    const client = await signedIn(rt, customer, user.email, user.password);
    const html = await (await client.get('/ayuda/buscar?q=Cierre+MENSUAL&sistema=contabilidad')).text();
    await client.get('/ayuda/buscar?q=Cierre+MENSUAL&sistema=contabilidad&pagina=2');
    await client.get('/ayuda/buscar?q=zzqxw+plof');
    await client.get('/ayuda/buscar?q=de+la');
    await client.get('/ayuda/sugerencias?q=cierre');
    const rows = await rowsOf(user.id);
    expect(rows.map((r) => [r.query, r.system_slug, r.day, r.results > 0])).toEqual([
      ['cierre mensual', 'contabilidad', '2026-03-02', true],
      ['zzqxw plof', '', '2026-03-02', false],
    ]);
    const hrefs = resultHrefs(html);
    expect(hrefs.length).toBeGreaterThan(0);
    for (const h of hrefs) expect(h).toMatch(new RegExp(`^/ayuda/buscar/ir\\?b=${rows[0]!.id}&a=contabilidad%2F[a-z0-9-]+$`));
    rt.clock.set(TEST_START);
  });

  it(`keeps at most ${SEARCHES_LOGGED_PER_USER_PER_DAY} rows per user and day, even 300 searches at once; the next day starts again`, async () => {
    const user = await createTechnicalUser(rt.deps, customer.id);
    const ids = await Promise.all(Array.from({ length: 300 }, (_, i) => logSearch(db(), rt.deps.dialect, { userId: user.id, text: `palabra${i}`, systemSlug: null, results: 0, now: TEST_START })));
    expect(ids.filter(Boolean)).toHaveLength(SEARCHES_LOGGED_PER_USER_PER_DAY);
    expect(await rowsOf(user.id)).toHaveLength(SEARCHES_LOGGED_PER_USER_PER_DAY);
    // Past the allowance the page still answers, its links straight to the articles.
    const client = await signedIn(rt, customer, user.email, user.password);
    const html = await (await client.get('/ayuda/buscar?q=cierre+mensual')).text();
    expect(resultHrefs(html)[0]).toBe('/ayuda/contabilidad/cierre-mensual');
    expect(await rowsOf(user.id)).toHaveLength(SEARCHES_LOGGED_PER_USER_PER_DAY);
    expect(await logSearch(db(), rt.deps.dialect, { userId: user.id, text: 'otra', systemSlug: null, results: 0, now: new Date(TEST_START.getTime() + 86_400_000) })).not.toBeNull();
  });

  it('records the first result opened, once, only by the person who searched, and then sends to the article', async () => {
    const user = await createTechnicalUser(rt.deps, customer.id);
    const client = await signedIn(rt, customer, user.email, user.password);
    const [first, second] = resultHrefs(await (await client.get('/ayuda/buscar?q=cierre+mensual')).text());
    const [row] = await rowsOf(user.id);
    expect(row!.opened_at).toBeNull();

    // Another person of the same customer following the link: the article, nothing recorded.
    const admin = await signedIn(rt, customer);
    const res0 = await admin.get(first!);
    expect(res0.status).toBe(302);
    expect((await rowsOf(user.id))[0]!.opened_at).toBeNull();

    rt.clock.set(new Date(TEST_START.getTime() + 5_000));
    const res = await client.get(first!);
    expect(res.status).toBe(302);
    const target = location(res)!;
    expect(target).toMatch(/^\/ayuda\/contabilidad\/[a-z0-9-]+$/);
    expect((await client.get(target)).status).toBe(200);
    const opened = (await rowsOf(user.id))[0]!;
    expect(opened.opened_at).toBe(new Date(TEST_START.getTime() + 5_000).toISOString());
    expect(opened.opened_article_id).toBe(await articleId(rt, 'contabilidad', target.split('/')[3]!));

    // A second click (another result, later) changes nothing.
    rt.clock.set(new Date(TEST_START.getTime() + 60_000));
    expect((await client.get(second!)).status).toBe(302);
    expect(await rowsOf(user.id)).toEqual([opened]);
    rt.clock.set(TEST_START);
  });

  it('the same search again soon (a reload, the back button after opening a result: pages are no-store) is the same row, its opening kept', async () => {
    const user = await createTechnicalUser(rt.deps, customer.id);
    const client = await signedIn(rt, customer, user.email, user.password);
    const [first] = resultHrefs(await (await client.get('/ayuda/buscar?q=cierre+mensual')).text());
    expect((await client.get(first!)).status).toBe(302);
    rt.clock.set(new Date(TEST_START.getTime() + 2 * 60_000));
    const again = resultHrefs(await (await client.get('/ayuda/buscar?q=Cierre+Mensual')).text());
    expect(again[0]).toBe(first);
    const rows = await rowsOf(user.id);
    expect(rows).toHaveLength(1);
    expect(rows[0]!.opened_at).not.toBeNull();
    // Narrowed to a system, or past the window: another search.
    await client.get('/ayuda/buscar?q=cierre+mensual&sistema=contabilidad');
    rt.clock.set(new Date(TEST_START.getTime() + 31 * 60_000));
    await client.get('/ayuda/buscar?q=cierre+mensual');
    expect((await rowsOf(user.id)).map((r) => [r.system_slug, r.opened_at === null])).toEqual([['', false], ['contabilidad', true], ['', true]]);
    rt.clock.set(TEST_START);
  });

  it('a later page of the results logs nothing and links through the recorder with page 1’s row: an opening from page 2 counts', async () => {
    const user = await createTechnicalUser(rt.deps, customer.id);
    const client = await signedIn(rt, customer, user.email, user.password);
    await client.get('/ayuda/buscar?q=cuenta');
    const [row] = await rowsOf(user.id);
    const page2 = resultHrefs(await (await client.get('/ayuda/buscar?q=cuenta&pagina=2')).text());
    expect(page2.length).toBeGreaterThan(0);
    for (const h of page2) expect(h).toContain(`?b=${row!.id}&`);
    expect((await client.get(page2[0]!)).status).toBe(302);
    const after = await rowsOf(user.id);
    expect(after).toHaveLength(1);
    expect(after[0]!.opened_at).not.toBeNull();
    // A second page reached without its first (a shared link) has no row: straight to the articles.
    const other = await signedIn(rt, customer);
    expect(resultHrefs(await (await other.get('/ayuda/buscar?q=cuenta&pagina=2')).text())[0]).toMatch(/^\/ayuda\/contabilidad\/[a-z0-9-]+$/);
  });

  it('never redirects anywhere but a readable article: hostile targets answer 404 and record nothing', async () => {
    const user = await createTechnicalUser(rt.deps, customer.id);
    const client = await signedIn(rt, customer, user.email, user.password);
    await client.get('/ayuda/buscar?q=cierre+mensual');
    const [row] = await rowsOf(user.id);
    const b = row!.id;
    const hostile = [
      'https://evil.example/x',
      '//evil.example/contabilidad',
      '/\\evil.example',
      'contabilidad/../../salir',
      'contabilidad/cierre-mensual/../x',
      'contabilidad%2Fcierre-mensual',
      'contabilidad/cierre-mensual?x=1',
      'contabilidad/CIERRE-MENSUAL',
      'contabilidad/cierre-mensual%00',
      'contabilidad/cierre--mensual',
      'contabilidad/no-existe',
      // A system this customer has no contract for (its articles exist).
      'remuneraciones/liquidacion-de-sueldo',
      'buscar/ir',
      '',
      'x'.repeat(5_000),
    ];
    for (const a of hostile) {
      const res = await client.get(`/ayuda/buscar/ir?b=${b}&a=${encodeURIComponent(a)}`);
      expect(res.status, a).toBe(404);
      expect(res.headers.get('location'), a).toBeNull();
    }
    expect((await client.get(`/ayuda/buscar/ir?b=${b}`)).status).toBe(404);
    expect((await rowsOf(user.id))[0]!.opened_at).toBeNull();
    // A malformed or unknown search id still reaches a readable article; it just records nothing.
    for (const bad of ['', 'nope', "1' or '1'='1", '00000000-0000-4000-8000-000000000000']) {
      const res = await client.get(`/ayuda/buscar/ir?b=${encodeURIComponent(bad)}&a=contabilidad%2Fcierre-mensual`);
      expect(res.status, bad).toBe(302);
      expect(location(res)).toBe('/ayuda/contabilidad/cierre-mensual');
    }
    expect((await rowsOf(user.id))[0]!.opened_at).toBeNull();
    // Signed out: the sign-in page, never the article.
    const anon = await signedIn(rt, customer, user.email, user.password);
    await anon.post('/salir');
    expect(location(await anon.get(`/ayuda/buscar/ir?b=${b}&a=contabilidad%2Fcierre-mensual`))).not.toBe('/ayuda/contabilidad/cierre-mensual');
  });

  it('the console preview of a customer logs nothing as the customer', async () => {
    const staff = await staffClient(rt, await createTestStaff(rt.deps, 'soporte'));
    const before = await logCount();
    const res = await staff.get(`/proveedor/clientes/${customer.id}/vista-previa/buscar?q=cierre+mensual`);
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).not.toContain('/ayuda/buscar/ir');
    expect(await logCount()).toBe(before);
  });

  it(`drops searches older than ${SEARCH_LOG_RETENTION_DAYS} days when the scheduler runs`, async () => {
    const user = await createTechnicalUser(rt.deps, customer.id);
    const old = new Date(TEST_START.getTime() - (SEARCH_LOG_RETENTION_DAYS + 1) * 86_400_000);
    const edge = new Date(TEST_START.getTime() - SEARCH_LOG_RETENTION_DAYS * 86_400_000);
    await logSearch(db(), rt.deps.dialect, { userId: user.id, text: 'vieja', systemSlug: null, results: 1, now: old });
    await logSearch(db(), rt.deps.dialect, { userId: user.id, text: 'limite', systemSlug: null, results: 1, now: edge });
    await logSearch(db(), rt.deps.dialect, { userId: user.id, text: 'nueva', systemSlug: null, results: 1, now: TEST_START });
    await rt.scheduler.runDue();
    expect((await rowsOf(user.id)).map((r) => r.query)).toEqual(['limite', 'nueva']);
    const allowances = await db().selectFrom('help_search_log_allowance').select('day').where('user_id', '=', user.id).execute();
    expect(allowances.map((a) => a.day)).toEqual(['2026-03-02']);
  });

  it('a deleted user’s searches stay, without the user', async () => {
    const user = await createTechnicalUser(rt.deps, other.id);
    await logSearch(db(), rt.deps.dialect, { userId: user.id, text: 'huérfana', systemSlug: null, results: 1, now: TEST_START });
    await db().deleteFrom('users').where('id', '=', user.id).execute();
    const r = await db().selectFrom('help_search_log').select(['user_id']).where('query', '=', 'huerfana').execute();
    expect(r).toEqual([{ user_id: null }]);
  });
});
