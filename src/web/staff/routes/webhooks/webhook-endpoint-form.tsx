import type { Context } from 'hono';
import { Hono } from 'hono';
import { AppError, ValidationError } from '../../../../errors.ts';
import { changeWebhookEndpoint, WEBHOOK_CHANGED_MEANWHILE } from '../../../../webhooks/change-webhook-endpoint.ts';
import { createWebhookEndpoint } from '../../../../webhooks/create-webhook-endpoint.ts';
import { WEBHOOK_DESCRIPTION_MAX } from '../../../../webhooks/webhook-endpoint-input.ts';
import { webhookEndpointSummary } from '../../../../webhooks/webhook-endpoint-views.ts';
import { WEBHOOK_EVENT_LABEL, WEBHOOK_EVENT_TYPES } from '../../../../webhooks/webhook-events.ts';
import { WEBHOOK_URL_MAX } from '../../../../webhooks/webhook-url-policy.ts';
import { Breadcrumbs } from '../../../components/breadcrumbs.tsx';
import { CsrfField, ErrorSummary, Field, type FieldErrors } from '../../../components/form.tsx';
import { setFlash } from '../../../cookies.ts';
import type { AppEnv } from '../../../env.ts';
import { formFields, formValues } from '../../../form-data.ts';
import { requireStaff, staffPrincipalOf } from '../../require-staff.ts';
import { staffPage } from '../../staff-page.tsx';
import { RefusedNotice } from './webhook-views.tsx';

interface Values {
  url: string;
  description: string;
  events: readonly string[];
}

const LABELS = { url: 'Dirección (URL)', description: 'Descripción', events: 'Eventos' };

/** Where the form is posted and what it says: a new endpoint, or one being changed at a revision. */
type Mode = { kind: 'new' } | { kind: 'edit'; id: string; revision: number };

function urlHint(allowHttp: boolean) {
  return allowHttp
    ? 'Debe comenzar con https://; http:// se acepta sólo hacia este mismo equipo (localhost).'
    : 'Debe comenzar con https://, por ejemplo https://erp.ejemplo.cl/webhooks/portal.';
}

function render(c: Context<AppEnv>, mode: Mode, v: Values, errors: FieldErrors, opts: { status?: 200 | 409 | 422; refused?: string } = {}) {
  const title = mode.kind === 'new' ? 'Registrar webhook' : 'Modificar webhook';
  const action = mode.kind === 'new' ? '/proveedor/webhooks/nuevo' : `/proveedor/webhooks/${mode.id}/editar`;
  const back = mode.kind === 'new' ? '/proveedor/webhooks' : `/proveedor/webhooks/${mode.id}`;
  const chosen = new Set(v.events);
  return staffPage(
    c,
    { title, current: 'webhooks', status: opts.status },
    <>
      <Breadcrumbs items={[['Webhooks', '/proveedor/webhooks'], [title, null]]} />
      <h1>{title}</h1>
      <p>
        El portal enviará a esta dirección un aviso firmado (Standard Webhooks: encabezados <code>webhook-id</code>, <code>webhook-timestamp</code> y{' '}
        <code>webhook-signature</code>) cada vez que ocurra uno de los eventos marcados. El secreto que firma los avisos lo genera el portal
        {mode.kind === 'new' ? ': podrá verlo en la ficha del webhook después de registrarlo.' : '.'}
      </p>
      <RefusedNotice message={opts.refused} />
      <ErrorSummary errors={errors} labels={LABELS} />
      <form method="post" action={action} novalidate class="card">
        <CsrfField token={c.get('csrfToken')} />
        {mode.kind === 'edit' ? <input type="hidden" name="revision" value={String(mode.revision)} /> : null}
        <Field name="url" label={LABELS.url} value={v.url} error={errors.url} hint={urlHint(c.get('deps').config.webhooks.allowLocalhost)} autocomplete="off" required maxlength={WEBHOOK_URL_MAX} />
        <Field name="description" label={LABELS.description} value={v.description} error={errors.description} hint="Para qué es: quién la recibe y qué hace con ella." autocomplete="off" required maxlength={WEBHOOK_DESCRIPTION_MAX} />
        <fieldset class={errors.events ? 'field has-error' : 'field'} aria-describedby={errors.events ? 'events-error' : undefined}>
          <legend>{LABELS.events}</legend>
          {errors.events ? (
            <p class="field-error" id="events-error">
              {errors.events}
            </p>
          ) : null}
          <ul class="scope-list">
            {WEBHOOK_EVENT_TYPES.map((t, i) => (
              <li>
                {/* The first box carries the field's id, so the error summary's link lands on the list. */}
                <input type="checkbox" id={i === 0 ? 'events' : `evento-${t}`} name="evento" value={t} checked={chosen.has(t)} />
                <label for={i === 0 ? 'events' : `evento-${t}`}>
                  {WEBHOOK_EVENT_LABEL[t]} <code>{t}</code>
                </label>
              </li>
            ))}
          </ul>
        </fieldset>
        <div class="actions">
          <button type="submit" class="primary">
            {mode.kind === 'new' ? 'Registrar webhook' : 'Guardar cambios'}
          </button>
          <a href={back}>Cancelar</a>
        </div>
      </form>
    </>,
  );
}

async function posted(c: Context<AppEnv>): Promise<Values & { revision?: string }> {
  const f = await formFields(c);
  // Bounded before they are shown back: the operation's schema says what is wrong with them.
  return { url: (f.url ?? '').slice(0, WEBHOOK_URL_MAX + 1), description: (f.description ?? '').slice(0, WEBHOOK_DESCRIPTION_MAX + 1), events: formValues(c, 'evento').slice(0, 50), revision: f.revision };
}

/** Registering an endpoint and changing one (administrators, with a fresh second factor: webhooks:manage). */
export const webhookEndpointFormRoutes = new Hono<AppEnv>()
  .get('/webhooks/nuevo', requireStaff('webhooks:manage'), (c) => render(c, { kind: 'new' }, { url: '', description: '', events: [] }, {}))
  .post('/webhooks/nuevo', requireStaff('webhooks:manage'), async (c) => {
    const v = await posted(c);
    try {
      const r = await createWebhookEndpoint(c.get('deps'), staffPrincipalOf(c), v);
      setFlash(c, `Webhook registrado: ${r.url}. Muestre su secreto aquí para configurarlo en el sistema que lo recibe.`, 'staff_flash');
      return c.redirect(`/proveedor/webhooks/${r.id}`, 303);
    } catch (err) {
      if (err instanceof ValidationError) return render(c, { kind: 'new' }, v, err.fieldErrors, { status: 422 });
      throw err;
    }
  })
  .get('/webhooks/:id/editar', requireStaff('webhooks:manage'), async (c) => {
    const e = await webhookEndpointSummary(c.get('deps').db, c.req.param('id'));
    return render(c, { kind: 'edit', id: e.id, revision: e.revision }, e, {});
  })
  .post('/webhooks/:id/editar', requireStaff('webhooks:manage'), async (c) => {
    const id = c.req.param('id');
    const { db } = c.get('deps');
    // An unknown endpoint is a 404 whatever the form says.
    await webhookEndpointSummary(db, id);
    const v = await posted(c);
    // A form without its revision (or a forged one) is treated as read before any change: it cannot undo one.
    const revision = /^\d{1,9}$/.test(v.revision ?? '') ? Number(v.revision) : -1;
    try {
      const r = await changeWebhookEndpoint(c.get('deps'), staffPrincipalOf(c), id, { ...v, revision });
      setFlash(c, r.changed ? `Webhook modificado: ${r.url}.` : 'No había cambios que guardar.', 'staff_flash');
      return c.redirect(`/proveedor/webhooks/${id}`, 303);
    } catch (err) {
      if (err instanceof ValidationError) return render(c, { kind: 'edit', id, revision }, v, err.fieldErrors, { status: 422 });
      if (err instanceof AppError && err.id === 'webhook-changed-meanwhile') {
        const now = await webhookEndpointSummary(db, id);
        return render(c, { kind: 'edit', id, revision: now.revision }, now, {}, { status: 409, refused: WEBHOOK_CHANGED_MEANWHILE });
      }
      throw err;
    }
  });
