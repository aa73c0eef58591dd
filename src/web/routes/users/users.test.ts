import { sql } from 'kysely';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { TestClient, location } from '../../../../tests/client.ts';
import { addContractFor, createCustomerWithAdmin, createTechnicalUser, type TestCustomer } from '../../../../tests/factories.ts';
import { createTestRuntime, TEST_START, type TestRuntime } from '../../../../tests/test-runtime.ts';
import { formatRut } from '../../../domain/rut.ts';
import { readableMail } from '../../../mail/mail-secrets.ts';
import { formatDateTime } from '../../components/format.ts';

// "Usuarios": the administrator manages the technical users of their own
// customer. Everything goes through the pages, as a browser would.

const START = TEST_START;

let rt: TestRuntime;

beforeAll(async () => {
  rt = await createTestRuntime();
});
afterAll(() => rt.close());
beforeEach(() => {
  rt.clock.set(START);
});

async function newCustomer(name?: string) {
  const c = await createCustomerWithAdmin(rt.deps, name ? { name } : {});
  await addContractFor(rt.deps, c.id, 'contabilidad', '2025-01-01');
  return c;
}

async function signedIn(c: TestCustomer, email = c.admin.email, password = c.admin.password, headers: Record<string, string> = {}) {
  const client = new TestClient(rt, headers);
  expect((await client.signIn(c.rut, email, password)).status).toBe(303);
  return client;
}

const db = () => rt.deps.db;

function userRow(customerId: string, email: string) {
  return db().selectFrom('users').selectAll().where('customer_id', '=', customerId).where('email', '=', email).executeTakeFirst();
}

/** Mails to `email`, oldest first, secrets filled in as they will be sent (the stored bodies hold placeholders). */
async function mailsTo(email: string) {
  return (await db().selectFrom('outbox').selectAll().where('to_address', '=', email).orderBy('created_at').execute()).map(readableMail);
}

function temporaryPasswordIn(text: string): string {
  const m = /Clave temporal:\s*(\S+)/.exec(text);
  if (!m) throw new Error('no temporary password in mail');
  return m[1]!;
}

async function counts(customerId: string) {
  const n = async (q: Promise<Array<unknown>>) => (await q).length;
  return {
    users: await n(db().selectFrom('users').select('id').where('customer_id', '=', customerId).execute()),
    outbox: await n(db().selectFrom('outbox').select('id').execute()),
    audit: await n(db().selectFrom('audit_events').select('id').where('customer_id', '=', customerId).where('action', 'not like', 'sign-in%').execute()),
  };
}

function auditFor(targetUserId: string, action: string) {
  return db().selectFrom('audit_events').selectAll().where('target_user_id', '=', targetUserId).where('action', '=', action).execute();
}

/** The row of the users table that shows `email`. */
function rowWith(html: string, email: string): string {
  const row = html.split('<tr>').find((r) => r.includes(`>${email}</td>`));
  if (!row) throw new Error(`no row for ${email}`);
  return row.slice(0, row.indexOf('</tr>'));
}

/** Add a technical user through "Agregar usuarios"; returns the row and the password from the mail. */
async function invite(admin: TestClient, c: TestCustomer, name: string, email: string) {
  const res = await admin.post('/usuarios/nuevo', { name, email });
  expect(res.status).toBe(303);
  const user = (await userRow(c.id, email))!;
  const mails = await mailsTo(email);
  return { user, password: temporaryPasswordIn(mails.at(-1)!.text_body), res };
}

describe('/usuarios list', () => {
  it('shows name, e-mail, profile, state and last sign-in of the customer’s users only', async () => {
    const c = await newCustomer('Ferretería Los Andes Ltda.');
    const other = await newCustomer();
    const ajeno = await createTechnicalUser(rt.deps, other.id, { email: 'ajeno@otra.cl', name: 'Pedro Ajeno' });
    const active = await createTechnicalUser(rt.deps, c.id, { email: 'activo@andes.cl', name: 'Beatriz Activa' });
    await createTechnicalUser(rt.deps, c.id, { email: 'deshabilitado@andes.cl', name: 'Carlos Deshabilitado', disabled: true });
    await signedIn(c, active.email, active.password); // last sign-in at 12:00 in Santiago

    rt.clock.advance(60_000);
    const admin = await signedIn(c);
    await invite(admin, c, 'Daniela Pendiente', 'pendiente@andes.cl');

    const res = await admin.get('/usuarios');
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain('<caption>Usuarios de Ferretería Los Andes Ltda.</caption>');
    expect(html).toContain('href="/usuarios/nuevo"');
    expect(html).toContain('Agregar usuarios');

    const adminRow = rowWith(html, c.admin.email);
    expect(adminRow).toContain('Ana Administradora');
    expect(adminRow).toContain('>Administrador</td>');
    expect(adminRow).toContain('Activo');
    expect(adminRow).toContain('Administrado por el proveedor');
    expect(adminRow).not.toContain('<form');

    const activeRow = rowWith(html, 'activo@andes.cl');
    expect(activeRow).toContain('Beatriz Activa');
    expect(activeRow).toMatch(/>\s*Técnico\s*<br/);
    expect(activeRow).toContain('Ayuda: todos los sistemas');
    expect(activeRow).toContain('state-active">Activo<');
    expect(activeRow).toContain(`>${formatDateTime(START.toISOString())}</td>`);
    expect(activeRow).toContain('12:00'); // Santiago's wall clock, not 15:00 UTC
    expect(activeRow).toContain('Reenviar credenciales');
    expect(activeRow).toContain('Deshabilitar');
    expect(activeRow).toContain('Eliminar');

    const pendingRow = rowWith(html, 'pendiente@andes.cl');
    expect(pendingRow).toContain('Daniela Pendiente');
    expect(pendingRow).toContain('Pendiente de primer ingreso');
    expect(pendingRow).toContain('>Nunca</td>');

    const disabledRow = rowWith(html, 'deshabilitado@andes.cl');
    expect(disabledRow).toContain('state-disabled">Deshabilitado<');
    expect(disabledRow).toContain('Habilitar');
    expect(disabledRow).not.toContain('Reenviar credenciales');

    expect(html).not.toContain(ajeno.email);
    expect(html).not.toContain('Pedro Ajeno');
  });

  it('sends an anonymous visitor to sign in', async () => {
    const res = await new TestClient(rt).get('/usuarios');
    expect(res.status).toBe(303);
    expect(location(res)).toBe('/ingresar?volver=%2Fusuarios');
  });
});

describe('Agregar usuarios', () => {
  it('shows the form for the new user’s data', async () => {
    const c = await newCustomer();
    const res = await (await signedIn(c)).get('/usuarios/nuevo');
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain('<label for="name">Nombre completo</label>');
    expect(html).toContain('<label for="email">Correo</label>');
    expect(html).toContain('Guardar y enviar credenciales');
  });

  it('creates a pending technical user, queues the credentials mail and records who did it; the admin never sees the password', async () => {
    const c = await newCustomer('Constructora Roble SpA');
    const admin = await signedIn(c, c.admin.email, c.admin.password, { 'x-forwarded-for': '203.0.113.40' });
    const before = await counts(c.id);
    const bodies: string[] = [];

    const res = await admin.post('/usuarios/nuevo', { name: '  Carla Técnica ', email: ' Carla.Tecnica@Roble.CL ' });
    expect(res.status).toBe(303);
    expect(location(res)).toBe('/usuarios');
    bodies.push(await res.text());

    const user = (await userRow(c.id, 'carla.tecnica@roble.cl'))!;
    expect(user).toBeDefined();
    expect(user.name).toBe('Carla Técnica');
    expect(user.role).toBe('technical');
    expect(user.must_change_password).toBe(1);
    expect(user.temp_password_expires_at).toBe(new Date(START.getTime() + 72 * 3_600_000).toISOString());
    expect(user.created_by).toBe(c.admin.id);
    expect(user.password_hash).toMatch(/^\$argon2id\$/);

    const mails = await mailsTo('carla.tecnica@roble.cl');
    expect(mails).toHaveLength(1);
    const mail = mails[0]!;
    expect(mail.kind).toBe('credentials');
    expect(mail.subject).toBe('Sus credenciales de acceso a Mi Transtecnia');
    expect(mail.text_body).toContain(`RUT de la empresa: ${formatRut(c.rut)}`);
    expect(mail.text_body).toContain('Correo: carla.tecnica@roble.cl');
    expect(mail.text_body).toContain('http://localhost/ingresar');
    expect(mail.text_body).toContain('Ana Administradora lo registró');
    const password = temporaryPasswordIn(mail.text_body);
    expect(password).toMatch(/^[\w]{4}-[\w]{4}-[\w]{4}-[\w]{4}$/);

    const audit = await auditFor(user.id, 'user.created');
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ actor_user_id: c.admin.id, actor_label: c.admin.email, customer_id: c.id, target_label: 'carla.tecnica@roble.cl', ip: '203.0.113.40' });

    const list = await admin.get('/usuarios');
    const listHtml = await list.text();
    bodies.push(listHtml);
    expect(listHtml).toContain('Usuario agregado. Enviamos las credenciales de acceso a carla.tecnica@roble.cl.');
    expect(rowWith(listHtml, 'carla.tecnica@roble.cl')).toContain('Pendiente de primer ingreso');
    bodies.push(await (await admin.get('/usuarios/nuevo')).text());
    bodies.push(await (await admin.get(`/usuarios/${user.id}/eliminar`)).text());
    bodies.push(await (await admin.get('/cuenta')).text());
    for (const body of bodies) expect(body).not.toContain(password);
    for (const header of [...res.headers.values()]) expect(header).not.toContain(password);

    const after = await counts(c.id);
    expect(after).toEqual({ users: before.users + 1, outbox: before.outbox + 1, audit: before.audit + 1 });

    // The mailed password opens the forced change, nothing else.
    const tech = new TestClient(rt);
    expect(location(await tech.signIn(c.rut, 'carla.tecnica@roble.cl', password))).toBe('/nueva-clave');
  });

  it.each([
    ['an empty name and e-mail', { name: '  ', email: '' }, ['Ingrese el nombre del usuario.', 'Ingrese el correo del usuario.']],
    ['a bad e-mail', { name: 'Luis', email: 'luis-en-empresa.cl' }, ['El correo no tiene un formato válido, como nombre@empresa.cl.']],
    ['a name that is too long', { name: 'x'.repeat(121), email: 'largo@empresa.cl' }, ['El nombre puede tener como máximo 120 caracteres.']],
  ])('answers %s with a Spanish message, keeps the typed values and saves nothing', async (_, fields, messages) => {
    const c = await newCustomer();
    const admin = await signedIn(c);
    const before = await counts(c.id);
    const res = await admin.post('/usuarios/nuevo', fields);
    expect(res.status).toBe(422);
    const html = await res.text();
    for (const m of messages) expect(html).toContain(m);
    expect(html).toContain('aria-invalid="true"');
    if (fields.email) expect(html).toContain(`value="${fields.email}"`);
    expect(await counts(c.id)).toEqual(before);
  });

  it('refuses a duplicate e-mail under the same customer with a clear message, saving nothing', async () => {
    const c = await newCustomer();
    const existing = await createTechnicalUser(rt.deps, c.id, { email: 'repetido@empresa.cl' });
    const admin = await signedIn(c);
    const before = await counts(c.id);
    for (const email of ['REPETIDO@empresa.cl', c.admin.email]) {
      const res = await admin.post('/usuarios/nuevo', { name: 'Otro Nombre', email });
      expect(res.status).toBe(422);
      expect(await res.text()).toContain('Ya existe un usuario con ese correo en esta empresa.');
    }
    expect(await counts(c.id)).toEqual(before);
    expect((await userRow(c.id, existing.email))!.name).toBe('Tito Técnico');
    expect(await mailsTo(existing.email)).toHaveLength(0);
  });

  it('allows the same e-mail under another customer (an outside accountant)', async () => {
    const a = await newCustomer();
    const b = await newCustomer();
    await createTechnicalUser(rt.deps, a.id, { email: 'contador@externo.cl' });
    const res = await (await signedIn(b)).post('/usuarios/nuevo', { name: 'Contador Externo', email: 'contador@externo.cl' });
    expect(res.status).toBe(303);
    expect(await userRow(a.id, 'contador@externo.cl')).toBeDefined();
    expect((await userRow(b.id, 'contador@externo.cl'))!.must_change_password).toBe(1);
  });

  it('escapes what the administrator typed when showing it back', async () => {
    const c = await newCustomer();
    const res = await (await signedIn(c)).post('/usuarios/nuevo', { name: '<script>alert(1)</script>', email: '"><b>x' });
    expect(res.status).toBe(422);
    const html = await res.text();
    expect(html).not.toContain('<script>alert(1)</script>');
    expect(html).not.toContain('"><b>x');
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
  });

  it.each([
    ['terminal escapes in the name', { name: 'Rosa\u001b]0;hackeado\u0007\u001b[2JSoto', email: 'rosa.esc@roble.cl' }, 'El nombre'],
    ['CR LF in the name', { name: 'Rosa\r\nBcc: todos@roble.cl', email: 'rosa.crlf@roble.cl' }, 'El nombre'],
    ['a bidi override in the name', { name: 'Rosa \u202eotoS', email: 'rosa.bidi@roble.cl' }, 'El nombre'],
    ['a C1 control in the name', { name: 'Rosa\u009b2J Soto', email: 'rosa.c1@roble.cl' }, 'El nombre'],
    ['a zero-width space in the name', { name: 'Rosa\u200bSoto', email: 'rosa.zw@roble.cl' }, 'El nombre'],
    ['a control character in the e-mail', { name: 'Rosa Soto', email: 'rosa\u0000@roble.cl' }, 'El correo'],
    ['a bidi isolate in the e-mail', { name: 'Rosa Soto', email: 'rosa@roble\u2066.cl' }, 'El correo'],
  ])('refuses %s with 422 and a Spanish message naming the field, saving and mailing nothing', async (_, fields, subject) => {
    const c = await newCustomer();
    const admin = await signedIn(c);
    const before = await counts(c.id);
    const res = await admin.post('/usuarios/nuevo', fields);
    expect(res.status).toBe(422);
    expect(await res.text()).toContain(`${subject} contiene caracteres no permitidos (caracteres de control o de dirección del texto).`);
    expect(await counts(c.id)).toEqual(before);
  });

  it('accepts accents, ñ, other scripts and emoji in a name', async () => {
    const c = await newCustomer();
    const admin = await signedIn(c);
    for (const [i, name] of ['José Ñuñez Peña', 'Zoë O’Higgins-Brontë', 'Ana 👩🏽‍💻 Soto', 'محمد علي'].entries()) {
      const { user } = await invite(admin, c, name, `nombre${i}@roble.cl`);
      expect(user.name).toBe(name);
    }
  });

  it('isolates a stored name with a direction override, so it cannot reorder the text after it', async () => {
    const c = await newCustomer('Ferretería \u202eLos Andes');
    await db().updateTable('users').set({ name: 'Rosa \u202eotoS' }).where('id', '=', c.admin.id).execute();
    const html = await (await signedIn(c)).get('/usuarios').then((r) => r.text());
    expect(html).toContain('<bdi>Rosa \u202eotoS</bdi> · <bdi>Ferretería \u202eLos Andes</bdi> (');
  });

  it('leaves no half-saved user when the mail cannot be queued', async () => {
    const c = await newCustomer();
    const admin = await signedIn(c);
    const before = await counts(c.id);
    await refuseOutboxInserts(async () => {
      const res = await admin.post('/usuarios/nuevo', { name: 'Mitad Guardado', email: 'mitad@empresa.cl' });
      expect(res.status).toBe(500);
      const html = await res.text();
      expect(html).toContain('Ocurrió un error inesperado');
      expect(html).not.toContain('outbox');
    });
    expect(await userRow(c.id, 'mitad@empresa.cl')).toBeUndefined();
    expect(await counts(c.id)).toEqual(before);
    // Once the outbox works again the same user can be added.
    expect((await admin.post('/usuarios/nuevo', { name: 'Mitad Guardado', email: 'mitad@empresa.cl' })).status).toBe(303);
  });
});

/** Make every insert into the outbox fail while `fn` runs (a database trigger, on either dialect). */
async function refuseOutboxInserts(fn: () => Promise<void>) {
  const postgres = rt.deps.dialect === 'postgres';
  if (postgres) {
    await sql`create or replace function outbox_refuse() returns trigger language plpgsql as $$ begin raise exception 'outbox refuses'; end $$`.execute(db());
    await sql`create trigger outbox_refuse before insert on outbox for each row execute function outbox_refuse()`.execute(db());
  } else {
    await sql`create trigger outbox_refuse before insert on outbox begin select raise(abort, 'outbox refuses'); end`.execute(db());
  }
  try {
    await fn();
  } finally {
    await sql.raw(postgres ? 'drop trigger outbox_refuse on outbox' : 'drop trigger outbox_refuse').execute(db());
  }
}

describe('resend credentials', () => {
  it('mails a new temporary password; the old one stops working, the new one works', async () => {
    const c = await newCustomer();
    const admin = await signedIn(c);
    const { user, password: first } = await invite(admin, c, 'Reenvío Prueba', 'reenvio@empresa.cl');

    rt.clock.advance(1000);
    const res = await admin.post(`/usuarios/${user.id}/reenviar`);
    expect(res.status).toBe(303);
    expect(location(res)).toBe('/usuarios');
    const list = await (await admin.get('/usuarios')).text();
    expect(list).toContain('Enviamos nuevas credenciales a reenvio@empresa.cl. Las anteriores ya no sirven.');

    const mails = await mailsTo('reenvio@empresa.cl');
    expect(mails.map((m) => m.kind)).toEqual(['credentials', 'credentials-resent']);
    expect(mails[1]!.text_body).toContain('Las credenciales enviadas antes ya no sirven.');
    const second = temporaryPasswordIn(mails[1]!.text_body);
    expect(second).not.toBe(first);
    expect(list).not.toContain(second);

    expect((await new TestClient(rt).signIn(c.rut, user.email, first)).status).toBe(401);
    expect(location(await new TestClient(rt).signIn(c.rut, user.email, second))).toBe('/nueva-clave');

    const audit = await auditFor(user.id, 'user.credentials-resent');
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ actor_user_id: c.admin.id, actor_label: c.admin.email, target_label: user.email });
  });

  it('also ends the sessions of an active user, who must then set a new password', async () => {
    const c = await newCustomer();
    const tech = await createTechnicalUser(rt.deps, c.id);
    const techClient = await signedIn(c, tech.email, tech.password);
    const admin = await signedIn(c);
    expect((await admin.post(`/usuarios/${tech.id}/reenviar`)).status).toBe(303);
    expect(location(await techClient.get('/ayuda'))).toBe('/ingresar?volver=%2Fayuda');
    expect((await new TestClient(rt).signIn(c.rut, tech.email, tech.password)).status).toBe(401);
    const list = await (await admin.get('/usuarios')).text();
    expect(rowWith(list, tech.email)).toContain('Pendiente de primer ingreso');
  });

  it('refuses to resend to a disabled user', async () => {
    const c = await newCustomer();
    const tech = await createTechnicalUser(rt.deps, c.id, { disabled: true });
    const admin = await signedIn(c);
    const before = await counts(c.id);
    const res = await admin.post(`/usuarios/${tech.id}/reenviar`);
    expect(res.status).toBe(409);
    expect(await res.text()).toContain('Habilítelo antes de reenviar sus credenciales.');
    expect(await counts(c.id)).toEqual(before);
  });

  it('keeps the old credentials and sessions when the resend fails half-way', async () => {
    const c = await newCustomer();
    const tech = await createTechnicalUser(rt.deps, c.id);
    const techClient = await signedIn(c, tech.email, tech.password);
    const admin = await signedIn(c);
    const row = await userRow(c.id, tech.email);
    const before = await counts(c.id);
    await refuseOutboxInserts(async () => {
      expect((await admin.post(`/usuarios/${tech.id}/reenviar`)).status).toBe(500);
    });
    expect(await userRow(c.id, tech.email)).toEqual(row);
    expect(await counts(c.id)).toEqual(before);
    expect((await techClient.get('/ayuda')).status).toBe(200);
  });
});

describe('disable and enable', () => {
  it('disabling ends the user’s sessions at once; enabling lets them in again; both are audited', async () => {
    const c = await newCustomer();
    const tech = await createTechnicalUser(rt.deps, c.id, { email: 'apagar@empresa.cl' });
    const techClient = await signedIn(c, tech.email, tech.password);
    expect((await techClient.get('/ayuda')).status).toBe(200);
    const admin = await signedIn(c, c.admin.email, c.admin.password, { 'x-forwarded-for': '203.0.113.41' });

    const off = await admin.post(`/usuarios/${tech.id}/deshabilitar`);
    expect(off.status).toBe(303);
    expect(location(off)).toBe('/usuarios');
    const list = await (await admin.get('/usuarios')).text();
    expect(list).toContain('apagar@empresa.cl quedó deshabilitado y sus sesiones se cerraron.');
    expect(rowWith(list, tech.email)).toContain('Deshabilitado');
    expect((await userRow(c.id, tech.email))!.disabled_at).toBe(START.toISOString());
    expect(await db().selectFrom('sessions').select('id').where('user_id', '=', tech.id).execute()).toHaveLength(0);

    // The open browser is out on its very next request.
    expect(location(await techClient.get('/ayuda'))).toBe('/ingresar?volver=%2Fayuda');
    expect((await new TestClient(rt).signIn(c.rut, tech.email, tech.password)).status).toBe(401);

    const on = await admin.post(`/usuarios/${tech.id}/habilitar`);
    expect(on.status).toBe(303);
    expect(await (await admin.get('/usuarios')).text()).toContain('apagar@empresa.cl quedó habilitado.');
    expect((await userRow(c.id, tech.email))!.disabled_at).toBeNull();
    expect(location(await new TestClient(rt).signIn(c.rut, tech.email, tech.password))).toBe('/ayuda');

    const disabled = await auditFor(tech.id, 'user.disabled');
    const enabled = await auditFor(tech.id, 'user.enabled');
    expect(disabled).toHaveLength(1);
    expect(enabled).toHaveLength(1);
    expect(disabled[0]).toMatchObject({ actor_user_id: c.admin.id, actor_label: c.admin.email, customer_id: c.id, target_label: tech.email, ip: '203.0.113.41' });
  });

  it('disabling voids a pending password-reset link', async () => {
    const c = await newCustomer();
    const tech = await createTechnicalUser(rt.deps, c.id);
    await new TestClient(rt).post('/recuperar', { rut: c.rut, email: tech.email });
    const link = /\/restablecer\?token=[\w-]+/.exec((await mailsTo(tech.email)).at(-1)!.text_body)![0];
    const admin = await signedIn(c);
    await admin.post(`/usuarios/${tech.id}/deshabilitar`);
    await admin.post(`/usuarios/${tech.id}/habilitar`);
    expect((await new TestClient(rt).get(link)).status).toBe(410);
  });
});

describe('delete', () => {
  it('asks for confirmation on GET (changing nothing), deletes on POST, ends sessions and audits', async () => {
    const c = await newCustomer();
    const tech = await createTechnicalUser(rt.deps, c.id, { email: 'borrar@empresa.cl', name: 'Bruno Borrable' });
    const techClient = await signedIn(c, tech.email, tech.password);
    const admin = await signedIn(c);

    const confirm = await admin.get(`/usuarios/${tech.id}/eliminar`);
    expect(confirm.status).toBe(200);
    const html = await confirm.text();
    expect(html).toContain('<h1>¿Eliminar a <bdi>Bruno Borrable</bdi>?</h1>');
    expect(html).toContain('borrar@empresa.cl dejará de tener acceso');
    expect(html).toContain(`<form method="post" action="/usuarios/${tech.id}/eliminar"`);
    expect(html).toContain('Sí, eliminar usuario');
    expect(html).toContain('<a href="/usuarios">Cancelar</a>');
    expect(await userRow(c.id, tech.email)).toBeDefined();
    expect((await techClient.get('/ayuda')).status).toBe(200);

    const res = await admin.post(`/usuarios/${tech.id}/eliminar`);
    expect(res.status).toBe(303);
    expect(location(res)).toBe('/usuarios');
    const list = await (await admin.get('/usuarios')).text();
    expect(list).toContain('borrar@empresa.cl fue eliminado.');
    expect(list).not.toContain('>borrar@empresa.cl</td>');
    expect(await userRow(c.id, tech.email)).toBeUndefined();
    expect(await db().selectFrom('sessions').select('id').where('user_id', '=', tech.id).execute()).toHaveLength(0);
    expect(location(await techClient.get('/ayuda'))).toBe('/ingresar?volver=%2Fayuda');

    const audit = await auditFor(tech.id, 'user.deleted');
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ actor_user_id: c.admin.id, actor_label: c.admin.email, customer_id: c.id, target_label: 'borrar@empresa.cl' });
    expect(JSON.parse(audit[0]!.detail!)).toEqual({ name: 'Bruno Borrable' });

    // Gone: a second attempt is a 404, and the e-mail can be added again.
    expect((await admin.post(`/usuarios/${tech.id}/eliminar`)).status).toBe(404);
    expect((await admin.get(`/usuarios/${tech.id}/eliminar`)).status).toBe(404);
    expect((await admin.post('/usuarios/nuevo', { name: 'Bruno Otra Vez', email: 'borrar@empresa.cl' })).status).toBe(303);
  });
});

describe('who may manage users', () => {
  it('answers 403 to a technical user on every /usuarios URL and changes nothing', async () => {
    const c = await newCustomer();
    const tech = await createTechnicalUser(rt.deps, c.id);
    const victim = await createTechnicalUser(rt.deps, c.id);
    const client = await signedIn(c, tech.email, tech.password);
    const victimBefore = await userRow(c.id, victim.email);
    const before = await counts(c.id);

    const attempts: Array<[string, string, Record<string, string>?]> = [
      ['GET', '/usuarios'],
      ['GET', '/usuarios/nuevo'],
      ['POST', '/usuarios/nuevo', { name: 'Intruso', email: 'intruso@empresa.cl' }],
      ['POST', `/usuarios/${victim.id}/reenviar`],
      ['POST', `/usuarios/${victim.id}/deshabilitar`],
      ['POST', `/usuarios/${victim.id}/habilitar`],
      ['GET', `/usuarios/${victim.id}/eliminar`],
      ['POST', `/usuarios/${victim.id}/eliminar`],
      ['POST', `/usuarios/${c.admin.id}/deshabilitar`],
    ];
    for (const [method, path, fields] of attempts) {
      const res = method === 'GET' ? await client.get(path) : await client.post(path, fields ?? {});
      expect(res.status, `${method} ${path}`).toBe(403);
      expect(await res.text()).toContain('Su perfil no tiene acceso a esta página.');
    }
    expect(await userRow(c.id, victim.email)).toEqual(victimBefore);
    expect(await counts(c.id)).toEqual(before);
    expect(await userRow(c.id, 'intruso@empresa.cl')).toBeUndefined();
  });

  it('answers 404 to the administrator of customer B acting on a user of customer A, and nothing changes', async () => {
    const a = await newCustomer();
    const b = await newCustomer();
    const techA = await createTechnicalUser(rt.deps, a.id, { email: 'tecnico-a@empresa-a.cl', name: 'Técnico de A' });
    const techAClient = await signedIn(a, techA.email, techA.password);
    const adminB = await signedIn(b);
    const rowBefore = await userRow(a.id, techA.email);
    const beforeA = await counts(a.id);
    const beforeB = await counts(b.id);

    for (const [method, path] of [
      ['GET', `/usuarios/${techA.id}/eliminar`],
      ['POST', `/usuarios/${techA.id}/reenviar`],
      ['POST', `/usuarios/${techA.id}/deshabilitar`],
      ['POST', `/usuarios/${techA.id}/habilitar`],
      ['POST', `/usuarios/${techA.id}/eliminar`],
      ['POST', `/usuarios/${a.admin.id}/deshabilitar`],
      ['GET', `/usuarios/${a.admin.id}/eliminar`],
    ] as const) {
      const res = method === 'GET' ? await adminB.get(path) : await adminB.post(path);
      expect(res.status, `${method} ${path}`).toBe(404);
      const html = await res.text();
      expect(html).toContain('La página que busca no existe o no tiene acceso a ella.');
      expect(html).not.toContain('Técnico de A');
    }
    // A real id of another customer answers exactly like an id that does not exist.
    const unknown = await adminB.post('/usuarios/00000000-0000-4000-8000-000000000000/deshabilitar');
    expect(unknown.status).toBe(404);

    expect(await userRow(a.id, techA.email)).toEqual(rowBefore);
    expect(await counts(a.id)).toEqual(beforeA);
    expect(await counts(b.id)).toEqual(beforeB);
    expect(await mailsTo(techA.email)).toHaveLength(0);
    expect((await techAClient.get('/ayuda')).status).toBe(200);
    expect(await (await adminB.get('/usuarios')).text()).not.toContain(techA.email);
  });

  it('does not let the admin page disable, delete or resend to an administrator', async () => {
    const c = await newCustomer();
    const admin = await signedIn(c);
    // A second administrator of the same customer, as the vendor would create.
    const second = await createTechnicalUser(rt.deps, c.id, { email: 'segundo-admin@empresa.cl', name: 'Segunda Administradora' });
    await db().updateTable('users').set({ role: 'admin' }).where('id', '=', second.id).execute();
    const secondClient = await signedIn(c, second.email, second.password);
    const before = await counts(c.id);
    const rows = [await userRow(c.id, c.admin.email), await userRow(c.id, second.email)];

    for (const id of [c.admin.id, second.id]) {
      for (const action of ['deshabilitar', 'eliminar', 'reenviar', 'habilitar']) {
        const res = await admin.post(`/usuarios/${id}/${action}`);
        expect(res.status, action).toBe(403);
        expect(await res.text()).toContain('Sólo puede administrar usuarios con perfil técnico.');
      }
      expect((await admin.get(`/usuarios/${id}/eliminar`)).status).toBe(404);
    }
    expect([await userRow(c.id, c.admin.email), await userRow(c.id, second.email)]).toEqual(rows);
    expect(await counts(c.id)).toEqual(before);
    expect((await admin.get('/usuarios')).status).toBe(200);
    expect((await secondClient.get('/usuarios')).status).toBe(200);
    expect(rowWith(await (await admin.get('/usuarios')).text(), second.email)).toContain('Administrado por el proveedor');
  });
});
