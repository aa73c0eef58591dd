import { Hono } from 'hono';
import { searchCustomers, type CustomerSearchResult } from '../../../customers/search-customers.ts';
import { vendorToday } from '../../../domain/contracts.ts';
import { formatRut } from '../../../domain/rut.ts';
import { listSystems } from '../../../help/list-systems.ts';
import { staffCan } from '../../../policies/staff-policy.ts';
import { FilterInput, FilterSelect } from '../../components/filter-fields.tsx';
import { PageLinks } from '../../components/page-links.tsx';
import type { AppEnv } from '../../env.ts';
import { requireStaff, staffSessionOf } from '../require-staff.ts';
import { staffPage } from '../staff-page.tsx';

const STATE_PARAM = { activos: 'active', deshabilitados: 'disabled' } as const;
const STATE_OPTIONS = [['activos', 'Activos'], ['deshabilitados', 'Deshabilitados']] as const;
const ENDING_OPTIONS = [['30', 'En 30 días'], ['60', 'En 60 días'], ['90', 'En 90 días']] as const;

/** The list's URL with its filters (Spanish parameter names) and a page. */
function listHref(f: CustomerSearchResult['filters'], page: number): string {
  const p = new URLSearchParams();
  if (f.q) p.set('q', f.q);
  if (f.state) p.set('estado', f.state === 'active' ? 'activos' : 'deshabilitados');
  if (f.system) p.set('sistema', f.system);
  if (f.endingWithin) p.set('vencen', String(f.endingWithin));
  if (page > 1) p.set('pagina', String(page));
  const s = p.toString();
  return `/proveedor/clientes${s ? `?${s}` : ''}`;
}

export const customersListRoutes = new Hono<AppEnv>().get('/clientes', requireStaff('customers:read'), async (c) => {
  const { db, clock } = c.get('deps');
  const q = c.req.query();
  const result = await searchCustomers(
    db,
    { q: q.q, state: STATE_PARAM[q.estado as keyof typeof STATE_PARAM], system: q.sistema || undefined, endingWithin: q.vencen || undefined, page: q.pagina },
    vendorToday(clock.now()),
  );
  const systems = await listSystems(db);
  const { staff } = staffSessionOf(c);
  const f = result.filters;
  const filtered = Boolean(f.q || f.state || f.system || f.endingWithin);
  return staffPage(
    c,
    { title: 'Clientes', current: 'clientes' },
    <>
      <div class="page-head">
        <h1>Clientes</h1>
        {staffCan(staff.role, 'customers:write') ? (
          <a href="/proveedor/clientes/nuevo" class="button primary">
            Nuevo cliente
          </a>
        ) : null}
      </div>
      <form method="get" action="/proveedor/clientes" class="filters card" role="search" aria-label="Buscar clientes">
        <FilterInput id="q" name="q" type="search" label="RUT o razón social" value={f.q} maxlength={100} />
        <FilterSelect id="estado" name="estado" label="Estado" value={q.estado} options={STATE_OPTIONS} />
        <FilterSelect id="sistema" name="sistema" label="Con contrato vigente de" value={f.system} options={systems.map((s) => [s.slug, s.name] as const)} anyLabel="Cualquier sistema" />
        <FilterSelect id="vencen" name="vencen" label="Con un contrato que termina" value={f.endingWithin ? String(f.endingWithin) : ''} options={ENDING_OPTIONS} anyLabel="Cuando sea" />
        <div class="actions">
          <button type="submit">Buscar</button>
          {filtered ? <a href="/proveedor/clientes">Quitar filtros</a> : null}
        </div>
      </form>
      <p role="status">
        {result.total === 0
          ? filtered ? 'Ningún cliente coincide con la búsqueda.' : 'Todavía no hay clientes.'
          : `${result.total} ${result.total === 1 ? 'cliente' : 'clientes'}${result.pageCount > 1 ? `, página ${result.page} de ${result.pageCount}` : ''}.`}
      </p>
      {result.rows.length ? (
        <div class="table-scroll">
          <table class="data stack">
            <caption>Clientes{filtered ? ' que coinciden con la búsqueda' : ''}</caption>
            <thead>
              <tr>
                <th scope="col">RUT</th>
                <th scope="col">Razón social</th>
                <th scope="col">Estado</th>
                <th scope="col">Usuarios</th>
                <th scope="col">Contratos vigentes</th>
              </tr>
            </thead>
            <tbody>
              {result.rows.map((r) => (
                <tr>
                  <td data-label="RUT" class="nowrap">{formatRut(r.rut)}</td>
                  <th scope="row" data-label="Razón social">
                    <a href={`/proveedor/clientes/${r.id}`}>
                      <bdi>{r.name}</bdi>
                    </a>
                  </th>
                  <td data-label="Estado">
                    <span class={`badge state-${r.disabled ? 'disabled' : 'active'}`}>{r.disabled ? 'Deshabilitado' : 'Activo'}</span>
                  </td>
                  <td data-label="Usuarios">{r.users}</td>
                  <td data-label="Contratos vigentes">{r.contractsInForce}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
      <PageLinks page={result.page} pageCount={result.pageCount} href={(n) => listHref(f, n)} label="Páginas de clientes" />
    </>,
  );
});
