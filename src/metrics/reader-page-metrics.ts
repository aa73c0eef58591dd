import { Counter, type Registry } from 'prom-client';

/** The pages web/reader-pages.ts can serve ahead of the framework (their route patterns). */
export const READER_PAGE_ROUTES = ['/ayuda/:system/:article', '/servicios'] as const;
export type ReaderPageRoute = (typeof READER_PAGE_ROUTES)[number];

/**
 * portal_reader_pages_total{route, outcome}: requests for those pages,
 * "served" ahead of the framework or left to the "framework" (no session,
 * a flash, a 404, a renamed article…). A rising share of "framework" is
 * pages paying the framework's cost again. The four series exist from the
 * start, so a rate over them is never "no data".
 */
export class ReaderPageMetrics {
  private readonly children = new Map<string, { inc(): void }>();

  constructor(registry: Registry) {
    const counter = new Counter({
      name: 'portal_reader_pages_total',
      help: 'Requests for the article and services pages, by route pattern and whether they were served ahead of the framework or left to it.',
      labelNames: ['route', 'outcome'],
      registers: [registry],
    });
    // Children made once: labelling on every request hashes the labels each time.
    for (const route of READER_PAGE_ROUTES) {
      for (const outcome of ['served', 'framework'] as const) {
        const child = counter.labels({ route, outcome });
        child.inc(0);
        this.children.set(`${route} ${outcome}`, child);
      }
    }
  }

  count(route: ReaderPageRoute, outcome: 'served' | 'framework'): void {
    this.children.get(`${route} ${outcome}`)?.inc();
  }
}
