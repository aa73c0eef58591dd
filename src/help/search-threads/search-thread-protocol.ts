import type { CreateDbOptions } from '../../db/create-db.ts';
import type { SearchRequest, SearchResults } from '../search/help-search.ts';

/** What a search thread is started with: where the database is, and HelpSearch's own options (tests lower its thresholds). */
export interface SearchThreadData {
  databaseUrl: string;
  db?: Pick<CreateDbOptions, 'searchPath' | 'connectTimeoutMs' | 'busyDeadlineMs' | 'preparedStatements'>;
  helpSearch?: { broadSearch?: number; countCap?: number };
}

export interface SearchJob {
  id: number;
  request: SearchRequest;
}

/** An error crosses the thread as data: its class is lost, so the two the pages show as a 503 say which they were. */
export type ThreadAnswer =
  | { id: number; ok: true; value: SearchResults }
  | { id: number; ok: false; error: { message: string; unavailable?: 'database-unavailable' | 'database-busy' } };
