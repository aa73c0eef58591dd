import type { Kysely } from 'kysely';
import type { Database, HelpScheduleAction, HelpScheduleOutcome } from '../../db/schema.ts';
import { formatSantiagoInstant } from '../../domain/santiago-local-time.ts';

export const SCHEDULE_ACTION_LABEL: Record<HelpScheduleAction, string> = { publish: 'Publicar', unpublish: 'Despublicar' };
export const SCHEDULE_OUTCOME_LABEL: Record<HelpScheduleOutcome | 'pending', string> = {
  pending: 'Pendiente',
  done: 'Hecho',
  failed: 'Falló',
  cancelled: 'Cancelado',
};

/** A scheduled publish or unpublish as the console shows it. */
export interface ScheduleView {
  id: string;
  articleId: string;
  articleTitle: string;
  action: HelpScheduleAction;
  actionLabel: string;
  /** UTC ISO instant. */
  runAt: string;
  /** The same instant in words, in Santiago time. */
  runAtLabel: string;
  /** The draft revision a publish will publish (null for an unpublish). */
  draftRevision: number | null;
  changeNote: string;
  createdByLabel: string;
  createdAt: string;
  doneAt: string | null;
  state: HelpScheduleOutcome | 'pending';
  stateLabel: string;
  /** Why it failed, or who cancelled it (Spanish). */
  outcomeDetail: string | null;
}

/**
 * Scheduled actions, pending first (soonest first), then the past ones
 * (latest first). Bounded: the console shows the pending ones and the
 * recent history, not every schedule ever made.
 */
export async function listSchedules(
  db: Kysely<Database>,
  filter: { articleId?: string; pendingOnly?: boolean; limit?: number } = {},
): Promise<ScheduleView[]> {
  const limit = filter.limit ?? 200;
  const base = () => {
    let q = db
      .selectFrom('help_schedules as s')
      .innerJoin('help_articles as a', 'a.id', 's.article_id')
      .leftJoin('help_article_drafts as d', 'd.article_id', 's.article_id')
      .select([
        's.id', 's.article_id', 's.action', 's.run_at', 's.draft_revision', 's.change_note', 's.created_by_label', 's.created_at',
        's.done_at', 's.outcome', 's.outcome_detail', 'a.title', 'd.title as draft_title',
      ]);
    if (filter.articleId) q = q.where('s.article_id', '=', filter.articleId);
    return q;
  };
  const pending = await base().where('s.done_at', 'is', null).orderBy('s.run_at').orderBy('s.id').limit(limit).execute();
  const past = filter.pendingOnly ? [] : await base().where('s.done_at', 'is not', null).orderBy('s.done_at', 'desc').orderBy('s.id').limit(limit).execute();
  return [...pending, ...past].map((r) => {
    const state = r.outcome ?? 'pending';
    return {
      id: r.id,
      articleId: r.article_id,
      // A never-published article's title lives in its draft.
      articleTitle: r.draft_title ?? r.title,
      action: r.action,
      actionLabel: SCHEDULE_ACTION_LABEL[r.action],
      runAt: r.run_at,
      runAtLabel: formatSantiagoInstant(new Date(r.run_at)),
      draftRevision: r.draft_revision === null ? null : Number(r.draft_revision),
      changeNote: r.change_note,
      createdByLabel: r.created_by_label,
      createdAt: r.created_at,
      doneAt: r.done_at,
      state,
      stateLabel: SCHEDULE_OUTCOME_LABEL[state],
      outcomeDetail: r.outcome_detail,
    };
  });
}
