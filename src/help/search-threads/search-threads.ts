import { Worker } from 'node:worker_threads';
import { databaseBusy, databaseUnavailable } from '../../errors.ts';
import type { HelpSearch, SearchRequest, SearchResults } from '../search/help-search.ts';
import type { SearchJob, SearchThreadData, ThreadAnswer } from './search-thread-protocol.ts';

/**
 * Threads with no search for this long are ended: each holds a V8 isolate,
 * its connection and its copy of the vocabulary. The next search starts them
 * again (a first search then waits for the thread to load, once).
 */
const IDLE_THREADS_END_MS = 30_000;
/**
 * A search the thread has not answered in this long answers "ocupado" (503,
 * Retry-After): the request gets an answer the way a busy database gives one,
 * rather than waiting on a thread that is stuck.
 */
const SEARCH_TIMEOUT_MS = 15_000;
/** How long an ending thread may take to close its connection before it is terminated. */
const CLOSE_GRACE_MS = 2_000;

/** Built from src/, the thread is a TypeScript file behind a loader; in dist/, a bundle of its own beside server.js. */
function threadEntry(): URL {
  return import.meta.url.endsWith('.ts') ? new URL('./search-thread-tsx.mjs', import.meta.url) : new URL('./search-thread.js', import.meta.url);
}

interface Pending {
  resolve(v: SearchResults): void;
  reject(e: Error): void;
  timer: NodeJS.Timeout;
}

/** The thread ended under the job (on its own or by us): a search writes nothing, so it may run again. */
class ThreadEnded extends Error {}

class SearchThread {
  readonly worker: Worker;
  dead = false;
  readonly pending = new Map<number, Pending>();

  constructor(data: SearchThreadData, onIdle: () => void) {
    this.worker = new Worker(threadEntry(), { workerData: data });
    this.worker.unref();
    this.worker.on('message', (m: ThreadAnswer) => {
      const p = this.pending.get(m.id);
      if (!p) return; // timed out already
      this.settle(m.id);
      if (m.ok) p.resolve(m.value);
      else p.reject(m.error.unavailable === 'database-busy' ? databaseBusy() : m.error.unavailable ? databaseUnavailable() : new Error(m.error.message));
      if (this.pending.size === 0) onIdle();
    });
    let failure: Error | undefined;
    this.worker.on('error', (err) => {
      failure = err as Error;
    });
    this.worker.on('exit', (code) => {
      this.dead = true;
      const err = new ThreadEnded(`help search thread ended (code ${code})${failure ? `: ${failure.message}` : ''}`);
      for (const [id, p] of this.pending) {
        this.settle(id);
        p.reject(err);
      }
    });
  }

  run(job: SearchJob, timeoutMs: number): Promise<SearchResults> {
    // Referenced only while searching: an idle thread never keeps the process alive.
    this.worker.ref();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.settle(job.id);
        reject(databaseBusy(new Error(`help search unanswered after ${timeoutMs} ms`)));
      }, timeoutMs);
      this.pending.set(job.id, { resolve, reject, timer });
      this.worker.postMessage(job);
    });
  }

  /** Asks the thread to close its connection and end; terminated if it has not within the grace. */
  async end(): Promise<void> {
    if (this.dead) return;
    const exited = new Promise<void>((resolve) => this.worker.once('exit', () => resolve()));
    this.worker.postMessage({ op: 'close' });
    const grace = setTimeout(() => void this.worker.terminate(), CLOSE_GRACE_MS);
    await exited;
    clearTimeout(grace);
  }

  private settle(id: number): void {
    const p = this.pending.get(id);
    if (!p) return;
    clearTimeout(p.timer);
    this.pending.delete(id);
    if (this.pending.size === 0) this.worker.unref();
  }
}

/**
 * Help searches off the main thread (docs/decisions/0027-help-search-threads.md):
 * a search is 5–40 ms of synchronous work, and on the event loop every page
 * request behind it waited that long. The same HelpSearch runs in `size`
 * threads, each on its own read-only use of the database, and answers the same
 * results. The search log and every other write stay on the main thread.
 */
export class SearchThreads {
  private threads: SearchThread[] | undefined;
  private nextId = 1;
  private idleTimer: NodeJS.Timeout | undefined;
  /** Closed (the runtime is ending): no thread starts again, not even to retry a search its close cut short. */
  private closed = false;

  constructor(
    private readonly data: SearchThreadData,
    private readonly size = 1,
    private readonly opts: { idleEndMs?: number; timeoutMs?: number } = {},
  ) {}

  /** Threads alive now (0 before the first search and after the idle time without one). */
  get liveThreads(): number {
    return this.threads?.filter((t) => !t.dead).length ?? 0;
  }

  async search(request: SearchRequest): Promise<SearchResults> {
    const job = { id: this.nextId++, request };
    try {
      return await this.thread().run(job, this.opts.timeoutMs ?? SEARCH_TIMEOUT_MS);
    } catch (err) {
      // Once more on the thread put in its place; a search whose thread dies twice fails.
      if (err instanceof ThreadEnded && !this.closed) return this.thread().run({ ...job, id: this.nextId++ }, this.opts.timeoutMs ?? SEARCH_TIMEOUT_MS);
      throw err;
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.idleTimer);
    const threads = this.threads ?? [];
    this.threads = undefined;
    await Promise.all(threads.map((t) => t.end()));
  }

  /** The live thread with the fewest searches in hand, started on first use (the CLI and most tests never pay for one). */
  private thread(): SearchThread {
    if (this.closed) throw new ThreadEnded('help search threads closed');
    clearTimeout(this.idleTimer);
    this.idleTimer = undefined;
    this.threads ??= [];
    for (let i = 0; i < this.size; i++) {
      if (!this.threads[i] || this.threads[i]!.dead) this.threads[i] = new SearchThread(this.data, () => this.endWhenIdle());
    }
    return this.threads.reduce((a, b) => (b.pending.size < a.pending.size ? b : a));
  }

  private endWhenIdle(): void {
    if (this.idleTimer || (this.threads ?? []).some((t) => t.pending.size > 0)) return;
    this.idleTimer = setTimeout(() => {
      this.idleTimer = undefined;
      if ((this.threads ?? []).some((t) => t.pending.size > 0)) return;
      const threads = this.threads ?? [];
      this.threads = undefined;
      for (const t of threads) void t.end();
    }, this.opts.idleEndMs ?? IDLE_THREADS_END_MS);
    this.idleTimer.unref();
  }
}

/** Where a reader's search runs: the threads when the runtime has them, else in this thread (the CLI, most tests, an in-memory database). */
export function readerSearch(deps: { helpSearch: HelpSearch; searchThreads?: SearchThreads }): Pick<HelpSearch, 'search'> {
  return deps.searchThreads ?? deps.helpSearch;
}
