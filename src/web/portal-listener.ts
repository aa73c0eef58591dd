import type { RequestListener } from 'node:http';
import { getRequestListener } from '@hono/node-server';
import type { App } from '../app.ts';
import type { Deps } from '../deps.ts';
import { cacheFirst } from './page-cache.ts';
import { readerPagesFirst } from './reader-pages.ts';

/**
 * What node:http calls for each request, in the order the server runs it:
 * the page cache (SQLite), the reader pages served ahead of the framework
 * (reader-pages.ts), then the framework. The server and the tests that run
 * the portal over real sockets take it from here, so they run the same chain.
 */
export function portalListener(deps: Deps, app: App): RequestListener {
  return cacheFirst(deps.pageCache, readerPagesFirst(deps, app, getRequestListener(app.fetch)));
}
