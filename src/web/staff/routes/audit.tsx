import type { Context } from 'hono';
import { Hono } from 'hono';
import { AUDIT_ACTION_LABEL } from '../../../audit/audit-action-labels.ts';
import { exportAuditEvents } from '../../../audit/export-audit-events.ts';
import { listAuditEvents, type AuditFilterInput, type AuditPage } from '../../../audit/list-audit-events.ts';
import { ACTOR_KIND_LABEL } from '../../../auth/principal.ts';
import { vendorToday } from '../../../domain/contracts.ts';
import { ValidationError } from '../../../errors.ts';
import { staffCan } from '../../../policies/staff-policy.ts';
import { AuditEventsPage } from '../../components/audit-events-table.tsx';
import { FilterForm, FilterInput, FilterSelect } from '../../components/filter-fields.tsx';
import type { FieldErrors } from '../../components/form.tsx';
import type { AppEnv } from '../../env.ts';
import { requireStaff, staffPrincipalOf, staffSessionOf } from '../require-staff.ts';
import { staffPage } from '../staff-page.tsx';

const ACTION_OPTIONS = Object.entries(AUDIT_ACTION_LABEL)
  .map(([k, v]) => [k, v] as const)
  .sort((a, b) => a[1].localeCompare(b[1], 'es'));
const KIND_OPTIONS = Object.entries(ACTOR_KIND_LABEL).map(([k, v]) => [k, v] as const);

/** The query string's Spanish names → the filter schema's fields. */
function filtersOf(c: Context<AppEnv>): AuditFilterInput {
  const q = (name: string) => c.req.query(name)?.slice(0, 300);
  return { actor: q('actor'), actorKind: q('tipo'), customer: q('cliente'), action: q('accion'), from: q('desde'), to: q('hasta') };
}

function render(c: Context<AppEnv>, f: AuditFilterInput, result: AuditPage | null, errors: FieldErrors) {
  const query = new URL(c.req.url).searchParams;
  const canExport = staffCan(staffSessionOf(c).staff.role, 'audit:export');
  const exportQuery = new URLSearchParams(query);
  exportQuery.delete('pagina');
  return staffPage(
    c,
    { title: 'Auditoría', current: 'auditoria', status: result ? 200 : 422 },
    <>
      <div class="page-head">
        <h1>Auditoría</h1>
        {canExport && result ? (
          <a class="button" href={`/proveedor/auditoria.csv${exportQuery.size ? `?${exportQuery}` : ''}`}>
            Exportar CSV
          </a>
        ) : null}
      </div>
      <p>Cada ingreso, cambio y acción del portal y de la consola, el más reciente primero. Las fechas son de Santiago.</p>
      <FilterForm action="/proveedor/auditoria" errors={errors}>
        <FilterInput id="actor" name="actor" label="Actor (correo o nombre)" value={f.actor} error={errors.actor} type="search" maxlength={254} />
        <FilterSelect id="actorKind" name="tipo" label="Tipo de actor" value={f.actorKind} error={errors.actorKind} options={KIND_OPTIONS} />
        <FilterInput id="customer" name="cliente" label="Cliente (RUT)" value={f.customer} error={errors.customer} maxlength={64} />
        <FilterSelect id="action" name="accion" label="Acción" value={f.action} error={errors.action} options={ACTION_OPTIONS} anyLabel="Todas" />
        <FilterInput id="from" name="desde" label="Desde" type="date" value={f.from} error={errors.from} />
        <FilterInput id="to" name="hasta" label="Hasta" type="date" value={f.to} error={errors.to} />
      </FilterForm>
      {result ? (
        <AuditEventsPage
          result={result}
          empty="No hay eventos con esos filtros."
          caption={`Eventos de auditoría, página ${result.page}`}
          showCustomer
          base="/proveedor/auditoria"
          query={query}
          pagerLabel="Páginas de eventos"
        />
      ) : null}
    </>,
  );
}

export const auditRoutes = new Hono<AppEnv>()
  .get('/auditoria', requireStaff('audit:read'), async (c) => {
    const f = filtersOf(c);
    try {
      const result = await listAuditEvents(c.get('deps').db, f, { page: Number(c.req.query('pagina') ?? 1) });
      return render(c, f, result, {});
    } catch (err) {
      if (err instanceof ValidationError) return render(c, f, null, err.fieldErrors);
      throw err;
    }
  })
  // A step-up action: requireStaff asks for a fresh second factor first.
  .get('/auditoria.csv', requireStaff('audit:export'), async (c) => {
    const f = filtersOf(c);
    try {
      const { csv } = await exportAuditEvents(c.get('deps'), staffPrincipalOf(c), f);
      c.header('Content-Type', 'text/csv; charset=utf-8');
      c.header('Content-Disposition', `attachment; filename="auditoria-${vendorToday(c.get('deps').clock.now())}.csv"`);
      c.header('Cache-Control', 'no-store');
      return c.body(csv);
    } catch (err) {
      if (err instanceof ValidationError) return render(c, f, null, err.fieldErrors);
      throw err;
    }
  });
