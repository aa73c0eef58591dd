import type { Context } from 'hono';
import { Hono } from 'hono';
import { AppError, ValidationError } from '../../../../errors.ts';
import type { SearchResults } from '../../../../help/search/help-search.ts';
import { loadSynonyms } from '../../../../help/search/load-synonyms.ts';
import { previewSynonyms, type SynonymsPreview } from '../../../../help/search/preview-synonyms.ts';
import { saveSynonyms, SynonymListInvalid } from '../../../../help/search/save-synonyms.ts';
import { problemText, SYNONYM_LIMITS, type SynonymProblem } from '../../../../help/search/synonym-list.ts';
import { Breadcrumbs } from '../../../components/breadcrumbs.tsx';
import { CsrfField } from '../../../components/form.tsx';
import { setFlash } from '../../../cookies.ts';
import type { AppEnv } from '../../../env.ts';
import { formFields } from '../../../form-data.ts';
import { queryOf } from '../../../routes/help/help-search.tsx';
import { requireStaff } from '../../require-staff.ts';
import { staffPage } from '../../staff-page.tsx';
import { canWriteHelp, HELP_HOME, helpWrite } from './help-route-context.ts';

const ROUTE = '/ayuda/sinonimos';
const PATH = `/proveedor${ROUTE}`;

interface PageState {
  text: string;
  /** The hash of the saved list this text was started from. */
  base: string;
  query: string;
  problems: SynonymProblem[];
  /** A refusal said above the form (someone else saved meanwhile). */
  refused?: string;
  queryError?: string;
  preview?: SynonymsPreview;
}

function Results(props: { title: string; r: SearchResults | null; other: SearchResults | null }) {
  if (!props.r) return <li class="card"><h3>{props.title}</h3><p>La lista editada tiene problemas: corríjalos para ver sus resultados.</p></li>;
  const elsewhere = new Set(props.other?.hits.map((h) => `${h.systemSlug}/${h.slug}`) ?? []);
  return (
    <li class="card">
      <h3>{props.title}</h3>
      <p>{props.r.total === 0 ? 'Ningún resultado.' : props.r.total === 1 ? '1 resultado.' : `${props.r.totalCapped ? 'Más de ' : ''}${props.r.total} resultados.`}</p>
      <ol>
        {props.r.hits.map((h) => (
          <li>
            <bdi>{h.title}</bdi> <span class="muted">({h.systemName})</span>
            {props.other && !elsewhere.has(`${h.systemSlug}/${h.slug}`) ? <> <span class="badge">sólo aquí</span></> : null}
          </li>
        ))}
      </ol>
    </li>
  );
}

async function render(c: Context<AppEnv>, s: PageState, status: 200 | 409 | 422 = 200) {
  const saved = await loadSynonyms(c.get('deps').db);
  const writes = canWriteHelp(c);
  const errorId = s.problems.length > 0 ? 'texto-error' : undefined;
  return staffPage(
    c,
    { title: 'Sinónimos de la búsqueda', current: 'ayuda', status },
    <>
      <Breadcrumbs items={[['Ayuda', HELP_HOME], ['Sinónimos', null]]} />
      <h1>Sinónimos de la búsqueda</h1>
      <p>
        Quien busca cualquier sinónimo de un grupo encuentra también los artículos que usan los demás, en todos los sistemas. Un sinónimo puede ser una palabra o
        varias («NC, nota de crédito»). La búsqueda no distingue tildes, mayúsculas ni plurales. Vea qué se busca sin encontrar en <a href={`${HELP_HOME}/busquedas`}>Búsquedas</a>.
      </p>
      {s.refused ? <p class="notice error" role="alert">{s.refused}</p> : null}
      {s.problems.length > 0 ? (
        <div class="notice error" role="alert" tabindex={-1} id="errores">
          <p>{s.problems.length === 1 ? 'La lista tiene un problema; no se guardó nada:' : `La lista tiene ${s.problems.length} problemas; no se guardó nada:`}</p>
          <ul>{s.problems.slice(0, 50).map((p) => <li><a href="#texto">{problemText(p)}</a></li>)}</ul>
        </div>
      ) : null}
      <form method="post" action={PATH} class="card">
        <CsrfField token={c.get('csrfToken')} />
        <input type="hidden" name="base" value={s.base} />
        <div class={errorId ? 'field has-error' : 'field'}>
          <label for="texto">Lista de sinónimos</label>
          <p class="hint" id="texto-ayuda">
            Un grupo por línea, sus sinónimos separados por comas. Las líneas vacías y las que empiezan con «#» no cuentan. Hasta {SYNONYM_LIMITS.groups} grupos de{' '}
            {SYNONYM_LIMITS.entriesPerGroup} sinónimos, de {SYNONYM_LIMITS.entryLength} caracteres cada uno; un sinónimo puede estar en un solo grupo.
          </p>
          {errorId ? <p class="field-error" id={errorId}>Revise las líneas indicadas arriba.</p> : null}
          <textarea id="texto" name="texto" rows={18} maxlength={SYNONYM_LIMITS.textLength} spellcheck={false} aria-describedby={errorId ? `texto-ayuda ${errorId}` : 'texto-ayuda'} aria-invalid={errorId ? 'true' : undefined}>
            {/* HTML drops one newline right after <textarea>: this one, so a text's own first blank line stays and the lines keep their numbers. */}
            {`\n${s.text}`}
          </textarea>
        </div>
        <div class={s.queryError ? 'field has-error' : 'field'}>
          <label for="q">Búsqueda de prueba</label>
          <p class="hint" id="q-ayuda">«Probar» muestra los primeros resultados con la lista guardada y con la editada, en todos los sistemas, sin guardar nada.</p>
          {s.queryError ? <p class="field-error" id="q-error">{s.queryError}</p> : null}
          <input id="q" name="q" type="search" maxlength={200} value={s.query} aria-describedby={s.queryError ? 'q-ayuda q-error' : 'q-ayuda'} aria-invalid={s.queryError ? 'true' : undefined} />
        </div>
        <div class="actions">
          <button type="submit" formaction={`${PATH}/probar`}>Probar</button>
          {writes ? <button type="submit" class="primary">Guardar</button> : <span class="muted">Su perfil puede probar cambios, no guardarlos.</span>}
        </div>
      </form>
      {s.preview ? (
        <section aria-labelledby="vista-previa">
          <h2 id="vista-previa" tabindex={-1}>Vista previa de «{s.query}» (no se guardó nada)</h2>
          <ul class="cards">
            <Results title="Con la lista guardada" r={s.preview.saved} other={s.preview.edited} />
            <Results title="Con la lista editada" r={s.preview.edited} other={s.preview.saved} />
          </ul>
        </section>
      ) : null}
      {s.text.trim() !== saved.text.trim() ? (
        <details open={s.refused ? true : undefined}>
          <summary>Lista guardada ({saved.groups.length} grupos)</summary>
          <pre>{saved.text}</pre>
        </details>
      ) : null}
    </>,
  );
}

/** Ayuda › Sinónimos: help:read sees the list and tries changes; help:write saves them. */
export const helpSynonymsRoutes = new Hono<AppEnv>()
  .get(ROUTE, requireStaff('help:read'), async (c) => {
    const saved = await loadSynonyms(c.get('deps').db);
    return render(c, { text: saved.text, base: saved.hash, query: '', problems: [] });
  })
  .post(`${ROUTE}/probar`, requireStaff('help:read'), async (c) => {
    const form = await formFields(c);
    const state: PageState = { text: form.texto ?? '', base: (form.base ?? '').slice(0, 64), query: queryOf(form.q).trim(), problems: [] };
    if (!state.query) return render(c, { ...state, queryError: 'Escriba una búsqueda para probar.' }, 422);
    state.preview = await previewSynonyms(c.get('deps').db, c.get('deps').helpSearch, { text: state.text, query: state.query });
    return render(c, { ...state, problems: state.preview.problems });
  })
  .post(ROUTE, requireStaff('help:write'), async (c) => {
    const form = await formFields(c);
    const state: PageState = { text: form.texto ?? '', base: (form.base ?? '').slice(0, 64), query: queryOf(form.q).trim(), problems: [] };
    try {
      const r = await helpWrite(c, (trx, ctx, by) => saveSynonyms(trx, ctx, by, { text: state.text, baseHash: state.base }));
      setFlash(c, r.changed ? `Se guardaron los sinónimos (${r.added} ${r.added === 1 ? 'grupo nuevo o cambiado' : 'grupos nuevos o cambiados'}, ${r.removed} ${r.removed === 1 ? 'quitado' : 'quitados'}); la búsqueda ya los usa.` : 'La lista no cambió: no había nada que guardar.', 'staff_flash');
    } catch (err) {
      if (err instanceof SynonymListInvalid) return render(c, { ...state, problems: err.problems }, 422);
      if (err instanceof AppError && err.id === 'synonyms-changed') {
        // The text stays; the base moves to what is saved now, so the next «Guardar» is a decision taken having seen it.
        return render(c, { ...state, base: (await loadSynonyms(c.get('deps').db)).hash, refused: err.message }, 409);
      }
      if (err instanceof ValidationError) return render(c, { ...state, refused: err.message }, 422);
      throw err;
    }
    return c.redirect(PATH, 303);
  });
