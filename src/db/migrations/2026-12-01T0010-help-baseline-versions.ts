import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';

// A portal that had its help before versions existed (migration 0006) has
// published articles at version_no 0 with no version row. Their next publish
// became version 1, the article's "first", which Novedades and the digest
// announce as "Nuevo": an article readers have had for years, shown as new.
// Each such article gets the version it is now, as the baseline the first
// import writes on a fresh portal ('initial', never listed as news), so its
// next publish is version 2, "Actualizado". Never-published articles (a
// console draft) get nothing: a version is what readers saw.

const CHUNK = 500;

export async function up(db: Kysely<any>): Promise<void> {
  for (;;) {
    const rows = await db
      .selectFrom('help_articles')
      .select(['id', 'category_id', 'slug', 'title', 'summary', 'tags', 'position', 'body_md', 'updated_at'])
      .where('published', '=', 1)
      .where('version_no', '=', 0)
      .orderBy('id')
      .limit(CHUNK)
      .execute();
    if (rows.length === 0) return;
    await db
      .insertInto('help_article_versions')
      .values(
        rows.map((a) => ({
          id: randomUUID(),
          article_id: a.id,
          version_no: 1,
          category_id: a.category_id,
          slug: a.slug,
          title: a.title,
          summary: a.summary,
          tags: a.tags,
          position: a.position,
          body_md: a.body_md,
          change_note: 'Carga inicial de la ayuda',
          source: 'initial',
          author_label: 'Ayuda anterior al historial de versiones',
          published_by_staff_id: null,
          published_by_label: 'Ayuda anterior al historial de versiones',
          published_at: a.updated_at,
        })),
      )
      .execute();
    await db
      .updateTable('help_articles')
      .set({ version_no: 1 })
      .where('id', 'in', rows.map((a) => a.id))
      .execute();
  }
}

// The baseline rows cannot be told from a fresh portal's first import; they go with 0006's tables.
export async function down(): Promise<void> {}
