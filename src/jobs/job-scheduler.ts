import type { Kysely } from 'kysely';
import type { Logger } from 'pino';
import type { Clock } from '../clock.ts';
import type { Database } from '../db/schema.ts';
import { INSTANCE_LABEL } from './claim-job-run.ts';
import { acquireJobLease, readJobLease, releaseJobLease, renewJobLease } from './job-lease.ts';

/**
 * Work the server does on its own at a time, not because of a request:
 * scheduled help publishing, the weekly digest, purges. Several instances
 * may share one database, so every job says which kind it is:
 * - `once: true`: work on the shared data. Each run holds the job's lease
 *   (job-lease.ts), renewed while it runs and released at its end, so two
 *   instances never run it at the same time, and an instance killed
 *   mid-run leaves a lease that expires and is taken over. The lease is the
 *   first guard; a job that must never act twice on the same item still
 *   claims each item in the transaction that does it (a schedule's done_at,
 *   claimJobRun's key), for the holder that paused past its expiry.
 * - `once: false`: this process's own state (counts in memory), run by
 *   every instance.
 * The field is required so a job added later decides, rather than running
 * everywhere by default.
 */
export interface ScheduledJob {
  /** For logs, and the lease's name in job_leases. */
  name: string;
  /** How often this instance looks for due work. */
  everyMs: number;
  once: boolean;
  /** `signal` aborts when the lease was lost to another instance (or the scheduler stops): stop at the next item. */
  run(now: Date, signal: AbortSignal): Promise<void>;
}

export interface JobSchedulerOptions {
  clock: Clock;
  log: Logger;
  db: Kysely<Database>;
  /** How long a lease lasts unrenewed (60 s): a killed holder's job is taken over after this. */
  leaseMs?: number;
  /** How often a running job renews its lease (a third of leaseMs). */
  renewEveryMs?: number;
  /** Who holds the leases, as job_leases.holder shows it (host:pid). */
  holder?: string;
  /** The first turn of each job after start(), at most (2 s, spread at random so instances started together do not all knock at once). */
  firstTurnMs?: number;
}

export class JobScheduler {
  private readonly jobs: ScheduledJob[] = [];
  private readonly timers: NodeJS.Timeout[] = [];
  private readonly running = new Map<string, { done: Promise<void>; controller: AbortController }>();
  /** Per job: a timer at the expiry of the lease another instance held when this one's turn came (see watchHolder). */
  private readonly watches = new Map<string, NodeJS.Timeout>();
  private started = false;
  private stopped = false;

  constructor(private readonly o: JobSchedulerOptions) {}

  private get leaseMs() {
    return this.o.leaseMs ?? 60_000;
  }

  add(job: ScheduledJob): void {
    if (this.jobs.some((j) => j.name === job.name)) throw new Error(`scheduled job ${job.name} added twice`);
    this.jobs.push(job);
  }

  /**
   * Start the timers (the server does; tests call runDue() with their own
   * clock instead). Each job has a first turn soon after start, not one
   * interval later: a job every 6 h on a server restarted more often than
   * that would otherwise never run.
   */
  start(): void {
    this.started = true;
    for (const job of this.jobs) {
      const first = setTimeout(() => void this.runOne(job), Math.floor(Math.random() * Math.min(job.everyMs, this.o.firstTurnMs ?? 2_000)));
      first.unref();
      const timer = setInterval(() => void this.runOne(job), job.everyMs);
      timer.unref();
      this.timers.push(first, timer);
    }
  }

  /** Run every job once now (a job still running from its timer is waited for, not started twice). */
  async runDue(): Promise<void> {
    for (const job of this.jobs) await this.runOne(job);
  }

  private runOne(job: ScheduledJob): Promise<void> {
    if (this.stopped) return Promise.resolve();
    const current = this.running.get(job.name);
    if (current) return current.done;
    const controller = new AbortController();
    const done = (job.once ? this.underLease(job, controller) : job.run(this.o.clock.now(), controller.signal))
      .catch((err) => this.o.log.warn({ err, job: job.name }, 'scheduled job failed; it runs again at its next turn'))
      .finally(() => this.running.delete(job.name));
    this.running.set(job.name, { done, controller });
    return done;
  }

  /** One run of a `once` job: take the lease or skip the turn, renew it while the job runs, give it back after. */
  private async underLease(job: ScheduledJob, controller: AbortController): Promise<void> {
    const { db, clock, log } = this.o;
    const holder = this.o.holder ?? INSTANCE_LABEL;
    const askedAt = performance.now();
    const token = await acquireJobLease(db, job.name, holder, clock.now(), this.leaseMs);
    if (!token) {
      log.debug({ job: job.name }, 'scheduled job held by another instance: this turn is skipped');
      if (this.started) await this.watchHolder(job);
      return;
    }
    let lost = false;
    let renewing = false;
    const loseIt = (why: string) => {
      if (lost) return;
      lost = true;
      log.warn({ job: job.name }, why);
      controller.abort(new Error('lease lost'));
    };
    // Renewals that fail or hang (the database away from this process only, a full pool) must not let the
    // run go on until another instance takes the lease: it stops a sixth of the lease before the row's
    // expiry, counted on this process's monotonic clock from when the last good renewal was sent.
    const fenceMs = this.leaseMs - Math.floor(this.leaseMs / 6);
    const fenceAt = (from: number) => {
      clearTimeout(fence);
      fence = setTimeout(() => loseIt('scheduled job lease not renewed in time (database unreachable?): this run stops'), from + fenceMs - performance.now());
      fence.unref();
    };
    let fence: NodeJS.Timeout | undefined;
    fenceAt(askedAt);
    const renew = setInterval(() => {
      if (renewing || lost) return;
      renewing = true;
      const sentAt = performance.now();
      renewJobLease(db, job.name, token, clock.now(), this.leaseMs)
        .then((held) => (held ? lost || fenceAt(sentAt) : loseIt('scheduled job lease taken by another instance: this run stops')))
        // The database may be back before the lease runs out: keep working; the next renewal tells, and the fence bounds the wait.
        .catch((err) => log.warn({ err, job: job.name }, 'scheduled job lease renewal failed'))
        .finally(() => (renewing = false));
    }, this.o.renewEveryMs ?? Math.max(10, Math.floor(this.leaseMs / 3)));
    renew.unref();
    try {
      await job.run(clock.now(), controller.signal);
    } finally {
      clearInterval(renew);
      clearTimeout(fence);
      // A lost lease is given back too, matched on its token: a no-op when another holds it now, and no wait for the expiry when nobody took it.
      await releaseJobLease(db, job.name, token).catch((err) => log.warn({ err, job: job.name }, 'releasing a scheduled job lease failed'));
    }
  }

  /**
   * The lease was held: if it runs out before this job's next turn, look
   * again at its expiry. Still the same token then means nobody renewed or
   * released it (its holder was killed or is stuck), and this instance takes
   * the job over at once instead of up to a whole interval later; a lease
   * renewed meanwhile is watched again, one released (the run finished) or
   * taken by a third instance is left alone.
   */
  private async watchHolder(job: ScheduledJob): Promise<void> {
    if (this.watches.has(job.name) || this.stopped) return;
    const held = await readJobLease(this.o.db, job.name);
    if (!held) return;
    const wait = Date.parse(held.expires_at) - this.o.clock.now().getTime() + 50;
    if (wait >= job.everyMs || this.stopped || this.watches.has(job.name)) return;
    const timer = setTimeout(() => {
      this.watches.delete(job.name);
      readJobLease(this.o.db, job.name)
        .then((now) => (now?.token === held.token ? this.runOne(job) : undefined))
        .catch((err) => this.o.log.warn({ err, job: job.name }, 'looking at a scheduled job lease failed; the next turn tries again'));
    }, Math.max(0, wait));
    timer.unref();
    this.watches.set(job.name, timer);
  }

  /** Stop the timers, tell running jobs to stop at their next item, and wait for them (their leases are released). */
  async stop(): Promise<void> {
    this.stopped = true;
    for (const t of this.timers) clearInterval(t);
    for (const t of this.watches.values()) clearTimeout(t);
    this.watches.clear();
    const running = [...this.running.values()];
    for (const r of running) r.controller.abort(new Error('stopping'));
    await Promise.all(running.map((r) => r.done));
  }
}
