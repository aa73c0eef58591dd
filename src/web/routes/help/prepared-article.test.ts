import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { TestClient, location } from '../../../../tests/client.ts';
import { addContractFor, createCustomerWithAdmin, createTechnicalUser, TECH_PASSWORD, type TestCustomer } from '../../../../tests/factories.ts';
import { articleId, between, insertArticle, limitHelpTo, NOT_FOUND, setPublished, signedIn, systemId } from '../../../../tests/help-fixtures.ts';
import { MAX_PREPARED_BYTES } from './prepared-article.tsx';
import { createTestRuntime, TEST_START, type TestRuntime } from '../../../../tests/test-runtime.ts';

// The article page without the page cache: its shared part is prepared once
// and kept (prepared-article.tsx), the reader's systems and votes are kept
// across requests (help/readable-systems-cache.ts, help/user-votes-cache.ts).
// What is kept must never show what the database no longer says.

const ARTICLE = '/ayuda/contabilidad/importar-plan-de-cuentas';

let rt: TestRuntime;
let customer: TestCustomer;
let contractId: string;

beforeAll(async () => {
  rt = await createTestRuntime({ env: { PAGE_CACHE: 'false' } });
  customer = await createCustomerWithAdmin(rt.deps, { name: 'Lectores Compartidos SpA' });
  contractId = await addContractFor(rt.deps, customer.id, 'contabilidad', '2025-01-01');
  await addContractFor(rt.deps, customer.id, 'inventario', '2025-01-01');
});
afterAll(() => rt.close());
beforeEach(() => {
  rt.clock.set(TEST_START);
});

const prose = (html: string) => between(html, '<div class="prose">', '<p class="muted">Actualizado');
const stats = (name: string) => rt.deps.caches.stats().find((s) => s.name === name);

describe('the prepared article', () => {
  it('is the same for two readers, each with their own navigation, vote and CSRF token, and is rendered once', async () => {
    const ana = await signedIn(rt, customer);
    const tech = await createTechnicalUser(rt.deps, customer.id, { name: 'Teresa Técnica' });
    const teresa = await signedIn(rt, customer, tech.email, TECH_PASSWORD);
    expect((await ana.post(`${ARTICLE}/voto`, { util: 'no', comentario: 'Falta un ejemplo' })).status).toBe(303);
    const misses = stats('prepared-article')?.misses ?? 0;
    const a = await (await ana.get(ARTICLE)).text();
    const t = await (await teresa.get(ARTICLE)).text();
    expect(prose(a)).toBe(prose(t));
    expect(a).toContain('Ana Administradora');
    expect(t).toContain('Teresa Técnica');
    expect(t).not.toContain('Ana Administradora');
    // Each one's own answer, and each one's own token in the vote form.
    expect(a).toContain('Usted respondió «No».');
    expect(a).toContain('Falta un ejemplo');
    expect(t).not.toContain('Usted respondió');
    expect(t).not.toContain('Falta un ejemplo');
    expect(a).toContain(`name="_csrf" value="${ana.cookies.get('csrf')}"`);
    expect(t).toContain(`name="_csrf" value="${teresa.cookies.get('csrf')}"`);
    // The vote's redirect showed the page once; the two readers after it were served what it prepared.
    expect((stats('prepared-article')?.misses ?? 0) - misses).toBeLessThanOrEqual(1);
  });

  it('shows a change to the article on the very next request, and an unpublished one is gone', async () => {
    const client = await signedIn(rt, customer);
    expect(await (await client.get(ARTICLE)).text()).not.toContain('Texto recién corregido');
    await rt.deps.db.updateTable('help_articles').set({ body_html: '<p>Texto recién corregido.</p>' }).where('slug', '=', 'importar-plan-de-cuentas').execute();
    expect(prose(await (await client.get(ARTICLE)).text())).toContain('Texto recién corregido.');
    await setPublished(rt, 'contabilidad', 'importar-plan-de-cuentas', false);
    const res = await client.get(ARTICLE);
    expect(res.status).toBe(404);
    expect(await res.text()).toContain(NOT_FOUND);
    await setPublished(rt, 'contabilidad', 'importar-plan-de-cuentas', true);
    expect((await client.get(ARTICLE)).status).toBe(200);
  });

  it('answers a renamed slug with a 301 to the current one, also once kept, and forgets it when the redirect goes', async () => {
    const client = await signedIn(rt, customer);
    const article = await rt.deps.db.selectFrom('help_articles').select('id').where('slug', '=', 'importar-plan-de-cuentas').executeTakeFirstOrThrow();
    const sys = await systemId(rt, 'contabilidad');
    await rt.deps.db.insertInto('help_slug_redirects').values({ system_id: sys, old_slug: 'plan-de-cuentas-antiguo', article_id: article.id, created_at: rt.clock.now().toISOString() }).execute();
    for (let i = 0; i < 2; i++) {
      const res = await client.get('/ayuda/contabilidad/plan-de-cuentas-antiguo');
      expect(res.status).toBe(301);
      expect(location(res)).toBe(ARTICLE);
    }
    await rt.deps.db.deleteFrom('help_slug_redirects').where('old_slug', '=', 'plan-de-cuentas-antiguo').execute();
    expect((await client.get('/ayuda/contabilidad/plan-de-cuentas-antiguo')).status).toBe(404);
  });
});

describe('the prepared article, when other articles change', () => {
  it('shows a sibling published, moved to another category or given a shared tag on the next request of ANOTHER article', async () => {
    const client = await signedIn(rt, customer);
    const title = 'Hermano recién publicado';
    await insertArticle(rt, { system: 'contabilidad', category: 'primeros-pasos', slug: 'hermano-recien-publicado', title, published: false });
    expect(await (await client.get(ARTICLE)).text()).not.toContain(title);
    await setPublished(rt, 'contabilidad', 'hermano-recien-publicado', true);
    const withSibling = await (await client.get(ARTICLE)).text();
    expect(withSibling).toContain(`href="/ayuda/contabilidad/hermano-recien-publicado"`);
    // Moved to another category: no longer among this article's neighbours.
    const other = await rt.deps.db.selectFrom('help_categories').select('id').where('system_id', '=', await systemId(rt, 'contabilidad')).where('slug', '!=', 'primeros-pasos').executeTakeFirstOrThrow();
    const id = await articleId(rt, 'contabilidad', 'hermano-recien-publicado');
    await rt.deps.db.updateTable('help_articles').set({ category_id: other.id }).where('id', '=', id).execute();
    expect(await (await client.get(ARTICLE)).text()).not.toContain(title);
    // A tag it shares with this article: now among the related ones.
    await rt.deps.db.insertInto('help_article_tags').values({ article_id: id, tag: 'importar' }).execute();
    expect(await (await client.get(ARTICLE)).text()).toContain(title);
    await rt.deps.db.deleteFrom('help_article_tags').where('article_id', '=', id).execute();
    expect(await (await client.get(ARTICLE)).text()).not.toContain(title);
    await rt.deps.db.deleteFrom('help_articles').where('id', '=', id).execute();
  });

  it('are kept within a budget of bytes, not only a count: a long article weighs what it is', async () => {
    const client = await signedIn(rt, customer);
    await client.get(ARTICLE);
    const before = stats('prepared-article')!.bytes!;
    expect(before).toBeGreaterThan(0);
    const long = `<p>${'Un manual pegado entero. '.repeat(12_000)}</p>`; // 300 KB
    await insertArticle(rt, { system: 'contabilidad', category: 'primeros-pasos', slug: 'manual-muy-largo', title: 'Manual muy largo', html: long });
    expect((await client.get('/ayuda/contabilidad/manual-muy-largo')).status).toBe(200);
    // Kept as UTF-8 bytes (prepared-article.tsx): this ASCII text weighs its length.
    expect(stats('prepared-article')!.bytes!).toBeGreaterThanOrEqual(Buffer.byteLength(long));
    expect(stats('prepared-article')!.bytes!).toBeLessThanOrEqual(MAX_PREPARED_BYTES);
    await rt.deps.db.deleteFrom('help_articles').where('id', '=', await articleId(rt, 'contabilidad', 'manual-muy-largo')).execute();
  });
});

describe('the readable systems, kept', () => {
  it('close a system’s help at midnight in Santiago on the day after its contract’s last day, with no write', async () => {
    const other = await createCustomerWithAdmin(rt.deps, { name: 'Contrato Que Termina Ltda.' });
    // Ends on 2 March 2026, the test's first day (12:00 in Santiago).
    await addContractFor(rt.deps, other.id, 'contabilidad', '2025-01-01', '2026-03-02');
    rt.clock.set(new Date('2026-03-03T02:50:00Z')); // 23:50 in Santiago
    const client = await signedIn(rt, other);
    expect((await client.get(ARTICLE)).status).toBe(200);
    rt.clock.set(new Date('2026-03-03T02:59:59Z'));
    expect((await client.get(ARTICLE)).status).toBe(200);
    rt.clock.set(new Date('2026-03-03T03:00:00Z')); // midnight
    expect((await client.get(ARTICLE)).status).toBe(404);
  });

  it('follow a contract ending, a contract added and a technical user’s scope on the next request', async () => {
    const client = await signedIn(rt, customer);
    expect((await client.get('/ayuda/inventario')).status).toBe(200);
    await rt.deps.db.updateTable('contracts').set({ ends_on: '2026-03-01' }).where('id', '=', contractId).execute();
    expect((await client.get(ARTICLE)).status).toBe(404);
    await rt.deps.db.updateTable('contracts').set({ ends_on: null }).where('id', '=', contractId).execute();
    expect((await client.get(ARTICLE)).status).toBe(200);

    const tech = await createTechnicalUser(rt.deps, customer.id);
    const t = await signedIn(rt, customer, tech.email, TECH_PASSWORD);
    expect((await t.get(ARTICLE)).status).toBe(200);
    await limitHelpTo(rt, tech.id, ['inventario']);
    expect((await t.get(ARTICLE)).status).toBe(404);
    expect((await t.get('/ayuda/inventario')).status).toBe(200);
    // The administrator of the same customer is not limited by the technical user's scope.
    expect((await client.get(ARTICLE)).status).toBe(200);
  });

  it('follow a role changed admin ↔ técnico and a scope set then cleared, on the next request', async () => {
    const tech = await createTechnicalUser(rt.deps, customer.id, { name: 'Tomás Cambiante' });
    const t = await signedIn(rt, customer, tech.email, TECH_PASSWORD);
    await limitHelpTo(rt, tech.id, ['inventario']);
    expect((await t.get(ARTICLE)).status).toBe(404);
    // Made administrator: the scope no longer limits them (the administrators' shared entry).
    await rt.deps.db.updateTable('users').set({ role: 'admin' }).where('id', '=', tech.id).execute();
    expect((await t.get(ARTICLE)).status).toBe(200);
    // Back to técnico: limited again, although the administrators' entry is kept.
    expect((await (await signedIn(rt, customer)).get(ARTICLE)).status).toBe(200);
    await rt.deps.db.updateTable('users').set({ role: 'technical' }).where('id', '=', tech.id).execute();
    expect((await t.get(ARTICLE)).status).toBe(404);
    await limitHelpTo(rt, tech.id, []);
    expect((await t.get(ARTICLE)).status).toBe(200);
  });

  it('are not another customer’s: a customer without the contract gets 404 after one with it was served', async () => {
    const without = await createCustomerWithAdmin(rt.deps, { name: 'Sin Contabilidad SpA' });
    await addContractFor(rt.deps, without.id, 'inventario', '2025-01-01');
    expect((await (await signedIn(rt, customer)).get(ARTICLE)).status).toBe(200);
    const res = await (await signedIn(rt, without)).get(ARTICLE);
    expect(res.status).toBe(404);
    const stranger = new TestClient(rt);
    expect((await stranger.get(ARTICLE)).status).toBe(303);
  });
});
