import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import { z } from 'zod';
import { recordAuditEvent } from '../../audit/record-audit-event.ts';
import { auditActor, type Principal } from '../../auth/principal.ts';
import { isUuid } from '../../customers/find-customer.ts';
import { fieldErrors } from '../../customers/user-fields.ts';
import type { Database, HelpScheduleAction } from '../../db/schema.ts';
import { plainLine } from '../../domain/plain-text.ts';
import { ChangeNote } from './article-fields.ts';
import { draftOf } from './article-for-writing.ts';
import { wroteDraft } from './draft-writers.ts';
import { FOUR_EYES_MESSAGE } from './publish-draft.ts';
import { formatSantiagoInstant, santiagoToInstant } from '../../domain/santiago-local-time.ts';
import { notFound, ValidationError } from '../../errors.ts';
import type { HelpWriteContext } from './help-write-context.ts';
import { authorizeSchedule, scheduleCreator } from './schedule-principal.ts';

// The note becomes the version's change note (publish) or the unpublish's note: the same rules as publishing by hand.
const UnpublishNote = plainLine('La nota').max(200, 'La nota admite hasta 200 caracteres.');

export const ScheduleArticleActionInput = z
  .object({
    action: z.enum(['publish', 'unpublish'], 'Elija si programa una publicación o una despublicación.'),
    day: z.string().trim().regex(/^\d{4}-\d{2}-\d{2}$/, 'Ingrese la fecha como AAAA-MM-DD.'),
    time: z.string().trim().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'Ingrese la hora como HH:MM (24 horas).'),
    changeNote: z.string().default(''),
  })
  .transform((v, ctx) => {
    const note = (v.action === 'publish' ? ChangeNote : UnpublishNote).safeParse(v.changeNote);
    if (!note.success) {
      ctx.addIssue({ code: 'custom', path: ['changeNote'], message: note.error.issues[0]?.message ?? 'Revise la nota.' });
      return z.NEVER;
    }
    return { ...v, changeNote: note.data };
  });

/** As a form or the CLI sends it: the schema decides what is valid. */
export interface ScheduleArticleActionFields {
  action: string;
  day: string;
  time: string;
  changeNote?: string;
}

export interface ScheduledAction {
  id: string;
  action: HelpScheduleAction;
  runAt: Date;
  /** True when the time happens twice that night (the clocks go back) and the first was taken. */
  ambiguous: boolean;
}

/**
 * Schedule a publish of the article's draft as it is now (its revision is
 * kept: a draft changed afterwards is not published by this schedule), or an
 * unpublish, at a date and time in Santiago. At most one pending action of
 * each kind per article, checked here with the article row locked, so two
 * people scheduling at once cannot both succeed.
 */
export async function scheduleArticleAction(
  db: Kysely<Database>,
  ctx: HelpWriteContext,
  by: Principal,
  input: { articleId: string } & ScheduleArticleActionFields,
): Promise<ScheduledAction> {
  authorizeSchedule(by);
  if (!isUuid(input.articleId)) throw notFound();
  const parsed = ScheduleArticleActionInput.safeParse(input);
  if (!parsed.success) throw new ValidationError(fieldErrors(parsed.error));
  const { action, day, time, changeNote } = parsed.data;
  const when = santiagoToInstant(day, time);
  if (!when.ok) {
    throw new ValidationError(
      when.reason === 'nonexistent'
        ? { time: `Las ${time} del ${day} no existen en Santiago: esa noche los relojes se adelantan una hora. Elija otra hora (por ejemplo, una hora más tarde).` }
        : { day: 'La fecha o la hora no son válidas (AAAA-MM-DD y HH:MM).' },
    );
  }
  if (when.at.getTime() <= ctx.now.getTime()) throw new ValidationError({ day: 'La fecha y hora ya pasaron: elija un momento futuro (hora de Santiago).' });

  return db.transaction().execute(async (trx) => {
    let articleQuery = trx.selectFrom('help_articles').select(['id', 'title', 'published']).where('id', '=', input.articleId);
    // The "one pending per kind" check reads, then writes: on PostgreSQL the article row is the lock (SQLite's BEGIN IMMEDIATE already is one).
    if (ctx.dialect === 'postgres') articleQuery = articleQuery.forUpdate();
    const article = await articleQuery.executeTakeFirst();
    if (!article) throw notFound();
    const draft = await draftOf(trx, article.id);
    const pending = await trx.selectFrom('help_schedules').select(['action', 'run_at']).where('article_id', '=', article.id).where('done_at', 'is', null).execute();
    const same = pending.find((p) => p.action === action);
    if (same) {
      throw new ValidationError({
        day: `Ya hay una ${action === 'publish' ? 'publicación' : 'despublicación'} programada para el ${formatSantiagoInstant(new Date(same.run_at))}. Cancélela antes de programar otra.`,
      });
    }
    if (action === 'publish' && !draft) throw new ValidationError({ action: 'Este artículo no tiene un borrador: no hay nada que publicar. Edite el artículo primero.' });
    // publishDraft checks it again when the time comes; said now, the person can ask a colleague today instead of finding a failure later.
    if (action === 'publish' && !ctx.selfPublish && (await wroteDraft(trx, draft!, by))) throw new ValidationError({ action: FOUR_EYES_MESSAGE });
    if (action === 'unpublish') {
      const publishBefore = pending.some((p) => p.action === 'publish' && p.run_at < when.at.toISOString());
      if (Number(article.published) !== 1 && !publishBefore) throw new ValidationError({ action: 'El artículo no está publicado ni tiene una publicación programada antes de esa fecha.' });
    }
    const id = randomUUID();
    await trx
      .insertInto('help_schedules')
      .values({
        id, article_id: article.id, action, run_at: when.at.toISOString(), draft_revision: action === 'publish' ? draft!.revision : null,
        change_note: changeNote, ...scheduleCreator(by), created_at: ctx.now.toISOString(), done_at: null, outcome: null, outcome_detail: null,
      })
      .execute();
    await recordAuditEvent(trx, {
      action: 'help.schedule-created', at: ctx.now, ...auditActor(by), customerId: null, targetLabel: draft?.title ?? article.title,
      detail: { scheduleId: id, articleId: article.id, action, runAt: when.at.toISOString(), santiago: `${day} ${time}`, draftRevision: action === 'publish' ? draft!.revision : null },
    });
    return { id, action, runAt: when.at, ambiguous: when.ambiguous };
  });
}
