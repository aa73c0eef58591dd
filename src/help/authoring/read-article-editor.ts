import type { Kysely } from 'kysely';
import type { Database, HelpDraftState } from '../../db/schema.ts';
import { notFound } from '../../errors.ts';
import { draftWriterIds } from './draft-writers.ts';

export interface EditorContent {
  categoryId: string;
  title: string;
  slug: string;
  summary: string;
  tags: string;
  position: number;
  body: string;
}

export interface ArticleEditorView {
  id: string;
  system: { id: string; slug: string; name: string };
  /** The slug readers use now (the draft may propose another). */
  publishedSlug: string;
  published: boolean;
  versionNo: number;
  /** When the published text last changed. */
  updatedAt: string;
  /** Ever seen by readers (published now, or before: imported or versioned). */
  everPublished: boolean;
  draft: null | {
    state: HelpDraftState;
    revision: number;
    baseVersion: number;
    authorStaffId: string | null;
    authorLabel: string;
    updatedByLabel: string;
    createdAt: string;
    updatedAt: string;
    submittedAt: string | null;
    /** Staff who saved or restored into it (the author aside): none of them may publish it (four eyes). */
    writerStaffIds: string[];
  };
  /** What the form starts with: the draft, or the published text when there is no draft. */
  content: EditorContent;
  categories: { id: string; name: string }[];
}

/** Everything the console's editor shows of an article (published or not, with or without a draft); 404 for an unknown id. */
export async function readArticleEditor(db: Kysely<Database>, articleId: string): Promise<ArticleEditorView> {
  if (!/^[0-9a-f-]{36}$/i.test(articleId)) throw notFound();
  const a = await db
    .selectFrom('help_articles as a')
    .innerJoin('systems as s', 's.id', 'a.system_id')
    .selectAll('a')
    .select(['s.slug as systemSlug', 's.name as systemName'])
    .where('a.id', '=', articleId)
    .executeTakeFirst();
  if (!a) throw notFound();
  const [d, categories, versions] = await Promise.all([
    db.selectFrom('help_article_drafts').selectAll().where('article_id', '=', a.id).executeTakeFirst(),
    db.selectFrom('help_categories').select(['id', 'name']).where('system_id', '=', a.system_id).orderBy('position').orderBy('name').execute(),
    db.selectFrom('help_article_versions').select('id').where('article_id', '=', a.id).limit(1).execute(),
  ]);
  const writerStaffIds = d ? await draftWriterIds(db, d) : [];
  const published = Number(a.published) === 1;
  return {
    id: a.id,
    system: { id: a.system_id, slug: a.systemSlug, name: a.systemName },
    publishedSlug: a.slug,
    published,
    versionNo: Number(a.version_no),
    updatedAt: a.updated_at,
    everPublished: published || versions.length > 0 || a.source_hash !== '',
    draft: d
      ? {
          state: d.state, revision: Number(d.revision), baseVersion: Number(d.base_version), authorStaffId: d.author_staff_id, authorLabel: d.author_label,
          updatedByLabel: d.updated_by_label, createdAt: d.created_at, updatedAt: d.updated_at, submittedAt: d.submitted_at, writerStaffIds,
        }
      : null,
    content: d
      ? { categoryId: d.category_id, title: d.title, slug: d.slug, summary: d.summary, tags: d.tags, position: Number(d.position), body: d.body_md }
      : { categoryId: a.category_id, title: a.title, slug: a.slug, summary: a.summary, tags: a.tags, position: Number(a.position), body: a.body_md },
    categories,
  };
}
