import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addContractFor, createCustomerWithAdmin, type TestCustomer } from '../../../../tests/factories.ts';
import { articleId } from '../../../../tests/help-fixtures.ts';
import { CookieBrowser, startCachedPortal, type CachedPortal } from '../../../../tests/cached-portal.ts';
import type { TestRuntime } from '../../../../tests/test-runtime.ts';
import { vendorToday } from '../../../domain/contracts.ts';
import type { PageCache } from '../../page-cache.ts';

// The help pages behind the page cache, over real HTTP, on a SQLite file (the
// cache exists only there, whatever DATABASE_URL says). A vote must show at
// once; a view served from the cache must still count, and writing the
// counts must not throw the cache away.

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
  it('exists here, and serves a second visit to an article from it', async () => {
    expect(cache).toBeDefined();
    const b = new Browser();
    await b.signInAs(customer);
    const page = await b.warm(ARTICLE);
    expect(page.status).toBe(200);
    expect(page.text).toContain('¿Le fue útil este artículo?');
  });

  it('empties itself on a vote, so the next visit shows the vote', async () => {
    const b = new Browser();
    await b.signInAs(customer);
    const before = await b.warm(ARTICLE);
    expect(before.text).not.toContain('aria-pressed');
    expect(cache.size).toBeGreaterThan(0);
    const generation = cache.generation;

    const vote = await b.request(`${ARTICLE}/voto`, { form: { util: 'no', comentario: 'Falta el cierre de IVA.' } });
    expect(vote.status).toBe(303);
    expect(cache.generation).toBeGreaterThan(generation);
    expect(cache.size).toBe(0);

    // The redirect's flash goes through the framework; so does the visit after it, the cache being empty.
    const hits = cache.hits;
    const thanked = await b.request(ARTICLE);
    expect(thanked.text).toContain('Gracias por su opinión');
    const after = await b.request(ARTICLE);
    expect(cache.hits).toBe(hits);
    expect(after.text).toMatch(/<button type="submit" name="util" value="no" class="secondary" aria-pressed="true">/);
    expect(after.text).toContain('Falta el cierre de IVA.');
    // And from now on the cached copy is the one with the vote.
    expect((await b.warm(ARTICLE)).text).toContain('aria-pressed="true"');
  });

  it('counts a view served from the cache, and writing the counts keeps the cache', async () => {
    const slug = 'balance-general';
    const path = `/ayuda/contabilidad/${slug}`;
    const b = new Browser();
    await b.signInAs(customer);
    await rt.deps.articleReads.flush(rt.deps.db, vendorToday(rt.clock.now()));
    const start = await readsOf('contabilidad', slug);

    await b.warm(path); // one view rendered by the framework, one from the cache
    await b.request(path); // and one more from the cache
    const generation = cache.generation;
    const size = cache.size;
    await rt.deps.articleReads.flush(rt.deps.db, vendorToday(rt.clock.now()));
    expect(await readsOf('contabilidad', slug)).toBe(start + 3);
    expect(cache.generation).toBe(generation);
    expect(cache.size).toBe(size);
    const hits = cache.hits;
    expect((await b.request(path)).status).toBe(200);
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
    await b.warm(ARTICLE);
    const generation = cache.generation;
    expect((await b.request('/ayuda/buscar?q=zzqxw')).status).toBe(200);
    expect(await rt.deps.db.selectFrom('help_search_misses').select('count').where('query', '=', 'zzqxw').executeTakeFirst()).toEqual({ count: 1 });
    expect(cache.generation).toBe(generation);
    const hits = cache.hits;
    await b.request(ARTICLE);
    expect(cache.hits).toBe(hits + 1);
  });
});
