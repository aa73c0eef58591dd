import type { Context } from 'hono';
import { Hono } from 'hono';
import { findConsoleArticle } from '../../../../help/authoring/find-console-article.ts';
import { listArticleFiles, readArticleFile } from '../../../../help/authoring/list-article-files.ts';
import { uploadArticleFile } from '../../../../help/authoring/upload-article-file.ts';
import { MAX_ATTACHMENT_BYTES } from '../../../../help/attachment-types.ts';
import { notFound, ValidationError } from '../../../../errors.ts';
import { Breadcrumbs } from '../../../components/breadcrumbs.tsx';
import { CsrfField, ErrorSummary } from '../../../components/form.tsx';
import { formatDateTime } from '../../../components/format.ts';
import { setFlash } from '../../../cookies.ts';
import type { AppEnv } from '../../../env.ts';
import type { LargeBodyRule } from '../../../request-body.ts';
import { sendAttachmentFile } from '../../../routes/help/help-attachment.ts';
import { requireStaff } from '../../require-staff.ts';
import { staffPage } from '../../staff-page.tsx';
import { canWriteHelp, editorHref, filesHref, HELP_HOME, helpWrite, systemHref } from './help-route-context.ts';

/** The upload's path, where the console takes multipart: a file of up to 5 MiB and the form around it. */
export const ARTICLE_FILES_UPLOAD = /^\/proveedor\/ayuda\/articulos\/[^/]+\/archivos$/;
/** More than the largest file allowed, so a file a little too large gets its own clear message rather than the generic 413. */
export const ARTICLE_FILES_BODY_RULE: LargeBodyRule = { maxBytes: MAX_ATTACHMENT_BYTES + 1024 * 1024, multipart: true };

const sizeText = (n: number) => (n < 1024 ? `${n} B` : n < 1024 * 1024 ? `${Math.ceil(n / 1024)} KiB` : `${(n / 1024 / 1024).toFixed(1).replace('.', ',')} MiB`);

async function render(c: Context<AppEnv>, error?: string) {
  const { db } = c.get('deps');
  const article = await findConsoleArticle(db, c.req.param('id') ?? '');
  const files = await listArticleFiles(db, article.id);
  const write = canWriteHelp(c);
  return staffPage(
    c,
    { title: `Archivos de ${article.title}`, current: 'ayuda', status: error ? 422 : 200 },
    <>
      <Breadcrumbs items={[['Ayuda', HELP_HOME], [article.systemName, systemHref(article.systemSlug)], [article.title, editorHref(article.id)], ['Archivos', null]]} />
      <h1>Archivos de «{article.title}»</h1>
      <p>
        Las imágenes y archivos que el artículo muestra o enlaza. Uno subido aquí queda <strong>en borrador</strong>: los clientes lo ven cuando se publica el borrador del
        artículo. Los archivos publicados no se borran nunca (tampoco al retirar el artículo), para que las versiones anteriores los sigan teniendo.
      </p>
      {files.length === 0 ? (
        <p>Este artículo todavía no tiene archivos.</p>
      ) : (
        <div class="table-scroll">
          <table class="data stack">
            <caption>Archivos del artículo</caption>
            <thead><tr><th scope="col">Archivo</th><th scope="col">Estado</th><th scope="col">Tamaño</th><th scope="col">Actualizado</th><th scope="col">Markdown para pegar</th></tr></thead>
            <tbody>
              {files.map((f) => (
                <tr>
                  <th scope="row"><a href={`${filesHref(article.id)}/${f.path.split('/').map(encodeURIComponent).join('/')}`}>{f.path}</a></th>
                  <td data-label="Estado">{f.draft ? <span class="badge state-pending">borrador</span> : <span class="badge state-active">publicado</span>}</td>
                  <td data-label="Tamaño">{sizeText(f.size)}</td>
                  <td data-label="Actualizado">{formatDateTime(f.updatedAt)}</td>
                  <td data-label="Markdown"><code>{f.markdown}</code></td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {write ? (
        <>
          <h2>Subir un archivo</h2>
          {error ? <ErrorSummary errors={{ archivo: error }} message="No se subió el archivo:" /> : null}
          <form method="post" action={filesHref(article.id)} enctype="multipart/form-data" class="card">
            <CsrfField token={c.get('csrfToken') ?? ''} />
            <div class={error ? 'field has-error' : 'field'}>
              <label for="archivo">Archivo</label>
              <p class="hint" id="archivo-ayuda">
                png, jpg, gif, webp, pdf, csv, txt, xlsx o docx, hasta {MAX_ATTACHMENT_BYTES / 1024 / 1024} MiB. Las imágenes quedan en <code>imagenes/</code> y los demás en{' '}
                <code>archivos/</code>, con el nombre en minúsculas y sin espacios. Si un archivo publicado ya tiene ese nombre, el nuevo recibe un número; uno en borrador con
                ese nombre se reemplaza.
              </p>
              {error ? <p class="field-error" id="archivo-error">{error}</p> : null}
              <input
                id="archivo" name="archivo" type="file" required accept=".png,.jpg,.jpeg,.gif,.webp,.pdf,.csv,.txt,.xlsx,.docx"
                aria-describedby={error ? 'archivo-ayuda archivo-error' : 'archivo-ayuda'} aria-invalid={error ? 'true' : undefined}
              />
            </div>
            <div class="actions"><button type="submit" class="primary">Subir</button></div>
          </form>
        </>
      ) : null}
      <p><a href={editorHref(article.id)}>Volver al artículo</a></p>
    </>,
  );
}

export const helpArticleFilesRoutes = new Hono<AppEnv>()
  .get('/ayuda/articulos/:id/archivos', requireStaff('help:read'), (c) => render(c))
  .post('/ayuda/articulos/:id/archivos', requireStaff('help:write'), async (c) => {
    const file = c.get('files')?.get('archivo');
    const { db, dialect, clock } = c.get('deps');
    const article = await findConsoleArticle(db, c.req.param('id'));
    if (!file) return render(c, 'Elija un archivo.');
    try {
      const r = await helpWrite(c, (trx, _ctx, by) => uploadArticleFile(trx, by, { articleId: article.id, fileName: file.name, data: file.bytes, now: clock.now(), dialect }));
      const said = r.outcome === 'unchanged' ? `El artículo ya tenía ese archivo, como ${r.path}.` : r.outcome === 'replaced' ? `Se reemplazó el borrador de ${r.path}.` : `Archivo subido como ${r.path}.`;
      setFlash(c, `${said} Para usarlo, pegue en el artículo: ${r.markdown}`, 'staff_flash');
      return c.redirect(filesHref(article.id), 303);
    } catch (err) {
      if (err instanceof ValidationError) return render(c, err.fieldErrors.archivo ?? err.message);
      throw err;
    }
  })
  .get('/ayuda/articulos/:id/archivos/*', requireStaff('help:read'), async (c) => {
    const { db } = c.get('deps');
    const article = await findConsoleArticle(db, c.req.param('id'));
    const prefix = `${filesHref(article.id)}/`;
    if (!c.req.path.startsWith(prefix)) throw notFound();
    let path: string;
    try {
      path = c.req.path.slice(prefix.length).split('/').map(decodeURIComponent).join('/');
    } catch {
      throw notFound();
    }
    return sendAttachmentFile(c, await readArticleFile(db, article.id, path), path);
  });
