import { randomUUID } from 'node:crypto';
import { sql, type Insertable, type Kysely, type Transaction } from 'kysely';
import type { Dialect } from '../../db/create-db.ts';
import { recordAuditEvent } from '../../audit/record-audit-event.ts';
import { auditActor, principalName, type Principal } from '../../auth/principal.ts';
import { inChunks } from '../../db/in-chunks.ts';
import type { Database, HelpArticleVersionsTable, HelpAttachmentsTable } from '../../db/schema.ts';
import { UnavailableError } from '../../errors.ts';
import { foldText } from '../search/fold-text.ts';
import { bumpIndexVersion, removeSearchEntries, writeSearchEntries, type IndexableArticle } from '../search/search-index.ts';
import type { HelpTree, TreeArticle } from './help-tree.ts';
import { syncSynonyms, upsertSystems } from './sync-help-structure.ts';
import { filesToRemove, overwriteReasons, previousStates, sameAsPublished, type OverwrittenArticle } from './import-history.ts';

export type { OverwrittenArticle } from './import-history.ts';

export interface ImportProgress {
  done: number;
  total: number;
  /** The article file just imported (or found unchanged), relative to the folder. */
  path: string;
}

export interface ImportResult {
  created: number;
  updated: number;
  unchanged: number;
  unpublished: number;
  systems: number;
  articles: number;
  /** Articles whose browser edits (a published version or an open draft) the folder overrode: the import says so, it does not refuse. */
  overwritten: OverwrittenArticle[];
}

/** Articles written per round of statements: large enough to batch, small enough for any parameter limit. */
const BATCH = 500;
/** Attachments are large: a multi-row insert stops at this many bytes. */
const ATTACHMENT_BATCH_BYTES = 16 * 1024 * 1024;

const chunks = <T>(items: readonly T[], size = BATCH) => inChunks(items, size);

function foldedTags(tags: string): string[] {
  return [...new Set(tags.split(',').map((t) => foldText(t.trim())).filter(Boolean))];
}

export interface ImportOptions extends ImportLockWait {
  /** Who imports: named in the versions written and in the help.imported audit row (none: no audit row, as for a test's or the demo's seed). */
  by?: Principal;
}

export interface ImportLockWait {
  /** Told once, when another process holds the write lock and the import starts waiting for it. */
  onWaiting?: () => void;
  /** How long to keep trying for the lock before giving up (default 30 s). */
  lockWaitMs?: number;
}

/**
 * Bring a checked help folder (readHelpTree) into the database, in one
 * transaction. Articles are matched by system and slug, never by category,
 * so moving one keeps its id, URL, votes and reading counts. An article
 * whose source hash is the same is not written at all; one no longer in
 * the folder is unpublished, never deleted.
 *
 * The folder wins over the browser (decision 0016): every article it
 * creates or changes becomes a new version (source 'import'), and the
 * result lists, in `overwritten`, those whose latest version came from the
 * browser or that have an open draft (kept). A folder that says exactly what
 * readers see (an export) writes no version. Files are kept unless no kept
 * text of the article mentions them.
 *
 * Whole or nothing needs the write lock for the whole write (on SQLite no
 * one else writes meanwhile: ~0.4 s per 1,000 new articles). Imports run one
 * at a time: SQLite's BEGIN IMMEDIATE, an advisory lock on PostgreSQL. One
 * that meets the lock taken waits for it, trying again for `lockWaitMs`, and
 * then says so (decision 0011).
 */
export async function importHelpTree(
  db: Kysely<Database>,
  dialect: Dialect,
  tree: HelpTree,
  now: Date,
  onProgress?: (p: ImportProgress) => void,
  lock: ImportOptions = {},
): Promise<ImportResult> {
  const started = Date.now();
  for (let attempt = 1; ; attempt++) {
    try {
      const result = await importInOneTransaction(db, dialect, tree, now, onProgress, lock.by);
      await refreshSearchStatistics(db, dialect, result);
      return result;
    } catch (err) {
      // Busy means rolled back before anything was kept: the whole import can simply run again.
      if (!(err instanceof UnavailableError && err.id === 'database-busy')) throw err;
      if (Date.now() - started >= (lock.lockWaitMs ?? 30_000)) throw helpImportBusy(err.cause);
      if (attempt === 1) lock.onWaiting?.();
    }
  }
}

/** Beyond this many written articles an import refreshes PostgreSQL's planner statistics itself. */
const ANALYZE_AFTER = 1_000;

/**
 * PostgreSQL plans the search's queries from table statistics that
 * autovacuum refreshes in its own time: right after a large import the
 * planner still believes the search tables are small, and a common word's
 * count took 1.5 s until they were analyzed (decision 0022). SQLite's FTS5
 * needs nothing.
 */
async function refreshSearchStatistics(db: Kysely<Database>, dialect: Dialect, result: ImportResult): Promise<void> {
  if (dialect !== 'postgres' || result.created + result.updated < ANALYZE_AFTER) return;
  await sql`analyze help_search, help_search_vectors, help_articles`.execute(db);
}

const helpImportBusy = (cause: unknown) =>
  new UnavailableError(
    'help-import-busy',
    'La importación necesita el acceso exclusivo de escritura a la base de datos mientras escribe, y otro proceso lo tuvo todo este tiempo ' +
      '(¿otra importación en curso?). No se importó nada; inténtelo de nuevo cuando ese proceso termine.',
    5,
    cause,
  );

/** The version note of every article an import writes. */
export const IMPORT_CHANGE_NOTE = 'Importado desde la carpeta';
export const INITIAL_CHANGE_NOTE = 'Carga inicial de la ayuda';

async function importInOneTransaction(
  db: Kysely<Database>,
  dialect: Dialect,
  tree: HelpTree,
  now: Date,
  onProgress: ((p: ImportProgress) => void) | undefined,
  by: Principal | undefined,
): Promise<ImportResult> {
  const at = now.toISOString();
  const result: ImportResult = { created: 0, updated: 0, unchanged: 0, unpublished: 0, systems: tree.systems.length, articles: tree.articles.length, overwritten: [] };
  try {
    await importTransaction(db, dialect, tree, at, now, result, onProgress, by);
  } finally {
    // Back to SQLite's default for the server's ordinary work (the handle is the process's one connection).
    if (dialect === 'sqlite') await sql`pragma cache_size = -2000`.execute(db);
  }
  return result;
}

async function importTransaction(
  db: Kysely<Database>,
  dialect: Dialect,
  tree: HelpTree,
  at: string,
  now: Date,
  result: ImportResult,
  onProgress: ((p: ImportProgress) => void) | undefined,
  by: Principal | undefined,
): Promise<void> {
  const byLabel = by ? principalName(by) : 'importación de la carpeta';
  const byStaffId = by?.kind === 'staff' ? by.staffId : null;
  await db.transaction().execute(async (trx) => {
    // Two imports at once would both insert the same new article: the second waits here for the first to commit.
    if (dialect === 'postgres') await sql`select pg_advisory_xact_lock(hashtext('help-import'))`.execute(trx);
    // 50,000 articles and their versions are ~900 MB written in one transaction: with SQLite's 2 MiB default cache, pages spill and are read back.
    if (dialect === 'sqlite') await sql`pragma cache_size = -262144`.execute(trx);
    const systems = await upsertSystems(trx, tree);
    // One query for every article instead of one per article: the import is a comparison first.
    const existing = new Map(
      (await trx.selectFrom('help_articles').select(['id', 'system_id', 'slug', 'source_hash', 'published']).execute()).map((a) => [`${a.system_id}/${a.slug}`, a]),
    );
    // The first import into an empty help is its baseline: versioned, but not news for readers (listHelpNews skips it).
    // Empty for readers: nothing published now nor ever (a version); a console draft started before it does not count.
    const initialLoad =
      ![...existing.values()].some((a) => Number(a.published) === 1) && !(await trx.selectFrom('help_article_versions').select('id').limit(1).executeTakeFirst());
    const inTree = new Set<string>();
    let indexChanged = false;
    let done = 0;

    for (const batch of chunks(tree.articles)) {
      const inserts = [];
      const updates = [];
      const adopted: { id: string; hash: string }[] = [];
      const tags: { article_id: string; tag: string }[] = [];
      const attachments: Insertable<HelpAttachmentsTable>[] = [];
      const versions: Insertable<HelpArticleVersionsTable>[] = [];
      const retired = new Map<string, string[]>();
      const index: IndexableArticle[] = [];
      const placed = batch.map((a) => {
        const system = systems.get(a.system);
        const categoryId = system?.categories.get(a.category);
        if (!system || !categoryId) throw new Error(`${a.path}: el sistema o la categoría no están en systems.json (${a.system}/${a.category}).`);
        const old = existing.get(`${system.id}/${a.slug}`);
        if (old) inTree.add(old.id);
        return { a, systemId: system.id, categoryId, old, same: !!old && old.source_hash === a.sourceHash && Number(old.published) === 1 };
      });
      // Only what the folder changes is looked at closer: an unchanged folder reads nothing more.
      const previous = await previousStates(trx, placed.filter((p) => p.old && !p.same).map((p) => p.old!.id));
      for (const { a, systemId, categoryId, old, same } of placed) {
        if (same) {
          result.unchanged++;
          continue;
        }
        const before = old ? previous.get(old.id) : undefined;
        // The folder says what readers see already (it was exported after the browser's last publish): no new version, nothing overwritten.
        if (old && before && Number(old.published) === 1 && sameAsPublished(before, a, categoryId)) {
          adopted.push({ id: old.id, hash: a.sourceHash });
          result.unchanged++;
          continue;
        }
        const id = old?.id ?? randomUUID();
        const versionNo = before?.nextVersion ?? 1;
        const values = { ...articleValues(a, categoryId, at), version_no: versionNo };
        if (old) {
          updates.push({ id, values });
          result.updated++;
          const reasons = before ? overwriteReasons(before, 'replaced') : [];
          if (reasons.length > 0) result.overwritten.push({ path: a.path, title: before!.title, reasons });
          const inFolder = new Set(a.assets.map((f) => f.path));
          const gone = [...(before?.files.keys() ?? [])].filter((path) => !inFolder.has(path));
          if (gone.length > 0) retired.set(id, gone);
        } else {
          inserts.push({ id, system_id: systemId, slug: a.slug, ...values });
          result.created++;
        }
        versions.push({
          id: randomUUID(), article_id: id, version_no: versionNo, category_id: categoryId, slug: a.slug, title: a.title, summary: a.summary, tags: a.tags,
          position: a.order, body_md: a.body, change_note: initialLoad ? INITIAL_CHANGE_NOTE : IMPORT_CHANGE_NOTE, source: initialLoad ? 'initial' : 'import', author_label: byLabel, published_by_staff_id: byStaffId,
          published_by_label: byLabel, published_at: at,
        });
        for (const tag of foldedTags(a.tags)) tags.push({ article_id: id, tag });
        for (const f of a.assets) attachments.push({ id: randomUUID(), article_id: id, path: f.path, content_type: f.contentType, size: f.size, sha256: f.sha256, data: f.data, draft: 0, updated_at: at });
        index.push({ id, systemId, title: a.title, summary: a.summary, headings: a.headings, tags: a.tags, bodyText: a.text });
      }

      const replaced = updates.map((u) => u.id);
      for (const ids of chunks(replaced)) await trx.deleteFrom('help_article_tags').where('article_id', 'in', ids).execute();
      // Files are kept, not replaced wholesale: a draft's uploads wait for its publish, and an older version may still show a file the folder dropped.
      for (const f of await filesToRemove(trx, retired)) {
        await trx.deleteFrom('help_attachments').where('article_id', '=', f.articleId).where('path', '=', f.path).where('draft', '=', 0).execute();
      }
      for (const part of chunks(inserts, 200)) await trx.insertInto('help_articles').values(part).execute();
      for (const u of updates) await trx.updateTable('help_articles').set(u.values).where('id', '=', u.id).execute();
      for (const x of adopted) await trx.updateTable('help_articles').set({ source_hash: x.hash }).where('id', '=', x.id).execute();
      for (const part of chunks(versions, 200)) await trx.insertInto('help_article_versions').values(part).execute();
      for (const part of chunks(tags, 1000)) await trx.insertInto('help_article_tags').values(part).execute();
      for (const part of byBytes(attachments)) {
        // A file at the same path (the old one, or a draft's upload of that name) becomes the folder's: the folder wins at a path.
        await trx
          .insertInto('help_attachments')
          .values(part)
          .onConflict((oc) =>
            oc.columns(['article_id', 'path']).doUpdateSet((eb) => ({
              content_type: eb.ref('excluded.content_type'), size: eb.ref('excluded.size'), sha256: eb.ref('excluded.sha256'), data: eb.ref('excluded.data'),
              draft: 0, updated_at: eb.ref('excluded.updated_at'),
            })),
          )
          .execute();
      }
      if (index.length > 0) {
        await writeSearchEntries(trx, dialect, index);
        indexChanged = true;
      }

      if (onProgress) for (const a of batch) onProgress({ done: ++done, total: tree.articles.length, path: a.path });
    }

    const gone = [...existing.values()].filter((a) => Number(a.published) === 1 && !inTree.has(a.id)).map((a) => a.id);
    for (const ids of chunks(gone)) {
      await trx.updateTable('help_articles').set({ published: 0 }).where('id', 'in', ids).execute();
      result.overwritten.push(...(await unpublishedOverwrites(trx, ids)));
    }
    if (gone.length > 0) {
      await removeSearchEntries(trx, dialect, gone);
      indexChanged = true;
    }
    result.unpublished = gone.length;

    if (await syncSynonyms(trx, tree.synonyms)) indexChanged = true;
    if (indexChanged) await bumpIndexVersion(trx);
    if (by) {
      await recordAuditEvent(trx, {
        action: 'help.imported', at: now, ...auditActor(by), customerId: null,
        detail: {
          created: result.created, updated: result.updated, unchanged: result.unchanged, unpublished: result.unpublished, articles: result.articles,
          overwritten: result.overwritten.length, overwrittenPaths: result.overwritten.slice(0, 50).map((o) => o.path),
        },
      });
    }
  });
}

/** The unpublished articles the browser had the last word on, by their file path. */
async function unpublishedOverwrites(trx: Transaction<Database>, ids: string[]): Promise<OverwrittenArticle[]> {
  const states = await previousStates(trx, ids);
  const wanted = ids.filter((id) => overwriteReasons(states.get(id)!, 'unpublished').length > 0);
  if (wanted.length === 0) return [];
  const paths = await trx
    .selectFrom('help_articles as a')
    .innerJoin('systems as s', 's.id', 'a.system_id')
    .innerJoin('help_categories as c', 'c.id', 'a.category_id')
    .select(['a.id', 's.slug as system', 'c.slug as category', 'a.slug'])
    .where('a.id', 'in', wanted)
    .execute();
  return paths
    .map((r) => ({ path: `${r.system}/${r.category}/${r.slug}.md`, title: states.get(r.id)!.title, reasons: overwriteReasons(states.get(r.id)!, 'unpublished') }))
    .sort((x, y) => x.path.localeCompare(y.path));
}

function articleValues(a: TreeArticle, categoryId: string, at: string) {
  return {
    category_id: categoryId,
    title: a.title,
    summary: a.summary,
    body_md: a.body,
    body_html: a.html,
    body_text: a.text,
    toc: JSON.stringify(a.toc),
    tags: a.tags,
    position: a.order,
    published: 1,
    source_hash: a.sourceHash,
    updated_at: at,
  };
}

function byBytes(rows: Insertable<HelpAttachmentsTable>[]): Insertable<HelpAttachmentsTable>[][] {
  const out: Insertable<HelpAttachmentsTable>[][] = [];
  let current: Insertable<HelpAttachmentsTable>[] = [];
  let bytes = 0;
  for (const r of rows) {
    if (current.length > 0 && (bytes + r.size > ATTACHMENT_BATCH_BYTES || current.length >= 100)) {
      out.push(current);
      current = [];
      bytes = 0;
    }
    current.push(r);
    bytes += r.size;
  }
  if (current.length > 0) out.push(current);
  return out;
}
