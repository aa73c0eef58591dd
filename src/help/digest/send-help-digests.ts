import { sql, type Kysely, type Transaction } from 'kysely';
import { hashToken, newToken } from '../../auth/token.ts';
import type { Brand } from '../../config.ts';
import type { Dialect } from '../../db/create-db.ts';
import type { Database } from '../../db/schema.ts';
import { vendorToday } from '../../domain/contracts.ts';
import { claimJobRun } from '../../jobs/claim-job-run.ts';
import { enqueueMail } from '../../mail/outbox.ts';
import { helpDigestMail, type DigestSystem } from '../../mail/templates/help-digest-mail.tsx';
import { readableSystems } from '../help-access.ts';
import { listHelpNews } from '../news/list-help-news.ts';
import { digestWeek } from './digest-week.ts';

/**
 * Subscriptions looked at per transaction. On SQLite a batch holds the write
 * lock and, better-sqlite3 being synchronous, the event loop too (about 5 ms a
 * subscription, measured with two systems each): 20 keep a batch near 100 ms
 * of requests waiting. PostgreSQL waits on its socket and blocks nobody.
 */
export const DIGEST_BATCH = { sqlite: 20, postgres: 100 } as const;
/**
 * A mail lists versions up to this long before its run, and the next mail
 * starts from the same point: a version is stamped when its transaction
 * starts (a big import takes minutes) and may commit after a run has read,
 * with a time before it. Both ends move together, so nothing is listed twice.
 */
export const DIGEST_SETTLE_MS = 15 * 60_000;
/**
 * How long an older mail's unsubscribe link keeps working while the
 * subscription lasts: a row per mail, 52 a year per person, pruned when the
 * next mail is made (an older link then gets the page that points to Mi cuenta).
 */
export const UNSUBSCRIBE_LINK_DAYS = 400;
/** Articles listed per system in a mail; the rest is "y N más" and the Novedades link. */
const ITEMS_PER_SYSTEM = 10;

export interface DigestRun {
  dialect: Dialect;
  brand: Brand;
  publicUrl: string;
  batchSize?: number;
  /** Stop after this many batches (the next turn of the job goes on); unbounded by default. */
  maxBatches?: number;
  /** Aborted when the job's lease was lost to another instance or the server is stopping: no further batch starts. */
  signal?: AbortSignal;
  /** Tests: called inside each batch's transaction after its writes, before the commit. */
  beforeCommit?: (mailed: number) => void;
}

export interface DigestOutcome {
  /** Not due yet this week, or already done. */
  skipped?: 'not-due' | 'done';
  mailed: number;
  /** Subscriptions this call took (mailed or with nothing new). */
  taken: number;
  /** The week's run is complete (its job_runs key is claimed). */
  finished: boolean;
}

/**
 * The weekly digest, once per subscription per ISO week, across instances
 * and restarts. Each batch is one transaction that claims its subscriptions
 * one by one — `last_sent_at` moves to now only if it was still before this
 * week's due time, in the same transaction as the mail in the outbox — so:
 *  - two instances never mail one person twice (the second's conditional
 *    update finds the row already moved; on PostgreSQL it also skips rows
 *    another instance holds);
 *  - a crash rolls its batch back whole (no mail, no claim), and the next
 *    turn takes those people again;
 *  - nothing is lost by moving `last_sent_at` without a mail: it moves only
 *    when there was nothing new since the previous one.
 * When no subscription is left for the week, the job_runs key
 * help-digest:<year>-W<week> is claimed in that last transaction, and every
 * later turn that week stops at that one lookup.
 */
export async function sendHelpDigests(db: Kysely<Database>, run: DigestRun, now: Date): Promise<DigestOutcome> {
  const week = digestWeek(now);
  if (now < week.dueAt) return { skipped: 'not-due', mailed: 0, taken: 0, finished: false };
  if (await db.selectFrom('job_runs').select('key').where('key', '=', week.key).executeTakeFirst()) return { skipped: 'done', mailed: 0, taken: 0, finished: true };
  const dueAt = week.dueAt.toISOString();
  const size = run.batchSize ?? DIGEST_BATCH[run.dialect];
  let mailed = 0;
  let taken = 0;
  for (let batch = 0; run.maxBatches === undefined || batch < run.maxBatches; batch++) {
    if (run.signal?.aborted) break;
    const r = await db.transaction().execute(async (trx) => {
      let q = pending(trx, dueAt).select(['s.user_id as userId', 'u.email', 'u.name', 'u.role', 'u.customer_id as customerId', 's.subscribed_at as subscribedAt', 's.last_sent_at as lastSentAt']).orderBy('s.user_id').limit(size);
      if (run.dialect === 'postgres') q = q.forUpdate('s').skipLocked();
      const rows = await q.execute();
      let batchMailed = 0;
      let batchTaken = 0;
      for (const row of rows) {
        if (!(await claim(trx, row.userId, dueAt, now))) continue;
        batchTaken++;
        if (await mailOne(trx, run, row, now)) batchMailed++;
      }
      let finished = false;
      if (rows.length < size && !(await pending(trx, dueAt).select('s.user_id').limit(1).executeTakeFirst())) {
        await claimJobRun(trx, week.key, now);
        await trx.updateTable('job_runs').set({ finished_at: now.toISOString() }).where('key', '=', week.key).execute();
        finished = true;
      }
      run.beforeCommit?.(batchMailed);
      return { batchMailed, batchTaken, finished, full: rows.length === size };
    });
    mailed += r.batchMailed;
    taken += r.batchTaken;
    if (r.finished) return { mailed, taken, finished: true };
    // Rows held by another instance: it finishes them, a later turn closes the week.
    if (!r.full) break;
    // Give the loop back between batches: without it a run of thousands froze every request for its whole length on SQLite.
    await new Promise((resolve) => setImmediate(resolve));
  }
  return { mailed, taken, finished: false };
}

/** Subscriptions of enabled people at enabled customers not yet taken this week. */
function pending(trx: Transaction<Database>, dueAt: string) {
  return trx
    .selectFrom('help_digest_subscriptions as s')
    .innerJoin('users as u', 'u.id', 's.user_id')
    .innerJoin('customers as c', 'c.id', 'u.customer_id')
    .where('u.disabled_at', 'is', null)
    .where('c.disabled_at', 'is', null)
    .where(sql<boolean>`coalesce(s.last_sent_at, s.subscribed_at) < ${dueAt}`);
}

/** The once-per-week claim of one subscription; false when another transaction took it first. */
async function claim(trx: Transaction<Database>, userId: string, dueAt: string, now: Date): Promise<boolean> {
  const r = await trx
    .updateTable('help_digest_subscriptions')
    .set({ last_sent_at: now.toISOString() })
    .where('user_id', '=', userId)
    .where(sql<boolean>`coalesce(last_sent_at, subscribed_at) < ${dueAt}`)
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

async function mailOne(
  trx: Transaction<Database>,
  run: DigestRun,
  row: { userId: string; email: string; name: string; role: 'admin' | 'technical'; customerId: string; subscribedAt: string; lastSentAt: string | null },
  now: Date,
): Promise<boolean> {
  const systems = await readableSystems(trx, { customerId: row.customerId, userId: row.userId, role: row.role }, vendorToday(now));
  if (systems.length === 0) return false;
  const settled = (at: Date) => new Date(at.getTime() - DIGEST_SETTLE_MS).toISOString();
  // last_sent_at is this run's `now`; the window ends DIGEST_SETTLE_MS before it, and the next one starts there.
  const since = settled(new Date(row.lastSentAt ?? row.subscribedAt));
  const until = settled(now);
  const digest: DigestSystem[] = [];
  for (const s of systems) {
    const news = await listHelpNews(trx, { systemIds: [s.id], since, until, limit: ITEMS_PER_SYSTEM });
    if (news.total > 0) digest.push({ slug: s.slug, name: s.name, items: news.items, total: news.total });
  }
  if (digest.length === 0) return false;
  const token = newToken();
  const hash = hashToken(token);
  const expired = new Date(now.getTime() - UNSUBSCRIBE_LINK_DAYS * 86_400_000).toISOString();
  await trx.deleteFrom('help_digest_unsubscribe_links').where('user_id', '=', row.userId).where('created_at', '<', expired).execute();
  await trx.insertInto('help_digest_unsubscribe_links').values({ token_hash: hash, user_id: row.userId, created_at: now.toISOString() }).execute();
  await trx.updateTable('help_digest_subscriptions').set({ unsubscribe_hash: hash }).where('user_id', '=', row.userId).execute();
  await enqueueMail(trx, helpDigestMail({ brand: run.brand, publicUrl: run.publicUrl, to: row.email, name: row.name, systems: digest, unsubscribeToken: token }), now);
  return true;
}
