import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addContractFor, createCustomerWithAdmin, type TestCustomer } from '../../tests/factories.ts';
import { CookieBrowser, startCachedPortal, type CachedPortal } from '../../tests/cached-portal.ts';

// The page cache over real HTTP, against a browser that keeps changing its
// csrf cookie: the cache does not grow with it, and every page it gets
// carries the token of the cookie it sent.

let portal: CachedPortal;
let customer: TestCustomer;

beforeAll(async () => {
  portal = await startCachedPortal();
  customer = await createCustomerWithAdmin(portal.rt.deps);
  await addContractFor(portal.rt.deps, customer.id, 'contabilidad', '2025-01-01');
});
afterAll(() => portal.close());

const csrfIn = (html: string) => [...html.matchAll(/name="_csrf" value="([^"]+)"/g)].map((m) => m[1]);

describe('page cache and the csrf cookie', () => {
  it('keeps one page per session and path whatever csrf cookies it is sent, each page carrying the one sent', async () => {
    const b = new CookieBrowser(portal);
    expect((await b.signIn(customer.rut, customer.admin.email, customer.admin.password)).status).toBe(303);
    const sid = b.cookies.get('sid')!;
    const own = b.cookies.get('csrf')!;
    await b.warm('/servicios');
    const size = portal.cache.size;
    for (let i = 0; i < 200; i++) {
      const random = randomBytes(32).toString('base64url');
      b.cookies.set('csrf', random);
      const page = await b.request('/servicios');
      expect(page.status).toBe(200);
      const tokens = csrfIn(page.text);
      expect(tokens.length).toBeGreaterThan(0);
      expect(new Set(tokens)).toEqual(new Set([random]));
    }
    expect(portal.cache.entriesOf(sid)).toBe(1);
    expect(portal.cache.size).toBe(size);
    // Back to its own cookie: rendered once more for it, then served from the cache, with its own token.
    b.cookies.set('csrf', own);
    const again = await b.warm('/servicios');
    expect(new Set(csrfIn(again.text))).toEqual(new Set([own]));
  });
});
