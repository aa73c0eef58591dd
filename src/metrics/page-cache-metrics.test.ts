import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CookieBrowser, startCachedPortal, type CachedPortal } from '../../tests/cached-portal.ts';
import { addContractFor, createCustomerWithAdmin } from '../../tests/factories.ts';
import { parseExposition, valueOf } from '../../tests/metrics-scrape.ts';

// The page cache answers ahead of the framework: its hits and misses reach /metrics as cache="page".

let portal: CachedPortal;

beforeAll(async () => {
  portal = await startCachedPortal();
}, 60_000);
afterAll(() => portal.close());

const page = async () => parseExposition(await portal.rt.deps.metrics.exposition());

describe('cache="page"', () => {
  it('counts a signed-in page served from the cache as a hit, and one it could not serve as a miss', async () => {
    const customer = await createCustomerWithAdmin(portal.rt.deps);
    await addContractFor(portal.rt.deps, customer.id, 'contabilidad', '2025-01-01');
    const browser = new CookieBrowser(portal);
    expect((await browser.signIn(customer.rut, customer.admin.email, customer.admin.password)).status).toBe(303);
    const before = await page();
    await browser.warm('/servicios');
    // Not a page the cache keeps: neither a hit nor a miss.
    await browser.request('/cuenta');
    const after = await page();
    const moved = (result: string) => valueOf(after, 'portal_cache_requests_total', { cache: 'page', result }) - valueOf(before, 'portal_cache_requests_total', { cache: 'page', result });
    expect({ hit: moved('hit'), miss: moved('miss') }).toEqual({ hit: 1, miss: 1 });
    expect(valueOf(after, 'portal_cache_requests_total', { cache: 'page', result: 'hit' })).toBe(portal.cache.hits);
    expect(valueOf(after, 'portal_cache_requests_total', { cache: 'page', result: 'miss' })).toBe(portal.cache.misses);
  });
});
