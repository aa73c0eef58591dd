import { HelpSearch } from '../src/help/search/help-search.ts';
import type { TestRuntime } from './test-runtime.ts';

/** Searches of the shipped help that a migration of the search tables must answer the same before and after. */
const QUERIES = ['factura', 'emitir boleta de honorarios', 'cierre mensual', 'libro de ventas', 'nota de credito', 'cuenta', 'facturaa electronca'];

/** Each query's total, pages 1 and 2 and closest answers, for a reader of every system. */
export async function searchAnswers(rt: TestRuntime) {
  const systemIds = (await rt.deps.db.selectFrom('systems').select('id').execute()).map((s) => s.id);
  // A low broad threshold: the tiered path (first pages, recent) runs on the shipped help too.
  const search = new HelpSearch(rt.deps.db, rt.deps.dialect, { broadSearch: 3 });
  return Promise.all(
    QUERIES.flatMap((text) => [1, 2].map(async (page) => {
      const r = await search.search({ text, systemIds, perPage: 4, page });
      return { text, page, total: r.total, hits: r.hits.map((h) => h.slug), closest: r.closest.map((h) => h.slug) };
    })),
  );
}
