import type { Transaction } from 'kysely';
import type { Database, HelpVersionSource } from '../../db/schema.ts';
import type { TreeArticle } from './help-tree.ts';

// What the import needs to know about articles it is about to change, so
// that help written in the browser is never lost silently (decision 0016):
// their published text (to see whether the folder says the same thing), the
// latest version's origin and number, an open draft, and their files.

/** An article the import replaced or unpublished although the browser had the last word on it. */
export interface OverwrittenArticle {
  /** Its file in the folder: system/category/slug.md. */
  path: string;
  /** Its title before the import. */
  title: string;
  /** Why it is listed, in Spanish. */
  reasons: string[];
}

export interface PreviousState {
  categoryId: string;
  title: string;
  summary: string;
  tags: string;
  position: number;
  bodyMd: string;
  /** The number the next version takes. */
  nextVersion: number;
  /** Where the latest version came from (null: none kept, i.e. imported before versions existed). */
  latestSource: HelpVersionSource | null;
  latestVersion: number;
  /** When the latest version was published ('' without one). */
  latestAt: string;
  hasDraft: boolean;
  /** Not published now, and the last to take it from readers was the browser (help.unpublished after its latest version). */
  unpublishedInBrowser: boolean;
  /** The article's published files: path → sha256. */
  files: Map<string, string>;
}

const SOURCE_LABEL: Record<HelpVersionSource, string> = {
  console: 'publicada en el navegador',
  schedule: 'publicada en el navegador (programada)',
  restore: 'restaurada en el navegador',
  import: 'importada',
  initial: 'importada en la carga inicial',
};

export async function previousStates(trx: Transaction<Database>, ids: string[]): Promise<Map<string, PreviousState>> {
  const out = new Map<string, PreviousState>();
  if (ids.length === 0) return out;
  const rows = await trx
    .selectFrom('help_articles')
    .select(['id', 'category_id', 'title', 'summary', 'tags', 'position', 'body_md', 'version_no', 'published'])
    .where('id', 'in', ids)
    .execute();
  const versions = await trx
    .selectFrom('help_article_versions')
    .select(['article_id', 'version_no', 'source', 'published_at'])
    .where('article_id', 'in', ids)
    .execute();
  const drafts = new Set((await trx.selectFrom('help_article_drafts').select('article_id').where('article_id', 'in', ids).execute()).map((d) => d.article_id));
  const files = await trx.selectFrom('help_attachments').select(['article_id', 'path', 'sha256']).where('article_id', 'in', ids).where('draft', '=', 0).execute();
  for (const r of rows) {
    out.set(r.id, {
      categoryId: r.category_id, title: r.title, summary: r.summary, tags: r.tags, position: Number(r.position), bodyMd: r.body_md,
      nextVersion: Number(r.version_no) + 1, latestSource: null, latestVersion: 0, latestAt: '', hasDraft: drafts.has(r.id), unpublishedInBrowser: false, files: new Map(),
    });
  }
  for (const v of versions) {
    const p = out.get(v.article_id)!;
    const n = Number(v.version_no);
    if (n >= p.latestVersion) {
      p.latestVersion = n;
      p.latestSource = v.source;
      p.latestAt = v.published_at;
    }
    p.nextVersion = Math.max(p.nextVersion, n + 1);
  }
  for (const f of files) out.get(f.article_id)!.files.set(f.path, f.sha256);
  // An import's own unpublish writes no help.unpublished row: one after the latest version is the console's (or its schedule's).
  const hidden = rows.filter((r) => Number(r.published) === 0 && out.get(r.id)!.latestAt !== '');
  if (hidden.length > 0) {
    const since = hidden.map((r) => out.get(r.id)!.latestAt).sort()[0]!;
    const wanted = new Set(hidden.map((r) => r.id));
    const events = await trx.selectFrom('audit_events').select(['at', 'detail']).where('action', '=', 'help.unpublished').where('at', '>=', since).execute();
    for (const e of events) {
      const id = (JSON.parse(e.detail ?? '{}') as { articleId?: string }).articleId;
      if (id && wanted.has(id) && e.at >= out.get(id)!.latestAt) out.get(id)!.unpublishedInBrowser = true;
    }
  }
  return out;
}

/** The folder says exactly what readers see now (an export imported back): nothing to write but the source hash. */
export function sameAsPublished(p: PreviousState, a: TreeArticle, categoryId: string): boolean {
  return (
    p.categoryId === categoryId && p.title === a.title && p.summary === a.summary && p.tags === a.tags && p.position === a.order && p.bodyMd === a.body &&
    a.assets.every((f) => p.files.get(f.path) === f.sha256)
  );
}

/** Why replacing this article overrides work done in the browser; empty when it does not. */
export function overwriteReasons(p: PreviousState, how: 'replaced' | 'unpublished'): string[] {
  const reasons: string[] = [];
  if (p.latestSource !== null && p.latestSource !== 'import' && p.latestSource !== 'initial') {
    reasons.push(
      how === 'replaced'
        ? `su versión ${p.latestVersion} fue ${SOURCE_LABEL[p.latestSource]}; queda en el historial y puede restaurarse`
        : `su versión ${p.latestVersion} fue ${SOURCE_LABEL[p.latestSource]} y el archivo no está en la carpeta: se despublicó`,
    );
  }
  if (how === 'replaced' && p.unpublishedInBrowser) reasons.push('se había despublicado en el navegador: la carpeta lo vuelve a publicar');
  if (p.hasDraft) reasons.push(how === 'replaced' ? 'tiene un borrador abierto: se conserva, pero parte de una versión anterior' : 'tiene un borrador abierto: se conserva');
  return reasons;
}

/**
 * The published files the folder no longer has that no kept text of the
 * article mentions (any version, the open draft):
 * those go; the others stay, so restoring an older version finds its
 * images. A path mentioned anywhere in the text counts as used: keeping a
 * file too many is cheap, losing one an old version shows is not.
 */
export async function filesToRemove(trx: Transaction<Database>, candidates: Map<string, string[]>): Promise<Array<{ articleId: string; path: string }>> {
  const ids = [...candidates.keys()];
  if (ids.length === 0) return [];
  const texts = new Map<string, string[]>(ids.map((id) => [id, []]));
  for (const v of await trx.selectFrom('help_article_versions').select(['article_id', 'body_md']).where('article_id', 'in', ids).execute()) texts.get(v.article_id)!.push(v.body_md);
  for (const d of await trx.selectFrom('help_article_drafts').select(['article_id', 'body_md']).where('article_id', 'in', ids).execute()) texts.get(d.article_id)!.push(d.body_md);
  const out: Array<{ articleId: string; path: string }> = [];
  for (const [articleId, paths] of candidates) {
    const bodies = texts.get(articleId)!;
    for (const path of paths) if (!bodies.some((b) => b.includes(path))) out.push({ articleId, path });
  }
  return out;
}
