import type { Logger } from 'pino';
import { UnavailableError } from '../errors.ts';

/**
 * The loop the outbox workers share (mail, webhooks): a pass over due rows
 * every `pollMs`, at once when woken (a row was just queued) or when a pass
 * asks for another (it brought rows forward). A failing pass is logged and
 * the next tick comes anyway: the database away is an outage the next tick
 * rides out, anything else a bug. stop() cuts work in flight (each
 * subclass's `inFlight` controllers) and waits for the passes to write that down.
 */
export abstract class PollingWorker {
  private timer: NodeJS.Timeout | undefined;
  private ticking: Promise<void> | undefined;
  private stopped = true;
  /** True from stop() on: passes stop taking rows, tries not yet started are not started. */
  protected closing = false;
  private wakeRequested = false;
  private readonly passes = new Set<Promise<unknown>>();
  /** Sends under way, cut by stop(). */
  protected readonly inFlight = new Set<AbortController>();

  protected constructor(
    /** "outbox", "webhook": for the log lines. */
    private readonly what: string,
    protected readonly log: Logger,
    private readonly pollMs: number,
  ) {}

  /** One pass over due rows; how many were delivered. */
  protected abstract pass(): Promise<number>;

  /** Why in-flight sends are aborted on stop (the abort reason they see). */
  protected stopReason(): unknown {
    return undefined;
  }

  start(): void {
    this.stopped = false;
    this.closing = false;
    this.schedule(0);
  }

  /** Run a pass soon: something was just queued. */
  wake(): void {
    if (this.stopped) return;
    if (this.ticking) {
      this.wakeRequested = true;
      return;
    }
    this.schedule(0);
  }

  /** Another pass right after this one (rows were brought forward). */
  protected passAgain(): void {
    this.wakeRequested = true;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.closing = true;
    clearTimeout(this.timer);
    for (const c of this.inFlight) c.abort(this.stopReason());
    await Promise.allSettled([...this.passes]);
  }

  /** One pass now (tests, and the timer); how many were delivered. */
  async runOnce(): Promise<number> {
    if (this.closing) return 0;
    const pass = this.pass();
    this.passes.add(pass);
    try {
      return await pass;
    } finally {
      this.passes.delete(pass);
    }
  }

  private schedule(ms: number): void {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.tick(), ms);
    this.timer.unref?.();
  }

  private tick(): void {
    if (this.stopped || this.ticking) return;
    this.ticking = this.runOnce()
      .then(() => undefined)
      .catch((err) =>
        err instanceof UnavailableError
          ? this.log.warn({ errorId: err.id, cause: (err.cause as Error | undefined)?.message }, `${this.what} pass failed: database unavailable; trying again at the next tick`)
          : this.log.error({ err }, `${this.what} pass failed; trying again at the next tick`),
      )
      .finally(() => {
        this.ticking = undefined;
        if (this.stopped) return;
        const again = this.wakeRequested;
        this.wakeRequested = false;
        this.schedule(again ? 0 : this.pollMs);
      });
  }
}
