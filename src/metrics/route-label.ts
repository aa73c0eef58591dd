import type { Context } from 'hono';
import { matchedRoutes } from 'hono/route';

/** The `route` label of a request that no route of the app matched (a 404, whatever its path). */
export const UNMATCHED = 'unmatched';

type MatchedRoute = ReturnType<typeof matchedRoutes>[number];

/**
 * A middleware or a catch-all (`use('*')`, `use('/cuenta/*')`, the console's
 * final `all('*')`): it runs for many routes, so it names none of them.
 */
function isWildcard(r: MatchedRoute): boolean {
  return r.method === 'ALL' && r.path.endsWith('*');
}

/**
 * The pattern of the route that answered the request ("/ayuda/:system/:slug"),
 * read after the handlers ran, never the raw path: a label value is a new
 * series kept by Prometheus for good, so a label taken from the URL would let
 * anyone grow the metrics store without bound. Every value this returns is
 * a pattern written in the code, or UNMATCHED.
 *
 * Hono's match result lists the middleware and the routes that matched, in
 * order, and routeIndex is the last one that ran. When a middleware answered
 * before the route (a CSRF refusal, a guard's redirect to sign in), the
 * label is still the route it was headed for; when nothing but middleware
 * and catch-alls matched, it is UNMATCHED.
 */
export function routeLabel(c: Context): string {
  let routes: MatchedRoute[];
  try {
    routes = matchedRoutes(c);
  } catch {
    // A request answered before routing (none today): nothing to name.
    return UNMATCHED;
  }
  const ran = routes[c.req.routeIndex];
  if (ran && !isWildcard(ran)) return ran.path;
  for (let i = Math.max(0, c.req.routeIndex); i < routes.length; i++) if (!isWildcard(routes[i]!)) return routes[i]!.path;
  return UNMATCHED;
}
