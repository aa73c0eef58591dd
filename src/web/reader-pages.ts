import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import type { Hono } from 'hono';
import { parse as parseCookies } from 'hono/utils/cookie';
import { loadSession, type LoadedSession } from '../auth/session.ts';
import type { Deps } from '../deps.ts';
import { vendorToday } from '../domain/contracts.ts';
import { cachedReadableSystem } from '../help/readable-systems-cache.ts';
import { cachedUserVotes } from '../help/user-votes-cache.ts';
import { RESERVED_ARTICLE_SLUGS } from '../help/read-help.ts';
import type { ReaderPageRoute } from '../metrics/reader-page-metrics.ts';
import { can } from '../policies/policy.ts';
import { clientAddressResolver } from './client-address.ts';
import { cookieNameFor } from './cookies.ts';
import { CACHEABLE, isArticlePage } from './page-cache.ts';
import type { AppEnv } from './env.ts';
import { layoutParts, type PageProps } from './layouts/layout.tsx';
import { requestIdOf } from './middleware/request-context.ts';
import { securityHeaderPairs } from './middleware/security-headers.ts';
import { rawHeader, rawHeaderAll, rawHeaderCount } from './raw-headers.ts';
import { pageBytes } from './render.tsx';
import { feedbackParts } from './routes/help/help-article.tsx';
import { HELP_PAGE } from './routes/help/help-reader.ts';
import { preparedArticleOf } from './routes/help/prepared-article.tsx';
import { SERVICES_PAGE, servicesBody } from './routes/services/services.tsx';
import { rememberOutage } from './known-outage.ts';

/**
 * The two pages signed-in readers open most, served ahead of the framework:
 * a help article and the services page. Issue 10 measured many people each
 * opening articles they had not opened before: nothing of that repeats per
 * session, so the page cache cannot answer it, and through the framework an
 * article cost some 380 µs of CPU, most of it the framework's own request,
 * context, header and response objects around a page whose parts were all
 * kept already (the prepared article, the person's systems and votes, the
 * navigation). Here the same parts are joined with the same functions and
 * written straight to node:http.
 *
 * Only the plain case is served: a GET of the canonical address, with one
 * Cookie header holding a session that loads, a well-formed CSRF cookie and
 * no flash message, by a person who may read the page and has no password
 * to change, for a page that exists. Anything else (and any error) goes to
 * the framework, which answers as it always has: the redirect to sign in,
 * the new CSRF cookie, the 404, the 301 of a renamed article, the 503.
 * Every lookup goes through the same caches as the framework's routes, with
 * the request's arrival as `since`, so what the shared caches vouch for
 * (db/change-signal.ts) holds here too.
 *
 * What the framework's middleware does for these pages is done here as well:
 * the security headers, the request id, the request's duration in /metrics
 * under its route pattern, the request line in the log, the article's view.
 * readerPageAssumptions (and its test) say which middleware that is: a new
 * one on these paths must be taught to this file, or the test fails.
 */

export const ARTICLE_ROUTE = '/ayuda/:system/:article' satisfies ReaderPageRoute;
export const SERVICES_ROUTE = '/servicios' satisfies ReaderPageRoute;

/** Canonical addresses only: what ARTICLE_SLUG accepts, nothing percent-encoded, no query. */
const ARTICLE_PATH = /^\/ayuda\/([a-z0-9]+(?:-[a-z0-9]+)*)\/([a-z0-9]+(?:-[a-z0-9]+)*)$/;

interface ReaderPage {
  props: Pick<PageProps, 'title' | 'current' | 'scripts'>;
  parts: ReadonlyArray<string | Buffer>;
  /** After the page is sent: the article's view. */
  served?: () => void;
}

interface PageLoader {
  route: ReaderPageRoute;
  load: (deps: Deps, session: LoadedSession, csrfToken: string, since: number) => Promise<ReaderPage | null>;
}

const services: PageLoader = {
  route: SERVICES_ROUTE,
  async load(deps, session, _csrf, since) {
    if (!can(session.user.role, 'services:view')) return null;
    const body = await servicesBody(deps, session.customer, vendorToday(deps.clock.now()), since);
    return { props: SERVICES_PAGE, parts: [body] };
  },
};

function article(systemSlug: string, slug: string): PageLoader {
  return {
    route: ARTICLE_ROUTE,
    async load(deps, session, csrfToken, since) {
      if (!can(session.user.role, 'help:read')) return null;
      const { db, caches, clock, articleReads } = deps;
      const reader = { customerId: session.customer.id, userId: session.user.id, role: session.user.role };
      // As the route does: all three at once, nothing served before the systems say the person may read it.
      const [system, a, votes] = await Promise.all([
        cachedReadableSystem(db, caches, reader, vendorToday(clock.now()), systemSlug, since),
        preparedArticleOf(deps, systemSlug, slug, since),
        cachedUserVotes(db, caches, session.user.id, since),
      ]);
      if (a.kind === 'moved') return null;
      const feedback = feedbackParts(`/ayuda/${system.slug}/${a.slug}/voto`, votes.get(a.id) ?? null, csrfToken);
      return {
        props: { title: a.title, ...HELP_PAGE },
        parts: [a.before, ...feedback, a.after],
        served: () => articleReads.record(system.slug, a.slug),
      };
    },
  };
}

/** The framework's routes these pages stand in for, and the other GET routes whose addresses they must leave alone. */
export interface ReaderPageAssumptions {
  /** GET routes (not the two above, not a catch-all middleware) an address of the fast path could also match. */
  shadowing: RegExp[];
}

/**
 * Read off the app: every GET route other than the two that could answer an
 * address of the same shape. An address one of them matches is left to the
 * framework, whatever order the routes are in (/ayuda/buscar/ir,
 * /ayuda/resumen/baja, /ayuda/<system>/novedades…).
 */
export function readerPageAssumptions(app: Hono<AppEnv>): ReaderPageAssumptions {
  const isParam = (seg: string) => seg.startsWith(':');
  // Checked on every request, so only the routes that can match one of the two shapes at all:
  // one segment that is "servicios" or a parameter, or three whose first is "ayuda" or a parameter.
  const couldShadow = (segs: string[]) =>
    (segs.length === 1 && (segs[0] === 'servicios' || isParam(segs[0]!))) || (segs.length === 3 && (segs[0] === 'ayuda' || isParam(segs[0]!)));
  const shadowing = app.routes
    .filter((r) => (r.method === 'GET' || r.method === 'ALL') && !r.path.endsWith('*') && r.path !== ARTICLE_ROUTE && r.path !== SERVICES_ROUTE)
    .map((r) => r.path.split('/').slice(1))
    .filter(couldShadow)
    .map((segs) => new RegExp(`^/${segs.map((seg) => (isParam(seg) ? '[^/]+' : seg.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))).join('/')}$`));
  return { shadowing };
}

function loaderFor(url: string, assumptions: ReaderPageAssumptions): PageLoader | null {
  if (url === SERVICES_ROUTE) return assumptions.shadowing.some((r) => r.test(url)) ? null : services;
  const m = ARTICLE_PATH.exec(url);
  if (!m || RESERVED_ARTICLE_SLUGS.has(m[2]!) || assumptions.shadowing.some((r) => r.test(url))) return null;
  return article(m[1]!, m[2]!);
}

const HTML_TYPE = ['content-type', 'text/html; charset=UTF-8'] as const;
const CSRF_TOKEN = /^[\w-]{43}$/;

/** The node:http listener: these pages first, when they can be served here; the framework for the rest. */
export function readerPagesFirst(deps: Deps, app: Hono<AppEnv>, framework: RequestListener): RequestListener {
  const assumptions = readerPageAssumptions(app);
  const { config, log } = deps;
  const names = { sid: cookieNameFor(config.secureCookies, 'sid'), csrf: cookieNameFor(config.secureCookies, 'csrf'), flash: cookieNameFor(config.secureCookies, 'flash') };
  const clientAddress = clientAddressResolver(config.trustProxy);
  const timeouts = { idleMs: config.sessionIdleMs, absoluteMs: config.sessionAbsoluteMs };
  // Each route's headers, made once: the type and the security headers, before the request id and the length.
  const headersByRoute = new Map(
    [ARTICLE_ROUTE, SERVICES_ROUTE].map((route) => {
      const pairs: Array<[string, string]> = [[HTML_TYPE[0], HTML_TYPE[1]], ...securityHeaderPairs(config.secureCookies, route).map(([k, v]): [string, string] => [k, v])];
      return [route, { pairs, flat: pairs.flat() }] as const;
    }),
  );

  async function tryServe(req: IncomingMessage, res: ServerResponse, loader: PageLoader, since: number): Promise<boolean> {
    const raw = req.rawHeaders;
    // Taken before the session is read, as middleware/page-cache-fill.ts does: a write meanwhile keeps the page out of the page cache.
    const generationAtStart = deps.pageCache?.generation ?? 0;
    // One Cookie header: two would be joined differently here and by the framework's Headers.
    if (rawHeaderCount(raw, 'cookie') !== 1) return false;
    const cookies = parseCookies(rawHeader(raw, 'cookie')!);
    const sid = cookies[names.sid];
    const csrf = cookies[names.csrf];
    // No session: the sign-in redirect; no (or a malformed) CSRF cookie: a new one is set; a flash: its cookie is cleared.
    if (!sid || !csrf || !CSRF_TOKEN.test(csrf) || cookies[names.flash] !== undefined) return false;
    const session = await loadSession(deps.db, sid, deps.clock.now(), timeouts, { caches: deps.caches, since });
    if (!session || session.user.must_change_password) return false;
    const page = await loader.load(deps, session, csrf, since);
    // The client gone, or someone answered meanwhile: nothing to send here (the framework decides).
    if (!page || res.headersSent || req.destroyed) return false;
    const body = pageBytes(layoutParts({ ...page.props, brand: config.brand, session, csrfToken: csrf, flash: null }), page.parts);
    const requestId = requestIdOf(rawHeader(raw, 'x-request-id'));
    const headers = headersByRoute.get(loader.route)!;
    res.writeHead(200, headers.flat.concat('x-request-id', requestId, 'content-length', String(body.length)));
    res.end(body);
    page.served?.();
    // Kept for this session's next visit: the services page, and an article seen before (page-cache.ts says why only then), with its view to count.
    if (deps.pageCache && (CACHEABLE(req.url!) || isArticlePage(req.url!))) {
      deps.pageCache.store({ csrf, path: req.url!, sessionId: session.id, sessionExpiresAt: session.expiresAt, generationAtStart, headers: headers.pairs, body, ...(page.served ? { served: page.served } : {}) });
    }
    const ms = performance.now() - since;
    deps.metrics.http.observe('GET', loader.route, 200, ms / 1000);
    if (log.isLevelEnabled('info')) {
      const ip = clientAddress(req.socket.remoteAddress, rawHeaderAll(raw, 'x-forwarded-for'));
      log.info({ requestId, method: 'GET', path: req.url, status: 200, ms: Math.round(ms * 10) / 10, ip, fast: true }, 'request');
    }
    return true;
  }

  return (req, res) => {
    const loader = req.method === 'GET' ? loaderFor(req.url ?? '', assumptions) : null;
    if (!loader) return framework(req, res);
    const since = performance.now();
    tryServe(req, res, loader, since).then(
      (served) => {
        deps.metrics.readerPages.count(loader.route, served ? 'served' : 'framework');
        if (!served) framework(req, res);
      },
      (err: unknown) => {
        // Whatever else failed the framework meets again and answers as it does; logged for the curious.
        if (res.headersSent) {
          log.error({ err }, 'reader page failed after its head was sent');
          res.destroy();
          return;
        }
        deps.metrics.readerPages.count(loader.route, 'framework');
        log.debug({ err: (err as Error)?.message, path: req.url }, 'reader page left to the framework');
        // The database away: the framework answers its 503 without asking it again (known-outage.ts).
        rememberOutage(req, err);
        framework(req, res);
      },
    );
  };
}
