import type { Logger } from 'pino';
import { PasswordHasher } from './auth/password-hasher.ts';
import { purgeStaleThrottles } from './auth/throttle.ts';
import { systemClock, type Clock } from './clock.ts';
import type { Config } from './config.ts';
import { createDb, type CreateDbOptions } from './db/create-db.ts';
import { NoChangeSignal, SqliteChangeSignal, type ChangeSignal } from './db/change-signal.ts';
import { SharedCaches } from './cache/shared-cache.ts';
import { migrateToLatest } from './db/migrate.ts';
import { ensureSearchIndexFormat } from './help/search/search-index-format.ts';
import type { Deps } from './deps.ts';
import { settleImports } from './imports/run-import.ts';
import { vendorToday } from './domain/contracts.ts';
import { ArticleReads } from './help/article-reads.ts';
import { HelpSearch } from './help/search/help-search.ts';
import { runDueSchedules } from './help/authoring/run-due-schedules.ts';
import { pruneSearchLog } from './help/search/prune-search-log.ts';
import { helpDigestJob } from './help/digest/help-digest-job.ts';
import { JobScheduler } from './jobs/job-scheduler.ts';
import { OutboxWorker, type OutboxWorkerOptions } from './mail/worker.ts';
import { cookieNameFor } from './web/cookies.ts';
import { PageCache } from './web/page-cache.ts';
import { DevMailbox, smtpTransport, type MailTransport } from './mail/transport.ts';

export interface Runtime {
  deps: Deps;
  worker: OutboxWorker;
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
  opts: { clock?: Clock; db?: CreateDbOptions; transport?: MailTransport; worker?: Partial<OutboxWorkerOptions> } = {},
): Promise<Runtime> {
  // The cache exists only once the database does, but the database must tell it about writes.
  let pageCache: PageCache | undefined;
  const articleReads = new ArticleReads();
  let sqliteChanges: SqliteChangeSignal | undefined;
  const { db, dialect, dataVersion, close } = createDb(config.databaseUrl, {
    log,
    poolSize: config.databasePoolSize,
    ...opts.db,
    onPageDataWrite: (table) => {
      pageCache?.bump();
      sqliteChanges?.written(table);
    },
  });
  // TODO(issue 10, change signal): PostgreSQL's LISTEN/NOTIFY signal; until then nothing is cached across requests there.
  const changes: ChangeSignal = dataVersion ? (sqliteChanges = new SqliteChangeSignal(dataVersion)) : new NoChangeSignal();
  const caches = new SharedCaches(changes);
  const applied = await migrateToLatest(db);
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
    retentionMs: config.outboxRetentionMs,
    ...opts.worker,
  });
  // Only where another process's commits can be seen cheaply (SQLite); on
  // PostgreSQL several portal processes may share the database.
  if (config.pageCache && dataVersion) {
    pageCache = new PageCache({
      clock,
      log,
      idleMs: config.sessionIdleMs,
      trustProxy: config.trustProxy,
      cookieNames: {
        sid: cookieNameFor(config.secureCookies, 'sid'),
        csrf: cookieNameFor(config.secureCookies, 'csrf'),
        flash: cookieNameFor(config.secureCookies, 'flash'),
      },
      dataVersion,
      onHit: (path) => articleReads.recordPath(path),
      touchSession: (id, at) => {
        db.updateTable('sessions').set({ last_seen_at: at.toISOString() }).where('id', '=', id).execute().catch((err) => log.warn({ err }, 'session touch failed'));
      },
    });
  }
  const hasher = new PasswordHasher(config.passwordHashConcurrency);
  const scheduler = new JobScheduler(clock, log);
  // Scheduled publish and unpublish: each due row is claimed in the transaction that carries it out, so every instance may look.
  scheduler.add({ name: 'help-schedules', everyMs: 15_000, run: async (now) => void (await runDueSchedules(db, { dialect, selfPublish: config.helpSelfPublish, log }, now)) });
  // The weekly help digest: every instance checks, the database decides who mails whom (send-help-digests.ts).
  scheduler.add(helpDigestJob({ db, dialect, config, log, mailQueued: () => worker.wake() }));
  // Every instance may run it: deleting what is past the retention twice deletes nothing the second time.
  scheduler.add({ name: 'help-search-log-retention', everyMs: 6 * 3_600_000, run: async (now) => void (await pruneSearchLog(db, now)) });
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
    articleReads,
    changes,
    caches,
    ...(pageCache ? { pageCache } : {}),
  };
  const flushReads = () => articleReads.flush(db, vendorToday(clock.now()));
  // Views are counted in memory and written every half minute (and on close).
  const readsTimer = setInterval(() => flushReads().catch((err) => log.warn({ err }, 'writing article reads failed')), 30_000);
  readsTimer.unref();
  // Throttle rows quiet for a day count from zero anyway; a spraying attack must not leave them behind for good.
  const throttlePurge = setInterval(() => purgeStaleThrottles(db, clock.now()).catch((err) => log.warn({ err }, 'purging old throttle rows failed')), 3_600_000);
  throttlePurge.unref();
  return {
    deps,
    worker,
    scheduler,
    transport,
    async close() {
      clearInterval(readsTimer);
      await scheduler.stop();
      clearInterval(throttlePurge);
      await flushReads().catch((err) => log.warn({ err }, 'writing article reads failed'));
      // An import being written in the background finishes (or fails and says so) before its database goes.
      await settleImports();
      await worker.stop();
      transport.close();
      await hasher.close();
      caches.close();
      await changes.close();
      await close();
    },
  };
}
