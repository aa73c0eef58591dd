import { createHash } from 'node:crypto';

/**
 * Bumped whenever rendering changes what is stored for the same source
 * (HTML, plain text, table of contents): the next import then rewrites
 * every article instead of keeping output of the old renderer.
 */
const RENDER_VERSION = 1;

/** What a writer puts in an article file: its front matter and its Markdown. */
export interface ArticleFields {
  system: string;
  category: string;
  slug: string;
  title: string;
  summary: string;
  order: number;
  /** As written, normalised to "a, b, c". */
  tags: string;
  body: string;
}

export interface ArticleSource extends ArticleFields {
  assets: { path: string; sha256: string }[];
}

/** What the import compares: the same hash means nothing to write. */
export function articleSourceHash(a: ArticleSource): string {
  const assets = [...a.assets].sort((x, y) => (x.path < y.path ? -1 : x.path > y.path ? 1 : 0)).map((x) => [x.path, x.sha256]);
  return createHash('sha256')
    .update(JSON.stringify([RENDER_VERSION, a.system, a.category, a.slug, a.title, a.summary, a.order, a.tags, a.body, assets]))
    .digest('hex');
}
