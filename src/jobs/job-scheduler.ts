import type { Logger } from 'pino';
import type { Clock } from '../clock.ts';

/**
 * Work the server does on its own at a time, not because of a request:
 * scheduled help publishing, the weekly digest. Every instance runs every job
 * on its interval; a job that must happen once across instances claims its
 * work in the database (a row updated or inserted once, in the transaction
 * that does the work, or claimJobRun()), so two instances, or one restarted,
 * never do it twice.
 */
export interface ScheduledJob {
  /** For logs. */
  name: string;
  /** How often this instance looks for due work. */
  everyMs: number;
  run(now: Date): Promise<void>;
}

export class JobScheduler {
  private readonly jobs: ScheduledJob[] = [];
  private readonly timers: NodeJS.Timeout[] = [];
  private readonly running = new Map<string, Promise<void>>();
  private stopped = false;

  constructor(
    private readonly clock: Clock,
    private readonly log: Logger,
  ) {}

  add(job: ScheduledJob): void {
    this.jobs.push(job);
  }

  /** Start the timers (the server does; tests call runDue() with their own clock instead). */
  start(): void {
    for (const job of this.jobs) {
      const timer = setInterval(() => void this.runOne(job), job.everyMs);
      timer.unref();
      this.timers.push(timer);
    }
  }

  /** Run every job once now (a job still running from its timer is waited for, not started twice). */
  async runDue(): Promise<void> {
    for (const job of this.jobs) await this.runOne(job);
  }

  private async runOne(job: ScheduledJob): Promise<void> {
    if (this.stopped) return;
    const current = this.running.get(job.name);
    if (current) return current;
    const p = job
      .run(this.clock.now())
      .catch((err) => this.log.warn({ err, job: job.name }, 'scheduled job failed; it runs again at its next turn'))
      .finally(() => this.running.delete(job.name));
    this.running.set(job.name, p);
    return p;
  }

  /** Stop the timers and wait for the jobs running now. */
  async stop(): Promise<void> {
    this.stopped = true;
    for (const t of this.timers) clearInterval(t);
    await Promise.all(this.running.values());
  }
}
