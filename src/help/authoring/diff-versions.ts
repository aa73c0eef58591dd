import { diffLines, diffWordsWithSpace } from 'diff';
import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema.ts';
import { readVersion, type ArticleSnapshot, type SnapshotRef } from './read-version.ts';

export interface DiffPart {
  kind: 'same' | 'added' | 'removed';
  text: string;
}

export interface FieldDiff {
  field: 'title' | 'slug' | 'summary' | 'tags' | 'category' | 'position' | 'body';
  label: string;
  changed: boolean;
  parts: DiffPart[];
}

export interface VersionDiff {
  from: ArticleSnapshot;
  to: ArticleSnapshot;
  fields: FieldDiff[];
}

const partsOf = (changes: { added?: boolean; removed?: boolean; value: string }[]): DiffPart[] =>
  changes.map((c) => ({ kind: c.added ? 'added' : c.removed ? 'removed' : 'same', text: c.value }));

/**
 * What changed between two versions (or a version and the draft): word by
 * word in the one-line fields, line by line in the body, and inside a
 * changed line word by word, so a fixed typo shows as one word.
 */
export async function diffVersions(db: Kysely<Database>, articleId: string, fromRef: SnapshotRef, toRef: SnapshotRef): Promise<VersionDiff> {
  const [from, to] = await Promise.all([readVersion(db, articleId, fromRef), readVersion(db, articleId, toRef)]);
  const names = new Map(
    (await db.selectFrom('help_categories').select(['id', 'name']).where('id', 'in', [from.categoryId, to.categoryId]).execute()).map((c) => [c.id, c.name]),
  );
  return diffSnapshots(from, to, names);
}

/** The same comparison between any two snapshots (the conflict page compares the saved draft with the unsaved text). */
export function diffSnapshots(from: ArticleSnapshot, to: ArticleSnapshot, categoryNames: ReadonlyMap<string, string>): VersionDiff {
  const names = categoryNames;
  const words = (field: FieldDiff['field'], label: string, a: string, b: string): FieldDiff => ({ field, label, changed: a !== b, parts: partsOf(diffWordsWithSpace(a, b)) });
  return {
    from,
    to,
    fields: [
      words('title', 'Título', from.title, to.title),
      words('slug', 'Dirección (slug)', from.slug, to.slug),
      words('summary', 'Resumen', from.summary, to.summary),
      words('tags', 'Etiquetas', from.tags, to.tags),
      words('category', 'Categoría', names.get(from.categoryId) ?? '(categoría eliminada)', names.get(to.categoryId) ?? '(categoría eliminada)'),
      words('position', 'Orden', String(from.position), String(to.position)),
      { field: 'body', label: 'Texto', changed: from.body !== to.body, parts: bodyParts(from.body, to.body) },
    ],
  };
}

/** Lines removed then added side by side are one edited block: word-diffed, so the change inside it stands out. */
function bodyParts(a: string, b: string): DiffPart[] {
  const norm = (s: string) => (s.endsWith('\n') || s === '' ? s : `${s}\n`);
  const changes = diffLines(norm(a), norm(b));
  const out: DiffPart[] = [];
  for (let i = 0; i < changes.length; i++) {
    const c = changes[i]!;
    const next = changes[i + 1];
    if (c.removed && next?.added) {
      out.push(...partsOf(diffWordsWithSpace(c.value, next.value)));
      i++;
    } else out.push(...partsOf([c]));
  }
  return out;
}
