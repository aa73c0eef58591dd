import type { Context } from 'hono';
import { Hono } from 'hono';
import { listAuditEvents, type AuditFilterInput, type AuditPage } from '../../../audit/list-audit-events.ts';
import { listUsers, type UserListItem } from '../../../customers/list-users.ts';
import { ValidationError } from '../../../errors.ts';
import { AuditEventsPage } from '../../components/audit-events-table.tsx';
import { FilterForm, FilterInput, FilterSelect } from '../../components/filter-fields.tsx';
import type { FieldErrors } from '../../components/form.tsx';
import type { AppEnv } from '../../env.ts';
import { requireUser, sessionOf } from '../../middleware/require-user.ts';
import { page } from '../../render.tsx';

function render(c: Context<AppEnv>, users: UserListItem[], f: AuditFilterInput, result: AuditPage | null, errors: FieldErrors) {
  const s = sessionOf(c);
  return page(
    c,
    { title: 'Actividad', current: 'actividad', status: result ? 200 : 422 },
    <>
      <h1>Actividad</h1>
      <p>
        Lo que ocurrió en la cuenta de <bdi>{s.customer.name}</bdi>: ingresos correctos y fallidos, cambios de usuarios y de claves, y lo que hizo el proveedor por
        ustedes. El más reciente primero; las horas son de Santiago.
      </p>
      <FilterForm action="/actividad" class="card" errors={errors}>
        <FilterSelect id="userId" name="usuario" label="Usuario" value={f.userId} error={errors.userId} options={users.map((u) => [u.id, `${u.name} (${u.email})`] as const)} />
        <FilterInput id="from" name="desde" label="Desde" type="date" value={f.from} error={errors.from} />
        <FilterInput id="to" name="hasta" label="Hasta" type="date" value={f.to} error={errors.to} />
      </FilterForm>
      {result ? (
        <AuditEventsPage
          result={result}
          empty="No hay actividad con esos filtros."
          caption={`Actividad de ${s.customer.name}, página ${result.page}`}
          showCustomer={false}
          base="/actividad"
          query={new URL(c.req.url).searchParams}
          pagerLabel="Páginas de actividad"
        />
      ) : null}
    </>,
  );
}

/** The customer administrator's own audit trail: the company's rows only, the vendor's people shown as "Proveedor". */
export const activityRoutes = new Hono<AppEnv>().use('/actividad', requireUser('activity:view')).get('/actividad', async (c) => {
  const s = sessionOf(c);
  const db = c.get('deps').db;
  const users = await listUsers(db, s.customer.id);
  const q = (name: string) => c.req.query(name)?.slice(0, 100);
  const f: AuditFilterInput = { userId: q('usuario'), from: q('desde'), to: q('hasta') };
  try {
    if (f.userId && !users.some((u) => u.id === f.userId)) throw new ValidationError({ userId: 'Elija un usuario de la lista.' }, 'Revise los filtros marcados.');
    const result = await listAuditEvents(db, f, { page: Number(c.req.query('pagina') ?? 1) }, { customerId: s.customer.id });
    return render(c, users, f, result, {});
  } catch (err) {
    if (err instanceof ValidationError) return render(c, users, f, null, err.fieldErrors);
    throw err;
  }
});
