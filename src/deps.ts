import type { Kysely } from 'kysely';
import type { Logger } from 'pino';
import type { PasswordHasher } from './auth/password-hasher.ts';
import type { Clock } from './clock.ts';
import type { Config } from './config.ts';
import type { Dialect } from './db/create-db.ts';
import type { Database } from './db/schema.ts';
import type { ArticleReads } from './help/article-reads.ts';
import type { HelpSearch } from './help/search/help-search.ts';
import type { SearchThreads } from './help/search-threads/search-threads.ts';
import type { DevMailbox } from './mail/transport.ts';
import type { PageCache } from './web/page-cache.ts';
import type { SharedCaches } from './cache/shared-cache.ts';
import type { ChangeSignal } from './db/change-signal.ts';
import type { PortalMetrics } from './metrics/portal-metrics.ts';
import type { ApiRateLimiter } from './api/rate-limit/api-rate-limiter.ts';

/** What the application needs from the outside world, built once in server.ts (or a test). */
export interface Deps {
  db: Kysely<Database>;
  dialect: Dialect;
  config: Config;
  clock: Clock;
  hasher: PasswordHasher;
  log: Logger;
  /** Called after a transaction queued mail, so it leaves now rather than at the next poll. */
  mailQueued(): void;
  /** Development without SMTP: the mails delivered by this process, secrets filled in, for /dev/correo. */
  devMailbox?: DevMailbox;
  /** Search over the help (keeps the vocabulary in memory, reloaded when the index changes). */
  helpSearch: HelpSearch;
  /** The same searches off the main thread (the server on a database file or PostgreSQL); readers' searches go there when present. */
  searchThreads?: SearchThreads;
  /** Article views, counted in memory and written every half minute. */
  articleReads: ArticleReads;
  /** Data changed here, on another instance or from the CLI: what the shared caches listen to. */
  changes: ChangeSignal;
  /** Caches that span requests and readers (prepared articles, readable systems…), emptied by `changes`. */
  caches: SharedCaches;
  /** Signed-in pages served ahead of the framework (SQLite only; see web/page-cache.ts). */
  pageCache?: PageCache;
  /** What /metrics shows: this runtime's own registry, and the counters the request hooks move. */
  metrics: PortalMetrics;
  /** Per-token limits on /api/v1, counted in the database every instance shares. */
  apiRateLimiter: ApiRateLimiter;
  /** True once the server is shutting down (server.ts): /salud answers 503 so balancers look elsewhere. */
  draining?: () => boolean;
}
