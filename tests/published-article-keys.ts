import type { TestRuntime } from './test-runtime.ts';

/** "system/slug" of every article readers can see, the form the relevance sets name their expected articles in. */
export async function publishedArticleKeys(rt: TestRuntime): Promise<Set<string>> {
  const rows = await rt.deps.db
    .selectFrom('help_articles')
    .innerJoin('systems', 'systems.id', 'help_articles.system_id')
    .select(['systems.slug as system', 'help_articles.slug'])
    .where('help_articles.published', '=', 1)
    .execute();
  return new Set(rows.map((a) => `${a.system}/${a.slug}`));
}
