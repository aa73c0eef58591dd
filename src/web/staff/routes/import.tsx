import type { Context } from 'hono';
import { Hono } from 'hono';
import { UTF8_BOM } from '../../../audit/csv-cell.ts';
import { findImportRun, listImportRuns, type ImportRunView } from '../../../imports/find-import-run.ts';
import { IMPORT_COLUMNS, IMPORT_MAX_ROWS, importTemplate } from '../../../imports/import-format.ts';
import { startImport } from '../../../imports/run-import.ts';
import { listSystems } from '../../../help/list-systems.ts';
import { CsrfField, ErrorSummary } from '../../components/form.tsx';
import { formatDateTime } from '../../components/format.ts';
import type { AppEnv } from '../../env.ts';
import { formFields } from '../../form-data.ts';
import { requireStaff, staffPrincipalOf } from '../require-staff.ts';
import { staffPage } from '../staff-page.tsx';

/** How long the upload's answer waits for the write before showing the run's progress instead. */
const WAIT_FOR_SMALL_IMPORT_MS = 3_000;

const STATUS_LABEL = { invalid: 'Con problemas: no se escribió nada', running: 'En curso', done: 'Importado', failed: 'Falló y se deshizo: no se escribió nada' } as const;

async function renderForm(c: Context<AppEnv>, error?: string) {
  const runs = await listImportRuns(c.get('deps').db, c.get('deps').clock.now());
  const csrf = c.get('csrfToken');
  return staffPage(
    c,
    { title: 'Importar', current: 'importar', status: error ? 422 : 200 },
    <>
      <h1>Importar clientes y contratos</h1>
      <p>
        Suba un archivo CSV (UTF-8, separado por comas o punto y coma, hasta {IMPORT_MAX_ROWS.toLocaleString('es-CL')} filas y 2 MB). Primero se revisa cada fila: si
        hay un solo problema, no se escribe nada y se listan todos con su línea. Si no hay problemas, todo se escribe de una vez y cada administrador nuevo recibe sus
        credenciales por correo.
      </p>
      <p>
        <a class="button" href="/proveedor/importar/plantilla.csv" download>
          Descargar la plantilla
        </a>
      </p>
      <h2>Columnas</h2>
      <p>Una fila por contrato. Un cliente con varios contratos repite su RUT y su razón social en cada fila; una fila con un RUT que ya es cliente le agrega el contrato.</p>
      <dl class="csv-columns">
        {IMPORT_COLUMNS.map((col) => (
          <>
            <dt>
              <code>{col.name}</code>
              {col.required ? ' (obligatoria)' : null}
            </dt>
            <dd>{col.doc}</dd>
          </>
        ))}
      </dl>
      {error ? <ErrorSummary errors={{ archivo: error }} message="No se pudo importar:" /> : null}
      <h2>Subir el archivo</h2>
      <form method="post" action="/proveedor/importar" enctype="multipart/form-data" class="card">
        <CsrfField token={csrf} />
        <div class={error ? 'field has-error' : 'field'}>
          <label for="archivo">Archivo CSV</label>
          <input id="archivo" name="archivo" type="file" accept=".csv,text/csv" aria-invalid={error ? 'true' : undefined} />
        </div>
        <div class="actions">
          <button type="submit" class="primary">Revisar e importar</button>
        </div>
      </form>
      <h2>O pegar el contenido</h2>
      <form method="post" action="/proveedor/importar" class="card">
        <CsrfField token={csrf} />
        <div class="field">
          <label for="texto">Contenido del CSV, con su encabezado</label>
          <textarea id="texto" name="texto" rows={8} spellcheck={false}></textarea>
        </div>
        <div class="actions">
          <button type="submit" class="primary">Revisar e importar</button>
        </div>
      </form>
      {runs.length > 0 ? (
        <>
          <h2>Importaciones recientes</h2>
          <ul>
            {runs.map((r) => (
              <li>
                <a href={`/proveedor/importar/${r.id}`}>{r.fileName}</a> · {formatDateTime(r.createdAt)} · {STATUS_LABEL[r.status]}
                {r.staffName ? <> · <bdi>{r.staffName}</bdi></> : null}
              </li>
            ))}
          </ul>
        </>
      ) : null}
    </>,
  );
}

function renderRun(c: Context<AppEnv>, r: ImportRunView) {
  return staffPage(
    c,
    { title: `Importación: ${r.fileName}`, current: 'importar', status: r.status === 'invalid' && c.req.method === 'POST' ? 422 : 200 },
    <>
      <p><a href="/proveedor/importar">← Importar</a></p>
      <h1>Importación de <bdi>{r.fileName}</bdi></h1>
      <dl class="card identity">
        <dt>Estado</dt><dd>{STATUS_LABEL[r.status]}</dd>
        <dt>Filas revisadas</dt><dd>{r.totalRows}</dd>
        <dt>Filas escritas</dt><dd>{r.doneRows}</dd>
        {r.toPrepare > 0 ? <><dt>Credenciales preparadas</dt><dd>{r.prepared} de {r.toPrepare}</dd></> : null}
        <dt>Comenzó</dt><dd>{formatDateTime(r.createdAt)}</dd>
        {r.finishedAt ? <><dt>Terminó</dt><dd>{formatDateTime(r.finishedAt)}</dd></> : null}
      </dl>
      {r.status === 'running' ? (
        <div class="notice" role="status">
          <p>
            <label for="avance">
              {r.prepared < r.toPrepare
                ? `Preparando las credenciales de los administradores nuevos: ${r.prepared} de ${r.toPrepare}.`
                : 'Escribiendo todo de una vez: clientes, administradores, contratos y correos.'}
            </label>
          </p>
          <progress id="avance" max={Math.max(1, r.toPrepare + 1)} value={Math.min(r.prepared, r.toPrepare)}>
            {r.prepared} de {r.toPrepare}
          </progress>
          {/* A link, not an automatic reload: a page that refreshes by itself takes the reader's place away (WCAG 2.2.1). */}
          <p>
            Nada queda escrito hasta el final: si algo falla, no se escribe nada. <a href={`/proveedor/importar/${r.id}`}>Actualizar el avance</a>
          </p>
        </div>
      ) : null}
      {r.status === 'done' && r.summary ? (
        <p class="notice success" role="status">
          Se crearon {r.summary.customersCreated} clientes y se agregaron {r.summary.contractsAdded} contratos. {r.summary.mailsQueued} administradores recibirán sus credenciales por correo.
        </p>
      ) : null}
      {r.status === 'failed' ? <p class="notice error" role="alert">{r.summary?.failure ?? 'La importación falló y se deshizo: no se escribió nada.'}</p> : null}
      {r.status === 'invalid' ? (
        <>
          <div class="notice error" role="alert">
            <p><strong>El archivo tiene {r.problemCount} {r.problemCount === 1 ? 'problema' : 'problemas'}; no se escribió nada.</strong> Corríjalos y vuelva a subirlo.</p>
          </div>
          <div class="table-scroll">
            <table class="data stack">
              <caption>Problemas del archivo{r.problemCount > r.problems.length ? ` (los primeros ${r.problems.length})` : ''}</caption>
              <thead><tr><th scope="col">Línea</th><th scope="col">Columna</th><th scope="col">Problema</th></tr></thead>
              <tbody>
                {r.problems.map((p) => (
                  <tr>
                    <th scope="row">{p.line}</th>
                    <td data-label="Columna">{p.column ? <code>{p.column}</code> : '—'}</td>
                    <td data-label="Problema">{p.message}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </>
      ) : null}
      <p><a href="/proveedor/importar">Importar otro archivo</a></p>
    </>,
  );
}

export const importRoutes = new Hono<AppEnv>()
  .get('/importar', requireStaff('import:run'), (c) => renderForm(c))
  .get('/importar/plantilla.csv', requireStaff('import:run'), async (c) => {
    const systems = await listSystems(c.get('deps').db);
    c.header('Content-Type', 'text/csv; charset=utf-8');
    c.header('Content-Disposition', 'attachment; filename="plantilla-importacion.csv"');
    return c.body(`${UTF8_BOM}${importTemplate(systems[0]?.slug, systems[1]?.slug ?? systems[0]?.slug)}`);
  })
  .get('/importar/:id', requireStaff('import:run'), async (c) => renderRun(c, await findImportRun(c.get('deps').db, c.req.param('id'), c.get('deps').clock.now())))
  .post('/importar', requireStaff('import:run'), async (c) => {
    // The file from the multipart form, or the pasted text from the fallback form (both read within the import's own limit).
    const file = c.get('files')?.get('archivo');
    const { texto } = await formFields(c);
    if (!file && !texto?.trim()) return renderForm(c, 'Elija un archivo CSV o pegue su contenido.');
    if (file && file.bytes.byteLength === 0) return renderForm(c, 'El archivo elegido está vacío.');
    // Checked here; a file without problems is written in the background. A small one is done within a few
    // seconds and its page shows the result; a large one's page shows how far it got.
    const run = await startImport(c.get('deps'), staffPrincipalOf(c), file ? { fileName: file.name, bytes: file.bytes } : { fileName: 'texto pegado', text: texto! });
    if (run.status === 'invalid') return renderRun(c, await findImportRun(c.get('deps').db, run.id, c.get('deps').clock.now()));
    await Promise.race([run.done, new Promise((resolve) => setTimeout(resolve, WAIT_FOR_SMALL_IMPORT_MS).unref())]);
    return c.redirect(`/proveedor/importar/${run.id}`, 303);
  });
