import type { Context } from 'hono';
import { Hono } from 'hono';
import { santiagoWallClock } from '../../../domain/santiago-local-time.ts';
import { addDays } from '../../../domain/contracts.ts';
import { AppError, ValidationError } from '../../../errors.ts';
import { cancelSchedule } from '../../../help/authoring/cancel-schedule.ts';
import { findArticleForSchedule, type ArticleForSchedule } from '../../../help/authoring/find-article-for-schedule.ts';
import type { HelpWriteContext } from '../../../help/authoring/help-write-context.ts';
import { listSchedules, type ScheduleView } from '../../../help/authoring/list-schedules.ts';
import { scheduleArticleAction } from '../../../help/authoring/schedule-article-action.ts';
import { staffCan } from '../../../policies/staff-policy.ts';
import { Breadcrumbs } from '../../components/breadcrumbs.tsx';
import { CsrfField, ErrorSummary, Field, type FieldErrors } from '../../components/form.tsx';
import { formatDateTime } from '../../components/format.ts';
import { setFlash } from '../../cookies.ts';
import type { AppEnv } from '../../env.ts';
import { formFields } from '../../form-data.ts';
import { requireStaff, staffPrincipalOf, staffSessionOf } from '../require-staff.ts';
import { staffPage } from '../staff-page.tsx';

type Values = { action?: string; day?: string; time?: string; changeNote?: string };

const base = (id: string) => `/proveedor/ayuda/articulos/${id}/programar`;

function writeContext(c: Context<AppEnv>): HelpWriteContext {
  const { dialect, clock, config } = c.get('deps');
  return { dialect, now: clock.now(), selfPublish: config.helpSelfPublish };
}

/** Why a pending publish will fail when its time comes, said now: the draft moved on (or went) since it was scheduled. */
function staleWarning(s: ScheduleView, a: ArticleForSchedule): string | null {
  if (s.state !== 'pending' || s.action !== 'publish') return null;
  // A draft started after the schedule is another one (its revisions count again from 1): the scheduler refuses it.
  if (!a.draft || a.draft.createdAt > s.createdAt) return 'El borrador programado ya no existe (se publicó o se descartó): esta publicación fallará. Cancélela.';
  if (a.draft.revision !== s.draftRevision) return `El borrador cambió desde que se programó (revisión ${s.draftRevision}, ahora ${a.draft.revision}): esta publicación fallará. Cancélela y vuelva a programarla para publicar el texto actual.`;
  return null;
}

function ScheduleForm(p: { a: ArticleForSchedule; v: Values; errors: FieldErrors; csrf: string }) {
  const { a, v, errors } = p;
  const action = v.action ?? (a.draft ? 'publish' : 'unpublish');
  return (
    <form method="post" action={base(a.id)} novalidate class="card">
      <h2>Programar</h2>
      <p>El portal lo hace solo a la hora indicada (hora de Santiago; el cambio de horario se considera), una sola vez. Se revisa cada 15 segundos.</p>
      <CsrfField token={p.csrf} />
      <fieldset class={errors.action ? 'field has-error' : 'field'}>
        <legend>Qué hacer</legend>
        {errors.action ? <p class="field-error" id="action-error">{errors.action}</p> : null}
        <p>
          <input type="radio" id="action" name="action" value="publish" checked={action === 'publish'} disabled={!a.draft} aria-describedby={errors.action ? 'action-error' : undefined} />{' '}
          <label for="action">Publicar el borrador {a.draft ? `tal como está ahora (revisión ${a.draft.revision})` : '(no hay borrador)'}</label>
        </p>
        <p>
          <input type="radio" id="action-unpublish" name="action" value="unpublish" checked={action === 'unpublish'} />{' '}
          <label for="action-unpublish">Despublicar el artículo (los lectores dejan de verlo)</label>
        </p>
      </fieldset>
      <Field name="day" label="Fecha" type="date" value={v.day} error={errors.day} required hint="Día en Santiago, AAAA-MM-DD." />
      <div class={errors.time ? 'field has-error' : 'field'}>
        <label for="time">Hora (Santiago, 24 horas)</label>
        <p class="hint" id="time-ayuda">HH:MM. La noche en que los relojes se atrasan, una hora repetida se toma la primera vez que ocurre.</p>
        {errors.time ? <p class="field-error" id="time-error">{errors.time}</p> : null}
        <input id="time" name="time" type="time" value={v.time} required aria-invalid={errors.time ? 'true' : undefined} aria-describedby={errors.time ? 'time-ayuda time-error' : 'time-ayuda'} />
      </div>
      <Field name="changeNote" label="Nota del cambio (para una publicación)" value={v.changeNote} error={errors.changeNote} maxlength={200} autocomplete="off" hint="Queda en el historial del artículo, como «Nueva tasa desde el 1 de mayo»." />
      <div class="actions"><button type="submit" class="primary">Programar</button></div>
    </form>
  );
}

function ScheduleTable(p: { a: ArticleForSchedule; rows: ScheduleView[]; canWrite: boolean; csrf: string }) {
  if (p.rows.length === 0) return <p class="notice">Este artículo no tiene nada programado.</p>;
  return (
    <div class="table-scroll">
      <table class="data stack">
        <caption>Programaciones del artículo: pendientes primero, luego las pasadas</caption>
        <thead>
          <tr>
            <th scope="col">Acción</th>
            <th scope="col">Cuándo</th>
            <th scope="col">Estado</th>
            <th scope="col">Programó</th>
            {p.canWrite ? <th scope="col"><span class="visually-hidden">Cancelar</span></th> : null}
          </tr>
        </thead>
        <tbody>
          {p.rows.map((s) => {
            const warning = staleWarning(s, p.a);
            return (
              <tr>
                <th scope="row">{s.actionLabel}{s.changeNote ? <> · <bdi>{s.changeNote}</bdi></> : null}</th>
                <td data-label="Cuándo">{s.runAtLabel}</td>
                <td data-label="Estado">
                  <strong>{s.stateLabel}</strong>
                  {s.doneAt ? <> · {formatDateTime(s.doneAt)}</> : null}
                  {s.outcomeDetail ? <> · {s.outcomeDetail}</> : null}
                  {warning ? <p class="notice error">{warning}</p> : null}
                </td>
                <td data-label="Programó"><bdi>{s.createdByLabel}</bdi></td>
                {p.canWrite ? (
                  <td data-label="Cancelar">
                    {s.state === 'pending' ? (
                      <form method="post" action={`${base(p.a.id)}/${s.id}/cancelar`} class="inline">
                        <CsrfField token={p.csrf} />
                        <button type="submit" class="danger">Cancelar<span class="visually-hidden"> {s.actionLabel.toLowerCase()} del {s.runAtLabel}</span></button>
                      </form>
                    ) : null}
                  </td>
                ) : null}
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}

async function render(c: Context<AppEnv>, v: Values, errors: FieldErrors, status: 200 | 409 | 422 = 200, problem?: string) {
  const db = c.get('deps').db;
  const a = await findArticleForSchedule(db, c.req.param('id') ?? '');
  const rows = await listSchedules(db, { articleId: a.id, limit: 50 });
  const canWrite = staffCan(staffSessionOf(c).staff.role, 'help:publish');
  const csrf = c.get('csrfToken');
  const tomorrow = addDays(santiagoWallClock(c.get('deps').clock.now()).day, 1);
  return staffPage(
    c,
    { title: `Programar: ${a.title}`, current: 'ayuda', status },
    <>
      <Breadcrumbs items={[['Ayuda', '/proveedor/ayuda'], [a.title, `/proveedor/ayuda/articulos/${a.id}`], ['Programar', null]]} />
      <h1>Programar la publicación de <bdi>{a.title}</bdi></h1>
      <p>
        {a.published ? `Publicado (versión ${a.versionNo}).` : 'No publicado.'}{' '}
        {a.draft ? `Borrador en revisión ${a.draft.revision}, guardado por ${a.draft.updatedByLabel} el ${formatDateTime(a.draft.updatedAt)}.` : 'Sin borrador.'}
      </p>
      {problem ? <p class="notice error" role="alert">{problem}</p> : null}
      <ErrorSummary errors={errors} message="No se programó. Revise lo siguiente:" />
      {canWrite ? <ScheduleForm a={a} v={{ day: tomorrow, time: '00:00', ...v }} errors={errors} csrf={csrf} /> : null}
      <h2>Programado</h2>
      <ScheduleTable a={a} rows={rows} canWrite={canWrite} csrf={csrf} />
    </>,
  );
}

export const helpArticleScheduleRoutes = new Hono<AppEnv>()
  .get('/ayuda/articulos/:id/programar', requireStaff('help:read'), (c) => render(c, {}, {}))
  .post('/ayuda/articulos/:id/programar', requireStaff('help:publish'), async (c) => {
    const f = await formFields(c);
    const v = { action: f.action ?? '', day: f.day ?? '', time: f.time ?? '', changeNote: f.changeNote ?? '' };
    try {
      const s = await scheduleArticleAction(c.get('deps').db, writeContext(c), staffPrincipalOf(c), { articleId: c.req.param('id'), ...v });
      const what = s.action === 'publish' ? 'Publicación programada' : 'Despublicación programada';
      setFlash(c, `${what}${s.ambiguous ? ' (esa hora ocurre dos veces esa noche: se tomó la primera)' : ''}.`, 'staff_flash');
      return c.redirect(base(c.req.param('id')), 303);
    } catch (err) {
      if (err instanceof ValidationError) return render(c, { action: v.action.slice(0, 20), day: v.day.slice(0, 10), time: v.time.slice(0, 5), changeNote: v.changeNote.slice(0, 200) }, err.fieldErrors, 422);
      throw err;
    }
  })
  .post('/ayuda/articulos/:id/programar/:sid/cancelar', requireStaff('help:publish'), async (c) => {
    try {
      await cancelSchedule(c.get('deps').db, writeContext(c), staffPrincipalOf(c), { scheduleId: c.req.param('sid'), articleId: c.req.param('id') });
      setFlash(c, 'Programación cancelada.', 'staff_flash');
      return c.redirect(base(c.req.param('id')), 303);
    } catch (err) {
      if (err instanceof AppError && err.status === 409) return render(c, {}, {}, 409, err.message);
      throw err;
    }
  });
