import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addContractFor, createCustomerWithAdmin, createTechnicalUser, type TestCustomer } from '../../../../tests/factories.ts';
import { CookieBrowser, startCachedPortal, type CachedPortal } from '../../../../tests/cached-portal.ts';
import { between, hrefs, limitHelpTo } from '../../../../tests/help-fixtures.ts';
import { clearVersions, publishVersion } from '../../../../tests/help-version-fixtures.ts';
import type { TestRuntime } from '../../../../tests/test-runtime.ts';
import type { PageCache } from '../../page-cache.ts';

// "Since your last visit" behind the page cache (real HTTP, either database): the help
// home is never served from it — the list moves with the clock and every
// view records the visit — and recording it does not empty the cache of
// everyone else. The Novedades pages are cached per session like any help
// page and show a new publish at once.

let portal: CachedPortal;
let rt: TestRuntime;
let cache: PageCache;
let customer: TestCustomer;
let tech: { id: string; email: string; password: string };

async function browserFor(email: string, password: string) {
  const b = new CookieBrowser(portal);
  expect((await b.signIn(customer.rut, email, password)).status).toBe(303);
  await b.request('/servicios');
  return b;
}
const changes = (html: string) => between(html, '<section aria-labelledby="cambios"', '</section>');

beforeAll(async () => {
  portal = await startCachedPortal();
  ({ rt, cache } = portal);
  await clearVersions(rt);
  customer = await createCustomerWithAdmin(rt.deps);
  await addContractFor(rt.deps, customer.id, 'contabilidad', '2025-01-01');
  await addContractFor(rt.deps, customer.id, 'remuneraciones', '2025-01-01');
  tech = await createTechnicalUser(rt.deps, customer.id);
  await limitHelpTo(rt, tech.id, ['remuneraciones']);
  const day = 86_400_000;
  await publishVersion(rt, { system: 'contabilidad', slug: 'cierre-mensual', note: 'Plazo del F29.', at: new Date(rt.clock.now().getTime() - 2 * day) });
  await publishVersion(rt, { system: 'remuneraciones', slug: 'finiquitos', note: 'Indemnización.', at: new Date(rt.clock.now().getTime() - day) });
});
afterAll(() => portal.close());

describe('changes since the last visit behind the page cache', () => {
  it('renders the home for each person each time, with their own list, and the visit write keeps other pages cached', async () => {
    const admin = await browserFor(customer.admin.email, customer.admin.password);
    const t = await browserFor(tech.email, tech.password);
    await admin.warm('/ayuda/contabilidad');
    const generation = cache.generation;
    const hits = cache.hits;

    const a1 = await admin.request('/ayuda');
    const t1 = await t.request('/ayuda');
    const a2 = await admin.request('/ayuda');
    expect(cache.hits).toBe(hits);
    expect(hrefs(changes(a1.text))).toContain('/ayuda/contabilidad/cierre-mensual');
    expect(hrefs(changes(a1.text))).toContain('/ayuda/remuneraciones/finiquitos');
    expect(hrefs(changes(t1.text)).filter((h) => h.includes('contabilidad'))).toEqual([]);
    expect(changes(t1.text)).toContain('Indemnización.');
    expect(changes(a2.text)).toBe(changes(a1.text));

    // Two visits written, no page thrown away: the system's page still comes from the cache.
    expect(cache.generation).toBe(generation);
    await admin.request('/ayuda/contabilidad');
    expect(cache.hits).toBe(hits + 1);
  });

  it('a new visit after 30 quiet minutes shows only what is newer, though nothing was written meanwhile', async () => {
    const admin = await browserFor(customer.admin.email, customer.admin.password);
    await admin.request('/ayuda');
    rt.clock.advance(20 * 60_000);
    await admin.request('/ayuda/contabilidad'); // keeps the session alive, not the visit
    rt.clock.advance(20 * 60_000);
    const later = await admin.request('/ayuda');
    expect(changes(later.text)).toContain('No hay nada nuevo en la ayuda de sus sistemas desde su última visita.');
  });

  it('serves a Novedades page from the cache per session, and a publish shows on it at once', async () => {
    const admin = await browserFor(customer.admin.email, customer.admin.password);
    const t = await browserFor(tech.email, tech.password);
    const mine = await admin.warm('/ayuda/contabilidad/novedades');
    expect(mine.text).toContain('Plazo del F29.');
    expect((await t.request('/ayuda/contabilidad/novedades')).status).toBe(404);
    await publishVersion(rt, { system: 'contabilidad', slug: 'balance-general', note: 'Balance nuevo.' });
    expect((await admin.request('/ayuda/contabilidad/novedades')).text).toContain('Balance nuevo.');
  });
});
