import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { location } from '../../../../tests/client.ts';
import { addContractFor, createCustomerWithAdmin, createTechnicalUser, newRut } from '../../../../tests/factories.ts';
import { signedInStaff, staffClient, createTestStaff } from '../../../../tests/staff-fixtures.ts';
import { createTestRuntime, type TestRuntime } from '../../../../tests/test-runtime.ts';
import { formatRut } from '../../../domain/rut.ts';

describe('console: Clientes and the customer page', () => {
  let rt: TestRuntime;
  beforeAll(async () => {
    rt = await createTestRuntime();
  });
  afterAll(async () => rt.close());

  const count = async (table: 'customers' | 'contracts' | 'users' | 'audit_events' | 'outbox') =>
    Number((await rt.deps.db.selectFrom(table).select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);

  it('lists and searches customers for lectura, with page links; editor gets 403', async () => {
    const c = await createCustomerWithAdmin(rt.deps, { name: 'Librería Ñandú' });
    const { client } = await signedInStaff(rt, 'lectura');
    const res = await client.get(`/proveedor/clientes?q=${encodeURIComponent('libreria nandu')}&estado=activos&vencen=45&pagina=x`);
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain(formatRut(c.rut));
    expect(html).toContain(`href="/proveedor/clientes/${c.id}"`);
    expect(html).not.toContain('Nuevo cliente');
    const byRut = await (await client.get(`/proveedor/clientes?q=${c.rut.replace('-', '')}`)).text();
    expect(byRut).toContain('Librería Ñandú');
    const { client: editor } = await signedInStaff(rt, 'editor');
    expect((await editor.get('/proveedor/clientes')).status).toBe(403);
  });

  it('creates a customer with its administrator (soporte), re-renders field errors (422), refuses lectura (403, nothing written)', async () => {
    const { client } = await signedInStaff(rt, 'soporte');
    expect((await client.get('/proveedor/clientes/nuevo')).status).toBe(200);
    const bad = await client.post('/proveedor/clientes/nuevo', { rut: '12.345.678-9', name: '', adminName: 'Rosa', adminEmail: 'no' });
    expect(bad.status).toBe(422);
    const badHtml = await bad.text();
    expect(badHtml).toContain('dígito verificador');
    expect(badHtml).toContain('href="#adminEmail"');
    const rut = newRut();
    const before = await count('customers');
    const ok = await client.post('/proveedor/clientes/nuevo', { rut: formatRut(rut).toLowerCase(), name: 'Ferretería Sur', adminName: 'Rosa Soto', adminEmail: 'Rosa@Sur.cl' });
    expect(ok.status).toBe(303);
    const id = location(ok)!.split('/').pop()!;
    expect(await count('customers')).toBe(before + 1);
    expect(await rt.deps.db.selectFrom('outbox').select('kind').where('to_address', '=', 'rosa@sur.cl').execute()).toEqual([{ kind: 'credentials' }]);
    const page = await client.get(`/proveedor/clientes/${id}`);
    expect(await page.text()).toContain('Ferretería Sur');
    const again = await client.post('/proveedor/clientes/nuevo', { rut, name: 'Otra', adminName: 'X', adminEmail: 'x@otra.cl' });
    expect(again.status).toBe(422);
    expect(await again.text()).toContain('Ya existe un cliente con ese RUT');

    const { client: reader } = await signedInStaff(rt, 'lectura');
    const n = await count('customers');
    expect((await reader.post('/proveedor/clientes/nuevo', { rut: newRut(), name: 'Nada', adminName: 'X', adminEmail: 'x@nada.cl' })).status).toBe(403);
    expect(await count('customers')).toBe(n);
  });

  it('shows a customer page with contracts (status, days left) and users; unknown ids are 404', async () => {
    const c = await createCustomerWithAdmin(rt.deps, { name: 'Panadería Centro' });
    await addContractFor(rt.deps, c.id, 'contabilidad', '2026-01-01', '2026-03-12');
    await addContractFor(rt.deps, c.id, 'remuneraciones', '2026-04-01');
    await createTechnicalUser(rt.deps, c.id, { email: 'tito@centro.cl' });
    const { client } = await signedInStaff(rt, 'lectura');
    const html = await (await client.get(`/proveedor/clientes/${c.id}`)).text();
    expect(html).toContain('Vigente');
    expect(html).toContain('quedan 10 días');
    expect(html).toContain('Por comenzar');
    expect(html).toContain('tito@centro.cl');
    expect(html).toContain(`/proveedor/auditoria?cliente=${c.id}`);
    expect(html).not.toContain('Reenviar credenciales');
    expect(html).not.toContain('Deshabilitar cliente');
    for (const path of ['/proveedor/clientes/00000000-0000-4000-8000-000000000000', '/proveedor/clientes/no-es-un-id', '/proveedor/clientes/%00']) {
      expect((await client.get(path)).status, path).toBe(404);
    }
  });

  it('shows the customer’s recent activity with who acted, and links the preview for the roles that may open it', async () => {
    const c = await createCustomerWithAdmin(rt.deps, { name: 'Librería Norte' });
    const { client: support, staff } = await signedInStaff(rt, 'soporte');
    const tech = await createTechnicalUser(rt.deps, c.id, { email: 'rita@norte.cl' });
    expect((await support.post(`/proveedor/clientes/${c.id}/usuarios/${tech.id}/cerrar-sesiones`)).status).toBe(303);
    const html = await (await support.get(`/proveedor/clientes/${c.id}`)).text();
    const activity = html.slice(html.indexOf('id="actividad"'));
    expect(activity).toContain(staff.email);
    expect(activity).toContain('Personal del proveedor');
    expect(activity).toContain('rita@norte.cl');
    expect(html).toContain(`href="/proveedor/clientes/${c.id}/vista-previa"`);
    const { client: reader } = await signedInStaff(rt, 'lectura');
    expect(await (await reader.get(`/proveedor/clientes/${c.id}`)).text()).not.toContain('/vista-previa');
  });

  it('adds, ends and re-plans contracts (soporte); another customer’s contract is 404; bad dates 422; lectura 403', async () => {
    const c = await createCustomerWithAdmin(rt.deps);
    const other = await createCustomerWithAdmin(rt.deps);
    const otherContract = await addContractFor(rt.deps, other.id, 'contabilidad', '2026-01-01');
    const { client } = await signedInStaff(rt, 'soporte');
    const bad = await client.post(`/proveedor/clientes/${c.id}/contratos/nuevo`, { system: 'contabilidad', plan: '', startsOn: '2026-05-01', endsOn: '2026-04-01' });
    expect(bad.status).toBe(422);
    const badHtml = await bad.text();
    expect(badHtml).toContain('Ingrese el plan contratado.');
    expect(badHtml).toContain('no puede ser anterior');
    expect((await client.post(`/proveedor/clientes/${c.id}/contratos/nuevo`, { system: 'nada', plan: 'P', startsOn: '2026-01-01' })).status).toBe(422);
    const ok = await client.post(`/proveedor/clientes/${c.id}/contratos/nuevo`, { system: 'contabilidad', plan: 'Plan Pyme', startsOn: '2026-01-01', endsOn: '' });
    expect(ok.status).toBe(303);
    const k = await rt.deps.db.selectFrom('contracts').selectAll().where('customer_id', '=', c.id).executeTakeFirstOrThrow();
    expect(k.ends_on).toBeNull();
    expect((await client.get(`/proveedor/clientes/${c.id}/contratos/${k.id}`)).status).toBe(200);
    expect((await client.post(`/proveedor/clientes/${c.id}/contratos/${k.id}/terminar`, { endsOn: '2025-12-31' })).status).toBe(422);
    expect((await client.post(`/proveedor/clientes/${c.id}/contratos/${k.id}/terminar`, { endsOn: '2026-06-30' })).status).toBe(303);
    expect((await client.post(`/proveedor/clientes/${c.id}/contratos/${k.id}/plan`, { plan: 'Plan Empresa' })).status).toBe(303);
    const after = await rt.deps.db.selectFrom('contracts').selectAll().where('id', '=', k.id).executeTakeFirstOrThrow();
    expect(after).toMatchObject({ ends_on: '2026-06-30', plan: 'Plan Empresa' });
    const changed = await rt.deps.db.selectFrom('audit_events').selectAll().where('action', '=', 'contract.plan-changed').where('customer_id', '=', c.id).executeTakeFirstOrThrow();
    expect(changed).toMatchObject({ actor_kind: 'staff' });
    expect(JSON.parse(changed.detail!)).toMatchObject({ plan: 'Plan Empresa', previousPlan: 'Plan Pyme' });
    // The other customer's contract, through this customer's URL.
    expect((await client.post(`/proveedor/clientes/${c.id}/contratos/${otherContract}/terminar`, { endsOn: '2026-06-30' })).status).toBe(404);
    expect((await client.get(`/proveedor/clientes/${c.id}/contratos/${otherContract}`)).status).toBe(404);

    const { client: reader } = await signedInStaff(rt, 'lectura');
    const n = await count('audit_events');
    expect((await reader.post(`/proveedor/clientes/${c.id}/contratos/nuevo`, { system: 'contabilidad', plan: 'P', startsOn: '2026-01-01' })).status).toBe(403);
    expect((await reader.post(`/proveedor/clientes/${c.id}/contratos/${k.id}/plan`, { plan: 'Otro' })).status).toBe(403);
    expect(await count('audit_events')).toBe(n);
  });

  it('helps users: resend, disable/enable, lift a throttle, end sessions, delete (not the last admin); lectura cannot', async () => {
    const c = await createCustomerWithAdmin(rt.deps);
    const tech = await createTechnicalUser(rt.deps, c.id);
    const { client, staff } = await signedInStaff(rt, 'soporte');
    const base = `/proveedor/clientes/${c.id}/usuarios`;

    const { client: reader } = await signedInStaff(rt, 'lectura');
    const n = await count('audit_events');
    for (const a of ['reenviar', 'deshabilitar', 'habilitar', 'desbloquear', 'cerrar-sesiones', 'eliminar']) {
      expect((await reader.post(`${base}/${tech.id}/${a}`)).status, a).toBe(403);
    }
    expect(await count('audit_events')).toBe(n);

    expect((await client.post(`${base}/${c.admin.id}/reenviar`)).status).toBe(303);
    expect(await rt.deps.db.selectFrom('outbox').select('kind').where('to_address', '=', c.admin.email).execute()).toEqual([{ kind: 'credentials-resent' }]);
    expect((await client.post(`${base}/${tech.id}/deshabilitar`)).status).toBe(303);
    expect((await rt.deps.db.selectFrom('users').select('disabled_at').where('id', '=', tech.id).executeTakeFirstOrThrow()).disabled_at).not.toBeNull();
    expect((await client.post(`${base}/${tech.id}/habilitar`)).status).toBe(303);
    expect((await client.post(`${base}/${tech.id}/desbloquear`)).status).toBe(303);
    expect((await client.post(`${base}/${tech.id}/cerrar-sesiones`)).status).toBe(303);
    const actions = await rt.deps.db.selectFrom('audit_events').select(['action', 'actor_staff_id']).where('target_user_id', 'in', [tech.id, c.admin.id]).orderBy('at').execute();
    expect(actions.map((a) => a.action)).toEqual(expect.arrayContaining(['user.credentials-resent', 'user.disabled', 'user.enabled', 'user.throttle-lifted', 'user.sessions-ended']));
    expect(new Set(actions.map((a) => a.actor_staff_id))).toEqual(new Set([staff.id]));

    const last = await client.post(`${base}/${c.admin.id}/eliminar`);
    expect(last.status).toBe(409);
    expect(await last.text()).toContain('único administrador activo');
    expect((await client.get(`${base}/${tech.id}/eliminar`)).status).toBe(200);
    expect((await client.post(`${base}/${tech.id}/eliminar`)).status).toBe(303);
    expect((await client.post(`${base}/${tech.id}/eliminar`)).status).toBe(404);
    // Another customer's user through this customer's URL.
    const other = await createCustomerWithAdmin(rt.deps);
    expect((await client.post(`${base}/${other.admin.id}/reenviar`)).status).toBe(404);
  });

  it('adds and replaces an administrator', async () => {
    const c = await createCustomerWithAdmin(rt.deps);
    const { client } = await signedInStaff(rt, 'soporte');
    const url = `/proveedor/clientes/${c.id}/administradores/nuevo`;
    expect((await client.get(url)).status).toBe(200);
    expect(await (await client.get(`${url}?reemplaza=${c.admin.id}`)).text()).toContain('Queda como usuario técnico');
    expect((await client.post(url, { name: '', email: 'x' })).status).toBe(422);
    expect((await client.post(url, { name: 'Beto', email: 'beto@c.cl' })).status).toBe(303);
    const r = await client.post(url, { name: 'Carla', email: 'carla@c.cl', replaces: c.admin.id, previousBecomes: 'disabled' });
    expect(r.status).toBe(303);
    const old = await rt.deps.db.selectFrom('users').select(['role', 'disabled_at']).where('id', '=', c.admin.id).executeTakeFirstOrThrow();
    expect(old.role).toBe('admin');
    expect(old.disabled_at).not.toBeNull();
    const admins = await rt.deps.db.selectFrom('users').select('email').where('customer_id', '=', c.id).where('role', '=', 'admin').where('disabled_at', 'is', null).orderBy('email').execute();
    expect(admins.map((a) => a.email)).toEqual(['beto@c.cl', 'carla@c.cl']);
    const { client: reader } = await signedInStaff(rt, 'lectura');
    expect((await reader.post(url, { name: 'Nadie', email: 'nadie@c.cl' })).status).toBe(403);
    expect(await rt.deps.db.selectFrom('users').select('id').where('email', '=', 'nadie@c.cl').execute()).toEqual([]);
  });

  it('disables and enables a customer with a fresh second factor; an old one asks for a code first', async () => {
    const c = await createCustomerWithAdmin(rt.deps);
    const { client } = await signedInStaff(rt, 'soporte');
    expect((await client.post(`/proveedor/clientes/${c.id}/deshabilitar`)).status).toBe(303);
    expect((await rt.deps.db.selectFrom('customers').select('disabled_at').where('id', '=', c.id).executeTakeFirstOrThrow()).disabled_at).not.toBeNull();
    expect((await client.post(`/proveedor/clientes/${c.id}/habilitar`)).status).toBe(303);
    const stale = await staffClient(rt, await createTestStaff(rt.deps, 'soporte'), { secondFactorAgoMs: 60 * 60_000 });
    const ask = await stale.post(`/proveedor/clientes/${c.id}/deshabilitar`);
    expect(ask.status).toBe(200);
    expect(await ask.text()).toContain('Confirme que es usted');
    expect((await rt.deps.db.selectFrom('customers').select('disabled_at').where('id', '=', c.id).executeTakeFirstOrThrow()).disabled_at).toBeNull();
    const { client: reader } = await signedInStaff(rt, 'lectura');
    expect((await reader.post(`/proveedor/clientes/${c.id}/deshabilitar`)).status).toBe(403);
    expect((await client.post(`/proveedor/clientes/00000000-0000-4000-8000-000000000000/deshabilitar`)).status).toBe(404);
  });
});
