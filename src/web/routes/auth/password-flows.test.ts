import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { cliOperator } from '../../../auth/principal.ts';
import { TestClient, location } from '../../../../tests/client.ts';
import { addContractFor, createCustomerWithAdmin, createTechnicalUser, newRut, type TestCustomer } from '../../../../tests/factories.ts';
import { createTestRuntime, TEST_START, type TestRuntime } from '../../../../tests/test-runtime.ts';
import { createCustomer } from '../../../customers/create-customer.ts';
import { FREE_RESETS_PER_ACCOUNT, FREE_RESETS_PER_ADDRESS } from '../../../auth/password-reset.ts';
import { formatRut } from '../../../domain/rut.ts';
import { readableMail } from '../../../mail/mail-secrets.ts';
import { RESET_REQUESTED } from './forgot-password.tsx';
import { TEMPORARY_EXPIRED } from './sign-in.tsx';

// First sign-in with a temporary password, "¿Olvidó su contraseña?", the
// account page and the server-side session limits.

const START = TEST_START;
const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const NEW_PASSWORD = 'una frase propia bastante larga';

let rt: TestRuntime;
let customer: TestCustomer;
let adminClient: TestClient;

beforeAll(async () => {
  rt = await createTestRuntime();
  customer = await createCustomerWithAdmin(rt.deps, { name: 'Ferretería Rojas Ltda.' });
  await addContractFor(rt.deps, customer.id, 'contabilidad', '2025-01-01');
});
afterAll(() => rt.close());
beforeEach(async () => {
  rt.clock.set(START);
  adminClient = await signedIn(customer);
});

const db = () => rt.deps.db;

async function signedIn(c: TestCustomer, email = c.admin.email, password = c.admin.password) {
  const client = new TestClient(rt);
  expect((await client.signIn(c.rut, email, password)).status).toBe(303);
  return client;
}

function user(email: string, customerId = customer.id) {
  return db().selectFrom('users').selectAll().where('customer_id', '=', customerId).where('email', '=', email).executeTakeFirstOrThrow();
}

/** Secrets filled in as they will be sent (the stored bodies hold placeholders). */
async function mailsTo(email: string, kind?: string) {
  let q = db().selectFrom('outbox').selectAll().where('to_address', '=', email);
  if (kind) q = q.where('kind', '=', kind);
  return (await q.orderBy('created_at').execute()).map(readableMail);
}

function sessionsOf(userId: string) {
  return db().selectFrom('sessions').select('id').where('user_id', '=', userId).execute();
}

function auditFor(userId: string, action: string) {
  return db().selectFrom('audit_events').selectAll().where('target_user_id', '=', userId).where('action', '=', action).execute();
}

/** A technical user added by the administrator, with the temporary password read from the outbox. */
async function invited(email: string, name = 'Marcela Rojas') {
  const res = await adminClient.post('/usuarios/nuevo', { name, email });
  expect(res.status).toBe(303);
  const [mail] = await mailsTo(email, 'credentials');
  const temporary = /Clave temporal:\s*(\S+)/.exec(mail!.text_body)![1]!;
  return { id: (await user(email)).id, email, temporary };
}

/** The reset link in the newest reset mail to `email`, as a path. */
async function resetLink(email: string): Promise<string> {
  const mails = await mailsTo(email, 'password-reset');
  const m = /\/restablecer\?token=[\w-]+/.exec(mails.at(-1)!.text_body);
  return m![0];
}

function tokenOf(link: string) {
  return new URL(link, 'http://localhost').searchParams.get('token')!;
}

/** A client that presents a given session cookie, as a stolen or stale cookie would be. */
function withSid(sid: string) {
  const client = new TestClient(rt);
  client.cookies.set('sid', sid);
  return client;
}

describe('first sign-in with a temporary password', () => {
  it('leads to "Ingresar Nueva Clave de Acceso" with the RUT, e-mail, the three fields and "Modificar"', async () => {
    const u = await invited('primera@rojas.cl');
    const client = new TestClient(rt);
    const res = await client.signIn(customer.rut, u.email, u.temporary);
    expect(res.status).toBe(303);
    expect(location(res)).toBe('/nueva-clave');

    const form = await client.get('/nueva-clave');
    expect(form.status).toBe(200);
    const html = await form.text();
    expect(html).toContain('<h1 id="titulo">Ingresar Nueva Clave de Acceso</h1>');
    expect(html).toContain(`<dd>${formatRut(customer.rut)}</dd>`);
    expect(formatRut(customer.rut)).toMatch(/^\d{1,2}\.\d{3}\.\d{3}-[\dK]$/);
    expect(html).toContain(`<dd>${u.email}</dd>`);
    expect(html).toContain('<label for="currentPassword">Clave Actual de Acceso</label>');
    expect(html).toContain('<label for="newPassword">Nueva Clave de Acceso</label>');
    expect(html).toContain('Al menos 10 caracteres (máximo 128); no se exigen mayúsculas, números ni símbolos.');
    expect(html).toContain('Use una frase de tres o cuatro palabras');
    expect(html).toContain('<label for="repeatPassword">Re-Ingrese Nueva Clave de Ingreso</label>');
    expect(html).toMatch(/<button type="submit" class="primary">\s*Modificar\s*<\/button>/);
    expect(html).not.toContain(u.temporary);
  });

  it('sends every other page back there until the password is changed, typed URLs and forms included', async () => {
    const u = await invited('atrapado@rojas.cl');
    const client = new TestClient(rt);
    await client.signIn(customer.rut, u.email, u.temporary);
    for (const path of ['/', '/servicios', '/ayuda', '/ayuda/contabilidad', '/ayuda/contabilidad/plan-de-cuentas', '/usuarios', '/usuarios/nuevo', '/cuenta', '/ingresar', '/recuperar']) {
      const res = await client.get(path);
      expect(res.status, path).toBe(303);
      expect(location(res), path).toBe('/nueva-clave');
    }
    for (const path of ['/cuenta/clave', '/cuenta/cerrar-otras', '/usuarios/nuevo']) {
      const res = await client.post(path, { currentPassword: u.temporary, newPassword: NEW_PASSWORD, repeatPassword: NEW_PASSWORD, name: 'x', email: 'x@x.cl' });
      expect(location(res), path).toBe('/nueva-clave');
    }
    expect((await user(u.email)).must_change_password).toBe(1);
    // The terms page stays readable, and signing out works.
    expect((await client.get('/terminos')).status).toBe(200);
    expect(location(await client.post('/salir'))).toBe('/ingresar');
    expect(location(await client.get('/cuenta'))).toBe('/ingresar?volver=%2Fcuenta');
  });

  describe('refuses a bad new password with a Spanish message, saving nothing', () => {
    let u: { id: string; email: string; temporary: string };
    let client: TestClient;
    beforeAll(async () => {
      rt.clock.set(START);
      adminClient = await signedIn(customer);
      u = await invited('marcela.rojas@ferreteria.cl');
    });
    beforeEach(async () => {
      client = new TestClient(rt);
      expect(location(await client.signIn(customer.rut, u.email, u.temporary))).toBe('/nueva-clave');
    });

    it.each([
      ['too short', () => ({ current: u.temporary, next: 'corta123', repeat: 'corta123' }), 'La nueva clave debe tener al menos 10 caracteres.'],
      ['empty', () => ({ current: u.temporary, next: '', repeat: '' }), 'Ingrese la nueva clave.'],
      ['common', () => ({ current: u.temporary, next: 'qwertyuiop', repeat: 'qwertyuiop' }), 'Esa clave es fácil de adivinar: es solo una clave muy usada.'],
      ['built from the RUT', () => ({ current: u.temporary, next: formatRut(customer.rut), repeat: formatRut(customer.rut) }), 'Esa clave es fácil de adivinar: es su RUT.'],
      ['built from the e-mail', () => ({ current: u.temporary, next: 'marcela.rojas2026', repeat: 'marcela.rojas2026' }), 'Esa clave es fácil de adivinar: es su correo seguido de un año.'],
      ['built from the brand', () => ({ current: u.temporary, next: 'Mi Transtecnia 2026', repeat: 'Mi Transtecnia 2026' }), 'Esa clave es fácil de adivinar: contiene el nombre del portal'],
      ['repeated differently', () => ({ current: u.temporary, next: NEW_PASSWORD, repeat: `${NEW_PASSWORD}!` }), 'Las dos claves nuevas no coinciden.'],
      ['the same as the current one', () => ({ current: u.temporary, next: u.temporary, repeat: u.temporary }), 'La nueva clave debe ser distinta de la actual.'],
      ['with a wrong current password', () => ({ current: 'no es la clave temporal', next: NEW_PASSWORD, repeat: NEW_PASSWORD }), 'La clave actual no es correcta.'],
      ['without the current password', () => ({ current: '', next: NEW_PASSWORD, repeat: NEW_PASSWORD }), 'Ingrese su clave actual.'],
    ])('%s', async (_, values, message) => {
      const before = await user(u.email);
      const v = values();
      const res = await client.post('/nueva-clave', { currentPassword: v.current, newPassword: v.next, repeatPassword: v.repeat });
      expect(res.status).toBe(422);
      const html = await res.text();
      expect(html).toContain(message);
      expect(html).toContain('Ingresar Nueva Clave de Acceso');
      expect(html).not.toContain(u.temporary); // password fields are never echoed back
      expect(await user(u.email)).toEqual(before);
      expect(await auditFor(u.id, 'password.changed')).toHaveLength(0);
      expect(await mailsTo(u.email, 'password-changed')).toHaveLength(0);
      // Still signed in, still held on the form.
      expect(location(await client.get('/ayuda'))).toBe('/nueva-clave');
    });
  });

  it('saves the new password, spends the temporary one, renews the session and lets the user in', async () => {
    const u = await invited('lista@rojas.cl');
    const client = new TestClient(rt);
    await client.signIn(customer.rut, u.email, u.temporary);
    const oldSid = client.cookies.get('sid')!;

    rt.clock.advance(MINUTE);
    const res = await client.post('/nueva-clave', { currentPassword: u.temporary, newPassword: NEW_PASSWORD, repeatPassword: NEW_PASSWORD });
    expect(res.status).toBe(303);
    expect(location(res)).toBe('/ayuda');
    expect(client.cookies.get('sid')).not.toBe(oldSid);
    const help = await client.get('/ayuda');
    expect(help.status).toBe(200);
    expect(await help.text()).toContain('Su nueva clave quedó guardada. Bienvenido al portal.');
    expect(location(await client.get('/nueva-clave'))).toBe('/cuenta');
    expect(location(await withSid(oldSid).get('/ayuda'))).toBe('/ingresar?volver=%2Fayuda');

    const row = await user(u.email);
    expect(row.must_change_password).toBe(0);
    expect(row.temp_password_expires_at).toBeNull();
    expect(row.password_changed_at).toBe(new Date(START.getTime() + MINUTE).toISOString());
    const audit = await auditFor(u.id, 'password.changed');
    expect(audit).toHaveLength(1);
    expect(JSON.parse(audit[0]!.detail!)).toEqual({ firstSignIn: true });
    const [notice] = await mailsTo(u.email, 'password-changed');
    expect(notice!.subject).toBe('Su clave de Mi Transtecnia fue cambiada');

    expect((await new TestClient(rt).signIn(customer.rut, u.email, u.temporary)).status).toBe(401);
    expect(location(await new TestClient(rt).signIn(customer.rut, u.email, NEW_PASSWORD))).toBe('/ayuda');
  });

  it('holds an administrator created by the vendor the same way, then lands on services', async () => {
    const rut = newRut();
    await createCustomer(rt.deps, cliOperator('prueba'), { rut, name: 'Cliente Nuevo SpA', adminName: 'Rosa Nueva', adminEmail: 'rosa@nuevo.cl' });
    const [mail] = await mailsTo('rosa@nuevo.cl', 'credentials');
    const temporary = /Clave temporal:\s*(\S+)/.exec(mail!.text_body)![1]!;
    const client = new TestClient(rt);
    expect(location(await client.signIn(formatRut(rut), 'rosa@nuevo.cl', temporary))).toBe('/nueva-clave');
    expect(location(await client.get('/servicios'))).toBe('/nueva-clave');
    const res = await client.post('/nueva-clave', { currentPassword: temporary, newPassword: NEW_PASSWORD, repeatPassword: NEW_PASSWORD });
    expect(location(res)).toBe('/servicios');
    expect((await client.get('/servicios')).status).toBe(200);
  });

  it('says an expired temporary password has expired and to ask the administrator', async () => {
    const u = await invited('tarde@rojas.cl');
    rt.clock.advance(72 * HOUR - MINUTE);
    expect(location(await new TestClient(rt).signIn(customer.rut, u.email, u.temporary))).toBe('/nueva-clave');

    rt.clock.set(new Date(START.getTime() + 72 * HOUR + MINUTE));
    const res = await new TestClient(rt).signIn(customer.rut, u.email, u.temporary);
    expect(res.status).toBe(401);
    const html = await res.text();
    expect(html).toContain(TEMPORARY_EXPIRED);
    expect(TEMPORARY_EXPIRED).toContain('Pida a su administrador');
    // A wrong password does not learn that: it gets the usual answer.
    const wrong = await new TestClient(rt).signIn(customer.rut, u.email, 'otra clave cualquiera');
    expect(wrong.status).toBe(401);
    expect(await wrong.text()).not.toContain(TEMPORARY_EXPIRED);
  });

  it('refuses to save when the temporary password expires while the form is open', async () => {
    const u = await invited('lento@rojas.cl');
    rt.clock.advance(72 * HOUR - MINUTE);
    const client = new TestClient(rt);
    await client.signIn(customer.rut, u.email, u.temporary);
    const before = await user(u.email);
    rt.clock.advance(2 * MINUTE);
    const res = await client.post('/nueva-clave', { currentPassword: u.temporary, newPassword: NEW_PASSWORD, repeatPassword: NEW_PASSWORD });
    expect(res.status).toBe(422);
    expect(await res.text()).toContain('Su clave temporal venció. Pida a su administrador que le envíe nuevas credenciales.');
    expect(await user(u.email)).toEqual(before);
  });
});

describe('¿Olvidó su contraseña? (/recuperar)', () => {
  const normalise = (html: string) => html.replace(/value="[^"]*"/g, '');

  it('shows the form', async () => {
    const res = await new TestClient(rt).get('/recuperar');
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain('name="rut"');
    expect(html).toContain('name="email"');
    expect(html).toContain('Enviar enlace');
  });

  it('gives the same answer for an existing and a non-existing account, and mails only the existing one', async () => {
    const tech = await createTechnicalUser(rt.deps, customer.id, { email: 'existe@rojas.cl' });
    const outboxBefore = (await db().selectFrom('outbox').select('id').execute()).length;
    const answers: Array<[number, string]> = [];
    for (const [rut, email] of [
      [formatRut(customer.rut), 'EXISTE@rojas.cl'],
      [customer.rut, 'no-existe@rojas.cl'],
      [newRut(), 'existe@rojas.cl'],
    ] as const) {
      const res = await new TestClient(rt).post('/recuperar', { rut, email });
      answers.push([res.status, normalise(await res.text())]);
    }
    expect(answers[0]![0]).toBe(200);
    expect(answers[0]![1]).toContain(RESET_REQUESTED);
    expect(new Set(answers.map(([s]) => s)).size).toBe(1);
    expect(new Set(answers.map(([, b]) => b)).size).toBe(1);

    const mails = await mailsTo(tech.email, 'password-reset');
    expect(mails).toHaveLength(1);
    expect(mails[0]!.subject).toBe('Recupere su acceso a Mi Transtecnia');
    expect(mails[0]!.text_body).toContain('vence en 60 minutos');
    expect((await db().selectFrom('outbox').select('id').execute()).length).toBe(outboxBefore + 1);
  });

  it('sends nothing for a disabled user or customer, with the same answer', async () => {
    const tech = await createTechnicalUser(rt.deps, customer.id, { disabled: true });
    const other = await createCustomerWithAdmin(rt.deps);
    await db().updateTable('customers').set({ disabled_at: START.toISOString() }).where('id', '=', other.id).execute();
    for (const [rut, email] of [[customer.rut, tech.email], [other.rut, other.admin.email]] as const) {
      const res = await new TestClient(rt).post('/recuperar', { rut, email });
      expect(res.status).toBe(200);
      expect(await res.text()).toContain(RESET_REQUESTED);
      expect(await mailsTo(email)).toHaveLength(0);
    }
  });

  it('rejects a RUT with a wrong check digit before looking anything up', async () => {
    const [body, dv] = customer.rut.split('-');
    const wrong = `${body}-${dv === '1' ? '2' : '1'}`;
    const res = await new TestClient(rt).post('/recuperar', { rut: wrong, email: customer.admin.email });
    expect(res.status).toBe(422);
    expect(await res.text()).toContain('El dígito verificador del RUT no es correcto');
    expect(await mailsTo(customer.admin.email, 'password-reset')).toHaveLength(0);
  });

  it('opens a link that works once, ends every session of the user and sends the "fue cambiada" notice', async () => {
    const tech = await createTechnicalUser(rt.deps, customer.id, { email: 'olvido@rojas.cl', name: 'Olga Olvido' });
    const laptop = await signedIn(customer, tech.email, tech.password);
    const phone = await signedIn(customer, tech.email, tech.password);
    expect(await sessionsOf(tech.id)).toHaveLength(2);

    await new TestClient(rt).post('/recuperar', { rut: customer.rut, email: tech.email });
    const link = await resetLink(tech.email);
    const browser = new TestClient(rt);
    const form = await browser.get(link);
    expect(form.status).toBe(200);
    const html = await form.text();
    expect(html).toContain('Crear nueva clave');
    expect(html).toContain(`<dd>${formatRut(customer.rut)}</dd>`);
    expect(html).toContain('<dd>olvido@rojas.cl</dd>');
    expect(html).toContain('No debe poder adivinarse a partir del nombre de su empresa, su nombre, su RUT o su correo');
    expect(form.headers.get('referrer-policy')).toBe('no-referrer');

    rt.clock.advance(5 * MINUTE);
    const res = await browser.post('/restablecer', { token: tokenOf(link), newPassword: NEW_PASSWORD, repeatPassword: NEW_PASSWORD });
    expect(res.status).toBe(303);
    expect(location(res)).toBe('/ingresar');
    expect(await (await browser.get('/ingresar')).text()).toContain('se cerraron todas sus sesiones');

    expect(await sessionsOf(tech.id)).toHaveLength(0);
    expect(location(await laptop.get('/ayuda'))).toBe('/ingresar?volver=%2Fayuda');
    expect(location(await phone.get('/cuenta'))).toBe('/ingresar?volver=%2Fcuenta');
    const notices = await mailsTo(tech.email, 'password-changed');
    expect(notices).toHaveLength(1);
    expect(notices[0]!.subject).toMatch(/fue cambiada/);
    const audit = await auditFor(tech.id, 'password.reset');
    expect(audit).toHaveLength(1);

    // Once only.
    const again = await new TestClient(rt).get(link);
    expect(again.status).toBe(410);
    expect(await again.text()).toContain('ya se usó, venció o fue reemplazado');
    const reuse = await browser.post('/restablecer', { token: tokenOf(link), newPassword: 'otra frase distinta y larga', repeatPassword: 'otra frase distinta y larga' });
    expect(reuse.status).toBe(410);

    expect((await new TestClient(rt).signIn(customer.rut, tech.email, tech.password)).status).toBe(401);
    expect(location(await new TestClient(rt).signIn(customer.rut, tech.email, NEW_PASSWORD))).toBe('/ayuda');
  });

  it('keeps the link usable after a policy error, saving nothing', async () => {
    const tech = await createTechnicalUser(rt.deps, customer.id);
    await new TestClient(rt).post('/recuperar', { rut: customer.rut, email: tech.email });
    const link = await resetLink(tech.email);
    const before = await user(tech.email);
    const browser = new TestClient(rt);
    await browser.get(link);
    for (const [next, repeat, message] of [
      ['corta', 'corta', 'al menos 10 caracteres'],
      ['qwertyuiop', 'qwertyuiop', 'una clave muy usada'],
      [NEW_PASSWORD, 'otra cosa distinta', 'Las dos claves nuevas no coinciden.'],
    ] as const) {
      const res = await browser.post('/restablecer', { token: tokenOf(link), newPassword: next, repeatPassword: repeat });
      expect(res.status).toBe(422);
      expect(await res.text()).toContain(message);
    }
    expect(await user(tech.email)).toEqual(before);
    expect(await mailsTo(tech.email, 'password-changed')).toHaveLength(0);
    expect((await browser.get(link)).status).toBe(200);
  });

  it('expires the link after 60 minutes', async () => {
    const tech = await createTechnicalUser(rt.deps, customer.id);
    await new TestClient(rt).post('/recuperar', { rut: customer.rut, email: tech.email });
    const link = await resetLink(tech.email);
    rt.clock.advance(59 * MINUTE);
    expect((await new TestClient(rt).get(link)).status).toBe(200);
    rt.clock.advance(MINUTE);
    const browser = new TestClient(rt);
    expect((await browser.get(link)).status).toBe(410);
    const res = await browser.post('/restablecer', { token: tokenOf(link), newPassword: NEW_PASSWORD, repeatPassword: NEW_PASSWORD });
    expect(res.status).toBe(410);
    expect(location(await new TestClient(rt).signIn(customer.rut, tech.email, tech.password))).toBe('/ayuda');
  });

  it('voids an older link when a newer one is sent', async () => {
    const tech = await createTechnicalUser(rt.deps, customer.id);
    await new TestClient(rt).post('/recuperar', { rut: customer.rut, email: tech.email });
    const first = await resetLink(tech.email);
    rt.clock.advance(1000);
    await new TestClient(rt).post('/recuperar', { rut: customer.rut, email: tech.email });
    const second = await resetLink(tech.email);
    expect(second).not.toBe(first);
    expect((await new TestClient(rt).get(first)).status).toBe(410);
    expect((await new TestClient(rt).get(second)).status).toBe(200);
  });

  it('answers an unknown or missing token with 410', async () => {
    expect((await new TestClient(rt).get('/restablecer?token=no-existe')).status).toBe(410);
    expect((await new TestClient(rt).get('/restablecer')).status).toBe(410);
  });

  it('throttles repeated requests for one account with growing delays, never for good, with the same answer', async () => {
    const tech = await createTechnicalUser(rt.deps, customer.id);
    const ask = async () => {
      const res = await new TestClient(rt).post('/recuperar', { rut: customer.rut, email: tech.email });
      expect(res.status).toBe(200);
      expect(await res.text()).toContain(RESET_REQUESTED);
      return (await mailsTo(tech.email, 'password-reset')).length;
    };
    const free = FREE_RESETS_PER_ACCOUNT;
    for (let i = 1; i <= free; i++) expect(await ask()).toBe(i);
    expect(await ask()).toBe(free); // throttled: no mail
    expect(await ask()).toBe(free);
    rt.clock.advance(1000);
    expect(await ask()).toBe(free + 1); // the 1 s delay is over
    expect(await ask()).toBe(free + 1); // now 2 s
    rt.clock.advance(1000);
    expect(await ask()).toBe(free + 1);
    rt.clock.advance(1000);
    expect(await ask()).toBe(free + 2);
  });

  it('throttles repeated requests from one address across accounts', async () => {
    const tech = await createTechnicalUser(rt.deps, customer.id);
    const sameAddress = () => new TestClient(rt, { 'x-forwarded-for': '192.0.2.77' });
    // An address (maybe a whole office behind NAT) gets more room than one account, but not unlimited.
    for (let i = 0; i < FREE_RESETS_PER_ADDRESS; i++) await sameAddress().post('/recuperar', { rut: customer.rut, email: `sondeo${i}@rojas.cl` });
    const res = await sameAddress().post('/recuperar', { rut: customer.rut, email: tech.email });
    expect(res.status).toBe(200);
    expect(await res.text()).toContain(RESET_REQUESTED);
    expect(await mailsTo(tech.email, 'password-reset')).toHaveLength(0);
    // Another address is not held back.
    await new TestClient(rt).post('/recuperar', { rut: customer.rut, email: tech.email });
    expect(await mailsTo(tech.email, 'password-reset')).toHaveLength(1);
  });
});

describe('/cuenta', () => {
  it('shows the signed-in person’s data to an administrator and to a technical user', async () => {
    const res = await adminClient.get('/cuenta');
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain('<h1>Mi cuenta</h1>');
    expect(html).toContain(`<dd>${customer.admin.email}</dd>`);
    expect(html).toContain(`Ferretería Rojas Ltda. (${formatRut(customer.rut)})`);
    expect(html).toContain('<dd>Administrador</dd>');
    expect(html).toContain('<label for="currentPassword">Clave Actual de Acceso</label>');

    const tech = await createTechnicalUser(rt.deps, customer.id, { name: 'Tomás Técnico' });
    const techHtml = await (await (await signedIn(customer, tech.email, tech.password)).get('/cuenta')).text();
    expect(techHtml).toContain('<dd>Tomás Técnico</dd>');
    expect(techHtml).toContain('<dd>Técnico</dd>');
    expect(techHtml).toContain('No tiene otras sesiones abiertas.');
    expect(location(await new TestClient(rt).get('/cuenta'))).toBe('/ingresar?volver=%2Fcuenta');
  });

  it('changes the password: other sessions end, this browser stays signed in', async () => {
    const tech = await createTechnicalUser(rt.deps, customer.id, { email: 'cambia@rojas.cl' });
    const here = await signedIn(customer, tech.email, tech.password);
    const elsewhere = await signedIn(customer, tech.email, tech.password);
    const oldSid = here.cookies.get('sid')!;

    const res = await here.post('/cuenta/clave', { currentPassword: tech.password, newPassword: NEW_PASSWORD, repeatPassword: NEW_PASSWORD });
    expect(res.status).toBe(303);
    expect(location(res)).toBe('/cuenta');
    expect(here.cookies.get('sid')).not.toBe(oldSid);
    const page = await here.get('/cuenta');
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain('Su clave fue cambiada. Se cerraron sus sesiones en otros equipos');
    expect(html).toContain('No tiene otras sesiones abiertas.');
    expect(location(await elsewhere.get('/cuenta'))).toBe('/ingresar?volver=%2Fcuenta');
    expect(await sessionsOf(tech.id)).toHaveLength(1);

    expect(await mailsTo(tech.email, 'password-changed')).toHaveLength(1);
    const audit = await auditFor(tech.id, 'password.changed');
    expect(JSON.parse(audit[0]!.detail!)).toEqual({ firstSignIn: false });
    expect((await new TestClient(rt).signIn(customer.rut, tech.email, tech.password)).status).toBe(401);
    expect(location(await new TestClient(rt).signIn(customer.rut, tech.email, NEW_PASSWORD))).toBe('/ayuda');
  });

  it('refuses a wrong current password or a bad new one with Spanish messages, changing nothing', async () => {
    const tech = await createTechnicalUser(rt.deps, customer.id);
    const here = await signedIn(customer, tech.email, tech.password);
    const elsewhere = await signedIn(customer, tech.email, tech.password);
    const before = await user(tech.email);
    for (const [current, next, repeat, message] of [
      ['clave equivocada total', NEW_PASSWORD, NEW_PASSWORD, 'La clave actual no es correcta.'],
      [tech.password, 'corta', 'corta', 'La nueva clave debe tener al menos 10 caracteres.'],
      [tech.password, NEW_PASSWORD, 'otra distinta larga', 'Las dos claves nuevas no coinciden.'],
      [tech.password, tech.password, tech.password, 'La nueva clave debe ser distinta de la actual.'],
    ] as const) {
      const res = await here.post('/cuenta/clave', { currentPassword: current, newPassword: next, repeatPassword: repeat });
      expect(res.status).toBe(422);
      const html = await res.text();
      expect(html).toContain(message);
      expect(html).toContain('<h1>Mi cuenta</h1>');
    }
    expect(await user(tech.email)).toEqual(before);
    expect((await elsewhere.get('/cuenta')).status).toBe(200);
    expect(await mailsTo(tech.email, 'password-changed')).toHaveLength(0);
  });

  it('"Cerrar las otras sesiones" ends the others and keeps this one', async () => {
    const tech = await createTechnicalUser(rt.deps, customer.id);
    const here = await signedIn(customer, tech.email, tech.password);
    const b = await signedIn(customer, tech.email, tech.password);
    const c = await signedIn(customer, tech.email, tech.password);
    const html = await (await here.get('/cuenta')).text();
    expect(html).toContain('Tiene 2 sesiones abiertas en otros equipos o navegadores.');
    expect(html).toContain('<button type="submit">Cerrar las otras sesiones</button>');

    const res = await here.post('/cuenta/cerrar-otras');
    expect(res.status).toBe(303);
    expect(location(res)).toBe('/cuenta');
    const after = await (await here.get('/cuenta')).text();
    expect(after).toContain('Se cerraron 2 sesiones en otros equipos.');
    expect(after).toContain('No tiene otras sesiones abiertas.');
    expect(after).not.toContain('Cerrar las otras sesiones</button>');
    expect(location(await b.get('/ayuda'))).toBe('/ingresar?volver=%2Fayuda');
    expect(location(await c.get('/ayuda'))).toBe('/ingresar?volver=%2Fayuda');
    expect(await sessionsOf(tech.id)).toHaveLength(1);
    // Other people's sessions are untouched.
    expect((await adminClient.get('/servicios')).status).toBe(200);
    const audit = await db().selectFrom('audit_events').selectAll().where('actor_user_id', '=', tech.id).where('action', '=', 'sessions.revoked-others').execute();
    expect(JSON.parse(audit[0]!.detail!)).toEqual({ closed: 2 });
  });

  it('signs out with POST /salir: the session ends on the server, the cookie goes', async () => {
    const tech = await createTechnicalUser(rt.deps, customer.id);
    const here = await signedIn(customer, tech.email, tech.password);
    const other = await signedIn(customer, tech.email, tech.password);
    const sid = here.cookies.get('sid')!;

    // Without the CSRF field nothing happens.
    expect((await here.post('/salir', { _csrf: 'falso' })).status).toBe(403);
    expect((await here.get('/ayuda')).status).toBe(200);

    const res = await here.post('/salir');
    expect(res.status).toBe(303);
    expect(location(res)).toBe('/ingresar');
    expect(here.cookies.has('sid')).toBe(false);
    expect(await (await here.get('/ingresar')).text()).toContain('Cerró su sesión.');
    expect(location(await here.get('/ayuda'))).toBe('/ingresar?volver=%2Fayuda');
    // The old cookie, replayed, opens nothing: the session is gone on the server.
    expect(location(await withSid(sid).get('/ayuda'))).toBe('/ingresar?volver=%2Fayuda');
    expect(await sessionsOf(tech.id)).toHaveLength(1);
    expect((await other.get('/ayuda')).status).toBe(200);
    const audit = await db().selectFrom('audit_events').select('id').where('actor_user_id', '=', tech.id).where('action', '=', 'sign-out').execute();
    expect(audit).toHaveLength(1);
    // Nothing changes on GET.
    expect((await other.get('/salir')).status).toBe(404);
    expect((await other.get('/ayuda')).status).toBe(200);
  });
});

describe('sessions', () => {
  it('end after 30 idle minutes, enforced on the server', async () => {
    const tech = await createTechnicalUser(rt.deps, customer.id);
    const client = await signedIn(customer, tech.email, tech.password);
    const sid = client.cookies.get('sid')!;
    rt.clock.advance(30 * MINUTE - 1000);
    expect((await client.get('/ayuda')).status).toBe(200);
    rt.clock.advance(30 * MINUTE - 1000); // activity restarted the idle clock
    expect((await client.get('/ayuda')).status).toBe(200);
    rt.clock.advance(30 * MINUTE);
    const res = await client.get('/ayuda');
    expect(location(res)).toBe('/ingresar?volver=%2Fayuda');
    expect(client.cookies.has('sid')).toBe(false);
    expect(await sessionsOf(tech.id)).toHaveLength(0);
    expect(location(await withSid(sid).get('/ayuda'))).toBe('/ingresar?volver=%2Fayuda');
  });

  it('end 12 hours after sign-in however active the user is', async () => {
    const tech = await createTechnicalUser(rt.deps, customer.id);
    const client = await signedIn(customer, tech.email, tech.password);
    for (let elapsed = 20; elapsed < 12 * 60; elapsed += 20) {
      rt.clock.advance(20 * MINUTE);
      expect((await client.get('/ayuda')).status, `${elapsed} min`).toBe(200);
    }
    rt.clock.advance(19 * MINUTE); // 11 h 59 min
    expect((await client.get('/ayuda')).status).toBe(200);
    rt.clock.advance(MINUTE); // 12 h
    expect(location(await client.get('/ayuda'))).toBe('/ingresar?volver=%2Fayuda');
    expect(await sessionsOf(tech.id)).toHaveLength(0);
  });

  it('follow the configured limits', async () => {
    const rt2 = await createTestRuntime({ env: { SESSION_IDLE_MINUTES: '5', SESSION_ABSOLUTE_HOURS: '1' }, withHelp: false });
    try {
      const c = await createCustomerWithAdmin(rt2.deps);
      const client = new TestClient(rt2);
      expect(location(await client.signIn(c.rut, c.admin.email, c.admin.password))).toBe('/servicios');
      rt2.clock.advance(5 * MINUTE - 1000);
      expect((await client.get('/servicios')).status).toBe(200);
      rt2.clock.advance(5 * MINUTE);
      expect(location(await client.get('/servicios'))).toBe('/ingresar?volver=%2Fservicios');

      const active = new TestClient(rt2);
      await active.signIn(c.rut, c.admin.email, c.admin.password);
      for (let i = 0; i < 14; i++) {
        rt2.clock.advance(4 * MINUTE);
        expect((await active.get('/servicios')).status).toBe(200);
      }
      rt2.clock.advance(4 * MINUTE); // 60 minutes
      expect(location(await active.get('/servicios'))).toBe('/ingresar?volver=%2Fservicios');
    } finally {
      await rt2.close();
    }
  });

  it('end on the next request when the customer is disabled', async () => {
    const c = await createCustomerWithAdmin(rt.deps);
    await addContractFor(rt.deps, c.id, 'contabilidad', '2025-01-01');
    const tech = await createTechnicalUser(rt.deps, c.id);
    const admin = await signedIn(c);
    const techClient = await signedIn(c, tech.email, tech.password);
    expect((await admin.get('/servicios')).status).toBe(200);
    expect((await techClient.get('/ayuda')).status).toBe(200);

    await db().updateTable('customers').set({ disabled_at: rt.clock.now().toISOString() }).where('id', '=', c.id).execute();
    expect(location(await admin.get('/servicios'))).toBe('/ingresar?volver=%2Fservicios');
    expect(location(await techClient.get('/ayuda'))).toBe('/ingresar?volver=%2Fayuda');
    expect(await sessionsOf(c.admin.id)).toHaveLength(0);
    expect(await sessionsOf(tech.id)).toHaveLength(0);
    expect((await new TestClient(rt).signIn(c.rut, c.admin.email, c.admin.password)).status).toBe(401);
    // Another customer is not affected.
    expect((await adminClient.get('/servicios')).status).toBe(200);
  });
});
