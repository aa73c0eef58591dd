import type { Kysely, Selectable } from 'kysely';
import type { Logger } from 'pino';
import { recordAuditEvent } from '../../audit/record-audit-event.ts';
import { auditActor, type Principal } from '../../auth/principal.ts';
import type { Dialect } from '../../db/create-db.ts';
import type { Database, HelpSchedulesTable } from '../../db/schema.ts';
import { AppError } from '../../errors.ts';
import type { HelpWriteContext } from './help-write-context.ts';
import { publishDraft } from './publish-draft.ts';
import { schedulePrincipal } from './schedule-principal.ts';
import { unpublishArticle } from './unpublish-article.ts';

type ScheduleRow = Selectable<HelpSchedulesTable>;

export interface DueSchedulesResult {
  done: number;
  failed: number;
  /** Claimed meanwhile by another instance (or cancelled): not ours to run. */
  skipped: number;
  /** Not settled for a reason not of their content (the database is down): tried again at the next turn. */
  retry: number;
}

/** Rows read at a time; a run goes on until none is due, or MAX_PER_RUN were looked at (the rest at the next turn, 15 s later). */
const BATCH = 50;
const MAX_PER_RUN = 1000;

/** The content refused the action (draft changed or gone, four-eyes, nothing to publish): final. Anything else is the system's and is retried. */
const isContentRefusal = (err: unknown): err is AppError => err instanceof AppError && err.status < 500;

class ScheduleRefused extends Error {
  constructor(readonly detail: string) {
    super(detail);
  }
}

/**
 * Carry out every schedule due at `now` (pending, run_at reached), each in
 * one transaction that first claims it: `done_at` set where it is still null.
 * Another instance running at the same time finds it claimed (0 rows) and
 * skips it; a run that fails rolls its claim back with everything else, so a
 * crash or a database outage leaves the row pending for the next turn, and a
 * restarted server finds it there. What the content refuses is recorded as
 * failed in a second transaction (the same once-claim), with the reason in
 * Spanish and a help.schedule-failed audit row.
 *
 * The action runs as the staff member who scheduled it (schedulePrincipal):
 * the audit trail names them, publishDraft applies the four-eyes rule to
 * them, and detail.scheduled says the server did it at the time they chose.
 */
export async function runDueSchedules(
  db: Kysely<Database>,
  // signal: the scheduler lost this job's lease (or is stopping): stop before the next row, the rest is the next holder's.
  opts: { dialect: Dialect; selfPublish: boolean; log?: Logger; signal?: AbortSignal },
  now: Date,
): Promise<DueSchedulesResult> {
  const result: DueSchedulesResult = { done: 0, failed: 0, skipped: 0, retry: 0 };
  const ctx: HelpWriteContext = { dialect: opts.dialect, now, selfPublish: opts.selfPublish };
  // Rows left pending by this run (retry) are not read again in it: a batch of them would otherwise hide every later schedule.
  const tried: string[] = [];
  for (;;) {
    let query = db.selectFrom('help_schedules').selectAll().where('done_at', 'is', null).where('run_at', '<=', now.toISOString());
    if (tried.length > 0) query = query.where('id', 'not in', tried);
    const due = await query.orderBy('run_at').orderBy('id').limit(BATCH).execute();
    for (const row of due) tried.push(row.id);
    await runBatch(db, ctx, opts, due, result);
    if (due.length < BATCH || tried.length >= MAX_PER_RUN || opts.signal?.aborted) return result;
  }
}

async function runBatch(db: Kysely<Database>, ctx: HelpWriteContext, opts: { log?: Logger; signal?: AbortSignal }, due: ScheduleRow[], result: DueSchedulesResult): Promise<void> {
  const { now } = ctx;
  for (const row of due) {
    if (opts.signal?.aborted) return;
    try {
      if (await carryOut(db, ctx, row)) result.done++;
      else result.skipped++;
    } catch (err) {
      const detail = err instanceof ScheduleRefused ? err.detail : isContentRefusal(err) ? refusalDetail(row, err) : null;
      if (detail === null) {
        result.retry++;
        opts.log?.warn({ err, scheduleId: row.id }, 'scheduled help action could not run; it is tried again at the next turn');
        continue;
      }
      if (await recordFailure(db, now, row, detail)) result.failed++;
      else result.skipped++;
    }
  }
}

async function carryOut(db: Kysely<Database>, ctx: HelpWriteContext, row: ScheduleRow): Promise<boolean> {
  return db.transaction().execute(async (trx) => {
    const claimed = await trx
      .updateTable('help_schedules')
      .set({ done_at: ctx.now.toISOString(), outcome: 'done' })
      .where('id', '=', row.id)
      .where('done_at', 'is', null)
      .executeTakeFirst();
    if (Number(claimed.numUpdatedRows) !== 1) return false;
    const by = await schedulePrincipal(trx, row);
    if (!by) throw new ScheduleRefused(`${row.created_by_label}, quien la programó, ya no puede publicar ayuda (cuenta desactivada o perfil cambiado): no se hizo.`);
    let detail: string;
    if (row.action === 'publish') {
      // A revision number names a text only within one draft: the scheduled draft published by hand or discarded, a new
      // one starts again at revision 1, and a revision it reaches is not the text that was scheduled (nor reviewed).
      const draft = row.draft_revision === null ? undefined : await trx.selectFrom('help_article_drafts').select('created_at').where('article_id', '=', row.article_id).executeTakeFirst();
      if (draft && draft.created_at > row.created_at) throw new ScheduleRefused(draftChangedDetail(Number(row.draft_revision)));
      const { versionNo } = await publishDraft(trx, ctx, by, {
        articleId: row.article_id,
        changeNote: row.change_note,
        ...(row.draft_revision !== null ? { expectedRevision: Number(row.draft_revision) } : {}),
        source: 'schedule',
      });
      detail = `Publicada la versión ${versionNo}.`;
    } else {
      await unpublishArticle(trx, ctx, by, { articleId: row.article_id, note: row.change_note || 'Despublicación programada' });
      detail = 'Despublicado.';
    }
    await trx.updateTable('help_schedules').set({ outcome_detail: detail }).where('id', '=', row.id).execute();
    return true;
  });
}

const draftChangedDetail = (revision: number) =>
  `El borrador cambió después de programar la publicación (se programó su revisión ${revision}) o ya no existe: no se publicó. Revise el borrador y vuelva a programarla.`;

function refusalDetail(row: ScheduleRow, err: AppError): string {
  if (err.id === 'help-draft-conflict') return row.draft_revision === null ? err.message : draftChangedDetail(Number(row.draft_revision));
  return `No se hizo: ${err.message}`;
}

/** The failure, recorded once (the same claim as a run); false when someone else settled the row first. */
async function recordFailure(db: Kysely<Database>, now: Date, row: ScheduleRow, detail: string): Promise<boolean> {
  return db.transaction().execute(async (trx) => {
    const r = await trx
      .updateTable('help_schedules')
      .set({ done_at: now.toISOString(), outcome: 'failed', outcome_detail: detail })
      .where('id', '=', row.id)
      .where('done_at', 'is', null)
      .executeTakeFirst();
    if (Number(r.numUpdatedRows) !== 1) return false;
    const article = await trx.selectFrom('help_articles').select('title').where('id', '=', row.article_id).executeTakeFirst();
    const actor: Principal = row.created_by_staff_id
      ? (await schedulePrincipalForAudit(trx, row.created_by_staff_id, row.created_by_label))
      : { kind: 'cli', label: row.created_by_label };
    await recordAuditEvent(trx, {
      action: 'help.schedule-failed', at: now, ...auditActor(actor), customerId: null, targetLabel: article?.title ?? null,
      detail: { scheduled: true, scheduleId: row.id, articleId: row.article_id, action: row.action, runAt: row.run_at, reason: detail },
    });
    return true;
  });
}

/** The scheduler's failure is recorded under the name of who scheduled it, even if they can no longer publish. */
async function schedulePrincipalForAudit(trx: Parameters<typeof schedulePrincipal>[0], staffId: string, label: string): Promise<Principal> {
  const s = await trx.selectFrom('staff').select(['id', 'name', 'email', 'role']).where('id', '=', staffId).executeTakeFirst();
  return s ? { kind: 'staff', staffId: s.id, name: s.name, email: s.email, role: s.role, ip: null } : { kind: 'cli', label };
}
