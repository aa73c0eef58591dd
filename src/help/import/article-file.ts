/**
 * The layout of one article file: front matter keys in this order, then a
 * blank line, then the Markdown. The export writes exactly this, so a
 * folder that was exported compares byte for byte with the next export.
 */
export const ARTICLE_KEYS = ['system', 'category', 'slug', 'title', 'summary', 'order', 'tags'] as const;

export type ArticleKey = (typeof ARTICLE_KEYS)[number];

export function formatArticleFile(fields: Record<ArticleKey, string | number>, body: string): string {
  const header = ARTICLE_KEYS.map((k) => `${k}:${String(fields[k]) === '' ? '' : ` ${fields[k]}`}`);
  return ['---', ...header, '---', '', body].join('\n');
}

/** Tags as one canonical string: trimmed, without empties, ", " between them. */
export function normalizeTags(tags: string): string {
  return tags
    .split(',')
    .map((t) => t.trim())
    .filter(Boolean)
    .join(', ');
}
