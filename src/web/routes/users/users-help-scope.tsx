import { Hono } from 'hono';
import { findManagedTechnicalUser } from '../../../customers/find-managed-user.ts';
import { helpScopeChoices, helpScopeOf, setHelpScope, type ScopeChoice } from '../../../customers/help-scope.ts';
import { vendorToday } from '../../../domain/contracts.ts';
import { ValidationError } from '../../../errors.ts';
import { actorOf } from '../../actor.ts';
import { Breadcrumbs } from '../../components/breadcrumbs.tsx';
import { CsrfField, ErrorSummary } from '../../components/form.tsx';
import { setFlash } from '../../cookies.ts';
import type { AppEnv } from '../../env.ts';
import { formValues } from '../../form-data.ts';
import { requireUser, sessionOf } from '../../middleware/require-user.ts';
import { page } from '../../render.tsx';

function ScopeForm(props: { userId: string; name: string; email: string; choices: ScopeChoice[]; limited: boolean; selected: Set<string>; csrf: string; error?: string }) {
  return (
    <>
      <Breadcrumbs items={[['Usuarios', '/usuarios'], ['Sistemas de ayuda', null]]} />
      <h1>Sistemas de ayuda de {props.name}</h1>
      <p>
        {props.email} tiene perfil técnico: sólo lee la ayuda en línea. Elija de qué sistemas. El límite vale en todas partes: la portada de la ayuda, los
        artículos, la búsqueda y los archivos adjuntos.
      </p>
      {props.error ? <ErrorSummary errors={{ systems: props.error }} /> : null}
      <form method="post" action={`/usuarios/${props.userId}/ayuda`}>
        <CsrfField token={props.csrf} />
        <fieldset>
          <legend>Acceso a la ayuda</legend>
          <div class="field">
            <input type="radio" id="alcance-todos" name="alcance" value="todos" checked={!props.limited} />
            <label for="alcance-todos">Todos los sistemas contratados (también los que su empresa contrate más adelante)</label>
          </div>
          <div class="field">
            <input type="radio" id="alcance-algunos" name="alcance" value="algunos" checked={props.limited} />
            <label for="alcance-algunos">Sólo los sistemas marcados:</label>
          </div>
          <ul class="scope-list" id="systems">
            {props.choices.map((s) => (
              <li>
                <input type="checkbox" id={`sistema-${s.slug}`} name="sistema" value={s.id} checked={props.selected.has(s.id)} />
                <label for={`sistema-${s.slug}`}>{s.name}</label>
              </li>
            ))}
          </ul>
        </fieldset>
        <div class="actions">
          <button type="submit" class="primary">
            Guardar
          </button>
          <a href="/usuarios">Cancelar</a>
        </div>
      </form>
    </>
  );
}

/** The administrator limits a technical user's help to some of the contracted systems. */
export const usersHelpScopeRoutes = new Hono<AppEnv>()
  .use('/usuarios/:id/ayuda', requireUser('users:manage'))
  .get('/usuarios/:id/ayuda', async (c) => {
    const { db, clock } = c.get('deps');
    const s = sessionOf(c);
    const user = await findManagedTechnicalUser(db, s.customer.id, c.req.param('id'));
    const choices = await helpScopeChoices(db, s.customer.id, vendorToday(clock.now()));
    const scope = await helpScopeOf(db, user.id);
    return page(
      c,
      { title: 'Sistemas de ayuda', current: 'usuarios' },
      <ScopeForm userId={user.id} name={user.name} email={user.email} choices={choices} limited={scope.length > 0} selected={new Set(scope.map((x) => x.id))} csrf={c.get('csrfToken')} />,
    );
  })
  .post('/usuarios/:id/ayuda', async (c) => {
    const deps = c.get('deps');
    const today = vendorToday(deps.clock.now());
    const ids = formValues(c, 'sistema');
    // One choice, sent once: two "alcance" fields are no choice at all.
    const scopeChoice = formValues(c, 'alcance');
    const alcance = scopeChoice.length === 1 ? scopeChoice[0] : undefined;
    const all = alcance === 'todos';
    try {
      // A missing or unknown choice must not read as "todos": that would lift the limit.
      if (!all && alcance !== 'algunos') throw new ValidationError({ systems: 'Elija «Todos los sistemas contratados» o «Sólo los sistemas marcados».' });
      const { email } = await setHelpScope(deps, actorOf(c), { customerId: actorOf(c).customer.id, userId: c.req.param('id') }, all ? 'all' : ids, today);
      setFlash(c, all ? `${email} puede leer la ayuda de todos los sistemas contratados.` : `${email} sólo podrá leer la ayuda de los sistemas marcados.`);
      return c.redirect('/usuarios', 303);
    } catch (err) {
      if (!(err instanceof ValidationError)) throw err;
      const s = sessionOf(c);
      const user = await findManagedTechnicalUser(deps.db, s.customer.id, c.req.param('id'));
      const choices = await helpScopeChoices(deps.db, s.customer.id, today);
      return page(
        c,
        { title: 'Sistemas de ayuda', current: 'usuarios', status: 422 },
        <ScopeForm userId={user.id} name={user.name} email={user.email} choices={choices} limited={!all} selected={new Set(ids)} csrf={c.get('csrfToken')} error={err.fieldErrors.systems} />,
      );
    }
  });
