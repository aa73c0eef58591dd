import { stringify } from 'csv-stringify/sync';
import { Hono } from 'hono';
import { safeCsvCell, UTF8_BOM } from '../../../audit/csv-cell.ts';
import { listContractsAcross, type ContractsAcrossResult } from '../../../customers/list-contracts-across.ts';
import { formatDay, vendorToday } from '../../../domain/contracts.ts';
import { formatRut } from '../../../domain/rut.ts';
import { PageLinks } from '../../components/page-links.tsx';
import type { AppEnv } from '../../env.ts';
import { requireStaff } from '../require-staff.ts';
import { staffPage } from '../staff-page.tsx';

const VIEWS = [
  ['vencen-30', 'Terminan en 30 días'],
  ['vencen-60', 'Terminan en 60 días'],
  ['vencen-90', 'Terminan en 90 días'],
  ['comenzaron', 'Comenzaron este mes'],
] as const;

/** ?vencen=30|60|90 or ?comenzaron=mes, as the console's home links them. */
function filtersOf(q: Record<string, string>) {
  return q.comenzaron ? { view: 'started', page: q.pagina } : { view: 'ending', days: q.vencen, page: q.pagina };
}

function query(f: ContractsAcrossResult['filters'], page = 1): string {
  const p = new URLSearchParams(f.view === 'started' ? { comenzaron: 'mes' } : { vencen: String(f.days) });
  if (page > 1) p.set('pagina', String(page));
  return p.toString();
}

function daysLeft(n: number | null): string {
  if (n === null) return 'Sin término';
  if (n < 0) return 'Terminado';
  return n === 0 ? 'Termina hoy' : n === 1 ? '1 día' : `${n} días`;
}

export const contractsReportRoutes = new Hono<AppEnv>()
  .get('/contratos', requireStaff('contracts:read'), async (c) => {
    const { db, clock } = c.get('deps');
    const r = await listContractsAcross(db, filtersOf(c.req.query()), vendorToday(clock.now()));
    const f = r.filters;
    const currentView = f.view === 'started' ? 'comenzaron' : `vencen-${f.days}`;
    const caption = f.view === 'started' ? `Contratos que comenzaron entre el ${formatDay(r.range[0])} y hoy` : `Contratos vigentes que terminan entre hoy y el ${formatDay(r.range[1])}`;
    return staffPage(
      c,
      { title: 'Contratos', current: 'contratos' },
      <>
        <div class="page-head">
          <h1>Contratos</h1>
          <a class="button" href={`/proveedor/contratos.csv?${query(f)}`} download>
            Descargar CSV
          </a>
        </div>
        <nav class="filter" aria-label="Qué contratos ver">
          <ul>
            {VIEWS.map(([key, label]) => (
              <li>
                <a href={`/proveedor/contratos?${key === 'comenzaron' ? 'comenzaron=mes' : `vencen=${key.slice(7)}`}`} aria-current={key === currentView ? 'page' : undefined}>
                  {label}
                </a>
              </li>
            ))}
          </ul>
        </nav>
        <p role="status">{r.total === 0 ? 'No hay contratos en este período.' : `${r.total} ${r.total === 1 ? 'contrato' : 'contratos'}${r.pageCount > 1 ? `, página ${r.page} de ${r.pageCount}` : ''}.`}</p>
        {r.rows.length ? (
          <div class="table-scroll">
            <table class="data stack">
              <caption>{caption}</caption>
              <thead>
                <tr>
                  <th scope="col">Cliente</th>
                  <th scope="col">RUT</th>
                  <th scope="col">Sistema</th>
                  <th scope="col">Plan</th>
                  <th scope="col">Desde</th>
                  <th scope="col">Hasta</th>
                  <th scope="col">Días restantes</th>
                </tr>
              </thead>
              <tbody>
                {r.rows.map((k) => (
                  <tr>
                    <th scope="row">
                      <a href={`/proveedor/clientes/${k.customerId}#contratos`}>
                        <bdi>{k.customerName}</bdi>
                      </a>
                    </th>
                    <td data-label="RUT" class="nowrap">{formatRut(k.customerRut)}</td>
                    <td data-label="Sistema">{k.systemName}</td>
                    <td data-label="Plan"><bdi>{k.plan}</bdi></td>
                    <td data-label="Desde">{formatDay(k.startsOn)}</td>
                    <td data-label="Hasta">{k.endsOn ? formatDay(k.endsOn) : 'Sin término'}</td>
                    <td data-label="Días restantes">{daysLeft(k.daysLeft)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        ) : null}
        <PageLinks page={r.page} pageCount={r.pageCount} href={(n) => `/proveedor/contratos?${query(f, n)}`} label="Páginas de contratos" />
      </>,
    );
  })
  .get('/contratos.csv', requireStaff('contracts:read'), async (c) => {
    const { db, clock } = c.get('deps');
    const today = vendorToday(clock.now());
    const r = await listContractsAcross(db, filtersOf(c.req.query()), today, { all: true });
    const rows = r.rows.map((k) => [k.customerName, formatRut(k.customerRut), k.systemName, k.plan, k.startsOn, k.endsOn ?? '', k.daysLeft === null ? '' : k.daysLeft < 0 ? 'terminado' : String(k.daysLeft)].map(safeCsvCell));
    const csv = stringify([['Cliente', 'RUT', 'Sistema', 'Plan', 'Desde', 'Hasta', 'Días restantes'], ...rows], { record_delimiter: 'windows' });
    const name = r.filters.view === 'started' ? `contratos-comenzaron-${today.slice(0, 7)}.csv` : `contratos-terminan-${r.filters.days}-dias-${today}.csv`;
    c.header('Content-Type', 'text/csv; charset=utf-8');
    c.header('Content-Disposition', `attachment; filename="${name}"`);
    // The BOM tells Excel the file is UTF-8, or it shows "FerreterÃ­a".
    return c.body(`${UTF8_BOM}${csv}`);
  });
