import type { Transaction } from 'kysely';
import type { Dialect } from '../../db/create-db.ts';
import type { Database } from '../../db/schema.ts';
import { foldText } from '../search/fold-text.ts';
import { bumpIndexVersion, writeSearchEntries } from '../search/search-index.ts';
import type { TocEntry } from '../render-markdown.ts';

/** One published version of an article, rendered, as readers will get it. */
export interface PublishedArticle {
  id: string;
  systemId: string;
  categoryId: string;
  slug: string;
  title: string;
  summary: string;
  /** Canonical (normalizeTags). */
  tags: string;
  position: number;
  bodyMd: string;
  html: string;
  toc: TocEntry[];
  text: string;
  headings: string[];
  versionNo: number;
  /** '' for a version written in the console: no help folder file is its source. */
  sourceHash: string;
  at: Date;
}

/**
 * Write a published version where readers read it: the help_articles row
 * (published = 1), its folded tags (related articles) and its search entry,
 * then move the index version on so cached searches and suggestions are
 * recomputed. Every way of publishing goes through here (console, schedule),
 * so the three always agree.
 */
export async function writePublishedArticle(trx: Transaction<Database>, dialect: Dialect, a: PublishedArticle): Promise<void> {
  await trx
    .updateTable('help_articles')
    .set({
      category_id: a.categoryId,
      slug: a.slug,
      title: a.title,
      summary: a.summary,
      tags: a.tags,
      position: a.position,
      body_md: a.bodyMd,
      body_html: a.html,
      body_text: a.text,
      toc: JSON.stringify(a.toc),
      published: 1,
      version_no: a.versionNo,
      source_hash: a.sourceHash,
      updated_at: a.at.toISOString(),
    })
    .where('id', '=', a.id)
    .where('system_id', '=', a.systemId)
    .execute();
  await trx.deleteFrom('help_article_tags').where('article_id', '=', a.id).execute();
  const tags = [...new Set(a.tags.split(',').map((t) => foldText(t.trim())).filter(Boolean))];
  if (tags.length > 0) await trx.insertInto('help_article_tags').values(tags.map((tag) => ({ article_id: a.id, tag }))).execute();
  await writeSearchEntries(trx, dialect, [{ id: a.id, systemId: a.systemId, title: a.title, summary: a.summary, headings: a.headings, tags: a.tags, bodyText: a.text }]);
  await bumpIndexVersion(trx);
}
