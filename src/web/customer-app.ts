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
  app.use('*', csrfProtection);
  app.use('*', sessionLoader);
  app.use('*', forcePasswordChange);

  app.route('/', homeRoutes);
  app.route('/', signInRoutes);
  app.route('/', signOutRoutes);
  app.route('/', forgotPasswordRoutes);
  app.route('/', resetPasswordRoutes);
  app.route('/', newPasswordRoutes);
  app.route('/', servicesRoutes);
  app.route('/', helpRoutes);
  app.route('/', usersListRoutes);
  app.route('/', usersNewRoutes);
  app.route('/', usersHelpScopeRoutes);
  app.route('/', usersActionsRoutes);
  app.route('/', accountRoutes);
  app.route('/', activityRoutes);
  app.route('/', sessionsRoutes);
  app.route('/', termsRoutes);
  app.route('/', devMailboxRoutes);
  return app;
}
