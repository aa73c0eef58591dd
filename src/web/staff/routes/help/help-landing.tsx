import { Hono } from 'hono';
import { helpOverview, type OverviewSystem } from '../../../../help/authoring/help-overview.ts';
import { formatDateTime } from '../../../components/format.ts';
import type { AppEnv } from '../../../env.ts';
import { requireStaff } from '../../require-staff.ts';
import { staffPage } from '../../staff-page.tsx';
import { MoveButtons } from './move-buttons.tsx';
import { canWriteHelp, editorHref, HELP_HOME, systemHref } from './help-route-context.ts';

const newArticleHref = (system: string, category?: string) =>
  `${HELP_HOME}/articulos/nuevo?sistema=${encodeURIComponent(system)}${category ? `&categoria=${encodeURIComponent(category)}` : ''}`;


function SystemSection(props: { s: OverviewSystem; index: number; count: number; write: boolean; csrf: string }) {
  const { s } = props;
  return (
    <section aria-labelledby={`sistema-${s.slug}`} class="card" id={`s-${s.slug}`}>
      <h3 id={`sistema-${s.slug}`}>
        <a href={systemHref(s.slug)}>{s.name}</a> <code>{s.slug}</code>
      </h3>
      {s.description ? <p>{s.description}</p> : null}
      {props.write ? (
        <p>
          <MoveButtons action={`${systemHref(s.slug)}/mover`} name={`el sistema ${s.name}`} first={props.index === 0} last={props.index === props.count - 1} csrf={props.csrf} />
          {' · '}
          <a href={newArticleHref(s.slug)}>Nuevo artículo en {s.name}</a>
        </p>
      ) : null}
      {s.categories.length === 0 ? (
        <p>Sin categorías todavía.{props.write ? <> <a href={`${systemHref(s.slug)}/categorias/nueva`}>Crear la primera</a>.</> : null}</p>
      ) : (
        <div class="table-scroll">
          <table class="data stack">
            <caption>Categorías de {s.name}</caption>
            <thead>
              <tr><th scope="col">Categoría</th><th scope="col">Publicados</th><th scope="col">Con borrador</th><th scope="col">En revisión</th>{props.write ? <th scope="col"><span class="visually-hidden">Acciones</span></th> : null}</tr>
            </thead>
            <tbody>
              {s.categories.map((c) => (
                <tr>
                  <th scope="row">{c.name}</th>
                  <td data-label="Publicados">{c.published}</td>
                  <td data-label="Con borrador">{c.drafts}</td>
                  <td data-label="En revisión">{c.inReview}</td>
                  {props.write ? <td><a href={newArticleHref(s.slug, c.slug)}>Nuevo artículo<span class="visually-hidden"> en {c.name}</span></a></td> : null}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}

export const helpLandingRoutes = new Hono<AppEnv>().get('/ayuda', requireStaff('help:read'), async (c) => {
  const o = await helpOverview(c.get('deps').db);
  const write = canWriteHelp(c);
  const csrf = c.get('csrfToken') ?? '';
  return staffPage(
    c,
    { title: 'Ayuda', current: 'ayuda' },
    <>
      <h1>Ayuda en línea</h1>
      <nav aria-label="Herramientas de la ayuda">
        <ul>
          <li><a href={`${HELP_HOME}/busquedas`}>Búsquedas</a></li>
          <li><a href={`${HELP_HOME}/sinonimos`}>Sinónimos</a></li>
          <li><a href={`${HELP_HOME}/enlaces-rotos`}>Enlaces rotos</a></li>
          {write ? <li><a href={`${HELP_HOME}/sistemas/nuevo`}>Nuevo sistema</a></li> : null}
        </ul>
      </nav>

      {write && o.systems.length > 0 ? (
        // A plain GET form: the editor asks for the system first, and this works without JavaScript.
        <form method="get" action={`${HELP_HOME}/articulos/nuevo`} class="card">
          <div class="field">
            <label for="nuevo-sistema">Nuevo artículo en</label>
            <select id="nuevo-sistema" name="sistema">
              {o.systems.map((s) => <option value={s.slug}>{s.name}</option>)}
            </select>
          </div>
          <div class="actions"><button type="submit" class="primary">Nuevo artículo</button></div>
        </form>
      ) : null}

      <h2>Para revisar</h2>
      {o.review.length === 0 ? (
        <p>No hay borradores esperando revisión.</p>
      ) : (
        <div class="table-scroll">
          <table class="data stack">
            <caption>Borradores enviados a revisión, el más antiguo primero</caption>
            <thead><tr><th scope="col">Artículo</th><th scope="col">Sistema</th><th scope="col">Autor</th><th scope="col">Desde</th></tr></thead>
            <tbody>
              {o.review.map((r) => (
                <tr>
                  <th scope="row"><a href={editorHref(r.articleId)}>{r.title}</a></th>
                  <td data-label="Sistema">{r.system}</td>
                  <td data-label="Autor"><bdi>{r.author}</bdi></td>
                  <td data-label="Desde">{formatDateTime(r.since)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}

      <h2>Programado</h2>
      {o.upcoming.length === 0 ? (
        <p>No hay publicaciones ni retiros programados.</p>
      ) : (
        <ul>
          {o.upcoming.map((u) => (
            <li>
              {u.runAtLabel}: {u.actionLabel.toLowerCase()} <a href={editorHref(u.articleId)}>{u.articleTitle}</a> · programado por <bdi>{u.createdByLabel}</bdi>
            </li>
          ))}
        </ul>
      )}

      <h2>Sistemas</h2>
      <p>
        Cada sistema es también un producto que se puede contratar: los clientes ven la ayuda de los sistemas que tienen contratados.
        {write ? ' El orden de esta lista es el de la ayuda y el del formulario de contratos.' : null}
      </p>
      {o.systems.length === 0 ? <p>Todavía no hay sistemas.</p> : null}
      {o.systems.map((s, i) => (
        <SystemSection s={s} index={i} count={o.systems.length} write={write} csrf={csrf} />
      ))}
    </>,
  );
});
