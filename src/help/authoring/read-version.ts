import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema.ts';
import { notFound } from '../../errors.ts';
import type { EditorContent } from './read-article-editor.ts';

/** What a diff compares: the same fields whatever the side (a version, the draft, what readers see now). */
export interface ArticleSnapshot extends EditorContent {
  /** "Versión 3", "Borrador", "Publicado ahora". */
  label: string;
}

/** 'borrador': the draft; 'actual': what help_articles holds now (an imported article has no version rows); a number: that version. */
export type SnapshotRef = number | 'borrador' | 'actual';

export function parseSnapshotRef(s: string | undefined): SnapshotRef | null {
  if (s === 'borrador' || s === 'actual') return s;
  if (s && /^[1-9]\d{0,8}$/.test(s)) return Number(s);
  return null;
}

/** One version of an article, the draft or the current published text; 404 when there is no such thing. */
export async function readVersion(db: Kysely<Database>, articleId: string, ref: SnapshotRef): Promise<ArticleSnapshot> {
  if (ref === 'borrador') {
    const d = await db.selectFrom('help_article_drafts').selectAll().where('article_id', '=', articleId).executeTakeFirst();
    if (!d) throw notFound();
    return { label: 'Borrador', title: d.title, slug: d.slug, summary: d.summary, tags: d.tags, categoryId: d.category_id, position: Number(d.position), body: d.body_md };
  }
  if (ref === 'actual') {
    const a = await db.selectFrom('help_articles').selectAll().where('id', '=', articleId).executeTakeFirst();
    if (!a) throw notFound();
    return {
      label: Number(a.published) === 1 ? 'Publicado ahora' : 'Última publicación (despublicado)', title: a.title, slug: a.slug, summary: a.summary, tags: a.tags,
      categoryId: a.category_id, position: Number(a.position), body: a.body_md,
    };
  }
  const v = await db.selectFrom('help_article_versions').selectAll().where('article_id', '=', articleId).where('version_no', '=', ref).executeTakeFirst();
  if (!v) throw notFound();
  return { label: `Versión ${ref}`, title: v.title, slug: v.slug, summary: v.summary, tags: v.tags, categoryId: v.category_id, position: Number(v.position), body: v.body_md };
}
