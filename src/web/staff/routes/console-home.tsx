import { Hono } from 'hono';
import { vendorToday } from '../../../domain/contracts.ts';
import { consoleSummary } from '../../../staff/console-summary.ts';
import { staffCan } from '../../../policies/staff-policy.ts';
import type { AppEnv } from '../../env.ts';
import { requireStaff, staffSessionOf } from '../require-staff.ts';
import { staffPage } from '../staff-page.tsx';

export const consoleHomeRoutes = new Hono<AppEnv>().get('/', requireStaff('console:view'), async (c) => {
  const { staff } = staffSessionOf(c);
  const { db, clock } = c.get('deps');
  const s = await consoleSummary(db, vendorToday(clock.now()));
  const sees = (a: Parameters<typeof staffCan>[1]) => staffCan(staff.role, a);
  return staffPage(
    c,
    { title: 'Inicio', current: 'inicio' },
    <>
      <h1>Consola del proveedor</h1>
      <p>Hola, <bdi>{staff.name}</bdi>.</p>
      <ul class="stats" aria-label="Resumen">
        {sees('customers:read') ? (
          <li>
            <strong>{s.customers}</strong> <a href="/proveedor/clientes">clientes</a> ({s.disabledCustomers} deshabilitados)
          </li>
        ) : null}
        {sees('contracts:read') ? (
          <>
            <li>
              <strong>{s.contractsInForce}</strong> contratos vigentes
            </li>
            <li>
              <strong>{s.contractsEndingIn30Days}</strong> <a href="/proveedor/contratos?vencen=30">terminan en 30 días</a>
            </li>
          </>
        ) : null}
        {sees('mail:read') ? (
          <li>
            <strong>{s.mailPending}</strong> <a href="/proveedor/correo">correos pendientes</a>, {s.mailDead} sin entregar
          </li>
        ) : null}
      </ul>
    </>,
  );
});
