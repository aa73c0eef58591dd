// One help-search thread (started by search-threads.ts): the same HelpSearch
// the main thread has, on its own connection, so a search's synchronous work
// (better-sqlite3's queries, the scoring and the snippets) runs here and not
// in front of every other request on the event loop. It only reads.
import { setPriority } from 'node:os';
import { parentPort, workerData } from 'node:worker_threads';
import { createDb } from '../../db/create-db.ts';
import { UnavailableError } from '../../errors.ts';
import { HelpSearch } from '../search/help-search.ts';
import type { SearchJob, SearchThreadData, ThreadAnswer } from './search-thread-protocol.ts';

// Niceness is per thread on Linux. Where the portal has one core (the bench pins it to one), a search
// thread at the main thread's priority takes time slices from it, and the pages behind wait a slice;
// at nice 10 the main thread wins the core whenever it has work, and searches take what it leaves.
try {
  setPriority(10);
} catch {
  // Not allowed on this platform: searches still run off the event loop, only without the courtesy.
}

const data = workerData as SearchThreadData;
// Two connections on PostgreSQL: one search's queries run one after another, a second search overlaps it.
const { db, dialect, close } = createDb(data.databaseUrl, { poolSize: 2, ...data.db });
const helpSearch = new HelpSearch(db, dialect, data.helpSearch);
const port = parentPort!;

port.on('message', (job: SearchJob | { op: 'close' }) => {
  if ('op' in job) {
    // Asked to end: the connection goes first (PostgreSQL sees a goodbye, SQLite's handle is released), then the thread.
    void close().finally(() => port.close());
    return;
  }
  helpSearch.search(job.request).then(
    (value) => port.postMessage({ id: job.id, ok: true, value } satisfies ThreadAnswer),
    (err: unknown) => {
      const unavailable = err instanceof UnavailableError ? (['database-busy', 'database-unavailable'] as const).find((id) => id === err.id) : undefined;
      const message = err instanceof Error ? err.message : String(err);
      port.postMessage({ id: job.id, ok: false, error: { message, ...(unavailable ? { unavailable } : {}) } } satisfies ThreadAnswer);
    },
  );
});
