import type { Logger } from 'pino';
import { PasswordHasher } from './auth/password-hasher.ts';
import { purgeIdempotencyKeys } from './api/purge-idempotency-keys.ts';
import { purgeStaleThrottles } from './auth/throttle.ts';
import { systemClock, type Clock } from './clock.ts';
import type { Config } from './config.ts';
import { createDb, isInMemorySqlite, sqliteFileOf, type CreateDbOptions } from './db/create-db.ts';
import { ApiRateLimiter } from './api/rate-limit/api-rate-limiter.ts';
import { memoryStore, postgresStore, sqliteStore } from './api/rate-limit/rate-limit-store.ts';
import { NoChangeSignal, SqliteChangeSignal } from './db/change-signal.ts';
import { PostgresChangeSignal } from './db/postgres-change-signal.ts';
import { SharedCaches } from './cache/shared-cache.ts';
import { migrateToLatest } from './db/migrate.ts';
import { ensureSearchIndexFormat } from './help/search/search-index-format.ts';
import type { Deps } from './deps.ts';
import { settleImports } from './imports/run-import.ts';
import { vendorToday } from './domain/contracts.ts';
import { ArticleReads } from './help/article-reads.ts';
import { HelpSearch } from './help/search/help-search.ts';
import { SearchThreads } from './help/search-threads/search-threads.ts';
import { runDueSchedules } from './help/authoring/run-due-schedules.ts';
import { pruneSearchLog } from './help/search/prune-search-log.ts';
import { helpDigestJob } from './help/digest/help-digest-job.ts';
import { JobScheduler } from './jobs/job-scheduler.ts';
import { OutboxWorker, type OutboxWorkerOptions } from './mail/worker.ts';
import { purgeOutbox } from './mail/purge-outbox.ts';
import { cookieNameFor } from './web/cookies.ts';
import { PageCache } from './web/page-cache.ts';
import { metricsServed } from './metrics/metrics-access.ts';
import { PortalMetrics } from './metrics/portal-metrics.ts';
import { DevMailbox, smtpTransport, type MailTransport } from './mail/transport.ts';
import { emitDatedContractEvents } from './webhooks/dated-contract-events.ts';
import { purgeWebhookHistory } from './webhooks/purge-webhook-history.ts';
import { WebhookWorker, type WebhookWorkerOptions } from './webhooks/webhook-worker.ts';

export interface Runtime {
  deps: Deps;
  worker: OutboxWorker;
  /** Webhook deliveries: started by the server like the mail worker; tests call runOnce(). */
  webhooks: WebhookWorker;
  /** Timed work (scheduled publishing, digests): started by the server; tests call runDue(). */
  scheduler: JobScheduler;
  transport: MailTransport;
  close(): Promise<void>;
}

/**
 * Open the database, bring it to the latest schema and wire the pieces the
 * server, the CLI and the tests share.
 */
export async function boot(
  config: Config,
  log: Logger,
  opts: {
    clock?: Clock;
    db?: CreateDbOptions;
    transport?: MailTransport;
    worker?: Partial<OutboxWorkerOptions>;
    webhooks?: Partial<WebhookWorkerOptions>;
    /** False: no process-wide caches to keep (the CLI), so no change signal: on PostgreSQL no listening connection, no wait for it. */
    sharedCaches?: boolean;
    /** Threads that run readers' help searches (the server: 1); 0 or absent: in this thread. An in-memory SQLite database has none (a thread cannot open it). */
    searchThreads?: number;
  } = {},
): Promise<Runtime> {
  const articleReads = new ArticleReads();
  let changes: SqliteChangeSignal | PostgresChangeSignal | NoChangeSignal | undefined;
  const { db, dialect, dataVersion, poolStats, pool, close } = createDb(config.databaseUrl, {
    log,
    poolSize: config.databasePoolSize,
    preparedStatements: config.databasePreparedStatements,
    ...opts.db,
    // The page cache hears of it through the signal, as of every other process's writes.
    onPageDataWrite: (table) => changes?.written(table),
  });
  // PostgreSQL: listening starts beside the migration and is awaited after it (decision 0020).
  changes = opts.sharedCaches === false
    ? new NoChangeSignal()
    : dataVersion
    ? new SqliteChangeSignal(dataVersion)
    : new PostgresChangeSignal({ connectionString: config.databaseUrl, searchPath: opts.db?.searchPath, log, connectTimeoutMs: opts.db?.connectTimeoutMs });
  const caches = new SharedCaches(changes);
  const applied = await migrateToLatest(db).catch(async (err: unknown) => {
    await changes.close();
    throw err;
  });
  // Bounded: a listener that cannot connect leaves the caches off (check() false) and keeps trying.
  if (changes instanceof PostgresChangeSignal && !(await changes.ready(5_000))) log.warn({}, 'change notifications not listening yet: shared caches off until they are');
  if (applied.length > 0) log.info({ migrations: applied }, 'database migrated');
  const reindexed = await ensureSearchIndexFormat(db, dialect);
  if (reindexed > 0) log.info({ articles: reindexed }, 'help search index rebuilt for its new format');
  const clock = opts.clock ?? systemClock;
  const transport = opts.transport ?? (config.smtpUrl ? smtpTransport(config.smtpUrl, config.smtpTimeoutMs) : new DevMailbox());
  const worker = new OutboxWorker({
    db,
    transport,
    from: config.mailFrom,
    clock,
    log,
    messageIdDomain: new URL(config.publicUrl).hostname,
    leaseMs: config.jobLeaseMs,
    ...opts.worker,
  });
  const webhooks = new WebhookWorker({
    db,
    clock,
    log,
    policy: config.webhooks,
    timeoutMs: config.webhooks.timeoutMs,
    maxAttempts: config.webhooks.maxAttempts,
    retryBaseMs: config.webhooks.retryBaseMs,
    maxBackoffMs: config.webhooks.maxBackoffMs,
    leaseMs: config.jobLeaseMs,
    ...opts.webhooks,
  });
  // Wherever the change signal can tell of every process's writes (not the CLI's NoChangeSignal):
  // SQLite's data_version, PostgreSQL's notifications and barrier (decision 0034).
  const pageCache = config.pageCache && !(changes instanceof NoChangeSignal)
    ? new PageCache({
      clock,
      log,
      idleMs: config.sessionIdleMs,
      trustProxy: config.trustProxy,
      cookieNames: {
        sid: cookieNameFor(config.secureCookies, 'sid'),
        csrf: cookieNameFor(config.secureCookies, 'csrf'),
        flash: cookieNameFor(config.secureCookies, 'flash'),
      },
      signal: changes,
      touchSession: (id, at) => {
        db.updateTable('sessions').set({ last_seen_at: at.toISOString() }).where('id', '=', id).execute().catch((err) => log.warn({ err }, 'session touch failed'));
      },
    })
    : undefined;
  const hasher = new PasswordHasher(config.passwordHashConcurrency);
  const searchThreads = (opts.searchThreads ?? 0) > 0 && !isInMemorySqlite(config.databaseUrl)
    ? new SearchThreads({ databaseUrl: config.databaseUrl, db: { preparedStatements: config.databasePreparedStatements, ...(opts.db?.searchPath ? { searchPath: opts.db.searchPath } : {}), ...(opts.db?.connectTimeoutMs ? { connectTimeoutMs: opts.db.connectTimeoutMs } : {}) } }, opts.searchThreads)
    : undefined;
  // Jobs on the shared data run on one instance at a time (`once`: a lease in job_leases, jobs/job-scheduler.ts).
  const scheduler = new JobScheduler({ clock, log, db, leaseMs: config.jobLeaseMs });
  // Scheduled publish and unpublish; each due row is also claimed in the transaction that carries it out.
  scheduler.add({
    name: 'help-schedules',
    everyMs: 15_000,
    once: true,
    run: async (now, signal) => void (await runDueSchedules(db, { dialect, selfPublish: config.helpSelfPublish, log, signal }, now)),
  });
  // The weekly help digest; the database also decides who mails whom (send-help-digests.ts).
  scheduler.add(helpDigestJob({ db, dialect, config, log, mailQueued: () => worker.wake() }));
  scheduler.add({ name: 'help-search-log-retention', everyMs: 6 * 3_600_000, once: true, run: async (now) => void (await pruneSearchLog(db, now)) });
  // Throttle rows quiet for a day count from zero anyway; a spraying attack must not leave them behind for good.
  scheduler.add({ name: 'throttle-purge', everyMs: 3_600_000, once: true, run: async (now) => void (await purgeStaleThrottles(db, now)) });
  scheduler.add({
    name: 'outbox-retention',
    everyMs: 3_600_000,
    once: true,
    run: async (now) => {
      const n = await purgeOutbox(db, new Date(now.getTime() - config.outboxRetentionMs));
      if (n > 0) log.info({ mails: n }, 'old sent and dead mail purged from the outbox');
    },
  });
  // Idempotency-Key answers are replayed for 24 h; past that their rows are only kept bodies (api/idempotency.ts).
  scheduler.add({
    name: 'api-idempotency-purge',
    everyMs: 3_600_000,
    once: true,
    run: async (now) => {
      const n = await purgeIdempotencyKeys(db, now);
      if (n > 0) log.info({ keys: n }, 'expired Idempotency-Key answers purged');
    },
  });
  // contract.started / .ending / .ended on their days in Santiago, once across instances (each event also keyed per contract and day).
  scheduler.add({
    name: 'webhook-contract-dates',
    everyMs: 5 * 60_000,
    once: true,
    run: async (now, signal) => {
      const n = await emitDatedContractEvents(db, now, { catchUpDays: config.webhooks.catchUpDays, signal });
      if (n.started + n.ending + n.ended > 0) {
        log.info(n, 'dated contract webhook events written');
        webhooks.wake();
      }
    },
  });
  scheduler.add({
    name: 'webhook-retention',
    everyMs: 3_600_000,
    once: true,
    run: async (now) => {
      const n = await purgeWebhookHistory(db, new Date(now.getTime() - config.webhooks.retentionMs));
      if (n.deliveries + n.events > 0) log.info(n, 'old delivered and dead webhook deliveries purged');
    },
  });
  const metrics = new PortalMetrics({
    db, clock, log, caches,
    ...(pageCache ? { pageCache } : {}),
    ...(poolStats ? { pool: { stats: poolStats, max: opts.db?.poolSize ?? config.databasePoolSize } } : {}),
    processMetrics: metricsServed(config),
  });
  // The API's per-token counters, where every instance sees them: PostgreSQL's table, a SQLite file beside the database, or (a throw-away database) memory.
  const apiRateLimiter = new ApiRateLimiter(
    () => (pool ? postgresStore(pool) : isInMemorySqlite(config.databaseUrl) ? memoryStore() : sqliteStore(sqliteFileOf(config.databaseUrl))),
    config.apiRateLimit,
    log,
    metrics.registry,
  );
  const deps: Deps = {
    db,
    dialect,
    config,
    clock,
    log,
    hasher,
    mailQueued: () => worker.wake(),
    ...(transport instanceof DevMailbox ? { devMailbox: transport } : {}),
    helpSearch: new HelpSearch(db, dialect),
    ...(searchThreads ? { searchThreads } : {}),
    articleReads,
    changes,
    caches,
    ...(pageCache ? { pageCache } : {}),
    metrics,
    apiRateLimiter,
  };
  const flushReads = () => articleReads.flush(db, vendorToday(clock.now()));
  // Views are counted in this process's memory and written every half minute (and on close): every instance writes its own.
  const readsTimer = setInterval(() => flushReads().catch((err) => log.warn({ err }, 'writing article reads failed')), 30_000);
  readsTimer.unref();
  return {
    deps,
    worker,
    webhooks,
    scheduler,
    transport,
    async close() {
      clearInterval(readsTimer);
      await scheduler.stop();
      await flushReads().catch((err) => log.warn({ err }, 'writing article reads failed'));
      // An import being written in the background finishes (or fails and says so) before its database goes.
      await settleImports();
      await worker.stop();
      await webhooks.stop();
      transport.close();
      await hasher.close();
      await searchThreads?.close();
      caches.close();
      pageCache?.close();
      await changes.close();
      apiRateLimiter.close();
      await close();
    },
  };
}
