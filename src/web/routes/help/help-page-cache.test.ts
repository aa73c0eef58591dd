import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addContractFor, createCustomerWithAdmin, type TestCustomer } from '../../../../tests/factories.ts';
import { articleId } from '../../../../tests/help-fixtures.ts';
import { CookieBrowser, startCachedPortal, type CachedPortal } from '../../../../tests/cached-portal.ts';
import type { TestRuntime } from '../../../../tests/test-runtime.ts';
import { vendorToday } from '../../../domain/contracts.ts';
import type { PageCache } from '../../page-cache.ts';

// The help pages behind the page cache, over real HTTP, on a SQLite file or
// the test's PostgreSQL schema (tests/cached-portal.ts). An article is kept
// only on a session's second view of it (page-cache.ts says why); a vote must
// show at once, every view must count, hits included, and writing the counts
// must not throw the kept pages away.

const ARTICLE = '/ayuda/contabilidad/cierre-mensual';

let portal: CachedPortal;
let rt: TestRuntime;
let cache: PageCache;
let customer: TestCustomer;

class Browser extends CookieBrowser {
  constructor() {
    super(portal);
  }
  async signInAs(c: TestCustomer) {
    expect((await this.signIn(c.rut, c.admin.email, c.admin.password)).status).toBe(303);
    // The landing page carries no flash, but read it anyway so no cookie is pending.
    await this.request('/servicios');
  }
}

async function readsOf(system: string, slug: string): Promise<number> {
  const r = await rt.deps.db.selectFrom('help_reads').select('count').where('article_id', '=', await articleId(rt, system, slug)).executeTakeFirst();
  return r?.count ?? 0;
}

beforeAll(async () => {
  portal = await startCachedPortal();
  ({ rt, cache } = portal);
  customer = await createCustomerWithAdmin(rt.deps);
  await addContractFor(rt.deps, customer.id, 'contabilidad', '2025-01-01');
});
afterAll(() => portal.close());

describe('help pages behind the page cache', () => {
  it('keeps a system’s page, and an article only from its second view on (every first view is joined ahead of the framework)', async () => {
    expect(cache).toBeDefined();
    const b = new Browser();
    await b.signInAs(customer);
    expect((await b.warm('/ayuda/contabilidad')).status).toBe(200);
    const hits = cache.hits;
    const misses = cache.misses;
    const size = cache.size;
    const first = await b.request(ARTICLE);
    expect(first.status).toBe(200);
    expect(first.text).toContain('¿Le fue útil este artículo?');
    // The first view: not kept, and not a look-up the cache could have answered.
    expect([cache.size, cache.hits, cache.misses]).toEqual([size, hits, misses]);
    const second = await b.request(ARTICLE);
    expect(second.text).toBe(first.text);
    // The second: a miss, and kept.
    expect([cache.size, cache.hits, cache.misses]).toEqual([size + 1, hits, misses + 1]);
    const third = await b.request(ARTICLE);
    expect(third.text).toBe(first.text);
    expect(cache.hits).toBe(hits + 1);
    // Another session's first view of it is not this one's page.
    const other = new Browser();
    await other.signInAs(customer);
    const hitsBefore = cache.hits;
    expect((await other.request(ARTICLE)).status).toBe(200);
    expect(cache.hits).toBe(hitsBefore);
  });

  it('empties itself on a vote, and the next visit to the article shows the vote', async () => {
    const b = new Browser();
    await b.signInAs(customer);
    expect((await b.request(ARTICLE)).text).not.toContain('aria-pressed');
    await b.warm('/ayuda/contabilidad');
    expect(cache.size).toBeGreaterThan(0);
    const generation = cache.generation;

    const vote = await b.request(`${ARTICLE}/voto`, { form: { util: 'no', comentario: 'Falta el cierre de IVA.' } });
    expect(vote.status).toBe(303);
    expect(cache.generation).toBeGreaterThan(generation);
    expect(cache.size).toBe(0);

    // The redirect's flash goes through the framework; the visit after it shows the vote.
    const thanked = await b.request(ARTICLE);
    expect(thanked.text).toContain('Gracias por su opinión');
    const after = await b.request(ARTICLE);
    expect(after.text).toMatch(/<button type="submit" name="util" value="no" class="secondary" aria-pressed="true">/);
    expect(after.text).toContain('Falta el cierre de IVA.');
  });

  it('counts every view of an article, and writing the counts keeps the cache', async () => {
    const slug = 'balance-general';
    const path = `/ayuda/contabilidad/${slug}`;
    const b = new Browser();
    await b.signInAs(customer);
    await b.warm('/ayuda/contabilidad');
    await rt.deps.articleReads.flush(rt.deps.db, vendorToday(rt.clock.now()));
    const start = await readsOf('contabilidad', slug);

    // The third view comes from the cache (kept on the second): it counts as much as the others.
    const hitsBefore = cache.hits;
    for (let i = 0; i < 3; i++) expect((await b.request(path)).status).toBe(200);
    expect(cache.hits).toBe(hitsBefore + 1);
    const generation = cache.generation;
    const size = cache.size;
    await rt.deps.articleReads.flush(rt.deps.db, vendorToday(rt.clock.now()));
    expect(await readsOf('contabilidad', slug)).toBe(start + 3);
    expect(cache.generation).toBe(generation);
    expect(cache.size).toBe(size);
    const hits = cache.hits;
    expect((await b.request('/ayuda/contabilidad')).status).toBe(200);
    expect(cache.hits).toBe(hits + 1);
  });

  it('does not count other cached help pages as article views', async () => {
    const b = new Browser();
    await b.signInAs(customer);
    await rt.deps.articleReads.flush(rt.deps.db, vendorToday(rt.clock.now()));
    await b.request('/ayuda'); // never from the cache (its list moves with the clock), and not an article view either
    await b.warm('/ayuda/contabilidad');
    expect(rt.deps.articleReads.size).toBe(0);
  });

  it('does not empty itself on a search miss', async () => {
    const b = new Browser();
    await b.signInAs(customer);
    await b.warm('/ayuda/contabilidad');
    const generation = cache.generation;
    expect((await b.request('/ayuda/buscar?q=zzqxw')).status).toBe(200);
    expect(await rt.deps.db.selectFrom('help_search_misses').select('count').where('query', '=', 'zzqxw').executeTakeFirst()).toEqual({ count: 1 });
    expect(cache.generation).toBe(generation);
    const hits = cache.hits;
    await b.request('/ayuda/contabilidad');
    expect(cache.hits).toBe(hits + 1);
  });
});
