import { Hono } from 'hono';
import type { PageCache } from './page-cache.ts';
import type { AppEnv } from './env.ts';
import { csrfProtection } from './middleware/csrf.ts';
import { forcePasswordChange } from './middleware/force-password-change.ts';
import { pageCacheFill } from './middleware/page-cache-fill.ts';
import { sessionLoader } from './middleware/session.ts';
import { accountRoutes } from './routes/account/account.tsx';
import { activityRoutes } from './routes/activity/activity.tsx';
import { sessionsRoutes } from './routes/account/sessions.tsx';
import { forgotPasswordRoutes } from './routes/auth/forgot-password.tsx';
import { newPasswordRoutes } from './routes/auth/new-password.tsx';
import { resetPasswordRoutes } from './routes/auth/reset-password.tsx';
import { signInRoutes } from './routes/auth/sign-in.tsx';
import { signOutRoutes } from './routes/auth/sign-out.ts';
import { helpRoutes } from './routes/help/help.tsx';
import { DIGEST_UNSUBSCRIBE_PATH, helpDigestUnsubscribeRoutes } from './routes/help/help-digest-unsubscribe.tsx';
import { helpDigestSettingsRoutes } from './routes/account/help-digest-settings.tsx';
import { devMailboxRoutes } from './routes/pages/dev-mailbox.tsx';
import { homeRoutes } from './routes/pages/home.ts';
import { termsRoutes } from './routes/pages/terms.tsx';
import { servicesRoutes } from './routes/services/services.tsx';
import { usersHelpScopeRoutes } from './routes/users/users-help-scope.tsx';
import { usersActionsRoutes } from './routes/users/users-actions.tsx';
import { usersListRoutes } from './routes/users/users-list.tsx';
import { usersNewRoutes } from './routes/users/users-new.tsx';

/**
 * The customers' pages (administrators and technical users): the browser
 * session, its CSRF cookie, the forced password change and the page cache
 * apply here and nowhere else. Mounted last, at /, after the sub-apps that
 * own their prefixes (/proveedor).
 */
export function customerApp(pageCache: PageCache | undefined) {
  const app = new Hono<AppEnv>();
  // Before the session is read: a write that lands while this request runs must keep its page out of the cache.
  if (pageCache) app.use('*', pageCacheFill(pageCache));
  // A POST's Origin, type, size and token are checked before its session is even looked up:
  // a refused body costs no database work and can leave no row behind.
  // One exception, that exact path and POST only: the digest mail's one-click
  // unsubscribe (RFC 8058), which mail clients post without cookies or a form
  // token. The random token in its address is what authorizes it, not a session.
  app.use('*', (c, next) => (c.req.method === 'POST' && c.req.path === DIGEST_UNSUBSCRIBE_PATH ? next() : csrfProtection(c, next)));
  app.use('*', sessionLoader);
  app.use('*', forcePasswordChange);

  app.route('/', homeRoutes);
  app.route('/', signInRoutes);
  app.route('/', signOutRoutes);
  app.route('/', forgotPasswordRoutes);
  app.route('/', resetPasswordRoutes);
  app.route('/', newPasswordRoutes);
  app.route('/', servicesRoutes);
  // Before the help's sign-in guard: the digest's unsubscribe link works signed out.
  app.route('/', helpDigestUnsubscribeRoutes);
  app.route('/', helpRoutes);
  app.route('/', usersListRoutes);
  app.route('/', usersNewRoutes);
  app.route('/', usersHelpScopeRoutes);
  app.route('/', usersActionsRoutes);
  app.route('/', accountRoutes);
  // After accountRoutes, whose /cuenta/* guard must run first.
  app.route('/', helpDigestSettingsRoutes);
  app.route('/', activityRoutes);
  app.route('/', sessionsRoutes);
  app.route('/', termsRoutes);
  app.route('/', devMailboxRoutes);
  return app;
}
