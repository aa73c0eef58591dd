import type { Context } from 'hono';
import { Hono } from 'hono';
import { AppError, ValidationError } from '../../../errors.ts';
import { discardMail } from '../../../mail/discard-mail.ts';
import { countOutbox, listOutbox, outboxKinds, type OutboxEntry, type OutboxFilterInput } from '../../../mail/list-outbox.ts';
import { retryMail } from '../../../mail/retry-mail.ts';
import { viewMail, type MailView } from '../../../mail/view-mail.ts';
import { staffCan } from '../../../policies/staff-policy.ts';
import { Pager } from '../../components/page-links.tsx';
import { FilterForm, FilterInput, FilterSelect } from '../../components/filter-fields.tsx';
import { CsrfField, type FieldErrors } from '../../components/form.tsx';
import { formatDateTime } from '../../components/format.ts';
import { setFlash } from '../../cookies.ts';
import type { AppEnv } from '../../env.ts';
import { requireStaff, staffPrincipalOf, staffSessionOf } from '../require-staff.ts';
import { staffPage } from '../staff-page.tsx';

const PAGE_SIZE = 50;
const STATE_OPTIONS = [['pending', 'En cola'], ['failed', 'Con fallas (se reintenta)'], ['dead', 'Sin entregar (no se reintenta)'], ['sent', 'Enviados']] as const;

function stateLabel(m: { state: OutboxEntry['state']; failing: boolean; discarded?: boolean }): string {
  if (m.state === 'sent') return 'Enviado';
  if (m.state === 'dead') return m.discarded ? 'Descartado' : 'Sin entregar';
  return m.failing ? 'Con fallas, se reintenta' : 'En cola';
}

async function renderList(c: Context<AppEnv>, f: OutboxFilterInput, errors: FieldErrors) {
  const db = c.get('deps').db;
  const pageNo = Math.max(1, Math.min(10_000, Number(c.req.query('pagina') ?? 1) || 1));
  const valid = Object.keys(errors).length === 0;
  const [counts, kinds, rows] = await Promise.all([
    countOutbox(db),
    outboxKinds(db),
    valid ? listOutbox(db, { ...f, limit: PAGE_SIZE + 1, offset: (pageNo - 1) * PAGE_SIZE }) : Promise.resolve([]),
  ]);
  return staffPage(
    c,
    { title: 'Correo', current: 'correo', status: valid ? 200 : 422 },
    <>
      <h1>Correo</h1>
      <p>
        En cola: <strong>{counts.pending}</strong> (con fallas: {counts.failed}) · Sin entregar: <strong>{counts.dead}</strong> · Enviados: {counts.sent}
      </p>
      <FilterForm action="/proveedor/correo" errors={errors}>
        <FilterSelect id="state" name="estado" label="Estado" value={f.state} error={errors.state} options={STATE_OPTIONS} />
        <FilterSelect id="kind" name="tipo" label="Tipo" value={f.kind} error={errors.kind} options={kinds.map((k) => [k, k] as const)} />
        <FilterInput id="to" name="para" label="Destinatario" type="search" value={f.to} error={errors.to} maxlength={254} />
      </FilterForm>
      {valid && rows.length === 0 ? <p class="notice">No hay correos con esos filtros.</p> : null}
      {rows.length > 0 ? (
        <div class="table-scroll">
          <table class="data stack">
            <caption>Correos, página {pageNo}</caption>
            <thead>
              <tr>
                <th scope="col">Asunto</th>
                <th scope="col">Para</th>
                <th scope="col">Tipo</th>
                <th scope="col">Estado</th>
                <th scope="col">Intentos</th>
                <th scope="col">Creado</th>
                <th scope="col">Último error</th>
              </tr>
            </thead>
            <tbody>
              {rows.slice(0, PAGE_SIZE).map((m) => (
                <tr>
                  <th scope="row">
                    <a href={`/proveedor/correo/${m.id}`}>{m.subject}</a>
                  </th>
                  <td data-label="Para"><bdi>{m.to}</bdi></td>
                  <td data-label="Tipo">{m.kind}</td>
                  <td data-label="Estado">{stateLabel(m)}{m.nextAttemptAt && m.failing ? <> · próximo intento {formatDateTime(m.nextAttemptAt)}</> : null}</td>
                  <td data-label="Intentos">{m.attempts}</td>
                  <td data-label="Creado">{formatDateTime(m.createdAt)}</td>
                  <td data-label="Último error">{m.lastError ?? '—'}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
      <Pager base="/proveedor/correo" query={new URL(c.req.url).searchParams} page={pageNo} hasMore={rows.length > PAGE_SIZE} label="Páginas de correos" />
    </>,
  );
}

function renderMail(c: Context<AppEnv>, m: MailView, problem?: string) {
  const writes = staffCan(staffSessionOf(c).staff.role, 'mail:write');
  const csrf = c.get('csrfToken');
  const canRetry = m.state === 'dead' || m.failing;
  const canDiscard = m.state === 'pending';
  return staffPage(
    c,
    { title: `Correo: ${m.subject}`, current: 'correo', status: problem ? 409 : 200 },
    <>
      <p><a href="/proveedor/correo">← Correo</a></p>
      <h1>{m.subject}</h1>
      {problem ? <p class="notice error" role="alert">{problem}</p> : null}
      <dl class="card identity">
        <dt>Para</dt><dd><bdi>{m.to}</bdi></dd>
        <dt>Tipo</dt><dd>{m.kind}</dd>
        <dt>Estado</dt><dd>{stateLabel(m)}</dd>
        <dt>Intentos</dt><dd>{m.attempts}</dd>
        <dt>Último error</dt><dd>{m.lastError ?? '—'}</dd>
        <dt>Creado</dt><dd>{formatDateTime(m.createdAt)}</dd>
        {m.nextAttemptAt ? <><dt>Próximo intento</dt><dd>{formatDateTime(m.nextAttemptAt)}</dd></> : null}
        {m.sentAt ? <><dt>Enviado</dt><dd>{formatDateTime(m.sentAt)}</dd></> : null}
        {m.deadAt ? <><dt>Dado por perdido</dt><dd>{formatDateTime(m.deadAt)}</dd></> : null}
      </dl>
      {m.hasSecret ? (
        <p class="notice">
          Este correo lleva datos secretos (una clave temporal o un enlace): aquí se muestran como «oculto».
          {m.secretGone ? ' Ya se borraron de la base: no puede reenviarse; use «Reenviar credenciales» en la ficha del usuario.' : null}
        </p>
      ) : null}
      {writes && (canRetry || canDiscard) ? (
        <div class="row-actions">
          {canRetry && !m.secretGone ? (
            <form method="post" action={`/proveedor/correo/${m.id}/reintentar`} class="inline">
              <CsrfField token={csrf} />
              <button type="submit" class="primary">Reintentar ahora</button>
            </form>
          ) : null}
          {canDiscard ? (
            <form method="post" action={`/proveedor/correo/${m.id}/descartar`} class="inline">
              <CsrfField token={csrf} />
              <button type="submit" class="danger">Descartar (no enviar)</button>
            </form>
          ) : null}
        </div>
      ) : null}
      <h2>Texto del correo</h2>
      <pre class="card mail-body">{m.textBody}</pre>
    </>,
  );
}

/** A write that cannot happen in the mail's state: the mail again, with why. */
async function writeOrExplain(c: Context<AppEnv>, write: () => Promise<{ to: string }>, done: (to: string) => string) {
  try {
    const r = await write();
    setFlash(c, done(r.to), 'staff_flash');
    return c.redirect(`/proveedor/correo/${c.req.param('id')}`, 303);
  } catch (err) {
    if (err instanceof AppError && err.status === 409) return renderMail(c, await viewMail(c.get('deps').db, c.req.param('id')!), err.message);
    throw err;
  }
}

export const mailRoutes = new Hono<AppEnv>()
  .get('/correo', requireStaff('mail:read'), async (c) => {
    const q = (n: string) => c.req.query(n)?.slice(0, 300);
    const f: OutboxFilterInput = { state: q('estado'), kind: q('tipo'), to: q('para') };
    try {
      await listOutbox(c.get('deps').db, { ...f, limit: 0 });
      return await renderList(c, f, {});
    } catch (err) {
      if (err instanceof ValidationError) return renderList(c, f, err.fieldErrors);
      throw err;
    }
  })
  .get('/correo/:id', requireStaff('mail:read'), async (c) => renderMail(c, await viewMail(c.get('deps').db, c.req.param('id'))))
  .post('/correo/:id/reintentar', requireStaff('mail:write'), (c) =>
    writeOrExplain(c, () => retryMail(c.get('deps'), staffPrincipalOf(c), c.req.param('id')), (to) => `El correo a ${to} quedó para enviarse ahora.`),
  )
  .post('/correo/:id/descartar', requireStaff('mail:write'), (c) =>
    writeOrExplain(c, () => discardMail(c.get('deps'), staffPrincipalOf(c), c.req.param('id')), (to) => `El correo a ${to} quedó descartado: no se enviará.`),
  );
