import { Hono } from 'hono';
import { findBrokenLinks, type BrokenLink } from '../../../../help/authoring/find-broken-links.ts';
import { Breadcrumbs } from '../../../components/breadcrumbs.tsx';
import type { AppEnv } from '../../../env.ts';
import { requireStaff } from '../../require-staff.ts';
import { staffPage } from '../../staff-page.tsx';
import { editorHref, filesHref, HELP_HOME } from './help-route-context.ts';

function reasonText(l: BrokenLink): string {
  if (l.reason === 'redirected') return `El artículo cambió de dirección: redirige a «${l.redirectsTo}»; conviene actualizar el enlace.`;
  if (l.reason === 'no-article') return 'No hay un artículo publicado con esa dirección en este sistema.';
  return l.source === 'published' ? 'El artículo publicado no tiene ese archivo.' : 'El artículo no tiene ese archivo (ni publicado ni en borrador).';
}

function LinksTable(props: { caption: string; links: BrokenLink[]; empty: string }) {
  if (props.links.length === 0) return <p>{props.empty}</p>;
  return (
    <div class="table-scroll">
      <table class="data stack">
        <caption>{props.caption} ({props.links.length})</caption>
        <thead><tr><th scope="col">Artículo</th><th scope="col">Enlace</th><th scope="col">Problema</th><th scope="col">Línea</th></tr></thead>
        <tbody>
          {props.links.map((l) => (
            <tr>
              <th scope="row"><a href={editorHref(l.articleId)}>{l.title}</a> <span class="badge">{l.system}</span></th>
              <td data-label="Enlace">
                {l.kind === 'article' ? 'Artículo ' : 'Archivo '}<code>{l.target}</code>
                {l.kind === 'file' ? <> · <a href={filesHref(l.articleId)}>archivos<span class="visually-hidden"> de {l.title}</span></a></> : null}
              </td>
              <td data-label="Problema">{reasonText(l)}</td>
              <td data-label="Línea">{l.line}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

export const helpBrokenLinksRoutes = new Hono<AppEnv>().get('/ayuda/enlaces-rotos', requireStaff('help:read'), async (c) => {
  const r = await findBrokenLinks(c.get('deps').db);
  return staffPage(
    c,
    { title: 'Enlaces rotos', current: 'ayuda' },
    <>
      <Breadcrumbs items={[['Ayuda', HELP_HOME], ['Enlaces rotos', null]]} />
      <h1>Enlaces rotos</h1>
      <p>
        Enlaces entre artículos y a imágenes o archivos que no llevan a ninguna parte. La línea es la del Markdown del artículo. Los de los artículos publicados los
        ven hoy los clientes; los de los borradores, los verán al publicarlos.
      </p>
      <h2>En artículos publicados</h2>
      <LinksTable caption="Enlaces rotos en artículos publicados" links={r.published} empty="Ningún artículo publicado tiene enlaces rotos." />
      <h2>En borradores</h2>
      <LinksTable caption="Enlaces rotos en borradores" links={r.drafts} empty="Ningún borrador tiene enlaces rotos." />
    </>,
  );
});
