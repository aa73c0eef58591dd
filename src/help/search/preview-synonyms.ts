import type { Kysely } from 'kysely';
import { z } from 'zod';
import type { Database } from '../../db/schema.ts';
import type { HelpSearch, SearchResults } from './help-search.ts';
import { parseSynonymList, type SynonymProblem } from './synonym-list.ts';

export const PreviewSynonymsInput = z.object({
  /** The editor's text, not saved. */
  text: z.string(),
  /** The test query (already stripped of refused characters, as the search box does). */
  query: z.string().trim().min(1, 'Escriba una búsqueda para probar.').max(200),
});

export const PREVIEW_RESULTS = 10;

export interface SynonymsPreview {
  saved: SearchResults;
  /** Null when the edited text has problems (they are listed instead). */
  edited: SearchResults | null;
  problems: SynonymProblem[];
}

/**
 * The first results of a test query over every system, with the saved
 * synonyms and with the edited ones, side by side. Nothing is written: not
 * the list, not the search log, not a miss.
 */
export async function previewSynonyms(db: Kysely<Database>, search: HelpSearch, input: z.input<typeof PreviewSynonymsInput>): Promise<SynonymsPreview> {
  const { text, query } = PreviewSynonymsInput.parse(input);
  const systemIds = (await db.selectFrom('systems').select('id').execute()).map((s) => s.id);
  const parsed = parseSynonymList(text);
  const request = { text: query, systemIds, perPage: PREVIEW_RESULTS };
  const [saved, edited] = await Promise.all([
    search.search(request),
    parsed.problems.length > 0 ? null : search.search({ ...request, synonymGroups: parsed.groups }),
  ]);
  return { saved, edited, problems: parsed.problems };
}
