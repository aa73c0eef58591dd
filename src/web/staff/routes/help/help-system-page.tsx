import type { Context } from 'hono';
import { Hono } from 'hono';
import { changeSystem } from '../../../../help/authoring/change-system.ts';
import { moveSystem } from '../../../../help/authoring/move-system.ts';
import { systemArticles, type SystemArticleItem } from '../../../../help/authoring/system-articles.ts';
import { ValidationError } from '../../../../errors.ts';
import { Breadcrumbs } from '../../../components/breadcrumbs.tsx';
import { CsrfField, ErrorSummary, Field, type FieldErrors } from '../../../components/form.tsx';
import { formatDateTime } from '../../../components/format.ts';
import { setFlash } from '../../../cookies.ts';
import type { AppEnv } from '../../../env.ts';
import { formFields } from '../../../form-data.ts';
import { requireStaff } from '../../require-staff.ts';
import { staffPage } from '../../staff-page.tsx';
import { MoveButtons } from './move-buttons.tsx';
import { canWriteHelp, editorHref, filesHref, HELP_HOME, helpWrite, systemHref } from './help-route-context.ts';
import { moveWithFlash } from './move-with-flash.ts';

export function StateBadges(props: { a: SystemArticleItem }) {
  const { a } = props;
  return (
    <>
      <span class={`badge ${a.published ? 'state-active' : 'state-disabled'}`}>{a.published ? 'publicado' : 'no publicado'}</span>
      {a.draft === 'draft' ? <span class="badge state-pending">borrador</span> : null}
      {a.draft === 'review' ? <span class="badge warning">en revisión</span> : null}
    </>
  );
}

async function render(c: Context<AppEnv>, v: { name?: string; description?: string }, errors: FieldErrors, status: 200 | 422 = 200) {
  const s = await systemArticles(c.get('deps').db, c.req.param('slug') ?? '');
  const write = canWriteHelp(c);
  const csrf = c.get('csrfToken') ?? '';
  const base = systemHref(s.system.slug);
  return staffPage(
    c,
    { title: s.system.name, current: 'ayuda', status },
    <>
      <Breadcrumbs items={[['Ayuda', HELP_HOME], [s.system.name, null]]} />
      <h1>{s.system.name}</h1>
      <p>
        Código <code>{s.system.slug}</code> · en la ayuda: <a href={`/ayuda/${s.system.slug}`}>/ayuda/{s.system.slug}</a>
      </p>
      {s.system.description ? <p>{s.system.description}</p> : null}
      {write ? (
        <p>
          <a class="button primary" href={`${HELP_HOME}/articulos/nuevo?sistema=${encodeURIComponent(s.system.slug)}`}>Nuevo artículo</a>{' '}
          <a href={`${base}/categorias/nueva`}>Nueva categoría</a>
        </p>
      ) : null}
      <h2>Categorías y artículos</h2>
      {s.categories.length === 0 ? <p>Este sistema todavía no tiene categorías.</p> : null}
      {s.categories.map((cat, i) => (
        <section class="card" aria-labelledby={`cat-${cat.slug}`}>
          <h3 id={`cat-${cat.slug}`}>{cat.name}</h3>
          {cat.description ? <p>{cat.description}</p> : null}
          {write ? (
            <p>
              <MoveButtons action={`${base}/categorias/${cat.slug}/mover`} name={`la categoría ${cat.name}`} first={i === 0} last={i === s.categories.length - 1} csrf={csrf} />
              {' · '}
              <a href={`${base}/categorias/${cat.slug}`}>Cambiar nombre o descripción<span class="visually-hidden"> de {cat.name}</span></a>
              {' · '}
              <a href={`${HELP_HOME}/articulos/nuevo?sistema=${encodeURIComponent(s.system.slug)}&categoria=${encodeURIComponent(cat.slug)}`}>Nuevo artículo<span class="visually-hidden"> en {cat.name}</span></a>
            </p>
          ) : null}
          {cat.articles.length === 0 ? (
            <p>Sin artículos.</p>
          ) : (
            <div class="table-scroll">
              <table class="data stack">
                <caption>Artículos de {cat.name}</caption>
                <thead><tr><th scope="col">Artículo</th><th scope="col">Estado</th><th scope="col">Versión</th><th scope="col">Actualizado</th></tr></thead>
                <tbody>
                  {cat.articles.map((a) => (
                    <tr>
                      <th scope="row">
                        <a href={editorHref(a.id)}>{a.title}</a> · <a href={filesHref(a.id)}>archivos<span class="visually-hidden"> de {a.title}</span></a>
                      </th>
                      <td data-label="Estado"><StateBadges a={a} /></td>
                      <td data-label="Versión">{a.versionNo > 0 ? a.versionNo : '—'}</td>
                      <td data-label="Actualizado">{formatDateTime(a.updatedAt)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
        </section>
      ))}
      {write ? (
        <>
          <h2 id="editar">Nombre y descripción</h2>
          <ErrorSummary errors={errors} />
          <form method="post" action={base} novalidate class="card">
            <CsrfField token={csrf} />
            <p>El código <code>{s.system.slug}</code> es la dirección de la ayuda y el de los contratos: no cambia.</p>
            <Field name="name" label="Nombre" value={v.name ?? s.system.name} error={errors.name} required maxlength={120} autocomplete="off" />
            <Field name="description" label="Descripción (opcional)" value={v.description ?? s.system.description} error={errors.description} maxlength={300} autocomplete="off" />
            <div class="actions"><button type="submit">Guardar</button></div>
          </form>
        </>
      ) : null}
    </>,
  );
}

export const helpSystemPageRoutes = new Hono<AppEnv>()
  .get('/ayuda/sistemas/:slug', requireStaff('help:read'), (c) => render(c, {}, {}))
  .post('/ayuda/sistemas/:slug', requireStaff('help:write'), async (c) => {
    const f = await formFields(c);
    const input = { name: f.name ?? '', description: f.description ?? '' };
    try {
      const r = await helpWrite(c, (trx, ctx, by) => changeSystem(trx, ctx, by, c.req.param('slug'), input));
      setFlash(c, r.changed ? 'Sistema guardado.' : 'No había cambios que guardar.', 'staff_flash');
      return c.redirect(systemHref(c.req.param('slug')), 303);
    } catch (err) {
      if (err instanceof ValidationError) return render(c, { name: input.name.slice(0, 120), description: input.description.slice(0, 300) }, err.fieldErrors, 422);
      throw err;
    }
  })
  .post('/ayuda/sistemas/:slug/mover', requireStaff('help:write'), async (c) => {
    const f = await formFields(c);
    const slug = c.req.param('slug');
    await moveWithFlash(c, (trx, ctx, by) => moveSystem(trx, ctx, by, slug, { direction: f.direction ?? '' }), {
      moved: 'Orden de los sistemas guardado.',
      atEnd: 'El sistema ya estaba en ese extremo de la lista.',
    });
    return c.redirect(`${HELP_HOME}#s-${encodeURIComponent(slug)}`, 303);
  });
