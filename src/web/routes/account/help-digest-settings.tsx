import type { Context } from 'hono';
import { Hono } from 'hono';
import { isSubscribedToHelpDigest } from '../../../help/digest/help-digest-subscription.ts';
import { setHelpDigestInput, setHelpDigestSubscription } from '../../../help/digest/set-help-digest-subscription.ts';
import { Breadcrumbs } from '../../components/breadcrumbs.tsx';
import { CsrfField, ErrorSummary } from '../../components/form.tsx';
import { setFlash } from '../../cookies.ts';
import type { AppEnv } from '../../env.ts';
import { actorOf } from '../../actor.ts';
import { formFields } from '../../form-data.ts';
import { sessionOf } from '../../middleware/require-user.ts';
import { page } from '../../render.tsx';

export const HELP_DIGEST_SETTINGS = '/cuenta/novedades';

async function render(c: Context<AppEnv>, error: string | null) {
  const s = sessionOf(c);
  const subscribed = await isSubscribedToHelpDigest(c.get('deps').db, s.user.id);
  return page(
    c,
    { title: 'Resumen semanal de la ayuda', current: 'cuenta', ...(error ? { status: 422 as const } : {}) },
    <>
      <Breadcrumbs items={[['Mi cuenta', '/cuenta'], ['Resumen semanal de la ayuda', null]]} />
      <h1>Resumen semanal de la ayuda</h1>
      <p>
        Cada lunes le enviamos a {s.user.email} los artículos nuevos y actualizados de la ayuda de sus sistemas, si los hubo. Cada correo trae un enlace para dejar de
        recibirlo.
      </p>
      {error ? <ErrorSummary errors={{ 'recibir-si': error }} /> : null}
      <form method="post" action={HELP_DIGEST_SETTINGS}>
        <CsrfField token={c.get('csrfToken')} />
        <fieldset>
          <legend>Recibir cada semana un resumen de los cambios en la ayuda de mis sistemas</legend>
          <div class="field">
            <input type="radio" id="recibir-si" name="recibir" value="si" checked={subscribed} />
            <label for="recibir-si">Sí, enviarme el resumen semanal</label>
          </div>
          <div class="field">
            <input type="radio" id="recibir-no" name="recibir" value="no" checked={!subscribed} />
            <label for="recibir-no">No</label>
          </div>
        </fieldset>
        <div class="actions">
          <button type="submit" class="primary">
            Guardar
          </button>
          <a href="/cuenta">Volver a Mi cuenta</a>
        </div>
      </form>
    </>,
  );
}

/** Mi cuenta › Resumen semanal de la ayuda: subscribe or unsubscribe oneself (the /cuenta guard covers it). */
export const helpDigestSettingsRoutes = new Hono<AppEnv>()
  .get(HELP_DIGEST_SETTINGS, (c) => render(c, null))
  .post(HELP_DIGEST_SETTINGS, async (c) => {
    const parsed = setHelpDigestInput.safeParse(await formFields(c));
    if (!parsed.success) return render(c, parsed.error.issues[0]?.message ?? 'Elija si quiere recibir el resumen semanal.');
    const { db, clock } = c.get('deps');
    const subscribe = parsed.data.recibir === 'si';
    const changed = await setHelpDigestSubscription(db, actorOf(c), subscribe, clock.now());
    setFlash(
      c,
      subscribe
        ? changed
          ? 'Listo: recibirá cada lunes un resumen de los cambios en la ayuda de sus sistemas.'
          : 'Ya recibía el resumen semanal; no cambió nada.'
        : changed
          ? 'Listo: ya no recibirá el resumen semanal de la ayuda.'
          : 'No recibía el resumen semanal; no cambió nada.',
    );
    return c.redirect(HELP_DIGEST_SETTINGS, 303);
  });
