import type { Kysely } from 'kysely';

// Help written in the console (issue 9). help_articles stays what readers
// see, the published version, and nothing else: a draft lives in a table of
// its own, so no reader query (page, search, suggestions, attachments, the
// page cache) can reach one by forgetting a filter. Every publish is a row in
// help_article_versions. A renamed slug leaves a row in help_slug_redirects.
// Scheduled publish and unpublish are rows the scheduler claims once, in the
// transaction that carries them out. Files uploaded for a draft wait with
// draft = 1 until it is published.

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('help_categories').addColumn('description', 'text', (c) => c.notNull().defaultTo('')).execute();
  // The published version's number (0: never published in the browser nor imported since this migration).
  await db.schema.alterTable('help_articles').addColumn('version_no', 'integer', (c) => c.notNull().defaultTo(0)).execute();
  await db.schema.alterTable('help_attachments').addColumn('draft', 'integer', (c) => c.notNull().defaultTo(0)).execute();

  await db.schema
    .createTable('help_article_drafts')
    .addColumn('article_id', 'text', (c) => c.primaryKey().references('help_articles.id').onDelete('cascade'))
    .addColumn('category_id', 'text', (c) => c.notNull().references('help_categories.id'))
    .addColumn('slug', 'text', (c) => c.notNull())
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('summary', 'text', (c) => c.notNull())
    .addColumn('tags', 'text', (c) => c.notNull())
    .addColumn('position', 'integer', (c) => c.notNull())
    .addColumn('body_md', 'text', (c) => c.notNull())
    // 'draft' while being written, 'review' once sent for publishing.
    .addColumn('state', 'text', (c) => c.notNull().defaultTo('draft'))
    // Optimistic locking: every save names the revision it started from and moves it by one.
    .addColumn('revision', 'integer', (c) => c.notNull().defaultTo(1))
    // The published version the draft was started from (0: a new article).
    .addColumn('base_version', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('author_staff_id', 'text', (c) => c.references('staff.id'))
    .addColumn('author_label', 'text', (c) => c.notNull())
    .addColumn('updated_by_label', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addColumn('submitted_at', 'text')
    .execute();

  await db.schema
    .createTable('help_article_versions')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('article_id', 'text', (c) => c.notNull().references('help_articles.id').onDelete('cascade'))
    .addColumn('version_no', 'integer', (c) => c.notNull())
    .addColumn('category_id', 'text', (c) => c.notNull())
    .addColumn('slug', 'text', (c) => c.notNull())
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('summary', 'text', (c) => c.notNull())
    .addColumn('tags', 'text', (c) => c.notNull())
    .addColumn('position', 'integer', (c) => c.notNull())
    .addColumn('body_md', 'text', (c) => c.notNull())
    .addColumn('change_note', 'text', (c) => c.notNull())
    // 'console', 'schedule', 'import', 'restore'.
    .addColumn('source', 'text', (c) => c.notNull())
    .addColumn('author_label', 'text', (c) => c.notNull())
    .addColumn('published_by_staff_id', 'text')
    .addColumn('published_by_label', 'text', (c) => c.notNull())
    .addColumn('published_at', 'text', (c) => c.notNull())
    .addUniqueConstraint('help_article_versions_no', ['article_id', 'version_no'])
    .execute();
  await db.schema.createIndex('help_article_versions_published_at').on('help_article_versions').column('published_at').execute();

  await db.schema
    .createTable('help_slug_redirects')
    .addColumn('system_id', 'text', (c) => c.notNull().references('systems.id').onDelete('cascade'))
    .addColumn('old_slug', 'text', (c) => c.notNull())
    .addColumn('article_id', 'text', (c) => c.notNull().references('help_articles.id').onDelete('cascade'))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('help_slug_redirects_pk', ['system_id', 'old_slug'])
    .execute();

  await db.schema
    .createTable('help_schedules')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('article_id', 'text', (c) => c.notNull().references('help_articles.id').onDelete('cascade'))
    // 'publish' or 'unpublish'.
    .addColumn('action', 'text', (c) => c.notNull())
    // UTC ISO instant (entered as a date and time in America/Santiago).
    .addColumn('run_at', 'text', (c) => c.notNull())
    // A scheduled publish publishes this revision of the draft, and refuses a draft changed since.
    .addColumn('draft_revision', 'integer')
    .addColumn('change_note', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('created_by_staff_id', 'text', (c) => c.references('staff.id'))
    .addColumn('created_by_label', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    // Set once, in the transaction that carried it out (or cancelled it): the claim.
    .addColumn('done_at', 'text')
    // 'done', 'failed', 'cancelled'.
    .addColumn('outcome', 'text')
    .addColumn('outcome_detail', 'text')
    .execute();
  await db.schema.createIndex('help_schedules_due').on('help_schedules').columns(['done_at', 'run_at']).execute();

  // The reader's previous visit to the help home: "what changed since".
  await db.schema
    .createTable('help_reader_visits')
    .addColumn('user_id', 'text', (c) => c.primaryKey().references('users.id').onDelete('cascade'))
    .addColumn('previous_at', 'text')
    .addColumn('last_at', 'text', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('help_digest_subscriptions')
    .addColumn('user_id', 'text', (c) => c.primaryKey().references('users.id').onDelete('cascade'))
    // SHA-256 of the one-click unsubscribe token (the link itself is in the mail only).
    .addColumn('unsubscribe_hash', 'text', (c) => c.notNull().unique())
    .addColumn('subscribed_at', 'text', (c) => c.notNull())
    .addColumn('last_sent_at', 'text')
    .execute();

  // One row per search on a results page (not per suggestion), written in batches; opened_at when a result was followed.
  await db.schema
    .createTable('help_search_log')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('at', 'text', (c) => c.notNull())
    // Day in Santiago, YYYY-MM-DD.
    .addColumn('day', 'text', (c) => c.notNull())
    .addColumn('user_id', 'text', (c) => c.references('users.id').onDelete('set null'))
    // Folded query text.
    .addColumn('query', 'text', (c) => c.notNull())
    // '' when the search was over every readable system.
    .addColumn('system_slug', 'text', (c) => c.notNull())
    .addColumn('results', 'integer', (c) => c.notNull())
    .addColumn('opened_at', 'text')
    .addColumn('opened_article_id', 'text')
    .execute();
  await db.schema.createIndex('help_search_log_day').on('help_search_log').columns(['day', 'system_slug']).execute();

  // Runs of periodic jobs that must happen once across instances (the weekly digest): the first to insert the key runs it.
  await db.schema
    .createTable('job_runs')
    .addColumn('key', 'text', (c) => c.primaryKey())
    .addColumn('claimed_at', 'text', (c) => c.notNull())
    .addColumn('claimed_by', 'text', (c) => c.notNull())
    .addColumn('finished_at', 'text')
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const t of ['job_runs', 'help_search_log', 'help_digest_subscriptions', 'help_reader_visits', 'help_schedules', 'help_slug_redirects', 'help_article_versions', 'help_article_drafts']) {
    await db.schema.dropTable(t).ifExists().execute();
  }
  await db.schema.alterTable('help_attachments').dropColumn('draft').execute();
  await db.schema.alterTable('help_articles').dropColumn('version_no').execute();
  await db.schema.alterTable('help_categories').dropColumn('description').execute();
}
