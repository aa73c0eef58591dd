import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addContractFor, createCustomerWithAdmin, createTechnicalUser, type TestCustomer } from '../../../../tests/factories.ts';
import { between, signedIn, systemId } from '../../../../tests/help-fixtures.ts';
import { METRICS_TOKEN, scrape, valueOf } from '../../../../tests/metrics-scrape.ts';
import { createTestRuntime, type TestRuntime } from '../../../../tests/test-runtime.ts';
import type { ReportRange } from '../../../help/report-range.ts';
import { HelpSearch } from '../../../help/search/help-search.ts';
import { logSearch } from '../../../help/search/log-search.ts';
import { topSearches } from '../../../help/search/top-searches.ts';

// What the results page and the search log make of a capped count (a broad
// search counts its matches only up to a cap): «Más de N resultados», pages up
// to the cap, and a log row that says "more than N", not a made-up figure. The
// runtime's search gets a cap of 5 so the shipped help goes past it.

let rt: TestRuntime;
/** Contabilidad only. */
let customer: TestCustomer;
let exactTotal: number;

beforeAll(async () => {
  rt = await createTestRuntime({ env: { METRICS_TOKEN } });
  customer = await createCustomerWithAdmin(rt.deps);
  await addContractFor(rt.deps, customer.id, 'contabilidad', '2025-01-01');
  const contabilidad = await systemId(rt, 'contabilidad');
  exactTotal = (await new HelpSearch(rt.deps.db, rt.deps.dialect, { broadSearch: 3 }).search({ text: 'cuenta', systemIds: [contabilidad] })).total;
  rt.deps.helpSearch = new HelpSearch(rt.deps.db, rt.deps.dialect, { broadSearch: 3, countCap: 5 });
});
afterAll(() => rt.close());

const heading = (html: string) => /<h1[^>]*>([^<]*)<\/h1>/.exec(html)?.[1];

describe('a search past the count cap', () => {
  it('says «Más de 5 resultados», lists its page, and logs 6 (more than 5) for page 1 only', async () => {
    expect(exactTotal).toBeGreaterThan(6);
    const user = await createTechnicalUser(rt.deps, customer.id);
    const client = await signedIn(rt, customer, user.email, user.password);
    const html = await (await client.get('/ayuda/buscar?q=cuenta')).text();
    expect(heading(html)).toBe('Más de 5 resultados para «cuenta»');
    // A whole page (ten), as uncapped: the cap only stops the count.
    expect([...between(html, '<ol class="search-results"', '</ol>').matchAll(/<h2>/g)]).toHaveLength(Math.min(10, exactTotal));
    // The cap fits in one page, so no page links (a reader never pages past what was counted).
    expect(html).not.toContain('aria-label="Páginas de resultados"');
    const narrowed = await (await client.get('/ayuda/buscar?q=cuenta&sistema=contabilidad')).text();
    expect(heading(narrowed)).toBe('Más de 5 resultados para «cuenta» en Contabilidad');
    await client.get('/ayuda/buscar?q=cuenta&pagina=2');
    const rows = await rt.deps.db.selectFrom('help_search_log').select(['query', 'system_slug', 'results']).where('user_id', '=', user.id).orderBy('at').execute();
    expect(rows).toEqual([
      { query: 'cuenta', system_slug: '', results: 6 },
      { query: 'cuenta', system_slug: 'contabilidad', results: 6 },
    ]);
  });

  it('an uncapped search is logged with its exact count; a capped one as the cap + 1', async () => {
    const user = await createTechnicalUser(rt.deps, customer.id);
    const now = rt.clock.now();
    await logSearch(rt.deps.db, rt.deps.dialect, { userId: user.id, text: 'exacta', systemSlug: null, results: 1000, now });
    await logSearch(rt.deps.db, rt.deps.dialect, { userId: user.id, text: 'amplia', systemSlug: null, results: 1000, resultsCapped: true, now });
    const rows = await rt.deps.db.selectFrom('help_search_log').select(['query', 'results']).where('user_id', '=', user.id).orderBy('query').execute();
    expect(rows).toEqual([
      { query: 'amplia', results: 1001 },
      { query: 'exacta', results: 1000 },
    ]);
    const range = { from: '2026-01-01', to: '2026-12-31' } as ReportRange;
    const top = await topSearches(rt.deps.db, { range, system: null });
    expect(top.find((t) => t.query === 'amplia')?.averageResults).toBe(1001);
  });

  it('the suggestions list as many as before, and the metric counts a capped search as found', async () => {
    const client = await signedIn(rt, customer);
    const before = await scrape(rt);
    const json = (await (await client.get('/ayuda/sugerencias?q=cuenta')).json()) as { suggestions: unknown[] };
    // Six asked for, "more than 5" found: the box shows six (the count does not limit the list).
    expect(json.suggestions).toHaveLength(6);
    expect((await client.get('/ayuda/buscar?q=cuenta')).status).toBe(200);
    const after = await scrape(rt);
    const moved = (kind: string, result: string) => valueOf(after, 'portal_searches_total', { kind, result }) - valueOf(before, 'portal_searches_total', { kind, result });
    expect({ found: moved('search', 'found'), none: moved('search', 'none'), suggestions: moved('suggestions', 'found') }).toEqual({ found: 1, none: 0, suggestions: 1 });
  });
});
