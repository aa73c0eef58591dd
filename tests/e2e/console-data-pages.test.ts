import { expect, it } from 'vitest';
import { recordAuditEvent } from '../../src/audit/record-audit-event.ts';
import { TestClient } from '../client.ts';
import { createCustomerWithAdmin, newRut } from '../factories.ts';
import { queueSecretMail } from '../outbox-states.ts';
import { signedInStaff } from '../staff-fixtures.ts';
import { useAxePortal } from './axe-portal.ts';
import { describeInBrowser, formatFindings } from './browser.ts';

/**
 * axe-core on the console's data pages (Importar, Correo, Auditoría,
 * Informes) and the customer administrator's Actividad, in their normal and
 * error states, over real HTTP so the stylesheets load.
 */
describeInBrowser('console data pages are accessible', { timeout: 90_000 }, () => {
  const env = useAxePortal();

  async function audit(label: string, path: string, res: Response) {
    const findings = await env.axe.run(`${env.portal.base}${path}`, await res.clone().text());
    return findings.map((f) => ({ page: label, ...f }));
  }

  it('finds no violation', async () => {
    const rt = env.portal.rt;
    const customer = await createCustomerWithAdmin(rt.deps, { name: 'Accesible SpA' });
    await recordAuditEvent(rt.deps.db, { action: 'user.disabled', at: rt.clock.now(), actorKind: 'staff', actorUserId: null, actorLabel: 'rosa@proveedor.cl', customerId: customer.id, targetLabel: 'x@y.cl' });
    const dead = await queueSecretMail(rt, 'muerto@accesible.cl', 'dead');
    const { client } = await signedInStaff(rt, 'admin');
    const all = [];
    for (const [label, path] of [
      ['auditoría', '/proveedor/auditoria'],
      ['auditoría (error)', '/proveedor/auditoria?desde=2026-02-30'],
      ['correo', '/proveedor/correo'],
      ['correo (error)', '/proveedor/correo?estado=x'],
      ['un correo', `/proveedor/correo/${dead}`],
      ['importar', '/proveedor/importar'],
      ['informes', '/proveedor/informes'],
      ['informes (error)', '/proveedor/informes?desde=2026-03-05&hasta=2026-03-01'],
    ] as const) {
      all.push(...(await audit(label, path, await client.get(path))));
    }
    const header = 'rut,razon_social,admin_nombre,admin_correo,sistema,plan,desde,hasta';
    const invalid = await client.post('/proveedor/importar', { texto: `${header}\n1-1,X,Y,no,nada,,ayer,` });
    expect(invalid.status).toBe(422);
    all.push(...(await audit('importación con problemas', '/proveedor/importar', invalid)));
    const done = await client.post('/proveedor/importar', { texto: `${header}\n${newRut()},Nueva SpA,Nina,nina@nueva.cl,contabilidad,Plan,2026-01-01,` });
    expect(done.status).toBe(303);
    const runPath = done.headers.get('location')!;
    all.push(...(await audit('importación hecha', runPath, await client.get(runPath))));
    all.push(...(await audit('importar (vacío)', '/proveedor/importar', await client.post('/proveedor/importar', { texto: '' }))));

    const admin = new TestClient(rt);
    await admin.signIn(customer.rut, customer.admin.email, customer.admin.password);
    all.push(...(await audit('actividad', '/actividad', await admin.get('/actividad'))));
    all.push(...(await audit('actividad (error)', '/actividad', await admin.get('/actividad?desde=ayer'))));
    expect(all, formatFindings(all)).toEqual([]);
  });
});
