import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { Worker } from 'node:worker_threads';

/**
 * argon2id with OWASP's first parameter set (m=19 MiB, t=2, p=1), computed
 * on `concurrency` dedicated low-priority threads (hash-worker.mjs), fewer
 * than the cores. A storm of sign-ins queues here: it never blocks the event
 * loop, and it only gets the CPU that page requests leave free.
 */
/** Event-loop utilisation above which hashing steps aside, and for how many hash-durations. */
const BUSY_LOOP = 0.6;
const BUSY_PAUSE = 4;
/**
 * The share of hashing CPU that suspicious attempts (password-attempt.ts:
 * a source that has already failed) may take at most. They wait behind
 * every ordinary job, and after each one the lane stays shut for
 * (1/share − 1) times the CPU it took, so an attack spraying from a few
 * addresses cannot crowd out the sign-ins of everyone else.
 */
const LOW_PRIORITY_SHARE = 0.05;
/** A suspicious job that has waited this long goes ahead of ordinary ones when its lane is open: it is slowed, never starved. */
const LOW_PRIORITY_MAX_WAIT_MS = 1_000;
/**
 * Threads with nothing to do for this long are ended: each holds a V8 isolate
 * and argon2's 19 MiB (about 20 MB of the process's memory for good, after a
 * single sign-in). The next hash starts them again, a few tens of ms once.
 */
const IDLE_THREADS_END_MS = 30_000;

export interface HashOptions {
  /** Verify only when ordinary work leaves room (a source that has already failed). */
  lowPriority?: boolean;
  /** Among suspicious jobs, the less suspicious go first (a person's second try before a sprayer's twentieth). */
  suspicion?: number;
}

type Queued = { job: Job; resolve(v: unknown): void; reject(e: Error): void; suspicion: number; queuedAt: number; retried?: boolean };

/** The thread ended under the job (on its own or by us): hashing and verifying hold no state, so the job may run again elsewhere. */
class ThreadEnded extends Error {}

type Job = { id: number; op: 'hash'; password: string } | { id: number; op: 'verify'; hash: string; password: string };

/** A job's answer, and the CPU its thread spent on it (undefined where the platform does not tell: then its wall time stands in). */
interface Done {
  value: unknown;
  cpuMs: number | undefined;
}

interface Pending {
  resolve(v: Done): void;
  reject(e: Error): void;
}

class HashThread {
  readonly worker: Worker;
  busy = false;
  /** Ended, on its own or by us: the hasher puts a new thread in its place before the next job. */
  dead = false;
  private readonly pending = new Map<number, Pending>();

  constructor(onFree: () => void) {
    this.worker = new Worker(new URL('./hash-worker.mjs', import.meta.url));
    this.worker.unref();
    this.worker.on('message', (m: { id: number; ok: boolean; value?: unknown; cpuMs?: number; error?: string }) => {
      const p = this.pending.get(m.id);
      this.pending.delete(m.id);
      this.busy = false;
      this.worker.unref();
      if (m.ok) p?.resolve({ value: m.value, cpuMs: m.cpuMs });
      else p?.reject(new Error(String(m.error)));
      onFree();
    });
    // A thread can end on its own (out of memory, its file missing beside the bundle): 'error' comes
    // first, then always 'exit'. Its job fails; left busy, it would hold every later job in the queue.
    let failure: Error | undefined;
    this.worker.on('error', (err) => {
      failure = err as Error;
    });
    this.worker.on('exit', (code) => {
      this.dead = true;
      this.busy = false;
      const err = new ThreadEnded(`password hashing thread ended (code ${code})${failure ? `: ${failure.message}` : ''}`);
      for (const p of this.pending.values()) p.reject(err);
      this.pending.clear();
      onFree();
    });
  }

  run(job: Job): Promise<Done> {
    this.busy = true;
    // Referenced only while working: an idle hasher never keeps the process alive, a busy one does.
    this.worker.ref();
    return new Promise((resolve, reject) => {
      this.pending.set(job.id, { resolve, reject });
      this.worker.postMessage(job);
    });
  }
}

export class PasswordHasher {
  private threads: HashThread[] | undefined;
  private readonly queue: Queued[] = [];
  private readonly lowQueue: Queued[] = [];
  /** The low-priority lane is shut until then (performance.now()). */
  private lowOpenAt = 0;
  private nextId = 1;
  private pausedUntil = 0;
  private resumeTimer: NodeJS.Timeout | undefined;
  private lowTimer: NodeJS.Timeout | undefined;
  private idleTimer: NodeJS.Timeout | undefined;
  /** Moving average of one hash's duration on its thread (wall time, without the wait in the queue). */
  private computeMs = 25;
  /** A hash of a random password, verified when the account does not exist so timing matches. */
  private dummyHash: Promise<string> | undefined;

  constructor(
    private readonly concurrency = 1,
    private readonly idleEndMs = IDLE_THREADS_END_MS,
  ) {}

  /** Hashing threads alive now (0 before the first hash and after IDLE_THREADS_END_MS without one). */
  get liveThreads(): number {
    return this.threads?.filter((t) => !t.dead).length ?? 0;
  }

  hash(password: string): Promise<string> {
    return this.submit({ id: this.nextId++, op: 'hash', password }) as Promise<string>;
  }

  async verify(phc: string, password: string, opts: HashOptions = {}): Promise<boolean> {
    return (await this.submit({ id: this.nextId++, op: 'verify', hash: phc, password }, opts.lowPriority === true, opts.suspicion ?? 0)) as boolean;
  }

  /** Spend the same work as a real verify, for an account that does not exist. */
  async verifyNothing(password: string, opts: HashOptions = {}): Promise<false> {
    this.dummyHash ??= this.hash(randomBytes(16).toString('hex'));
    await this.verify(await this.dummyHash, password, opts);
    return false;
  }

  /**
   * About how long a verify asked for now would take: the wait behind what
   * is queued, any pause, and one hash. Answers that skip hashing (a
   * throttled attempt) are padded to this, so their timing matches a real
   * attempt's at the same moment: after a burst the queue is empty and both
   * are quick; during one both wait. (A moving average of whole durations
   * would keep a burst's queueing for many requests after it.)
   */
  expectedVerifyMs(): number {
    const busy = (this.threads ?? []).filter((t) => t.busy).length;
    const ahead = this.queue.length + busy;
    const waves = Math.floor(ahead / Math.max(1, this.concurrency));
    const paused = Math.max(0, this.pausedUntil - performance.now());
    return paused + this.computeMs * (waves + 1);
  }

  async close(): Promise<void> {
    clearTimeout(this.resumeTimer);
    clearTimeout(this.lowTimer);
    clearTimeout(this.idleTimer);
    const threads = this.threads ?? [];
    this.threads = undefined;
    await Promise.all(threads.map((t) => t.worker.terminate()));
  }

  private submit(job: Job, lowPriority = false, suspicion = 0): Promise<unknown> {
    // Threads start on first use: the CLI and most tests never pay for them.
    this.threads ??= Array.from({ length: this.concurrency }, () => this.startThread());
    clearTimeout(this.idleTimer);
    this.idleTimer = undefined;
    return new Promise((resolve, reject) => {
      const queued: Queued = { job, resolve, reject, suspicion, queuedAt: performance.now() };
      if (!lowPriority) this.queue.push(queued);
      else {
        // Kept in order of suspicion, first come first served among equals.
        let at = this.lowQueue.length;
        while (at > 0 && this.lowQueue[at - 1]!.suspicion > suspicion) at--;
        this.lowQueue.splice(at, 0, queued);
      }
      this.drain();
    });
  }

  /** The next job: ordinary work first; suspicious work while its lane is open, ahead of ordinary work once it has waited long. */
  private takeNext(now: number): { next: Queued; low: boolean } | undefined {
    const open = now >= this.lowOpenAt;
    const overdue = open && this.lowQueue.findIndex((q) => now - q.queuedAt >= LOW_PRIORITY_MAX_WAIT_MS);
    if (overdue !== false && overdue >= 0) return { next: this.lowQueue.splice(overdue, 1)[0]!, low: true };
    const next = this.queue.shift();
    if (next) return { next, low: false };
    if (this.lowQueue.length === 0) return undefined;
    if (!open) {
      clearTimeout(this.lowTimer);
      // Shut while a low-priority job runs (Infinity): its end reopens the lane and drains again; no timer, which Node would clamp to 1 ms.
      if (Number.isFinite(this.lowOpenAt)) this.lowTimer = setTimeout(() => this.drain(), this.lowOpenAt - now);
      return undefined;
    }
    return { next: this.lowQueue.shift()!, low: true };
  }


  /** Once nothing is queued or running, end the threads after idleEndMs unless work comes first (submit clears the timer). */
  private endThreadsWhenIdle(): void {
    if (this.idleTimer || this.queue.length > 0 || this.lowQueue.length > 0 || (this.threads ?? []).some((t) => t.busy)) return;
    this.idleTimer = setTimeout(() => {
      this.idleTimer = undefined;
      if (this.queue.length > 0 || this.lowQueue.length > 0 || (this.threads ?? []).some((t) => t.busy)) return;
      const threads = this.threads ?? [];
      this.threads = undefined;
      for (const t of threads) void t.worker.terminate();
    }, this.idleEndMs);
    this.idleTimer.unref();
  }

  private startThread(): HashThread {
    return new HashThread(() => this.drain());
  }

  private drain(): void {
    const wait = this.pausedUntil - performance.now();
    if (wait > 0) {
      this.resumeTimer ??= setTimeout(() => {
        this.resumeTimer = undefined;
        this.drain();
      }, wait);
      return;
    }
    const threads = this.threads ?? [];
    for (const [i, current] of threads.entries()) {
      if (current.busy) continue;
      // A dead thread is replaced only when there is work for it: one whose file cannot load fails each job once, never in a loop.
      if (current.dead && this.queue.length === 0 && this.lowQueue.length === 0) continue;
      const thread = current.dead ? (threads[i] = this.startThread()) : current;
      const started = performance.now();
      const taken = this.takeNext(started);
      if (!taken) {
        this.endThreadsWhenIdle();
        return;
      }
      const { next, low } = taken;
      // Shut the lane at once, so another idle thread does not take a second suspicious job meanwhile.
      if (low) this.lowOpenAt = Infinity;
      const elu = performance.eventLoopUtilization();
      thread.run(next.job).then(
        ({ value, cpuMs }) => {
          const now = performance.now();
          // Wall time: what the next caller will wait. CPU time: what the job cost, which the shares
          // below are of. At nice 19 on a busy machine a 50 ms hash can take seconds of wall time;
          // shutting the slow lane for 19 times that would keep everyone at an address where someone
          // once mistyped waiting tens of seconds, for no saving of CPU.
          const wallMs = now - started;
          const costMs = cpuMs ?? wallMs;
          this.computeMs = this.computeMs * 0.9 + wallMs * 0.1;
          if (low) this.lowOpenAt = now + costMs * (1 / LOW_PRIORITY_SHARE - 1);
          this.yieldIfPagesAreBusy(costMs, elu);
          next.resolve(value);
          if (low) this.drain();
        },
        (e: Error) => {
          if (low) this.lowOpenAt = performance.now();
          // Once more, first in its lane, on the thread put in place of the dead one; a job whose thread dies twice fails.
          if (e instanceof ThreadEnded && !next.retried) {
            next.retried = true;
            (low ? this.lowQueue : this.queue).unshift(next);
            this.drain();
            return;
          }
          next.reject(e);
          if (low) this.drain();
        },
      );
    }
  }

  /**
   * Even at nice 19 an argon2id hash streams 19 MiB through the caches the
   * pages share. When the event loop was busy while it ran, wait BUSY_PAUSE
   * times the hash's CPU time before the next one: hashing then takes at
   * most ~1/(1+BUSY_PAUSE) of a core while pages are under load, and runs
   * flat out when they are not.
   */
  private yieldIfPagesAreBusy(costMs: number, eluAtStart: ReturnType<typeof performance.eventLoopUtilization>): void {
    const busy = performance.eventLoopUtilization(eluAtStart).utilization;
    if (busy < BUSY_LOOP) return;
    this.pausedUntil = Math.max(this.pausedUntil, performance.now() + costMs * BUSY_PAUSE);
  }
}
